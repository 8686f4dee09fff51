/**
 * Eagle Eye dashboard: sign-in gate, then Firestore listeners wired to the panel renderers.
 * All data arrives through onSnapshot; the only timer is a 1 s DOM clock (ages, stale banner).
 * Listeners are detached while the tab is hidden and re-attached when it shows again.
 */
import './style.css';
import type { User } from 'firebase/auth';
import { limit, orderBy, type FirestoreError, type Unsubscribe } from 'firebase/firestore';
import {
  AlertDoc,
  LedgerDoc,
  PATHS,
  PositionDoc,
  SignalDoc,
  StatusDoc,
  TradeDoc,
  decoder,
  guardsFromStatus,
  parseDoc,
  SHADOW_LATEST,
  ShadowLatestDoc,
} from '../../functions/src/shared/store/index.ts';
import { accessRole, idToken, renderSignIn, signOutNow, watchAuth } from './auth.ts';
import type { Role } from '../../functions/src/domain/access.ts';
import { ChartPanel } from './chartPanel.ts';
import { byId, h, refreshAges, setMarketClock } from './dom.ts';
import { config, markSnapshot, watchDoc, watchQuery, type ListenerSink } from './firestore.ts';
import { positionMark, type PositionPrice } from './marks.ts';
import { fmtTime, setMarketNow } from './format.ts';
import {
  alertView,
  positionView,
  signalView,
  statusView,
  tradeView,
  walletView,
  type Market,
  type PositionView,
  type SystemStatus,
  type TradeView,
  type WalletView,
} from './views.ts';
import { renderAlerts } from './render/alerts.ts';
import { Connection } from './render/connection.ts';
import { Commands } from './render/commands.ts';
import { Controls } from './render/controls.ts';
import { renderFeeds } from './render/feeds.ts';
import { renderLocks } from './render/locks.ts';
import { renderCorruptStatus, renderStatus, tickClock } from './render/header.ts';
import { renderShadow } from './render/shadow.ts';
import { renderMarkets } from './render/markets.ts';
import { PERFORMANCE_TRADES, renderPerformance } from './render/performance.ts';
import { renderPositions } from './render/positions.ts';
import { renderSignals } from './render/signals.ts';
import { renderTrades } from './render/trades.ts';
import { renderWallet } from './render/wallet.ts';
import { HORIZON_LISTENERS, watchHorizons } from './horizonsFeed.ts';

const LISTENERS = ['status', 'wallet', 'positions', 'signals', 'trades', 'alerts', 'shadow', ...HORIZON_LISTENERS] as const;

const conn = new Connection(byId('connection'));
const adminClient = config.adminUrl ? { url: config.adminUrl, token: idToken } : null;
const controls = new Controls(byId('controls'), adminClient);
const commands = new Commands(byId('commands'), adminClient);
const chart = new ChartPanel();
const horizons = watchHorizons(byId('horizons'), byId('horizon-tabs'));
let unsubscribers: Unsubscribe[] = [];
let user: User | null = null;
/** the access claim of the signed-in user's ID token (domain/access.ts): admins see the controls */
let role: Role | null = null;

// The latest of each input; panels that combine several re-render from here.
let status: SystemStatus | null = null;
let statusCached = false;
let wallet: WalletView | null = null;
let walletCached = false;
let positions: PositionView[] = [];
let positionsCached = false;
let trades: TradeView[] = [];

/** The engine's market views (status/system.markets). */
function markets(): Market[] {
  return status?.markets ?? [];
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
    // A document the store's codec refused is shown where its data would be, never half-parsed.
    corrupt: (name, err) => {
      if (name === 'status') {
        // No panel may go on showing the state it held before.
        status = null;
        renderCombined();
        renderCorruptStatus(err.message);
        showApp();
        afterPaint(ready);
      }
      if (!panel) return;
      // Above what the panel shows from the good documents; the next render without it clears it.
      const root = byId(panel);
      root.querySelector(':scope > .corrupt')?.remove();
      root.prepend(h('div', { class: 'panel-error corrupt', testid: `${name}-corrupt` }, err.message));
    },
  };
}

/** The market cards: they paint in the frame of the status snapshot that changed them (with the header). */
function renderCombined(): void {
  renderMarkets(byId('markets'), markets(), status?.feeds ?? [], statusCached);
  afterPaint(renderPanels);
}

/** The panels that combine several inputs; after the header's and cards' frame (see afterPaint). */
function renderPanels(): void {
  markSnapshot('panels', 'snapshot');
  chart.setMarkets(markets(), marketNow());
  renderFeeds(byId('feeds'), status ? status.feeds : null, statusCached);
  renderLocks(byId('locks'), status ? status.locks : null, statusCached);
  // The equity in status.account is the tick's mark; wallet/paper keeps cash, PnL and fees.
  renderWallet(
    byId('wallet'),
    wallet && { ...wallet, equity: status?.account?.equity ?? wallet.equity, peakEquity: status?.account?.peakEquity ?? wallet.peakEquity },
    walletCached,
  );
  byId('positions-count').textContent = String(positions.length);
  renderPositions(byId('positions'), positions, positionsCached, {
    mark,
    close: user && controls.enabled() ? (s) => controls.closeButton(s) : undefined,
  });
  renderPerformance(byId('performance'), trades, chart.equityPoints(), positions, mark);
  horizons.render({ account: status?.account ?? null, today: chart.equityPoints(), now: marketNow() });
  markSnapshot('panels', 'rendered');
}

let panelsDue: (() => void)[] = [];
/**
 * Runs `fn` once after the next frame has painted (a requestAnimationFrame callback runs before the
 * paint, a task queued from it after), coalescing the snapshots of one tick into one render; a
 * timer stands in when no frame comes (a tab being hidden). So a status snapshot paints the header
 * and the market cards first and the heavier panels (wallet, positions, performance, horizons,
 * chart tabs) a frame later (README → Dashboard → Latency).
 */
function afterPaint(fn: () => void): void {
  if (!panelsDue.includes(fn)) panelsDue.push(fn);
  if (panelsDue.length > 1) return;
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    const due = panelsDue;
    panelsDue = [];
    for (const f of due) f();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 250);
}

function start(): void {
  stop();
  const isAdmin = role === 'admin';
  controls.setEnabled(isAdmin);
  byId('controls-panel').hidden = !isAdmin;
  // readers too: the read-only commands (the admin function refuses them the rest)
  commands.setAdmin(isAdmin);
  byId('commands-panel').hidden = false;
  conn.expect(LISTENERS);
  unsubscribers = [
    watchDoc(
      'status',
      PATHS.status,
      (data, path) => statusView(parseDoc(StatusDoc, path, data), guardsFromStatus(data)),
      sink('markets'),
      (value, fromCache) => {
        status = value ?? null;
        statusCached = fromCache;
        setMarketClock(status?.lastTickAt ?? null, status?.marketTime ?? null);
        renderStatus(status, fromCache);
        controls.setMode(status?.mode ?? null);
        renderCombined();
        showApp();
        // Hook for browser tests: the first status snapshot has been rendered, every panel included.
        afterPaint(ready);
      },
    ),
    watchDoc('wallet', PATHS.wallet, decoder(LedgerDoc), sink('wallet'), (ledger, fromCache) => {
      wallet = ledger === undefined ? null : walletView(ledger);
      walletCached = fromCache;
      renderCombined();
    }),
    watchQuery('positions', PATHS.positions, [limit(50)], decoder(PositionDoc), sink('positions'), (rows, fromCache) => {
      positions = rows.map((r) => positionView(r.id, r.value)).filter((p) => p.qty !== '0.00000000');
      positionsCached = fromCache;
      renderCombined();
    }),
    watchQuery(
      'signals',
      PATHS.signals,
      [orderBy('createdAt', 'desc'), limit(20)],
      decoder(SignalDoc),
      sink('signals'),
      (rows, fromCache) => {
        renderSignals(
          byId('signals'),
          rows.map((r) => signalView(r.value)),
          fromCache,
        );
      },
    ),
    watchQuery(
      'trades',
      PATHS.trades,
      [orderBy('time', 'desc'), limit(PERFORMANCE_TRADES)],
      decoder(TradeDoc),
      sink('trades'),
      (rows, fromCache) => {
        trades = rows.map((r) => tradeView(r.id, r.value));
        renderTrades(byId('trades'), trades, 20, fromCache);
        chart.setTrades(trades);
        renderCombined();
      },
    ),
    watchQuery('alerts', PATHS.alerts, [orderBy('createdAt', 'desc'), limit(10)], decoder(AlertDoc), sink('alerts'), (rows, fromCache) => {
      renderAlerts(
        byId('alerts'),
        rows.map((r) => alertView(r.id, r.value)),
        fromCache,
        marketNow(),
      );
    }),
    watchDoc('shadow', SHADOW_LATEST, decoder(ShadowLatestDoc), sink(), (latest) => renderShadow(latest ?? null)),
    ...horizons.listen(sink('horizons')),
  ];
  chart.attach(sink, () => renderCombined());
}

function ready(): void {
  document.body.dataset.ready = 'true';
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
        h(
          'p',
          { class: 'muted' },
          'Ask an operator to add the address to config/dashboardUsers (and verify the email) and run access-sync, then reload.',
        ),
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

watchAuth(byId('auth'), async (u) => {
  user = u;
  role = null;
  if (u) {
    // a fresh ID token: the access claim as access-sync last set it (a revoked session signs out here)
    role = await accessRole(u);
    if (user !== u) return;
    if (!role) return showNotAuthorised();
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
