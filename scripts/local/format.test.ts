import { describe, expect, it } from 'vitest';
import { formatFunctionLog } from './format.ts';

describe('npm start console lines', () => {
  it('a fill shows side, reason, qty, price, fee and, for a sell, realized PnL', () => {
    const line = JSON.stringify({
      severity: 'INFO',
      message: 'order filled',
      symbol: 'ETH/USDT',
      signalId: 'x',
      side: 'sell',
      reason: 'stop_loss',
      qty: '0.50000000',
      price: '1777.84000000',
      fee: '0.88892000',
      realizedPnl: '-12.34000000',
    });
    expect(formatFunctionLog('executeOrder', line)).toBe(
      '  order filled ETH/USDT sell stop_loss qty 0.50000000 @ 1777.84000000 fee 0.88892000 pnl -12.34000000',
    );
    const buy = JSON.stringify({
      message: 'order filled',
      symbol: 'BTC/USDT',
      side: 'buy',
      reason: 'regime_entry',
      qty: '0.01000000',
      price: '27950.12000000',
      fee: '0.27950120',
      realizedPnl: '0.00000000',
    });
    expect(formatFunctionLog('executeOrder', buy)).toBe(
      '  order filled BTC/USDT buy regime_entry qty 0.01000000 @ 27950.12000000 fee 0.27950120',
    );
  });

  it('a rejection shows side and why', () => {
    const line = JSON.stringify({
      severity: 'WARNING',
      message: 'order rejected',
      symbol: 'BTC/USDT',
      side: 'buy',
      reason: 'mode PAUSED allows no entries',
    });
    expect(formatFunctionLog('executeOrder', line)).toBe('  order rejected BTC/USDT buy: mode PAUSED allows no entries');
  });

  it('an error says why: the reason or the error, after the message and the symbol', () => {
    const dead = JSON.stringify({ severity: 'ERROR', message: 'message dead-lettered', messageId: '7', reason: 'stale entry: 3h old' });
    expect(formatFunctionLog('executeOrder', dead)).toBe('[executeOrder] ERROR message dead-lettered: stale entry: 3h old');
    const failed = JSON.stringify({ severity: 'CRITICAL', message: 'publish failed', symbol: 'BTC/USDT', error: 'UNAVAILABLE' });
    expect(formatFunctionLog('tick', failed)).toBe('[tick] CRITICAL publish failed BTC/USDT: UNAVAILABLE');
    expect(formatFunctionLog('tick', JSON.stringify({ severity: 'ERROR', message: 'boom' }))).toBe('[tick] ERROR boom');
  });
});
