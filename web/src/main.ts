/**
 * Eagle Eye dashboard: wires Firestore listeners to the panel renderers.
 * All data arrives through onSnapshot; the only timer is a 1 s DOM clock that re-renders relative
 * ages and the stale-dashboard banner (it never fetches anything).
 */
import './style.css';
import { collection, doc, limit, orderBy, query, type Unsubscribe } from 'firebase/firestore';
import { watchAuth } from './auth.ts';
import { byId, refreshAges, setMarketClock } from './dom.ts';
import { db, watchDoc, watchQuery } from './firestore.ts';
import { fmtTime } from './format.ts';
import {
  parseAlert,
  parseMarket,
  parsePosition,
  parseSignal,
  parseStatus,
  parseTrade,
  parseWallet,
  type Feed,
  type Market,
} from './parse.ts';
import { renderAlerts } from './render/alerts.ts';
import { Connection } from './render/connection.ts';
import { renderFeeds } from './render/feeds.ts';
import { renderStatus, tickClock } from './render/header.ts';
import { renderMarkets } from './render/markets.ts';
import { renderPositions } from './render/positions.ts';
import { renderSignals } from './render/signals.ts';
import { renderTrades } from './render/trades.ts';
import { renderWallet } from './render/wallet.ts';

const LISTENERS = ['status', 'markets', 'wallet', 'positions', 'signals', 'trades', 'alerts'] as const;

const conn = new Connection(byId('connection'));
let unsubscribers: Unsubscribe[] = [];
// Market cards also show per-symbol feed errors from status/system, so keep both inputs.
let markets: Market[] = [];
let marketsOffline = false;
let feeds: Feed[] = [];

function start(): void {
  stop();
  conn.expect(LISTENERS);
  unsubscribers = [
    watchDoc('status', doc(db, 'status', 'system'), conn, (data, fromCache) => {
      const status = data === undefined ? null : parseStatus(data);
      feeds = status?.feeds ?? [];
      setMarketClock(status?.lastTickAt ?? null, status?.marketTime ?? null);
      renderStatus(status, fromCache);
      renderFeeds(byId('feeds'), status ? status.feeds : null, fromCache);
      renderMarkets(byId('markets'), markets, feeds, marketsOffline);
      // Hook for browser tests: the first status snapshot has been rendered.
      document.body.dataset.ready = 'true';
    }),
    watchQuery('markets', collection(db, 'markets'), conn, (rows, fromCache) => {
      markets = rows.map((r) => parseMarket(r.id, r.data));
      marketsOffline = fromCache;
      renderMarkets(byId('markets'), markets, feeds, fromCache);
    }),
    watchDoc('wallet', doc(db, 'wallet', 'paper'), conn, (data, fromCache) => {
      renderWallet(byId('wallet'), data === undefined ? null : parseWallet(data), fromCache);
    }),
    watchQuery('positions', collection(db, 'positions'), conn, (rows, fromCache) => {
      byId('positions-count').textContent = String(rows.length);
      renderPositions(byId('positions'), rows.map((r) => parsePosition(r.id, r.data)), fromCache);
    }),
    watchQuery('signals', query(collection(db, 'signals'), orderBy('createdAt', 'desc'), limit(20)), conn, (rows, fromCache) => {
      renderSignals(byId('signals'), rows.map((r) => parseSignal(r.id, r.data)), fromCache);
    }),
    watchQuery('trades', query(collection(db, 'trades'), orderBy('time', 'desc'), limit(20)), conn, (rows, fromCache) => {
      renderTrades(byId('trades'), rows.map((r) => parseTrade(r.id, r.data)), fromCache);
    }),
    watchQuery('alerts', query(collection(db, 'alerts'), orderBy('createdAt', 'desc'), limit(10)), conn, (rows, fromCache) => {
      renderAlerts(byId('alerts'), rows.map((r) => parseAlert(r.id, r.data)), fromCache);
    }),
  ];
}

function stop(): void {
  for (const unsubscribe of unsubscribers) unsubscribe();
  unsubscribers = [];
}

function clock(): void {
  const now = Date.now();
  byId('clock').textContent = `${fmtTime(now)} UTC`;
  refreshAges(now);
  tickClock(now);
}

clock();
window.setInterval(clock, 1000);

watchAuth(byId('auth'), (signedIn) => {
  if (signedIn) {
    start();
  } else {
    stop();
    conn.setNote('sign in required');
  }
}).catch((err: unknown) => {
  console.error('[dashboard] auth setup failed', err);
  conn.setNote(`auth failed: ${err instanceof Error ? err.message : String(err)}`);
});
