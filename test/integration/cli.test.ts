import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main as backfill } from '../../scripts/backfill.ts';
import { main as checkGaps } from '../../scripts/check-gaps.ts';
import { main as audit } from '../../scripts/audit.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { createFirestore } from '../../functions/src/adapters/firestore/client.ts';
import { emulatorEnv, resetFirestore } from './harness.ts';
import type { Io } from '../../scripts/lib/cli.ts';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('operator CLIs against the emulator', () => {
  const e = emulatorEnv();
  const env = parseEnv({ PROJECT_ID: e.projectId, FIRESTORE_EMULATOR_HOST: e.firestoreHost, SYMBOLS: 'ETH/USDT,BTC/USDT' });
  const db = createFirestore(e.projectId);
  afterAll(() => db.terminate());
  beforeEach(resetFirestore);

  it('backfill stores a day idempotently; check-gaps finds the real 2023-03-24 outage and exits 1', async () => {
    const io = capture();
    expect(await backfill(['--symbol', 'ETH/USDT', '--timeframe', '1m', '--since', '2023-03-23', '--until', '2023-03-25'], io, env)).toBe(0);
    expect(io.lines.at(-1)).toMatch(/^backfill ETH\/USDT 1m: \d+ candles .* in 2 documents; 1 gaps/);
    const before = (await db.doc('candles/ETH-USDT_1m/days/20230324').get()).data();
    expect(await backfill(['--symbol', 'ETH/USDT', '--timeframe', '1m', '--since', '2023-03-24', '--until', '2023-03-25'], capture(), env)).toBe(0);
    expect((await db.doc('candles/ETH-USDT_1m/days/20230324').get()).data()).toEqual(before);

    const gaps = capture();
    expect(await checkGaps(['--timeframe', '1m', '--days', '3'], gaps, env)).toBe(1);
    expect(gaps.lines.join('\n')).toMatch(/ETH\/USDT 1m: .* 1 gaps \(80 missing\)/);
    expect(gaps.lines.join('\n')).toMatch(/BTC\/USDT 1m: no stored candles/);
  });

  it('check-gaps exits 0 on a gap-free history', async () => {
    expect(await backfill(['--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', '2023-03-20', '--until', '2023-03-21'], capture(), env)).toBe(0);
    const io = capture();
    expect(await checkGaps(['--timeframe', 'all', '--days', '2'], io, env)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/BTC\/USDT 1m: 1440 candles .* 0 gaps/);
  });

  it('usage errors exit 2 naming the flag', async () => {
    const io = capture();
    expect(await backfill(['--symbol', 'BTCUSDT', '--timeframe', '1m', '--since', '2023-03-20'], io, env)).toBe(2);
    expect(io.errors[0]).toMatch(/--symbol/);
    const io2 = capture();
    expect(await checkGaps(['--timeframe', '7m'], io2, env)).toBe(2);
    expect(io2.errors[0]).toMatch(/--timeframe/);
  });

  it('audit is clean on an empty book and reports drift with exit 1', async () => {
    const ok = capture();
    expect(await audit([], ok, env)).toBe(0);
    expect(ok.lines).toEqual(['audit: clean (0 trades, 0 open positions)']);
    // Money appears from nowhere: the wallet no longer matches its (empty) ledger.
    await db.doc('wallet/paper').set({
      initialCash: '10000.00000000', cash: '10500.00000000', realizedPnl: '0.00000000', feesPaid: '0.00000000',
      equity: '10500.00000000', peakEquity: '10500.00000000', day: '20230320', dayStartEquity: '10000.00000000',
    });
    const drift = capture();
    expect(await audit([], drift, env)).toBe(1);
    expect(drift.lines.join('\n')).toMatch(/cash/i);
  });
});
