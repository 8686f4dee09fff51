/**
 * In-memory exchange account: what the reconciliation tests hold against the ledger. Besides the
 * port it offers what happens on a real account behind the bot's back: deposits, withdrawals,
 * trades by hand, orders left open. Passes ports/contracts/exchangeAccount.contract.ts.
 */
import { mul, type Amount } from '../../domain/money.ts';
import { baseOf, quoteOf, type AssetBalance, type ExchangeOrder } from '../../domain/reconcile/index.ts';
import type { Side } from '../../domain/trading.types.ts';
import type { ExchangeAccount } from '../../ports/exchangeAccount.ts';
import type { ExchangeAccountArranger } from '../../ports/contracts/exchangeAccount.contract.ts';

export class MemoryExchangeAccount implements ExchangeAccount, ExchangeAccountArranger {
  readonly name = 'memory';
  private readonly held = new Map<string, { free: Amount; locked: Amount }>();
  private readonly orders = new Map<string, ExchangeOrder>();
  private nextId = 1;
  /** calls made through the port, by method (the cost of a reconciliation) */
  readonly calls = { balances: 0, openOrders: 0, order: 0 };

  constructor(balances: Readonly<Record<string, Amount>> = {}) {
    for (const [asset, amount] of Object.entries(balances)) this.move(asset, amount);
  }

  private move(asset: string, freeDelta: Amount, lockedDelta: Amount = 0n): void {
    const b = this.held.get(asset) ?? { free: 0n, locked: 0n };
    const next = { free: b.free + freeDelta, locked: b.locked + lockedDelta };
    if (next.free < 0n || next.locked < 0n) throw new Error(`insufficient ${asset}`);
    this.held.set(asset, next);
  }

  async balances(): Promise<Record<string, AssetBalance>> {
    this.calls.balances += 1;
    return Object.fromEntries([...this.held].map(([asset, b]) => [asset, { ...b }]));
  }
  async openOrders(symbols: readonly string[]): Promise<ExchangeOrder[]> {
    this.calls.openOrders += symbols.length;
    return [...this.orders.values()].filter((o) => o.status === 'open' && symbols.includes(o.symbol)).map((o) => ({ ...o }));
  }
  async order(symbol: string, id: string): Promise<ExchangeOrder | null> {
    this.calls.order += 1;
    const o = this.orders.get(id);
    return o && o.symbol === symbol ? { ...o } : null;
  }

  async deposit(asset: string, amount: Amount): Promise<void> {
    this.move(asset, amount);
  }
  withdraw(asset: string, amount: Amount): void {
    this.move(asset, -amount);
  }
  /** A market trade at `price`, no fee: a manual trade on the exchange, or a bot fill (the executor's side of it is the ledger's). */
  trade(symbol: string, side: Side, qty: Amount, price: Amount): void {
    const cost = mul(qty, price, 'down');
    const dir = side === 'buy' ? 1n : -1n;
    this.move(baseOf(symbol), dir * qty);
    this.move(quoteOf(symbol), -dir * cost);
  }
  /** A sell order left open (its base locked); buys are not needed by the tests. */
  async placeOpenOrder(o: { symbol: string; side: Side; amount: Amount; clientOrderId: string }): Promise<string> {
    if (o.side !== 'sell') throw new Error('MemoryExchangeAccount: only open sell orders are modelled');
    const id = String(this.nextId++);
    this.move(baseOf(o.symbol), -o.amount, o.amount);
    this.orders.set(id, {
      id,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      amount: o.amount,
      filled: 0n,
      status: 'open',
    });
    return id;
  }
  cancel(id: string): void {
    const o = this.orders.get(id);
    if (!o || o.status !== 'open') return;
    this.move(baseOf(o.symbol), o.amount - o.filled, -(o.amount - o.filled));
    this.orders.set(id, { ...o, status: 'canceled' });
  }
}
