/**
 * Lazy ccxt: nothing here imports ccxt at module load (type imports are erased).
 *
 * `import('ccxt')` evaluates ~110 exchange classes plus the websocket layer: about 0.9 s of CPU and
 * 60 MB more RSS than one exchange (scripts/bench-ccxt-import.ts). A Cloud Function pays that on every
 * cold start, and the replay/paper paths never need ccxt at all. So the class of the one exchange we
 * use is imported on its own, on first use.
 *
 * How: ccxt's package.json `exports` exposes only ".", so `import('ccxt/js/src/binance.js')` is
 * refused (ERR_PACKAGE_PATH_NOT_EXPORTED). The exports map applies to bare specifiers only; a file
 * URL next to the resolved entry point (js/ccxt.js → js/src/<id>.js, the very module ccxt.js itself
 * imports) is not subject to it. If a future ccxt moves that file, we fall back to the full import,
 * which is slower but correct. Deployment note: ccxt must stay an installed dependency (external to
 * any bundle), because the URL is computed at run time.
 */
import type { Exchange } from 'ccxt';
import { ConfigError } from '../../domain/errors.ts';
import { esmImport } from '../../lib/esmImport.ts';

export type ExchangeClass = new (config?: Record<string, unknown>) => Exchange;
export type LoadedVia = 'per-exchange' | 'full';

const ID_RE = /^[a-z][a-z0-9]*$/;
const classes = new Map<string, Promise<{ ctor: ExchangeClass; via: LoadedVia }>>();

async function importClass(id: string): Promise<{ ctor: ExchangeClass; via: LoadedVia }> {
  let perExchangeError: unknown;
  try {
    const url = new URL(`./src/${id}.js`, import.meta.resolve('ccxt')).href;
    const mod = (await esmImport(url)) as { default?: unknown };
    if (typeof mod.default === 'function') return { ctor: mod.default as ExchangeClass, via: 'per-exchange' };
  } catch (err) {
    perExchangeError = err;
  }
  const ccxt = (await esmImport('ccxt')) as unknown as Record<string, unknown>;
  const ctor = ccxt[id];
  if (typeof ctor !== 'function') throw new ConfigError(`EXCHANGE_ID: ccxt has no exchange "${id}"`, { cause: perExchangeError });
  return { ctor: ctor as ExchangeClass, via: 'full' };
}

/** The exchange's class, imported once per process (a warm instance reuses it). */
export function loadExchangeClass(id: string): Promise<{ ctor: ExchangeClass; via: LoadedVia }> {
  if (!ID_RE.test(id)) return Promise.reject(new ConfigError(`EXCHANGE_ID: not a ccxt exchange id: ${JSON.stringify(id)}`));
  let p = classes.get(id);
  if (!p) {
    p = importClass(id);
    classes.set(id, p);
    // Do not cache a failure: the next call tries again.
    p.catch(() => classes.delete(id));
  }
  return p;
}

/**
 * Our defaults, merged under the caller's config (`options` one level deep).
 * - enableRateLimit: ccxt spaces requests by the exchange's published weights.
 * - binance, fetchMarkets spot only: by default ccxt also loads the USDⓈ-M and COIN-M futures
 *   exchangeInfo — three requests and three large parses per cold start for markets we never use.
 * - binance, fetchCurrencies and fetchMargins off: with API keys ccxt would also call the signed
 *   /sapi/v1/capital/config/getall (deposit networks) and /sapi/v1/margin/allPairs +
 *   isolated/allPairs (margin flags) before the first order — three extra requests, large bodies,
 *   and a margin permission the key does not need.
 */
export function exchangeConfig(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { enableRateLimit: true };
  const baseOptions: Record<string, unknown> =
    id === 'binance' ? { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false } : {};
  const options = { ...baseOptions, ...((overrides.options as Record<string, unknown> | undefined) ?? {}) };
  return { ...base, ...overrides, options };
}

/**
 * `overrides.apiUrl` (ours, not ccxt's; EXCHANGE_API_URL) points the exchange at another server, the
 * local exchange simulator: every REST base URL in `urls.api` keeps its path (/api/v3, /sapi/v1, …)
 * and gets this origin. Binance also chooses its per-market error table by URL (spot errors only for
 * https://api.binance.com/…), so requests to the override are mapped as spot ones: the simulator's
 * error bodies become the very ccxt classes Binance's would.
 */
export async function createExchange(id: string, overrides: Record<string, unknown> = {}): Promise<Exchange> {
  const { ctor } = await loadExchangeClass(id);
  const { apiUrl, ...rest } = overrides;
  const ex = new ctor(exchangeConfig(id, rest));
  if (typeof apiUrl === 'string') rebase(ex, apiUrl);
  return ex;
}

function rebase(ex: Exchange, apiUrl: string): void {
  const base = apiUrl.replace(/\/+$/, '');
  const at = (url: string) => `${base}${new URL(url).pathname}`.replace(/\/+$/, '');
  const api = ex.urls.api as unknown;
  if (typeof api === 'string') ex.urls.api = at(api) as never;
  else if (api && typeof api === 'object')
    for (const [k, v] of Object.entries(api as Record<string, unknown>))
      if (typeof v === 'string') (api as Record<string, string>)[k] = at(v);
  if (ex.id === 'binance') {
    const original = (ex as unknown as { getExceptionsByUrl(url: string, exactOrBroad: string): unknown }).getExceptionsByUrl.bind(ex);
    const spotUrl = `https://api.${(ex as unknown as { hostname?: string }).hostname ?? 'binance.com'}/`;
    Object.assign(ex, {
      getExceptionsByUrl: (url: string, exactOrBroad: string) =>
        original(
          typeof url === 'string' && /^\/s?api\//.test(url.slice(base.length)) && url.startsWith(base)
            ? `${spotUrl}${url.slice(base.length + 1)}`
            : url,
          exactOrBroad,
        ),
    });
  }
}

/**
 * One ccxt instance per adapter, created on first use, with markets loaded once.
 *
 * ccxt trap worked around here: `loadMarkets()` memoizes its promise, INCLUDING a rejected one, and
 * fetchOHLCV/createOrder only call it while `markets` is undefined. So one transient failure of
 * exchangeInfo would make every later call on that instance fail with the same error until the
 * instance is recycled. After a failure we therefore ask ccxt for an explicit reload.
 */
export class LazyExchange {
  readonly id: string;
  private readonly config: Record<string, unknown>;
  private instance: Promise<Exchange> | undefined;
  private lastLoadFailed = false;

  constructor(opts: { exchangeId?: string; exchange?: Exchange; config?: Record<string, unknown> } = {}) {
    this.id = opts.exchange?.id ?? opts.exchangeId ?? 'binance';
    if (opts.exchange) this.instance = Promise.resolve(opts.exchange);
    this.config = opts.config ?? {};
  }

  exchange(): Promise<Exchange> {
    if (!this.instance) {
      const p = createExchange(this.id, this.config);
      this.instance = p;
      p.catch(() => {
        if (this.instance === p) this.instance = undefined;
      });
    }
    return this.instance;
  }

  /** The instance with its markets loaded. Safe to call inside a retry loop. */
  async withMarkets(): Promise<Exchange> {
    const ex = await this.exchange();
    try {
      await ex.loadMarkets(this.lastLoadFailed);
      this.lastLoadFailed = false;
    } catch (err) {
      this.lastLoadFailed = true;
      throw err;
    }
    return ex;
  }
}
