import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadBundledCandles } from '../functions/src/adapters/replay/ReplayMarketData.ts';
import { main } from './backtest.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('npm run backtest', () => {
  it('writes summary.json, trades.csv and report.html; the report embeds exactly the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const { io: o, out } = io();
    const code = await main(['--symbols', 'BTC/USDT', '--timeframe', '5m', '--from', '2023-03-20', '--to', '2023-03-27', '--monte-carlo', '200', '--out', dir, '--no-progress'], o);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ from: '2023-03-20T00:05:00.000Z', fills: expect.any(Number), benchmark: { totalReturnPct: expect.any(Number) } });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const embedded = JSON.parse(/<script type="application\/json" id="summary">(.*?)<\/script>/s.exec(html)![1]!);
    expect(embedded).toEqual(summary);
    expect(html).not.toMatch(/<script[^>]+src=/); // self-contained: no external script
    const csv = readFileSync(join(dir, 'trades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,time,symbol,side,reason,qty,price,fee,realized_pnl');
    expect(csv.length - 1).toBe(summary.fills);
    expect(out.join('\n')).toMatch(/total return %\s+-?\d/);
    expect(summary.monteCarlo.paths).toBe(200);
  });

  it('takes --data files named <BASE>_<QUOTE>-<tf>.csv.gz, and names the file and line of a bad row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const rows = loadBundledCandles('ETH/USDT', '1m').slice(0, 400).map((c) => [c.t, c.o, c.h, c.l, c.c, c.v].join(','));
    const good = join(dir, 'ETH_USDT-1m-sample.csv.gz');
    writeFileSync(good, gzipSync(['timestamp_ms,open,high,low,close,volume', ...rows].join('\n')));
    expect(await main(['--data', good, '--out', join(dir, 'o'), '--no-progress'], io().io)).toBe(0);
    const bad = join(dir, 'ETH_USDT-1m.csv');
    writeFileSync(bad, ['timestamp_ms,open,high,low,close,volume', rows[0], rows[1]!.replace(/,[^,]+$/, ',lots')].join('\n'));
    const e = io();
    expect(await main(['--data', bad, '--out', join(dir, 'o2')], e.io)).toBe(1);
    expect(e.err.join('\n')).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}: .*line 3`));
  });

  it('walks forward over a grid: every window names its choice; out of sample is stitched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const grid = join(dir, 'grid.json');
    writeFileSync(grid, JSON.stringify({ 'risk.stopAtrMult': [2, 4] }));
    const code = await main(['--symbols', 'BTC/USDT', '--timeframe', '5m', '--from', '2023-03-20', '--to', '2023-04-03', '--walk-forward', '4:3', '--grid', grid, '--out', dir, '--no-progress'], io().io);
    expect(code).toBe(0);
    const wf = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).walkForward;
    expect(wf.windows.length).toBeGreaterThanOrEqual(3);
    for (const w of wf.windows) expect([2, 4]).toContain(w.chosen['risk.stopAtrMult']);
    expect(wf.stitched.length).toBeGreaterThan(0);
    expect(wf.stitched[0][0]).toBeGreaterThan(Date.parse(wf.windows[0].outOfSample.from)); // nothing before the first split
  });

  it('refuses unknown flags, bad values and badly named files with exit 2 naming the flag', async () => {
    for (const [args, pattern] of [
      [['--bogus'], /unknown option '--bogus'/],
      [['--timeframe', '2m'], /--timeframe/],
      [['--fee-bps', '-3'], /--fee-bps/],
      [['--walk-forward', '14:7'], /--walk-forward and --grid go together/],
      [['--data', '/tmp/prices.csv'], /--data: prices\.csv is not named/],
    ] as const) {
      const e = io();
      expect(await main([...args], e.io), String(args)).toBe(2);
      expect(e.err.join('\n')).toMatch(pattern);
    }
  });
});
