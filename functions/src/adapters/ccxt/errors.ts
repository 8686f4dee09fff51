/**
 * ccxt errors → the project's MarketDataError (temporary | rate_limited | permanent).
 *
 * No runtime import of ccxt here: this module must stay cheap to load (ccxt is loaded lazily, see
 * loadExchange.ts). ccxt sets `this.name` to the class name in every error constructor, so the
 * class is identified by `err.name` first (survives minification) and then by the constructor
 * names along the prototype chain (covers a subclass a future ccxt adds). The first name found in
 * the table wins, and names are visited from the most specific class up — which matters because in
 * ccxt RateLimitExceeded and DDoSProtection EXTEND NetworkError, OnMaintenance extends
 * ExchangeNotAvailable (itself a NetworkError), and BadSymbol extends BadRequest.
 *
 * ccxt's hierarchy (base/errors.js, 4.5.x):
 *   BaseError
 *   ├─ ExchangeError ─ Authentication/PermissionDenied/…, BadRequest ─ BadSymbol, InvalidOrder ─ OrderNotFound/
 *   │                  DuplicateOrderId/…, InsufficientFunds, NotSupported, OperationRejected ─ …  → permanent
 *   ├─ OperationFailed ─ NetworkError ─ DDoSProtection, RateLimitExceeded                            → rate_limited
 *   │                  │              ─ ExchangeNotAvailable ─ OnMaintenance, RequestTimeout,
 *   │                  │                InvalidNonce ─ ChecksumError                                  → temporary
 *   │                  ─ BadResponse ─ NullResponse, CancelPending                                    → temporary
 *   └─ UnsubscribeError (websocket only)                                                             → permanent
 * OperationFailed is "the request may succeed if retried" in ccxt's own words; Binance maps -1000
 * (unknown error), -1001 (internal error), -1006 and spot -1008 (server overloaded) onto it.
 */
import { MarketDataError, type MarketDataErrorKind } from '../../domain/errors.ts';

const RATE_LIMITED = ['RateLimitExceeded', 'DDoSProtection'] as const;
const TEMPORARY = [
  'RequestTimeout',
  'OnMaintenance',
  'ExchangeNotAvailable',
  'ChecksumError',
  'InvalidNonce', // a clock-skew nonce; a fresh request carries a fresh one
  'NetworkError',
  'NullResponse',
  'BadResponse', // unparseable body, typically an HTML error page from a proxy or CDN
  'CancelPending',
  'OperationFailed',
] as const;
const PERMANENT = [
  'AccountNotEnabled',
  'PermissionDenied',
  'AccountSuspended',
  'AuthenticationError',
  'ArgumentsRequired',
  'BadSymbol',
  'BadRequest',
  'MarginModeAlreadySet',
  'NoChange',
  'MarketClosed',
  'ManualInteractionNeeded',
  'RestrictedLocation',
  'OperationRejected',
  'InsufficientFunds',
  'AddressPending',
  'InvalidAddress',
  'OrderNotFound',
  'OrderNotCached',
  'OrderImmediatelyFillable',
  'OrderNotFillable',
  'DuplicateOrderId',
  'ContractUnavailable',
  'InvalidOrder',
  'NotSupported',
  'InvalidProxySettings',
  'ExchangeClosedByUser',
  'ExchangeError',
  'UnsubscribeError',
  'BaseError',
] as const;

/** Every ccxt error class name with the kind it maps to (exported so a test can diff it against ccxt). */
export const CCXT_ERROR_KINDS: ReadonlyMap<string, MarketDataErrorKind> = new Map<string, MarketDataErrorKind>([
  ...RATE_LIMITED.map((n) => [n, 'rate_limited'] as const),
  ...TEMPORARY.map((n) => [n, 'temporary'] as const),
  ...PERMANENT.map((n) => [n, 'permanent'] as const),
]);

/**
 * Node/undici error codes of a failed connection. ccxt wraps most of these in NetworkError itself;
 * this list catches the ones that reach us unwrapped (e.g. thrown while loading a proxy agent).
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Class names of `err`, most specific first: its `name`, then each constructor up the chain. */
function classNames(err: object): string[] {
  const names: string[] = [];
  const own = (err as { name?: unknown }).name;
  if (typeof own === 'string') names.push(own);
  for (let p = Object.getPrototypeOf(err) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const ctor = (p as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string' && ctor.name !== names[names.length - 1]) names.push(ctor.name);
  }
  return names;
}

/** The ccxt class that decided the kind, or undefined when `err` is not a ccxt error. */
export function ccxtErrorClass(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return classNames(err).find((n) => CCXT_ERROR_KINDS.has(n));
}

function looksLikeNetworkError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const { code, name, cause } = err as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  // undici reports connection failures as TypeError('fetch failed') with the socket error as cause.
  return looksLikeNetworkError(cause, depth + 1);
}

export function translateCcxtError(err: unknown): MarketDataError {
  if (err instanceof MarketDataError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const cls = ccxtErrorClass(err);
  if (cls !== undefined) return new MarketDataError(CCXT_ERROR_KINDS.get(cls)!, `${cls}: ${message}`, { cause: err });
  const kind: MarketDataErrorKind = looksLikeNetworkError(err) ? 'temporary' : 'permanent';
  return new MarketDataError(kind, message, { cause: err });
}
