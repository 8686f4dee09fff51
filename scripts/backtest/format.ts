/**
 * How the backtest's numbers read to a trader, on the console and in report.html: signed
 * percentages with a unit, money with thousands separators, durations in days and hours, UTC
 * times without the ISO noise, and words instead of keys. The values are the summary's; only
 * their text is made here.
 */
const MINUS = '−';
const group = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234.5 → "1,234.50"; negatives with a real minus sign. */
export function fixed(x: number, digits = 2): string {
  const [i, f] = Math.abs(x).toFixed(digits).split('.');
  const text = group(i!) + (f ? `.${f}` : '');
  return x < 0 && Number(text.replace(/,/g, '')) !== 0 ? MINUS + text : text;
}

export const NONE = '—';
export const pct = (x: number | null, digits = 2): string => (x === null ? NONE : `${x > 0 ? '+' : ''}${fixed(x, digits)} %`);
/** a share that is never negative (drawdown, win rate, time in the market): no sign */
export const share = (x: number | null): string => (x === null ? NONE : `${fixed(x, 2)} %`);
export const ratio = (x: number | null): string => (x === null ? NONE : fixed(x, 2));
export const money = (s: string | null): string => (s === null ? NONE : fixed(Number(s), 2));
export const signedMoney = (s: string): string => `${Number(s) > 0 ? '+' : ''}${money(s)}`;
export const when = (iso: string | null): string => (iso === null ? NONE : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d > 0) return `${d} d ${h} h`;
  return h > 0 ? `${h} h ${m % 60} min` : `${m % 60} min`;
}

const WORDS: Record<string, string> = {
  stop_loss: 'Stop-loss',
  take_profit: 'Take-profit',
  trailing_stop: 'Trailing stop',
  regime_exit: 'Regime exit',
  kill_switch: 'Kill switch',
  manual: 'Manual close',
  bull_trend: 'Bull trend',
  bear_trend: 'Bear trend',
  sideways_range: 'Sideways range',
  high_volatility: 'High volatility',
  unknown: 'Unknown (warming up)',
  max_open_positions: 'max open positions reached',
  killed: 'kill switch fired',
  stop_too_close: 'stop too close to price',
};
/** A reason, regime or skip key in words (unknown keys as they are, underscores spaced). */
export const words = (key: string): string => WORDS[key] ?? key.replace(/_/g, ' ');
