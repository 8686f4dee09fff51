/**
 * The simulated exchange behind the HTTP server (server.ts): Binance's spot REST routes over the
 * bundled candles (market.ts), an in-memory account and a deterministic matching model (account.ts),
 * HMAC-signed requests checked like Binance (auth.ts) and faults injected per run (faults.ts). The
 * server and the test-only admin routes (admin.ts) both drive this class; it knows neither.
 *
 * Two clocks: market time (`marketClock`, the replay clock of `npm start`) decides which candles
 * exist and the price; wall time (`wallClock`) is the protocol's: serverTime, the recvWindow check,
 * order and trade times, the not-found lag. So ccxt signs with the real time as against Binance,
 * while the prices replay 2023.
 */
import type { IncomingMessage } from 'node:http';
import { toAmount, toDecimalString, type Amount } from '../../functions/src/domain/money.ts';
import type { Clock } from '../../functions/src/ports/index.ts';
import { Account, type OrderSide, type OrderType, type SimOrder, type TimeInForce } from './account.ts';
import { ApiKeySchema, requireTrading, verifySigned, type ApiKey, type ApiKeyInput } from './auth.ts';
import { SimError } from './errors.ts';
import { FaultConfigSchema, Faults, type FaultConfigInput } from './faults.ts';
import { currentPrice, isInterval, klines, ticker24h } from './market.ts';
import { loadExchangeInfo, type SymbolRules } from './rules.ts';
import * as wire from './wire.ts';

export interface SimOptions {
  readonly marketClock: Clock;
  readonly wallClock?: Clock;
  readonly keys?: readonly ApiKeyInput[];
  /** free balances at start, e.g. { USDT: '10000' } */
  readonly balances?: Readonly<Record<string, string>>;
  readonly faults?: FaultConfigInput;
  readonly takerFeeBps?: number;
  readonly makerFeeBps?: number;
  readonly slippageBps?: number;
  readonly fillLegs?: number;
  readonly exchangeInfoFile?: string;
  /** one line per request (method, path, status, code: never the query, which holds the signature) */
  readonly log?: (line: string) => void;
}

export interface Reply {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly params: URLSearchParams;
  readonly query: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

const DECIMAL_RE = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const mandatory = (name: string) => new SimError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

function param(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw mandatory(name);
  return v;
}

function decimal(p: URLSearchParams, name: string): Amount {
  const v = param(p, name);
  if (!DECIMAL_RE.test(v))
    throw new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  const a = toAmount(v, 'down');
  if (toAmount(v, 'up') !== a) throw new SimError(400, -1111, `Parameter '${name}' has too much precision.`);
  return a;
}

function int(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,16}$/.test(v))
    throw new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(v);
}

function limitOf(p: URLSearchParams, dflt: number, max: number): number {
  const limit = int(p, 'limit') ?? dflt;
  if (limit < 1 || limit > max) throw new SimError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return limit;
}

export class ExchangeSim {
  readonly account: Account;
  readonly faults: Faults;
  readonly keys = new Map<string, ApiKey>();
  readonly exchangeInfo: Record<string, unknown>;
  readonly rules: ReadonlyMap<string, SymbolRules>;
  readonly marketClock: Clock;
  readonly wallClock: Clock;
  private clientIds = 0;

  constructor(opts: SimOptions) {
    const info = loadExchangeInfo(opts.exchangeInfoFile);
    this.exchangeInfo = info.raw;
    this.rules = info.rules;
    this.marketClock = opts.marketClock;
    this.wallClock = opts.wallClock ?? { now: () => Date.now() };
    this.account = new Account({
      rules: info.rules,
      takerFeeBps: opts.takerFeeBps ?? 10,
      makerFeeBps: opts.makerFeeBps ?? 10,
      slippageBps: opts.slippageBps ?? 2,
      fillLegs: opts.fillLegs ?? 1,
    });
    this.faults = new Faults(FaultConfigSchema.parse(opts.faults ?? {}));
    for (const k of opts.keys ?? []) this.setKey(k);
    for (const [asset, free] of Object.entries(opts.balances ?? {})) this.account.setFree(asset, toAmount(free));
  }

  setKey(input: ApiKeyInput): void {
    const key = ApiKeySchema.parse(input);
    this.keys.set(key.apiKey, { ...key, createTime: this.wallClock.now() });
  }

  /** A symbol given as Binance's id (BTCUSDT) or ours (BTC/USDT). */
  symbolId(s: string): string {
    const id = s.replace('/', '');
    this.account.rulesOf(id);
    return id;
  }

  visible(o: SimOrder): boolean {
    return o.visibleAt <= this.wallClock.now();
  }

  private findOrder(p: URLSearchParams, notFound: SimError): SimOrder {
    const symbol = this.symbolId(param(p, 'symbol'));
    const orderId = int(p, 'orderId');
    const clientId = p.get('origClientOrderId');
    if (orderId === undefined && !clientId)
      throw new SimError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    const match = this.account.orders.filter(
      (o) => o.symbol === symbol && (orderId !== undefined ? o.orderId === orderId : o.clientOrderId === clientId),
    );
    const order = match.at(-1);
    if (!order || !this.visible(order)) throw notFound;
    return order;
  }

  /** Place an order (the API's POST /api/v3/order, or a hand-made one from admin). */
  place(p: URLSearchParams, source: 'api' | 'manual'): SimOrder {
    const id = this.symbolId(param(p, 'symbol'));
    const side = param(p, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw new SimError(400, -1117, 'Invalid side.');
    const type = param(p, 'type');
    if (type !== 'MARKET' && type !== 'LIMIT') throw new SimError(400, -1116, 'Invalid orderType.');
    if (p.has('quoteOrderQty')) throw new SimError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
    const quantity = decimal(p, 'quantity');
    const tif = p.get('timeInForce');
    if (type === 'LIMIT' && !tif) throw mandatory('timeInForce');
    if (tif && !['GTC', 'IOC', 'FOK'].includes(tif)) throw new SimError(400, -1115, 'Invalid timeInForce.');
    const clientOrderId = p.get('newClientOrderId') || `sim${String(++this.clientIds).padStart(8, '0')}`;
    if (!CLIENT_ID_RE.test(clientOrderId))
      throw new SimError(
        400,
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
      );
    const wallNow = this.wallClock.now();
    const lag = source === 'api' ? this.faults.orderLagMs() : 0;
    return this.account.place(
      {
        id,
        side: side as OrderSide,
        type: type as OrderType,
        quantity,
        clientOrderId,
        source,
        visibleAt: wallNow + lag,
        ...(type === 'LIMIT' && { price: decimal(p, 'price'), timeInForce: tif as TimeInForce }),
      },
      wallNow,
      this.marketClock.now(),
    );
  }

  /** Binance routes: "METHOD /path" → handler. */
  readonly routes: Record<string, { signed: boolean; trade?: boolean; run: (req: Request, key: ApiKey | null) => Reply }> = {
    'GET /api/v3/ping': { signed: false, run: () => ({ body: {} }) },
    'GET /api/v3/time': { signed: false, run: () => ({ body: { serverTime: this.wallClock.now() } }) },
    'GET /api/v3/exchangeInfo': { signed: false, run: () => ({ body: { ...this.exchangeInfo, serverTime: this.wallClock.now() } }) },
    'GET /api/v3/klines': {
      signed: false,
      run: ({ params: p }) => {
        const id = this.symbolId(param(p, 'symbol'));
        const interval = param(p, 'interval');
        if (!isInterval(interval)) throw new SimError(400, -1120, 'Invalid interval.');
        const startTime = int(p, 'startTime');
        const endTime = int(p, 'endTime');
        const rows = klines(this.account.rulesOf(id).symbol, interval, this.marketClock.now(), {
          limit: limitOf(p, 500, 1000),
          ...(startTime !== undefined && { startTime }),
          ...(endTime !== undefined && { endTime }),
        });
        return { body: rows };
      },
    },
    'GET /api/v3/ticker/price': {
      signed: false,
      run: ({ params: p }) => {
        const id = this.symbolId(param(p, 'symbol'));
        const price = currentPrice(this.account.rulesOf(id).symbol, this.marketClock.now());
        if (price === null) throw new SimError(400, -1121, 'Invalid symbol.');
        return { body: { symbol: id, price: toDecimalString(price) } };
      },
    },
    'GET /api/v3/ticker/24hr': {
      signed: false,
      run: ({ params: p }) => {
        const id = this.symbolId(param(p, 'symbol'));
        const t = ticker24h(id, this.account.rulesOf(id).symbol, this.marketClock.now());
        if (!t) throw new SimError(400, -1121, 'Invalid symbol.');
        return { body: t };
      },
    },
    'GET /api/v3/account': {
      signed: true,
      run: ({ params: p }, key) => {
        this.account.settleResting(this.marketClock.now(), this.wallClock.now());
        return {
          body: wire.account(
            this.account,
            this.wallClock.now(),
            key!.permissions.enableSpotAndMarginTrading,
            p.get('omitZeroBalances') === 'true',
          ),
        };
      },
    },
    'POST /api/v3/order': {
      signed: true,
      trade: true,
      run: ({ params: p }) => {
        const resp = p.get('newOrderRespType') ?? 'FULL';
        if (!['ACK', 'RESULT', 'FULL'].includes(resp))
          throw new SimError(400, -1100, "Illegal characters found in parameter 'newOrderRespType'.");
        return { body: wire.createdOrder(this.place(p, 'api'), resp as wire.RespType) };
      },
    },
    'GET /api/v3/order': {
      signed: true,
      run: ({ params: p }) => {
        this.account.settleResting(this.marketClock.now(), this.wallClock.now());
        return { body: wire.queriedOrder(this.findOrder(p, new SimError(400, -2013, 'Order does not exist.'))) };
      },
    },
    'DELETE /api/v3/order': {
      signed: true,
      trade: true,
      run: ({ params: p }) => {
        const now = this.wallClock.now();
        this.account.settleResting(this.marketClock.now(), now);
        const order = this.findOrder(p, new SimError(400, -2011, 'Unknown order sent.'));
        this.account.cancel(order, now);
        return { body: wire.canceledOrder(order, p.get('newClientOrderId') || `cancel${order.orderId}`, now) };
      },
    },
    'GET /api/v3/openOrders': {
      signed: true,
      run: ({ params: p }) => {
        this.account.settleResting(this.marketClock.now(), this.wallClock.now());
        const symbol = p.get('symbol') ? this.symbolId(p.get('symbol')!) : null;
        return {
          body: this.account.orders
            .filter((o) => o.status === 'NEW' && this.visible(o) && (symbol === null || o.symbol === symbol))
            .map(wire.queriedOrder),
        };
      },
    },
    'GET /api/v3/allOrders': {
      signed: true,
      run: ({ params: p }) => {
        const symbol = this.symbolId(param(p, 'symbol'));
        const limit = limitOf(p, 500, 1000);
        return {
          body: this.account.orders
            .filter((o) => o.symbol === symbol && this.visible(o))
            .slice(-limit)
            .map(wire.queriedOrder),
        };
      },
    },
    'GET /api/v3/myTrades': {
      signed: true,
      run: ({ params: p }) => {
        this.account.settleResting(this.marketClock.now(), this.wallClock.now());
        const symbol = this.symbolId(param(p, 'symbol'));
        const [orderId, startTime, endTime, fromId] = ['orderId', 'startTime', 'endTime', 'fromId'].map((n) => int(p, n));
        const limit = limitOf(p, 500, 1000);
        const hidden = new Set(this.account.orders.filter((o) => !this.visible(o)).map((o) => o.orderId));
        const rows = this.account.trades.filter(
          (t) =>
            t.symbol === symbol &&
            !hidden.has(t.orderId) &&
            (orderId === undefined || t.orderId === orderId) &&
            (startTime === undefined || t.time >= startTime) &&
            (endTime === undefined || t.time <= endTime) &&
            (fromId === undefined || t.id >= fromId),
        );
        const page = startTime !== undefined || fromId !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
        return { body: page.map(wire.trade) };
      },
    },
    'GET /sapi/v1/account/apiRestrictions': {
      signed: true,
      run: (_req, key) => ({
        body: {
          ...key!.permissions,
          createTime: key!.createTime,
          enableFixApiTrade: false,
          enableFixReadOnly: false,
          enablePortfolioMarginTrading: false,
        },
      }),
    },
  };

  /** Answer one Binance request: auth, then the route (faults are applied by the server around it). */
  handle(req: Request): Reply {
    const route = this.routes[`${req.method} ${req.path}`];
    if (!route) return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'Content-Type': 'text/html' } };
    try {
      let key: ApiKey | null = null;
      if (route.signed) {
        const apiKey = req.headers['x-mbx-apikey'];
        key = verifySigned({
          keys: this.keys,
          apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey,
          query: req.query,
          body: req.body,
          params: req.params,
          serverTime: this.wallClock.now(),
        });
        if (route.trade) requireTrading(key, this.wallClock.now());
      }
      return route.run(req, key);
    } catch (err) {
      if (err instanceof SimError) return { status: err.status, body: { code: err.code, msg: err.msg } };
      throw err;
    }
  }
}
