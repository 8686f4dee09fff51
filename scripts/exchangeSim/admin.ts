/**
 * Test-only admin endpoints of the simulator, under /__sim/ (never Binance paths). JSON in, JSON out;
 * every body is checked with zod (unknown keys refused) and a bad one is a 400 `{ error }`.
 *
 *   GET    /__sim/state            balances, orders, trades, fault hits, clocks
 *   PUT    /__sim/balances         { balances: { USDT: "1000" } }           set free balances
 *   POST   /__sim/deposit          { asset, amount }                        add to a free balance
 *   POST   /__sim/withdraw         { asset, amount }                        take from it (a transfer out by hand)
 *   POST   /__sim/manual-trade     { symbol, side, quantity, type?, price? } an order placed by hand, not by the bot
 *   POST   /__sim/unbooked-fill    { symbol, side, quantity, clientOrderId } a filled order with the bot's kind of
 *                                                                          client id that the ledger never booked
 *   PUT    /__sim/faults           FaultConfig (faults.ts)                  replace the faults (their PRNG restarts at seed)
 *   DELETE /__sim/faults                                                    no faults
 *   PUT    /__sim/keys             { apiKey, secret, permissions? }         add or replace an API key and its permissions
 *   PUT    /__sim/matching         { slippageBps?, fillLegs?, takerFeeBps?, makerFeeBps? }  the matching model from now on
 * Typed client: client.ts.
 */
import { z } from 'zod';
import { toAmount, toDecimalString as d8 } from '../../functions/src/domain/money.ts';
import { ApiKeySchema } from './auth.ts';
import { SimError } from './errors.ts';
import { FaultConfigSchema } from './faults.ts';
import type { ExchangeSim, Reply, Request } from './exchange.ts';
import * as wire from './wire.ts';

const amount = z.string().regex(/^\d{1,12}(\.\d{1,8})?$/, 'a decimal such as "1000" or "0.5"');
const asset = z.string().regex(/^[A-Z0-9]{2,15}$/, 'an asset such as USDT');
const symbol = z.string().regex(/^[A-Z0-9]{2,15}\/?[A-Z0-9]{2,15}$/, 'a symbol such as BTCUSDT or BTC/USDT');

export const BalancesBody = z.strictObject({ balances: z.record(asset, amount) });
export const TransferBody = z.strictObject({ asset, amount });
export const ManualTradeBody = z.strictObject({
  symbol,
  side: z.enum(['BUY', 'SELL']),
  quantity: amount,
  type: z.enum(['MARKET', 'LIMIT']).default('MARKET'),
  price: amount.optional(),
});
export const UnbookedFillBody = z.strictObject({
  symbol,
  side: z.enum(['BUY', 'SELL']),
  quantity: amount,
  clientOrderId: z.string().regex(/^[.A-Z:/a-z0-9_-]{1,36}$/),
});

export const MatchingBody = z.strictObject({
  slippageBps: z.number().min(0).max(1000).multipleOf(0.01).optional(),
  fillLegs: z.number().int().min(1).max(20).optional(),
  takerFeeBps: z.number().min(0).max(1000).multipleOf(0.01).optional(),
  makerFeeBps: z.number().min(0).max(1000).multipleOf(0.01).optional(),
});
export type MatchingInput = z.input<typeof MatchingBody>;
export type BalancesInput = z.input<typeof BalancesBody>;
export type TransferInput = z.input<typeof TransferBody>;
export type ManualTradeInput = z.input<typeof ManualTradeBody>;
export type UnbookedFillInput = z.input<typeof UnbookedFillBody>;

export interface SimState {
  marketTime: number;
  serverTime: number;
  balances: Record<string, { free: string; locked: string }>;
  orders: (Record<string, unknown> & {
    clientOrderId: string;
    status: string;
    source: 'api' | 'manual';
    visibleAt: number;
    fills: Record<string, unknown>[];
  })[];
  trades: Record<string, unknown>[];
  faultHits: Record<string, number>;
}

function parseJson(body: string): unknown {
  try {
    return body === '' ? {} : JSON.parse(body);
  } catch {
    throw new SimError(400, 0, 'body is not JSON');
  }
}

export function state(sim: ExchangeSim): SimState {
  return {
    marketTime: sim.marketClock.now(),
    serverTime: sim.wallClock.now(),
    balances: Object.fromEntries([...sim.account.balances].map(([a, b]) => [a, { free: d8(b.free), locked: d8(b.locked) }])),
    orders: sim.account.orders.map((o) => ({
      ...wire.queriedOrder(o),
      clientOrderId: o.clientOrderId,
      status: o.status,
      source: o.source,
      visibleAt: o.visibleAt,
      fills: o.fills.map(wire.trade),
    })),
    trades: sim.account.trades.map(wire.trade),
    faultHits: Object.fromEntries(sim.faults.hits),
  };
}

const orderParams = (o: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));

export function adminRoutes(sim: ExchangeSim): (req: Request) => Reply {
  const routes: Record<string, (body: unknown) => unknown> = {
    'GET /__sim/state': () => state(sim),
    'GET /__sim/health': () => ({ ok: true }),
    'PUT /__sim/balances': (b) => {
      for (const [a, free] of Object.entries(BalancesBody.parse(b).balances)) sim.account.setFree(a, toAmount(free));
      return state(sim).balances;
    },
    'POST /__sim/deposit': (b) => {
      const t = TransferBody.parse(b);
      sim.account.deposit(t.asset, toAmount(t.amount));
      return state(sim).balances;
    },
    'POST /__sim/withdraw': (b) => {
      const t = TransferBody.parse(b);
      sim.account.deposit(t.asset, -toAmount(t.amount));
      return state(sim).balances;
    },
    'POST /__sim/manual-trade': (b) => {
      const t = ManualTradeBody.parse(b);
      const o = sim.place(
        orderParams({
          symbol: t.symbol,
          side: t.side,
          type: t.type,
          quantity: t.quantity,
          price: t.price,
          ...(t.type === 'LIMIT' && { timeInForce: 'GTC' }),
          newClientOrderId: `web_${sim.account.orders.length + 1}`,
        }),
        'manual',
      );
      return wire.createdOrder(o, 'FULL');
    },
    'POST /__sim/unbooked-fill': (b) => {
      const t = UnbookedFillBody.parse(b);
      return wire.createdOrder(
        sim.place(
          orderParams({ symbol: t.symbol, side: t.side, type: 'MARKET', quantity: t.quantity, newClientOrderId: t.clientOrderId }),
          'manual',
        ),
        'FULL',
      );
    },
    'PUT /__sim/faults': (b) => {
      sim.faults.set(FaultConfigSchema.parse(b));
      return sim.faults.config;
    },
    'DELETE /__sim/faults': () => {
      sim.faults.set(FaultConfigSchema.parse({}));
      return sim.faults.config;
    },
    'PUT /__sim/matching': (b) => {
      const m = MatchingBody.parse(b);
      const { rules: _rules, ...rest } = (sim.account.opts = { ...sim.account.opts, ...m });
      return rest;
    },
    'PUT /__sim/keys': (b) => {
      const k = ApiKeySchema.parse(b);
      sim.setKey(k);
      return { apiKey: k.apiKey, permissions: k.permissions };
    },
  };
  return (req) => {
    const run = routes[`${req.method} ${req.path}`];
    if (!run) return { status: 404, body: { error: `no admin route ${req.method} ${req.path}` } };
    try {
      return { body: run(parseJson(req.body)) };
    } catch (err) {
      if (err instanceof z.ZodError) return { status: 400, body: { error: z.prettifyError(err) } };
      if (err instanceof SimError) return { status: err.status, body: { error: err.msg, code: err.code } };
      throw err;
    }
  };
}
