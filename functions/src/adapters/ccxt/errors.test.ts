import { describe, expect, it } from 'vitest';
import { errors } from 'ccxt';
import { MarketDataError } from '../../domain/errors.ts';
import { CCXT_ERROR_KINDS, ccxtErrorClass, translateCcxtError } from './errors.ts';

type ErrorClass = new (message: string) => Error;
// the namespace also carries the module's `default` export (an object of the same classes)
const classes = Object.fromEntries(Object.entries(errors).filter(([k]) => k !== 'default')) as Record<string, ErrorClass>;

describe('translateCcxtError', () => {
  it.each([
    ['NetworkError', 'temporary'],
    ['RequestTimeout', 'temporary'],
    ['ExchangeNotAvailable', 'temporary'],
    ['OnMaintenance', 'temporary'],
    ['InvalidNonce', 'temporary'],
    ['BadResponse', 'temporary'],
    ['OperationFailed', 'temporary'],
    ['RateLimitExceeded', 'rate_limited'],
    ['DDoSProtection', 'rate_limited'],
    ['BadSymbol', 'permanent'],
    ['BadRequest', 'permanent'],
    ['AuthenticationError', 'permanent'],
    ['PermissionDenied', 'permanent'],
    ['AccountSuspended', 'permanent'],
    ['InvalidOrder', 'permanent'],
    ['OrderNotFound', 'permanent'],
    ['DuplicateOrderId', 'permanent'],
    ['InsufficientFunds', 'permanent'],
    ['NotSupported', 'permanent'],
    ['OperationRejected', 'permanent'],
    ['ExchangeError', 'permanent'],
  ] as const)('%s → %s', (name, kind) => {
    const original = new classes[name]!(`binance ${name}`);
    const translated = translateCcxtError(original);
    expect(translated).toBeInstanceOf(MarketDataError);
    expect(translated.kind).toBe(kind);
    expect(translated.cause).toBe(original);
    expect(translated.message).toBe(`${name}: binance ${name}`);
  });

  it('lets the most specific class win over its NetworkError parent', () => {
    // the trap: these are NetworkErrors too
    expect(new errors.RateLimitExceeded('x')).toBeInstanceOf(errors.NetworkError);
    expect(new errors.DDoSProtection('x')).toBeInstanceOf(errors.NetworkError);
    expect(ccxtErrorClass(new errors.RateLimitExceeded('x'))).toBe('RateLimitExceeded');
    expect(ccxtErrorClass(new errors.OnMaintenance('x'))).toBe('OnMaintenance');
  });

  it('maps every error class this ccxt version exports (fails on a ccxt upgrade that adds one)', () => {
    const exported = Object.keys(classes).sort();
    expect([...CCXT_ERROR_KINDS.keys()].sort()).toEqual(exported);
    for (const name of exported) {
      const kind = translateCcxtError(new classes[name]!('x')).kind;
      const isNetwork = new classes[name]!('x') instanceof errors.OperationFailed;
      // invariant: everything under OperationFailed is retryable, everything else is permanent
      expect(kind === 'permanent', name).toBe(!isNetwork);
    }
  });

  it('classifies an unknown subclass by its nearest known ancestor', () => {
    class BrandNewTimeout extends errors.RequestTimeout {}
    expect(translateCcxtError(new BrandNewTimeout('x')).kind).toBe('temporary');
  });

  it('identifies a class by its name when constructor names are minified', () => {
    class a extends Error {
      constructor(m: string) {
        super(m);
        this.name = 'RateLimitExceeded';
      }
    }
    expect(translateCcxtError(new a('x')).kind).toBe('rate_limited');
  });

  it('passes a MarketDataError through unchanged', () => {
    const e = new MarketDataError('rate_limited', 'x');
    expect(translateCcxtError(e)).toBe(e);
  });

  it('treats non-ccxt connection failures as temporary', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(translateCcxtError(reset).kind).toBe('temporary');
    const undici = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) });
    expect(translateCcxtError(undici).kind).toBe('temporary');
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(translateCcxtError(abort).kind).toBe('temporary');
  });

  it('treats any other error as permanent', () => {
    expect(translateCcxtError(new TypeError("Cannot read properties of undefined (reading 'id')")).kind).toBe('permanent');
    expect(translateCcxtError('weird').kind).toBe('permanent');
    expect(translateCcxtError(undefined).message).toBe('undefined');
  });
});

describe('recorded Binance error responses through ccxt’s real error mapping', () => {
  // What binance.handleErrors + the generic httpExceptions table make of each recorded response.
  it.each([
    ['invalidSymbol', 'BadSymbol', 'permanent'], // 400 -1121
    ['tooMuchWeight', 'DDoSProtection', 'rate_limited'], // 429: ccxt checks the status before the body's -1003
    ['ipBanned', 'DDoSProtection', 'rate_limited'], // 418
    ['serverOverloaded', 'OperationFailed', 'temporary'], // 503 -1008 (spot)
    ['serviceUnavailable', 'ExchangeNotAvailable', 'temporary'], // 503, text body → httpExceptions
    ['unknownExecutionStatus', 'RequestTimeout', 'temporary'], // 503 -1007
    ['timestampOutsideRecvWindow', 'InvalidNonce', 'temporary'], // 400 -1021
    ['duplicateOrder', 'InvalidOrder', 'permanent'], // 400 -2010: NOT DuplicateOrderId
    ['insufficientBalance', 'InsufficientFunds', 'permanent'], // 400 -2010, matched on the message
    ['lotSize', 'InvalidOrder', 'permanent'], // 400 -1013 "Filter failure: LOT_SIZE"
    ['orderDoesNotExist', 'OrderNotFound', 'permanent'], // 400 -2013
    ['invalidApiKey', 'AuthenticationError', 'permanent'], // 401 -2015
  ] as const)('%s → %s → %s', async (name, ccxtClass, kind) => {
    const { createExchange } = await import('./loadExchange.ts');
    const { exchangeInfo, installPlayer, recorded } = await import('./fixtures/player.ts');
    const ex = await createExchange('binance', { enableRateLimit: false });
    installPlayer(ex, { 'GET /api/v3/exchangeInfo': exchangeInfo, 'GET /api/v3/klines': recorded[name]! });
    const err = await ex.fetchOHLCV('BTC/USDT', '1m').catch((e: unknown) => e);
    expect(ccxtErrorClass(err)).toBe(ccxtClass);
    expect(translateCcxtError(err).kind).toBe(kind);
  });
});
