import type { DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import { openingWallet, utcDay } from '../../domain/wallet.ts';
import { toDecimalString, type Amount } from '../../domain/money.ts';
import type { Position, Signal, SystemMode, Trade, Wallet } from '../../domain/trading.types.ts';
import type { Alert, Book, DeadLetter, MarketState, StateStore, SystemStatus } from '../../ports/state.ts';
import {
  CorruptDocumentError, MarketDoc, PositionDoc, StatusDoc, TradeDoc, WalletDoc, marketFromDoc, marketToDoc, parseDoc, positionToDoc,
  signalToDoc, statusToDoc, symbolDocId, walletToDoc,
} from './codec.ts';

export const PATHS = {
  status: 'status/system',
  config: 'config/bot',
  wallet: 'wallet/paper',
  markets: 'markets',
  positions: 'positions',
  signals: 'signals',
  orders: 'orders',
  trades: 'trades',
  alerts: 'alerts',
  deadletters: 'deadletters',
  equity: 'equity',
} as const;

export const DEFAULT_STATUS: SystemStatus = {
  mode: 'NORMAL', modeReason: null, entriesPausedUntil: null, lastTickAt: null, lastTickLatencyMs: null, lastTickId: null, marketTime: null,
  feeds: {}, healthScore: 100, version: 'unknown',
};

export function statusFromSnap(snap: DocumentSnapshot): SystemStatus | null {
  return snap.exists ? parseDoc(StatusDoc, snap.ref.path, snap.data()) : null;
}

/** Read wallet, open positions and mode — inside a transaction when one is given. */
export async function readBook(db: Firestore, initialCash: Amount, now: number, tx?: Transaction): Promise<Book> {
  const statusRef = db.doc(PATHS.status);
  const walletRef = db.doc(PATHS.wallet);
  const positionsQuery = db.collection(PATHS.positions);
  const [statusSnap, walletSnap, positionsSnap] = tx
    ? await Promise.all([tx.get(statusRef), tx.get(walletRef), tx.get(positionsQuery)])
    : await Promise.all([statusRef.get(), walletRef.get(), positionsQuery.get()]);
  const status = statusFromSnap(statusSnap) ?? DEFAULT_STATUS;
  const wallet: Wallet = walletSnap.exists ? parseDoc(WalletDoc, walletSnap.ref.path, walletSnap.data()) : openingWallet(initialCash, now);
  const positions: Record<string, Position> = {};
  for (const d of positionsSnap.docs) {
    const p = parseDoc(PositionDoc, d.ref.path, d.data());
    positions[p.symbol] = p;
  }
  return { mode: status.mode, entriesPausedUntil: status.entriesPausedUntil, wallet, positions };
}

export class FirestoreStateStore implements StateStore {
  constructor(private readonly db: Firestore) {}

  async getStatus(): Promise<SystemStatus | null> {
    return statusFromSnap(await this.db.doc(PATHS.status).get());
  }

  async saveStatus(status: SystemStatus): Promise<void> {
    // mode fields are owned by setMode (admin, kill switch, budget guard): never overwrite them here.
    const { mode: _m, modeReason: _r, entriesPausedUntil: _p, ...tickFields } = statusToDoc(status);
    await this.db.doc(PATHS.status).set(tickFields, { merge: true });
  }

  async setMode(mode: SystemMode, reason: string): Promise<void> {
    await this.db.doc(PATHS.status).set({ mode, modeReason: reason }, { merge: true });
  }

  async pauseEntriesUntil(until: number, reason: string): Promise<void> {
    await this.db.doc(PATHS.status).set({ entriesPausedUntil: until, modeReason: reason }, { merge: true });
  }

  async recordEquity(now: number, equity: Amount): Promise<void> {
    // One document per UTC day, one map entry per tick: the chart reads a day with one read.
    await this.db.doc(`${PATHS.equity}/${utcDay(now)}`).set({ day: utcDay(now), points: { [String(now)]: toDecimalString(equity) } }, { merge: true });
  }

  async getBotConfigDoc(): Promise<unknown> {
    const snap = await this.db.doc(PATHS.config).get();
    return snap.exists ? snap.data() : undefined;
  }

  async getMarkets(symbols: readonly string[]) {
    const markets = new Map<string, MarketState>();
    const corrupt = new Map<string, string>();
    if (symbols.length === 0) return { markets, corrupt };
    const snaps = await this.db.getAll(...symbols.map((s) => this.db.doc(`${PATHS.markets}/${symbolDocId(s)}`)));
    snaps.forEach((snap, i) => {
      if (!snap.exists) return;
      try {
        markets.set(symbols[i]!, marketFromDoc(parseDoc(MarketDoc, snap.ref.path, snap.data())));
      } catch (err) {
        if (!(err instanceof CorruptDocumentError)) throw err;
        corrupt.set(symbols[i]!, err.message);
      }
    });
    return { markets, corrupt };
  }

  async saveMarket(state: MarketState): Promise<void> {
    await this.db.doc(`${PATHS.markets}/${symbolDocId(state.symbol)}`).set(marketToDoc(state));
  }

  getBook(initialCash: Amount, now: number): Promise<Book> {
    return readBook(this.db, initialCash, now);
  }

  async saveMarks(wallet: Wallet, positions: readonly Position[], now: number): Promise<void> {
    // A transaction, so a fill committed meanwhile by executeOrder is never overwritten by a stale mark.
    await this.db.runTransaction(async (tx) => {
      const walletSnap = await tx.get(this.db.doc(PATHS.wallet));
      const posSnaps = positions.length ? await tx.getAll(...positions.map((p) => this.db.doc(`${PATHS.positions}/${symbolDocId(p.symbol)}`))) : [];
      if (walletSnap.exists) {
        const current = parseDoc(WalletDoc, walletSnap.ref.path, walletSnap.data());
        // Only the mark fields move; cash and PnL belong to executeOrder. Skip if cash changed under us.
        if (current.cash === wallet.cash) {
          tx.set(walletSnap.ref, walletToDoc({ ...current, equity: wallet.equity, peakEquity: wallet.peakEquity, day: wallet.day, dayStartEquity: wallet.dayStartEquity }, now));
        }
      } else {
        tx.set(walletSnap.ref, walletToDoc(wallet, now));
      }
      posSnaps.forEach((snap, i) => {
        const p = positions[i]!;
        if (!snap.exists) return;
        const current = parseDoc(PositionDoc, snap.ref.path, snap.data());
        if (current.openTradeId !== p.openTradeId) return;
        tx.set(snap.ref, positionToDoc({ ...current, lastPrice: p.lastPrice, highWater: p.highWater, trailingStop: p.trailingStop }));
      });
    });
  }

  async saveSignals(signals: readonly Signal[]): Promise<void> {
    if (signals.length === 0) return;
    const batch = this.db.batch();
    for (const s of signals) batch.set(this.db.doc(`${PATHS.signals}/${s.id}`), signalToDoc(s));
    await batch.commit();
  }

  async raiseAlert(alert: Alert): Promise<void> {
    // Deterministic ids (e.g. stale:BTC-USDT:<day>) make a repeated alert an overwrite, not a flood.
    await this.db.doc(`${PATHS.alerts}/${alert.id}`).set(alert);
  }

  async recordDeadLetter(letter: DeadLetter): Promise<void> {
    await this.db.doc(`${PATHS.deadletters}/${letter.id}`).set(letter);
  }

  async listTrades(): Promise<Trade[]> {
    const snap = await this.db.collection(PATHS.trades).orderBy('time').get();
    return snap.docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
  }
}
