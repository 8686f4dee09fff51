import { describe, expect, it } from 'vitest';
import { formatResult } from './format.ts';

/** `eagle reconcile`'s answer as the admin function sends it (amounts as 8-decimal strings). */
const row = (asset: string, ledger: string, exchange: string, delta: string, status: string) => ({
  asset,
  symbol: null,
  ledger,
  free: exchange,
  locked: '0.00000000',
  exchange,
  delta,
  status,
});
const drift = {
  clean: false,
  quote: 'USDT',
  deferred: [],
  rows: [
    row('USDT', '7297.30000000', '9990.00000000', '2692.70000000', 'drift'),
    row('BTC', '0.10000000', '0.00000000', '-0.10000000', 'drift'),
  ],
  differences: [
    {
      kind: 'balance',
      asset: 'BTC',
      cause: 'manual_sell',
      explanation:
        'BTC: the exchange holds 0.00000000, the ledger 0.10000000 (-0.10000000); USDT rose meanwhile: likely sold outside the bot',
    },
  ],
};
const clean = {
  ...drift,
  clean: true,
  differences: [],
  rows: drift.rows.map((r) => ({ ...r, ledger: r.exchange, delta: '0.00000000', status: 'ok' })),
};

describe('eagle reconcile output', () => {
  it('the table and each difference; exit 1 with the way to book it', () => {
    const out = formatResult('reconcile', { report: drift, booked: null, after: null, mode: 'REDUCING' });
    expect(out.code).toBe(1);
    expect(out.lines[0]).toBe('exchange vs ledger: 1 difference(s)');
    expect(out.lines.join('\n')).toMatch(/BTC +0\.10000000 +0\.00000000 \(0\.00000000 \+ 0\.00000000\) +-0\.10000000 {2}drift/);
    expect(out.lines).toContain(
      '  manual_sell: BTC: the exchange holds 0.00000000, the ledger 0.10000000 (-0.10000000); USDT rose meanwhile: likely sold outside the bot',
    );
    expect(out.lines.at(-1)).toBe('mode REDUCING');
  });

  it('after --confirm: what was booked, the comparison after, exit 0 when clean', () => {
    const booked = [{ seq: 2, symbol: 'USDT', qtyDelta: '0.00000000', cashDelta: '2692.70000000', adjustment: { cause: 'manual_sell' } }];
    const out = formatResult('reconcile', { report: drift, booked, after: clean, mode: 'NORMAL' });
    expect(out.code).toBe(0);
    expect(out.lines).toContain('  #2 USDT qty 0.00000000 cash 2692.70000000 (manual_sell)');
    expect(out.lines).toContain('after booking: clean');
  });
});
