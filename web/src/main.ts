/**
 * Eagle Eye dashboard: sign-in gate, then Firestore listeners wired to the panel renderers.
 * All data arrives through onSnapshot; the only timer is a 1 s DOM clock (ages, stale banner).
 * Listeners are detached while the tab is hidden and re-attached when it shows again.
 */
import './style.css';
import type { User } from 'firebase/auth';
import { collection, doc, limit, orderBy, query, type FirestoreError, type Unsubscribe } from 'firebase/firestore';
import { idToken, renderSignIn, signOutNow, watchAuth } from './auth.ts';
import { ChartPanel } from './chartPanel.ts';
import { byId, h, refreshAges, setMarketClock } from './dom.ts';
import { config, db, watchDoc, watchQuery, type ListenerSink } from './firestore.ts';
import { positionMark, type PositionPrice } from './marks.ts';
import { fmtTime, setMarketNow } from './format.ts';
import { parseAlert, parseMarket, parsePosition, parseSignal, parseStatus, parseTrade, parseWallet, type Market, type PositionView, type SystemStatus, type TradeView } from './parse.ts';
import { renderAlerts } from './render/alerts.ts';
import { Connection } from './render/connection.ts';
import { Controls } from './render/controls.ts';
import { renderFeeds } from './render/feeds.ts';
import { renderStatus, tickClock } from './render/header.ts';
import { renderMarkets } from './render/markets.ts';
import { PERFORMANCE_TRADES, renderPerformance } from './render/performance.ts';
import { renderPositions } from './render/positions.ts';
import { renderSignals } from './render/signals.ts';
import { renderTrades } from './render/trades.ts';
import { renderWallet } from './render/wallet.ts';
import { HORIZON_LISTENERS, watchHorizons } from './horizonsFeed.ts';

const LISTENERS = ['status', 'access', 'markets', 'wallet', 'positions', 'signals', 'trades', 'alerts', ...HORIZON_LISTENERS] as const;

const conn = new Connection(byId('connection'));
const controls = new Controls(byId('controls'), config.adminUrl ? { url: config.adminUrl, token: idToken } : null);
const chart = new ChartPanel();
const horizons = watchHorizons(byId('horizons'), byId('horizon-tabs'));
let unsubscribers: Unsubscribe[] = [];
let user: User | null = null;

// The latest of each input; panels that combine several re-render from here.
let status: SystemStatus | null = null;
let marketDocs: Market[] = [];
let marketsOffline = false;
let wallet: ReturnType<typeof parseWallet> | null = null;
let walletCached = false;
let positions: PositionView[] = [];
let positionsCached = false;
let trades: TradeView[] = [];

/** status.markets once the engine writes it, else the markets/{symbol} documents. */
function markets(): Market[] {
  return status?.markets ?? marketDocs;
}

/** The one price every panel values an open position at (see marks.ts). */
function mark(p: PositionView): PositionPrice {
  return positionMark(p, status, markets());
}

/** Market time now: the last tick's market time moved on by the wall time since, at replay speed; a replay stops where its data ends. */
function marketNow(): number {
  if (status?.marketTime == null || status.lastTickAt == null) return Date.now();
  const t = status.marketTime + (Date.now() - status.lastTickAt) * config.replaySpeed;
  return config.replayEndMs === null ? t : Math.min(t, config.replayEndMs);
}

/** A sink that also writes a listener's error into its panel (never a silent blank). */
function sink(panel?: string): ListenerSink {
  return {
    snapshot: (name, fromCache) => conn.snapshot(name, fromCache),
    error: (name, err: FirestoreError) => {
      conn.error(name, err);
      if (err.code === 'permission-denied') return showNotAuthorised();
      if (panel) byId(panel).replaceChildren(h('div', { class: 'panel-error' }, `Error reading ${name}: ${err.code} — ${err.message}`));
    },
  };
}

function renderCombined(): void {
  const all = markets();
  renderMarkets(byId('markets'), all, status?.feeds ?? [], marketsOffline);
  chart.setMarkets(all, marketNow());
  // The equity in status.account is the tick's mark; wallet/paper keeps cash, PnL and fees.
  renderWallet(byId('wallet'), wallet && { ...wallet, equity: status?.account?.equity ?? wallet.equity, peakEquity: status?.account?.peakEquity ?? wallet.peakEquity }, walletCached);
  byId('positions-count').textContent = String(positions.length);
  renderPositions(byId('positions'), positions, positionsCached, { mark, close: user && controls.enabled() ? (s) => controls.closeButton(s) : undefined });
  renderPerformance(byId('performance'), trades, chart.equityPoints(), positions, mark);
  horizons.render({ account: status?.account ?? null, today: chart.equityPoints(), now: marketNow() });
}

function start(): void {
  stop();
  conn.expect(LISTENERS);
  unsubscribers = [
    watchDoc('status', doc(db, 'status', 'system'), sink(), (data, fromCache) => {
      status = data === undefined ? null : parseStatus(data);
      setMarketClock(status?.lastTickAt ?? null, status?.marketTime ?? null);
      renderStatus(status, fromCache);
      renderFeeds(byId('feeds'), status ? status.feeds : null, fromCache);
      controls.setMode(status?.mode ?? null);
      renderCombined();
      showApp();
      // Hook for browser tests: the first status snapshot has been rendered.
      document.body.dataset.ready = 'true';
    }),
    watchDoc('access', doc(db, 'config', 'dashboardUsers'), sink(), (data) => {
      const admins = (data?.admins as unknown[] | undefined) ?? [];
      const isAdmin = !!user?.email && admins.some((a) => typeof a === 'string' && a.toLowerCase() === user!.email!.toLowerCase());
      controls.setEnabled(isAdmin);
      byId('controls-panel').hidden = !isAdmin;
      renderCombined();
    }),
    watchQuery('markets', query(collection(db, 'markets'), limit(50)), sink('markets'), (rows, fromCache) => {
      marketDocs = rows.map((r) => parseMarket(r.id, r.data));
      marketsOffline = fromCache;
      renderCombined();
    }),
    watchDoc('wallet', doc(db, 'wallet', 'paper'), sink('wallet'), (data, fromCache) => {
      wallet = data === undefined ? null : parseWallet(data);
      walletCached = fromCache;
      renderCombined();
    }),
    watchQuery('positions', query(collection(db, 'positions'), limit(50)), sink('positions'), (rows, fromCache) => {
      positions = rows.map((r) => parsePosition(r.id, r.data)).filter((p) => p.qty !== null && p.qty !== '0.00000000');
      positionsCached = fromCache;
      renderCombined();
    }),
    watchQuery('signals', query(collection(db, 'signals'), orderBy('createdAt', 'desc'), limit(20)), sink('signals'), (rows, fromCache) => {
      renderSignals(byId('signals'), rows.map((r) => parseSignal(r.id, r.data)), fromCache);
    }),
    watchQuery('trades', query(collection(db, 'trades'), orderBy('time', 'desc'), limit(PERFORMANCE_TRADES)), sink('trades'), (rows, fromCache) => {
      trades = rows.map((r) => parseTrade(r.id, r.data));
      renderTrades(byId('trades'), trades, 20, fromCache);
      chart.setTrades(trades);
      renderCombined();
    }),
    watchQuery('alerts', query(collection(db, 'alerts'), orderBy('createdAt', 'desc'), limit(10)), sink('alerts'), (rows, fromCache) => {
      renderAlerts(byId('alerts'), rows.map((r) => parseAlert(r.id, r.data)), fromCache, marketNow());
    }),
    ...horizons.listen(db, sink('horizons')),
  ];
  chart.attach(sink, () => renderCombined());
}

function stop(): void {
  for (const unsubscribe of unsubscribers) unsubscribe();
  unsubscribers = [];
  chart.detach();
}

function showApp(): void {
  byId('gate').hidden = true;
  byId('app').hidden = false;
  document.body.dataset.view = 'app';
}

function showGate(content: HTMLElement[], view: string): void {
  byId('app').hidden = true;
  const gate = byId('gate');
  gate.hidden = false;
  gate.replaceChildren(...content);
  document.body.dataset.view = view;
}

function showNotAuthorised(): void {
  stop();
  const out = h('button', { class: 'btn btn-primary', testid: 'not-authorised-signout' }, 'Sign out');
  out.addEventListener('click', () => void signOutNow());
  showGate(
    [
      h(
        'div',
        { class: 'signin', testid: 'not-authorised' },
        h('h2', {}, 'Not authorised'),
        h('p', {}, `${user?.email ?? 'This account'} is signed in but may not read this dashboard.`),
        h('p', { class: 'muted' }, 'Ask an operator to add the address to config/dashboardUsers (and verify the email), then reload.'),
        out,
      ),
    ],
    'not-authorised',
  );
  conn.setNote('not authorised');
}

function clock(): void {
  const now = Date.now();
  byId('clock').textContent = `${fmtTime(now, now)} UTC`;
  const market = marketNow();
  const replay = Math.abs(market - now) > 5 * 60_000;
  const mt = byId('market-time');
  mt.textContent = status?.marketTime == null ? '—' : `${fmtTime(market, now)}${replay ? ' (replay)' : ''}`;
  mt.title = 'market time of the bot: the last tick moved on by the wall time since';
  refreshAges(now);
  tickClock(now);
  chart.onClock(market);
}

setMarketNow(marketNow);
clock();
window.setInterval(clock, 1000);

document.addEventListener('visibilitychange', () => {
  if (!user || document.body.dataset.view === 'not-authorised') return;
  if (document.hidden) {
    stop();
    conn.setNote('paused while hidden');
  } else {
    start();
  }
});

watchAuth(byId('auth'), (u) => {
  user = u;
  if (u) {
    if (!document.hidden) start();
  } else {
    stop();
    status = null;
    const form = h('div', { class: 'gate-inner' });
    renderSignIn(form);
    showGate([form], 'signin');
    conn.setNote('sign in required');
  }
});
