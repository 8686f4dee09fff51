import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadBundledCandles, loadBundledSeries } from '../functions/src/adapters/replay/ReplayMarketData.ts';
import { main } from './backtest.ts';
import { at } from './backtest/reportTables.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

// real backtests over the bundled candles: seconds each, longer on a loaded machine
describe('npm run backtest', { timeout: 30_000 }, () => {
  it('writes summary.json, trades.csv and report.html; the report embeds exactly the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const { io: o, out } = io();
    const code = await main(
      [
        '--symbols',
        'BTC/USDT',
        '--timeframe',
        '5m',
        '--from',
        '2023-03-20',
        '--to',
        '2023-03-27',
        '--monte-carlo',
        '200',
        '--out',
        dir,
        '--no-progress',
      ],
      o,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      from: '2023-03-20T00:05:00.000Z',
      fills: expect.any(Number),
      benchmark: { totalReturnPct: expect.any(Number) },
    });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const embedded = JSON.parse(/<script type="application\/json" id="summary">(.*?)<\/script>/s.exec(html)![1]!);
    expect(embedded).toEqual(summary);
    expect(html).not.toMatch(/<script[^>]+src=/); // self-contained: no external script
    const csv = readFileSync(join(dir, 'trades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,time,symbol,side,reason,qty,price,fee,realized_pnl');
    expect(csv.length - 1).toBe(summary.fills);
    expect(out.join('\n')).toMatch(/Total return\s+[+−]?[\d,.]+ %\s+[+−]?[\d,.]+ %/);
    expect(summary.monteCarlo.paths).toBe(200);
  });

  it('takes --data files named <BASE>_<QUOTE>-<tf>.csv.gz, and names the file and line of a bad row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const rows = loadBundledCandles('ETH/USDT', '1m')
      .slice(0, 400)
      .map((c) => [c.t, c.o, c.h, c.l, c.c, c.v].join(','));
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
    const code = await main(
      [
        '--symbols',
        'BTC/USDT',
        '--timeframe',
        '5m',
        '--from',
        '2023-03-20',
        '--to',
        '2023-04-03',
        '--walk-forward',
        '4:3',
        '--grid',
        grid,
        '--out',
        dir,
        '--no-progress',
      ],
      io().io,
    );
    expect(code).toBe(0);
    const wf = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).walkForward;
    expect(wf.windows.length).toBeGreaterThanOrEqual(3);
    for (const w of wf.windows) expect([2, 4]).toContain(w.chosen['risk.stopAtrMult']);
    expect(wf.stitched.length).toBeGreaterThan(0);
    expect(wf.stitched[0][0]).toBeGreaterThan(Date.parse(wf.windows[0].outOfSample.from)); // nothing before the first split
  });

  it('refuses unknown flags, bad values and badly named files with exit 2 naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const params = (doc: unknown) => {
      const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(doc));
      return file;
    };
    for (const [args, pattern] of [
      [['--bogus'], /unknown option '--bogus'/],
      [['--timeframe', '2m'], /--timeframe/],
      [['--fee-bps', '-3'], /--fee-bps/],
      [['--fee-bps', '0.001'], /--fee-bps takes at most 2 decimals/],
      [['--fee-bps', 'NaN'], /--fee-bps/],
      [['--slippage-bps', '2000'], /--slippage-bps must be a number from 0 to 1000/],
      [['--slippage-bps', ''], /--slippage-bps/],
      [['--initial', '0'], /--initial must be a positive decimal/],
      [['--initial', '0.00'], /--initial must be a positive decimal/],
      [['--initial', '-100'], /--initial/],
      [['--initial', '1e9'], /--initial/],
      [['--monte-carlo', '0'], /--monte-carlo/],
      [['--monte-carlo', '2.5'], /--monte-carlo must be a whole number/],
      [['--warmup', '100'], /--warmup must be 0 \(none\) or from 250/],
      [['--walk-forward', '0:7', '--grid', 'g.json'], /--walk-forward must be TRAIN_DAYS:TEST_DAYS/],
      [['--walk-forward', '14:7'], /--walk-forward and --grid go together/],
      [['--from', '2023-13-45'], /--from must be an ISO date/],
      [['--from', '2023-04-01', '--to', '2023-03-01'], /--to \(2023-03-01\) must be after --from/],
      [['--params', params({ paper: { initialCash: '0' } })], /^--params [^]*initialCash: must be greater than 0/],
      [['--params', params({ paper: { feeBps: -1 } })], /^--params [^]*feeBps/],
      [['--params', params({ risk: { stopAtrMult: -2 } })], /^--params [^]*stopAtrMult/],
      [['--params', params({ paper: { initialCash: '10000', bogus: 1 } })], /^--params [^]*bogus/],
      [['--strategy', 'nope'], /^--strategy nope: /],
      [['--data', '/tmp/prices.csv'], /--data: prices\.csv is not named/],
    ] as const) {
      const e = io();
      expect(await main([...args], e.io), String(args)).toBe(2);
      expect(e.err.join('\n')).toMatch(pattern);
    }
  });

  it("every number in the report's tables is the one in summary.json; --json prints that object", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const grid = join(dir, 'grid.json');
    writeFileSync(grid, JSON.stringify({ 'risk.stopAtrMult': [2, 4] }));
    const { io: o, out } = io();
    const code = await main(
      [
        '--symbols',
        'BTC/USDT,ETH/USDT',
        '--timeframe',
        '5m',
        '--from',
        '2023-03-20',
        '--to',
        '2023-04-03',
        '--guard',
        'none',
        '--monte-carlo',
        '100',
        '--walk-forward',
        '5:3',
        '--grid',
        grid,
        '--out',
        dir,
        '--no-progress',
        '--json',
      ],
      o,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(JSON.parse(out.join('\n'))).toEqual(summary);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const tables = html.slice(html.indexOf('<div id="tables">'), html.indexOf('<div id="symbols">'));
    const cells = [...tables.matchAll(/<td data-path="([^"]+)" data-kind="(\w+)"[^>]*>([^<]*)<\/td>/g)].map(([, path, kind, text]) => ({
      path: path!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
      kind: kind!,
      text: text!.replace(/&amp;/g, '&'),
    }));
    // every section is there and sourced
    for (const p of [
      'totalReturnPct',
      'benchmark/cagrPct',
      'benchmark/sharpe',
      'benchmark/sortino',
      'benchmark/calmar',
      'benchmark/maxDrawdownPct',
      'monthly/0/returnPct',
      'perExitReason',
      'perSymbol/BTC~1USDT/realizedPnl',
      'tradeList/0/durationMs',
      'tradeList/0/pnlPct',
      'walkForward/windows/0/outOfSampleResult/totalReturnPct',
      'monteCarlo/finalEquity/p50',
    ]) {
      expect(
        cells.some((c) => c.path.startsWith(p)),
        p,
      ).toBe(true);
    }
    expect(cells.length).toBeGreaterThan(40 + 5 * summary.tradeList.length);
    // a number cell shows no number the summary does not hold: only sourced cells carry digits
    const texts = [...tables.matchAll(/<td class="t">([^<]*)<\/td>/g)].map(([, t]) => t!);
    expect(tables.match(/<td[ >]/g)!.length).toBe(cells.length + texts.length); // every cell is one or the other
    const unsourced = texts.filter(
      (t) =>
        /\d/.test(t) &&
        !/^\d+$/.test(t) &&
        !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(t) &&
        !/stopAtrMult = \d/.test(t) &&
        !/^\d+th percentile$/.test(t),
    );
    expect(unsourced).toEqual([]);
    const number = (t: string) => Number(t.replace(/−/g, '-').replace(/[+,%\s]/g, ''));
    for (const { path, kind, text } of cells) {
      const v = at(summary, path);
      expect(v, path).not.toBeUndefined();
      if (v === null) {
        expect(text, path).toBe('—');
        continue;
      }
      if (kind === 'label') expect(text, path).toBe(v);
      else if (kind === 'time') expect(text, path).toBe(`${String(v).slice(0, 10)} ${String(v).slice(11, 16)}`);
      else if (kind === 'duration') {
        const [, d, h, m] = /^(?:(\d+) d )?(?:(\d+) h ?)?(?:(\d+) min)?$/.exec(text) ?? [];
        expect(Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0), path).toBe(
          Math.round(Number(v) / 60_000) - (d ? Math.round(Number(v) / 60_000) % 60 : 0),
        );
      } else {
        const digits = kind === 'count' ? 0 : 2;
        expect(Math.abs(number(text) - Number(v)), `${path}: "${text}" against ${String(v)}`).toBeLessThanOrEqual(
          0.5 * 10 ** -digits + 1e-9,
        );
      }
    }
  });

  it('warms up on the candles before --from: a fresh series trades on the first candle after it; too little data names what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const from = Date.parse('2023-03-20T00:00:00Z');
    const run = async (extra: string[], out: string) => {
      expect(
        await main(
          [
            '--symbols',
            'BTC/USDT',
            '--timeframe',
            '5m',
            '--from',
            '2023-03-20',
            '--to',
            '2023-03-23',
            '--strategy',
            'buy_and_hold',
            '--guard',
            'none',
            '--out',
            out,
            '--no-progress',
            ...extra,
          ],
          io().io,
        ),
      ).toBe(0);
      const firstBuy = readFileSync(join(out, 'trades.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .find((r) => r[3] === 'buy')!;
      return { summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), firstBuy: Date.parse(firstBuy[1]!) };
    };
    // buy_and_hold enters on the first candle whose indicators are warm: with the warm-up, the candle at --from (filled at its close)
    const warm = await run([], join(dir, 'warm'));
    expect(warm.firstBuy).toBe(from + 5 * 60_000);
    expect(warm.summary.warmupFrom).toBe(new Date(from - 600 * 5 * 60_000).toISOString());
    expect(warm.summary.from).toBe(new Date(from + 5 * 60_000).toISOString());
    // cold (--warmup 0): the indicators need their 250 candles after --from first
    const cold = await run(['--warmup', '0'], join(dir, 'cold'));
    expect(cold.summary.warmupFrom).toBeNull();
    expect(cold.firstBuy).toBe(from + 250 * 5 * 60_000);
    // the bundled 1m data starts 2023-03-16 22:15: before 2023-03-17 it holds too few 5m candles for 600
    const before = loadBundledSeries('BTC/USDT', '5m').filter((c) => c.t < Date.parse('2023-03-17T00:00:00Z')).length;
    const e = io();
    expect(await main(['--symbols', 'BTC/USDT', '--timeframe', '5m', '--from', '2023-03-17', '--out', join(dir, 'x')], e.io)).toBe(2);
    expect(e.err.join('\n')).toContain(
      `holds ${before} candles before 2023-03-17T00:00:00.000Z; the indicators' warm-up needs 600: ${600 - before} missing`,
    );
    // a symbol listed after --from (bundled XRP 1h starts 2018-05-04) starts cold, and the console says so
    const late = io();
    expect(
      await main(
        [
          '--symbols',
          'BTC/USDT,XRP/USDT',
          '--timeframe',
          '1h',
          '--from',
          '2018-05-01',
          '--to',
          '2018-05-10',
          '--guard',
          'none',
          '--out',
          join(dir, 'late'),
          '--no-progress',
        ],
        late.io,
      ),
    ).toBe(0);
    expect(late.out.join('\n')).toContain('XRP/USDT: its data starts after --from, so its indicators start cold');
    expect(JSON.parse(readFileSync(join(dir, 'late', 'summary.json'), 'utf8')).warmupFrom).toBe(
      new Date(Date.parse('2018-05-01T00:00:00Z') - 600 * 3_600_000).toISOString(),
    );
  });
});
