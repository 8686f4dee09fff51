/** One card per market of status/system.markets: price, regime, ADX/DI, ATR%, EMAs, staleness. */
import { badge, h, marketToWall } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtMarketPrice, fmtNum, fmtPct, humanize, isoTime } from '../format.ts';
import type { Feed, Market, Regime } from '../views.ts';

const REGIME_CLASS: Record<Regime, string> = {
  bull_trend: 'regime-bull',
  bear_trend: 'regime-bear',
  sideways_range: 'regime-range',
  high_volatility: 'regime-vol',
  unknown: 'regime-unknown',
};

/** Feed keys may be "BTC/USDT" or "BTC-USDT": compare them in doc-id form. */
function feedKey(symbol: string): string {
  return symbol.replace(/\//g, '-');
}

function stat(label: string, value: string, cls = ''): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'label' }, label), h('span', { class: `value ${cls}` }, value));
}

function card(m: Market, feed: Feed | undefined): HTMLElement {
  const stale = m.stale === true || feed?.stale === true;
  const regime = m.regime ?? 'unknown';
  const emaCls = m.ema50 !== null && m.ema200 !== null ? (m.ema50 > m.ema200 ? 'pos' : m.ema50 < m.ema200 ? 'neg' : '') : '';
  const diCls = (a: number | null, b: number | null, up: boolean): string =>
    a === null || b === null || a === b ? '' : a > b === up ? 'pos' : 'neg';

  return h(
    'article',
    { class: `card market${stale ? ' is-stale' : ''}`, testid: `market-${m.id}`, data: { stale: String(stale) } },
    h(
      'div',
      { class: 'card-head' },
      h('h3', {}, m.symbol, m.timeframe ? h('span', { class: 'muted small tf' }, m.timeframe) : null),
      badge(humanize(m.regime), `regime ${REGIME_CLASS[regime]}`, `regime-${m.id}`),
      stale ? badge('STALE', 'stale-flag', `stale-${m.id}`) : null,
    ),
    h('div', { class: 'price', testid: `price-${m.id}` }, fmtMarketPrice(m.symbol, m.price)),
    h(
      'div',
      { class: 'stats' },
      stat('ADX', fmtNum(m.adx, 1)),
      stat('+DI', fmtNum(m.pdi, 1), diCls(m.pdi, m.mdi, true)),
      stat('−DI', fmtNum(m.mdi, 1), diCls(m.pdi, m.mdi, false)),
      stat('ATR%', fmtPct(m.atrPct, 2)),
      stat('EMA50', fmtMarketPrice(m.symbol, m.ema50), emaCls),
      stat('EMA200', fmtMarketPrice(m.symbol, m.ema200)),
    ),
    h(
      'div',
      { class: 'card-foot' },
      'candle ',
      h('span', { ageOf: marketToWall(m.lastCandleAt), title: isoTime(m.lastCandleAt) }),
      ' · updated ',
      h('span', { ageOf: marketToWall(m.updatedAt), title: isoTime(m.updatedAt) }),
    ),
    ...[...new Set([m.error, feed?.error].filter((e): e is string => !!e))].map((e) =>
      h('div', { class: 'feed-error', title: e }, `feed error: ${e}`),
    ),
    m.adx === null && m.ema200 === null ? h('div', { class: 'muted small' }, 'indicators warming up') : null,
  );
}

export function renderMarkets(root: HTMLElement, markets: Market[], feeds: Feed[], offline = false): void {
  const byKey = new Map(feeds.map((f) => [feedKey(f.symbol), f]));
  const sorted = [...markets].sort((a, b) => a.id.localeCompare(b.id));
  root.replaceChildren(
    ...(sorted.length > 0
      ? sorted.map((m) => card(m, byKey.get(m.id) ?? byKey.get(feedKey(m.symbol))))
      : [
          h(
            'div',
            { class: 'empty card' },
            offline ? OFFLINE_EMPTY : `No markets yet ${DASH} the first tick writes status/system.markets.`,
          ),
        ]),
  );
}
