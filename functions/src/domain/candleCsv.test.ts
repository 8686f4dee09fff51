import { describe, expect, it } from 'vitest';
import { CANDLE_CSV_HEADER, CandleCsvError, parseCandleCsv } from './candleCsv.ts';
import { bundledCandles } from './indicators/bundledCandles.testkit.ts';

const H = CANDLE_CSV_HEADER;
const ROW1 = '1679004900000,24899.18,24943.98,24896.29,24934.2,293.13711';
const ROW2 = '1679004960000,24935.6,24946.86,24910.48,24933.42,201.9253';

function errorOf(text: string): CandleCsvError {
  try {
    parseCandleCsv(text);
  } catch (e) {
    if (e instanceof CandleCsvError) return e;
    throw e;
  }
  throw new Error('expected a CandleCsvError');
}

describe('parseCandleCsv', () => {
  it('parses rows into candles, ignoring one trailing newline', () => {
    expect(parseCandleCsv(`${H}\n${ROW1}\n${ROW2}\n`)).toEqual([
      { t: 1679004900000, o: 24899.18, h: 24943.98, l: 24896.29, c: 24934.2, v: 293.13711 },
      { t: 1679004960000, o: 24935.6, h: 24946.86, l: 24910.48, c: 24933.42, v: 201.9253 },
    ]);
    expect(parseCandleCsv(`${H}\n${ROW1}`)).toHaveLength(1);
    expect(parseCandleCsv(`${H}\n`)).toEqual([]);
    expect(parseCandleCsv(H)).toEqual([]);
  });

  it('accepts CRLF line ends, a UTF-8 BOM and exponent notation', () => {
    const out = parseCandleCsv(`\uFEFF${H}\r\n${ROW1}\r\n1679004960000,1e-5,2E-5,0.5e-5,1.5e-5,0\r\n`);
    expect(out[1]).toEqual({ t: 1679004960000, o: 1e-5, h: 2e-5, l: 0.5e-5, c: 1.5e-5, v: 0 });
  });

  it('requires the exact header', () => {
    for (const text of ['', 'timestamp,open,high,low,close,volume\n', `${H},extra\n${ROW1}`, `${ROW1}\n`]) {
      const e = errorOf(text);
      expect(e.line).toBe(1);
      expect(e.message).toMatch(/^candle CSV line 1: expected header/);
    }
  });

  it.each([
    ['too few fields', '1679004960000,1,2,0.5,1', /expected 6 comma-separated fields, got 5/],
    ['too many fields', `${ROW2},7`, /got 7/],
    ['fractional timestamp', '1679004960000.5,1,2,0.5,1,3', /timestamp_ms must be a non-negative integer/],
    ['negative timestamp', '-1,1,2,0.5,1,3', /timestamp_ms must be a non-negative integer/],
    ['empty timestamp', ',1,2,0.5,1,3', /timestamp_ms/],
    ['huge timestamp', '99999999999999999999,1,2,0.5,1,3', /too large/],
    ['text price', '1679004960000,abc,2,0.5,1,3', /open is not a finite decimal number: "abc"/],
    ['empty price', '1679004960000,1,,0.5,1,3', /high is not a finite decimal number: ""/],
    ['Infinity', '1679004960000,1,Infinity,0.5,1,3', /high is not a finite/],
    ['NaN', '1679004960000,1,2,NaN,1,3', /low is not a finite/],
    ['hex', '1679004960000,1,2,0.5,0x1,3', /close is not a finite/],
    ['padded number', '1679004960000,1,2,0.5,1, 3', /volume is not a finite/],
    ['bare exponent', '1679004960000,1,2,0.5,1e,3', /close is not a finite/],
    ['zero price', '1679004960000,0,2,0,1,3', /open must be > 0/],
    ['high below close', '1679004960000,1,1.5,0.5,2,3', /high 1.5 is below max\(open 1, close 2\)/],
    ['low above open', '1679004960000,1,2,1.2,1.5,3', /low 1.2 is above min\(open 1, close 1.5\)/],
    ['negative volume', '1679004960000,1,2,0.5,1,-3', /volume must be ≥ 0/],
    ['duplicate timestamp', '1679004900000,1,2,0.5,1,3', /not after the previous row's 1679004900000/],
    ['older timestamp', '1679004840000,1,2,0.5,1,3', /strictly ascending/],
  ])('rejects a row with %s, naming line 3', (_name, row, message) => {
    const e = errorOf(`${H}\n${ROW1}\n${row}\n${ROW2}\n`);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CandleCsvError');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^candle CSV line 3: /);
    expect(e.message).toMatch(message);
  });

  it('rejects an empty line that is not the last one', () => {
    expect(errorOf(`${H}\n${ROW1}\n\n${ROW2}\n`).line).toBe(3);
    expect(errorOf(`${H}\n${ROW1}\n\n`).line).toBe(3);
  });

  // Its speed is a number for `npm run bench` (bench backtest reads these files), not a timed test.
  it('parses a bundled 66k-row file, every open time after the one before', () => {
    const candles = bundledCandles('BTC_USDT-1m');
    expect(candles).toHaveLength(66_087);
    let ordered = 0;
    for (let i = 1; i < candles.length; i++) if (candles[i]!.t > candles[i - 1]!.t) ordered++;
    expect(ordered).toBe(candles.length - 1);
  }, 30_000);
});
