import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';
import { toAmount } from '../domain/money.ts';

describe('createLogger', () => {
  it('writes one JSON line with severity, context and amounts as decimals', () => {
    const lines: string[] = [];
    const log = createLogger('info', { service: 'eagle-eye' }, (l) => lines.push(l)).child({ tickId: 't1' });
    log.log('INFO', 'order filled', { symbol: 'BTC/USDT', qty: toAmount('0.09291'), price: toAmount('26905.355955') });
    log.log('DEBUG', 'hidden at info level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      severity: 'INFO',
      message: 'order filled',
      service: 'eagle-eye',
      tickId: 't1',
      qty: '0.09291000',
      price: '26905.35595500',
    });
  });
});
