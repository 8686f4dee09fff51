/**
 * Display formatting. Amounts arrive as fixed 8-decimal strings ("10000.00000000") and are
 * formatted as text or with exact bigint arithmetic — never through floats. Indicator values are
 * plain numbers. Every formatter returns DASH for missing or malformed input instead of throwing.
 */

export const DASH = '—';

/** Empty-list text when the listener is serving from cache: "none" would be a claim we cannot make. */
export const OFFLINE_EMPTY = 'Offline: nothing in the local cache.';

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;
const SCALE = 8;

/** Amount string → integer count of 1e-8 units, or null when it is not a plain decimal. */
export function toUnits(s: string | null | undefined): bigint | null {
  if (typeof s !== 'string') return null;
  const m = DECIMAL_RE.exec(s.trim());
  if (!m) return null;
  const [, sign, int = '0', frac = ''] = m;
  // Extra digits beyond 8 decimals are dropped: display only.
  const units = BigInt(int + frac.padEnd(SCALE, '0').slice(0, SCALE));
  return sign === '-' ? -units : units;
}

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Units → text with exactly `dp` decimals, rounded half away from zero, thousands grouped. */
export function unitsToText(units: bigint, dp: number, signed = false): string {
  const neg = units < 0n;
  let abs = neg ? -units : units;
  const drop = 10n ** BigInt(SCALE - dp);
  abs = (abs + drop / 2n) / drop; // round half up on the magnitude
  const base = 10n ** BigInt(dp);
  const int = groupThousands((abs / base).toString());
  const frac = dp > 0 ? '.' + (abs % base).toString().padStart(dp, '0') : '';
  const isZero = abs === 0n;
  const sign = neg && !isZero ? '−' : signed && !isZero ? '+' : '';
  return `${sign}${int}${frac}`;
}

/** "10000.00000000" → "10,000.00". `signed` adds a leading + to positive values. */
export function fmtAmount(s: string | null | undefined, dp = 2, signed = false): string {
  const u = toUnits(s);
  return u === null ? DASH : unitsToText(u, dp, signed);
}

/** Prices and quantities: keep significant decimals (2..8), drop trailing zeros. */
export function fmtDecimal(s: string | null | undefined, minDp = 2): string {
  const u = toUnits(s);
  if (u === null) return DASH;
  const full = unitsToText(u, SCALE);
  const [int, frac = ''] = full.split('.');
  let f = frac.replace(/0+$/, '');
  if (f.length < minDp) f = f.padEnd(minDp, '0');
  return f ? `${int}.${f}` : (int ?? DASH);
}

/** −1, 0 or 1 for an amount string; 0 when malformed. */
export function amountSign(s: string | null | undefined): -1 | 0 | 1 {
  const u = toUnits(s);
  if (u === null || u === 0n) return 0;
  return u < 0n ? -1 : 1;
}

/** CSS class for a signed value. */
export function signClass(sign: number): string {
  return sign > 0 ? 'pos' : sign < 0 ? 'neg' : '';
}

export function fmtNum(n: number | null | undefined, dp = 2): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return DASH;
  return n.toLocaleString('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp });
}

export function fmtPct(n: number | null | undefined, dp = 2): string {
  const s = fmtNum(n, dp);
  return s === DASH ? DASH : `${s}%`;
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

let marketNow: () => number = () => Date.now();

/** What "today" means for data timestamps: market time, which a replay moves to another year. */
export function setMarketNow(fn: () => number): void {
  marketNow = fn;
}

/** Epoch ms → "HH:MM:SS" (UTC) when it is today in market time, else "YYYY-MM-DD HH:MM:SS". */
export function fmtTime(ms: number | null | undefined, today: number = marketNow()): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return DASH;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return DASH;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const sameDay = new Date(today).toISOString().slice(0, 10) === d.toISOString().slice(0, 10);
  return sameDay ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

/** Decimals to show for a market's prices, learned from its candles (exchange tick size); magnitude rule until then. */
const priceDecimals = new Map<string, number>();

export function learnPriceDecimals(symbol: string, prices: readonly number[]): void {
  let dp = 0;
  for (const p of prices.slice(-200)) {
    const frac = String(p).split('.')[1] ?? '';
    if (!/e/i.test(String(p))) dp = Math.max(dp, frac.length);
  }
  if (prices.length > 0) priceDecimals.set(symbol.replace('/', '-'), Math.min(8, dp));
}

export function priceDp(symbol: string | null | undefined, value: number | null): number {
  const learned = symbol ? priceDecimals.get(symbol.replace('/', '-')) : undefined;
  if (learned !== undefined) return learned;
  const a = Math.abs(value ?? 0);
  return a >= 100 ? 2 : a >= 1 ? 4 : 6;
}

/** A price (number) at its market's precision. */
export function fmtMarketPrice(symbol: string | null | undefined, n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return DASH;
  return fmtNum(n, priceDp(symbol, n));
}

/** A price amount string at its market's precision (exact: rounded in bigint units). */
export function fmtMarketAmount(symbol: string | null | undefined, s: string | null | undefined): string {
  return fmtAmount(s, priceDp(symbol, num(s)));
}

function num(s: string | null | undefined): number | null {
  const n = Number(s);
  return s != null && Number.isFinite(n) ? n : null;
}

export function isoTime(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Duration in ms → "42s", "3m 12s", "2h 05m", "3d 4h". */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Epoch ms → "12s ago" relative to `now`; a timestamp in the future (clock skew) reads "just now". */
export function fmtAge(ms: number | null | undefined, now: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return DASH;
  const d = now - ms;
  if (d < 1000) return 'just now';
  return `${fmtDuration(d)} ago`;
}

/** "bull_trend" → "bull trend". */
export function humanize(s: string | null | undefined): string {
  return typeof s === 'string' && s.length > 0 ? s.replace(/_/g, ' ') : DASH;
}
