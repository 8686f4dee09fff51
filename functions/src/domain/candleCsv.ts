import type { Candle } from './candle.ts';

/**
 * Candle CSV as bundled in functions/data/candles and written by the backfill script:
 * header `timestamp_ms,open,high,low,close,volume`, timestamp = candle OPEN time in Unix ms (UTC).
 */
export const CANDLE_CSV_HEADER = 'timestamp_ms,open,high,low,close,volume';

/** A malformed CSV row. `line` is 1-based (the header is line 1), so it matches an editor's line number. */
export class CandleCsvError extends Error {
  override readonly name = 'CandleCsvError';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`candle CSV line ${line}: ${problem}`);
  }
}

const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_E = 101;
const CH_UPPER_E = 69;

function isDigit(code: number): boolean {
  return code >= CH_0 && code <= CH_9;
}

/**
 * Plain decimal syntax: `-12`, `0.5`, `.5`, `1e-7`. `Number()` alone would also accept '', ' 1',
 * '0x1A' and 'Infinity', which in a price column are corrupt data, not numbers.
 * A hand-written scan instead of a regex because it runs 6× per row on 66k-row files.
 */
function isDecimal(s: string): boolean {
  let i = 0;
  const n = s.length;
  if (i < n && (s.charCodeAt(i) === CH_MINUS || s.charCodeAt(i) === CH_PLUS)) i++;
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) === CH_DOT) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) === CH_E || s.charCodeAt(i) === CH_UPPER_E)) {
    i++;
    if (i < n && (s.charCodeAt(i) === CH_MINUS || s.charCodeAt(i) === CH_PLUS)) i++;
    let expDigits = 0;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits === 0) return false;
  }
  return i === n;
}

function isUnsignedInteger(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

const FIELDS = ['timestamp_ms', 'open', 'high', 'low', 'close', 'volume'] as const;

/** A field as quoted in an error: bounded, so a hostile 1 MB field cannot make a 1 MB message. */
const quote = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

function parseRow(text: string, line: number): Candle {
  const f = text.split(',');
  if (f.length !== 6) throw new CandleCsvError(line, `expected 6 comma-separated fields, got ${f.length}`);
  const ts = f[0]!;
  if (!isUnsignedInteger(ts))
    throw new CandleCsvError(line, `timestamp_ms must be a non-negative integer of milliseconds, got ${quote(ts)}`);
  const t = Number(ts);
  if (!Number.isSafeInteger(t)) throw new CandleCsvError(line, `timestamp_ms ${quote(ts)} is too large`);
  const v: number[] = [];
  for (let k = 1; k < 6; k++) {
    const s = f[k]!;
    const x = isDecimal(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) throw new CandleCsvError(line, `${FIELDS[k]} is not a finite decimal number: ${quote(s)}`);
    // Zero or negative prices only come from corrupt data, and ATR% divides by the close.
    if (k < 5 && x <= 0) throw new CandleCsvError(line, `${FIELDS[k]} must be > 0, got ${quote(s)}`);
    v.push(x);
  }
  const [o, h, l, c, vol] = v as [number, number, number, number, number];
  if (h < Math.max(o, c)) throw new CandleCsvError(line, `high ${h} is below max(open ${o}, close ${c})`);
  if (l > Math.min(o, c)) throw new CandleCsvError(line, `low ${l} is above min(open ${o}, close ${c})`);
  if (vol < 0) throw new CandleCsvError(line, `volume must be ≥ 0, got ${vol}`);
  return { t, o, h, l, c, v: vol };
}

/**
 * Strict parser: any malformed row throws CandleCsvError naming the line, because silently skipping
 * a row would look to the indicators like a market gap. Accepts CRLF line ends, a UTF-8 BOM and
 * one trailing empty line; nothing else is forgiven.
 */
export function parseCandleCsv(text: string): Candle[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const header = stripCr(lines[0] ?? '');
  if (header !== CANDLE_CSV_HEADER) {
    throw new CandleCsvError(1, `expected header "${CANDLE_CSV_HEADER}", got ${JSON.stringify(header.slice(0, 80))}`);
  }
  const out: Candle[] = new Array<Candle>(lines.length - 1);
  let prevT = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const row = stripCr(lines[i]!);
    const line = i + 1;
    if (row === '') throw new CandleCsvError(line, 'empty line (only one trailing newline is allowed)');
    const candle = parseRow(row, line);
    if (candle.t <= prevT) {
      throw new CandleCsvError(line, `timestamp ${candle.t} is not after the previous row's ${prevT} (rows must be strictly ascending)`);
    }
    prevT = candle.t;
    out[i - 1] = candle;
  }
  return out;
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}
