import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CandleCsvError } from '../functions/src/domain/candleCsv.ts';
import { INDICATOR_WARMUP, computeIndicators } from '../functions/src/domain/indicators/index.ts';
import { parseCandleCsv } from '../functions/src/domain/candleCsv.ts';
import { CandleDataError, OUTPUT_HEADER, detectTimeframe, formatNumber, indicatorsCsv, main } from './indicators.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const lines = (file: string): string[] =>
  gunzipSync(readFileSync(join(ROOT, 'functions/data/candles', `${file}.csv.gz`)))
    .toString('utf8')
    .trimEnd()
    .split('\n');
const BTC_1H = lines('BTC_USDT-1h');
const BTC_1M = lines('BTC_USDT-1m');
const HEADER = BTC_1H[0]!;
/** header + `n` data rows starting at data row `from` */
const csv = (src: string[], from: number, n: number): string => [HEADER, ...src.slice(1 + from, 1 + from + n)].join('\n') + '\n';

const tmp = mkdtempSync(join(tmpdir(), 'indicators-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('indicatorsCsv', () => {
  const input = csv(BTC_1H, 20_000, 600);
  const result = indicatorsCsv(input);
  const out = result.csv.trimEnd().split('\n');

  it('writes the header and exactly one row per input row, in order', () => {
    expect(out[0]).toBe(OUTPUT_HEADER);
    expect(out).toHaveLength(601);
    const inTimes = input
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(out.slice(1).map((l) => l.split(',')[0])).toEqual(inTimes);
    expect(result.timeframe).toBe('1h');
  });

  it('leaves the indicator cells empty during the warm-up and fills them after', () => {
    for (const row of out.slice(1, INDICATOR_WARMUP)) expect(row).toMatch(/^\d+,,,,,,,,unknown$/);
    for (const row of out.slice(INDICATOR_WARMUP)) {
      const cells = row.split(',');
      expect(cells).toHaveLength(9);
      expect(cells.slice(1, 8).every((c) => Number.isFinite(Number(c)) && c !== '')).toBe(true);
      expect(['bull_trend', 'bear_trend', 'sideways_range', 'high_volatility']).toContain(cells[8]);
    }
  });

  it('prints numbers precisely enough to compare to 1e-6 relative', () => {
    const snaps = computeIndicators(parseCandleCsv(input));
    const keys = ['adx', 'pdi', 'mdi', 'atr', 'atrPct', 'ema50', 'ema200'] as const;
    out.slice(INDICATOR_WARMUP).forEach((row, k) => {
      const s = snaps[INDICATOR_WARMUP - 1 + k]!;
      row
        .split(',')
        .slice(1, 8)
        .forEach((cell, j) => {
          const exact = s[keys[j]!]!;
          expect(Math.abs(Number(cell) - exact) / Math.abs(exact)).toBeLessThan(1e-9);
        });
    });
    expect(formatNumber(null)).toBe('');
    expect(formatNumber(28080)).toBe('28080');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
  });

  it('reports gaps as warnings without filling them', () => {
    const around = BTC_1M.findIndex((l) => l.startsWith(String(Date.parse('2023-03-24T12:39:00Z'))));
    const r = indicatorsCsv(csv(BTC_1M, around - 1 - 300, 400));
    expect(r.timeframe).toBe('1m');
    expect(r.csv.trimEnd().split('\n')).toHaveLength(401);
    expect(r.warnings).toEqual(['gap: no candles between 2023-03-24T12:39Z and 2023-03-24T14:00Z (80 missing, not filled)']);
  });

  it('warns when there are fewer rows than the warm-up', () => {
    const r = indicatorsCsv(csv(BTC_1H, 0, 10));
    expect(r.warnings.some((w) => w.includes('only 10 rows'))).toBe(true);
    expect(r.csv.trimEnd().split('\n')).toHaveLength(11);
  });

  it('throws CandleCsvError naming the line for a bad row', () => {
    const bad = csv(BTC_1H, 0, 5).replace(BTC_1H[2]!, BTC_1H[2]!.replace(/,[^,]*$/, ',-1'));
    expect(() => indicatorsCsv(bad)).toThrow(CandleCsvError);
    expect(() => indicatorsCsv(bad)).toThrow(/line 3: volume must be ≥ 0/);
  });
});

describe('detectTimeframe', () => {
  const c = (t: number) => ({ t, o: 1, h: 1, l: 1, c: 1, v: 1 });
  it('takes the most common step, ignoring gaps', () => {
    expect(detectTimeframe([0, 60_000, 120_000, 600_000, 660_000].map(c))).toBe('1m');
    expect(detectTimeframe([0, 4, 8, 9].map((h) => c(h * 3_600_000)))).toBe('4h');
    expect(detectTimeframe([c(0)])).toBeNull();
  });
  it('rejects a step that is no timeframe', () => {
    expect(() => detectTimeframe([0, 120_000, 240_000].map(c))).toThrow(CandleDataError);
  });
});

describe('main', () => {
  const run = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };

  it('exits 2 with usage when the argument is missing or the file does not exist', () => {
    expect(run([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('usage:') });
    expect(run([join(tmp, 'nope.csv')])).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
  });

  it('exits 1 with the line number for a bad row', () => {
    const file = join(tmp, 'bad.csv');
    writeFileSync(file, `${HEADER}\n${BTC_1H[1]}\nnot,a,candle\n`);
    expect(run([file])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('line 3: expected 6 comma-separated fields') });
  });
});

describe('the CLI process', () => {
  const cli = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'scripts/indicators.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('prints one row per input row and exits 0, 1 or 2 as documented', { timeout: 120_000 }, () => {
    const good = join(tmp, 'good.csv');
    writeFileSync(good, csv(BTC_1H, 30_000, 300));
    const ok = cli(good);
    expect(ok.status).toBe(0);
    const rows = ok.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe(OUTPUT_HEADER);
    expect(rows).toHaveLength(301);

    const bad = join(tmp, 'bad-high.csv');
    writeFileSync(
      bad,
      `${HEADER}\n${BTC_1H[1]}\n${BTC_1H[2]!
        .split(',')
        .map((v, i) => (i === 2 ? '1' : v))
        .join(',')}\n`,
    );
    const failed = cli(bad);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('line 3: high 1 is below max(open');
    expect(failed.stdout).toBe('');

    const usage = cli();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage:');
  });
});
