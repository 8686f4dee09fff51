import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../domain/errors.ts';
import { LazyExchange, createExchange, exchangeConfig, loadExchangeClass } from './loadExchange.ts';

describe('loadExchangeClass', () => {
  it('imports only the exchange module, and it is the very class ccxt exports', async () => {
    const { ctor, via } = await loadExchangeClass('binance');
    expect(via).toBe('per-exchange');
    const ccxt = await import('ccxt');
    expect(ctor).toBe(ccxt.binance); // same file URL, same module instance, same class
  });

  it('loads once per process', () => {
    expect(loadExchangeClass('binance')).toBe(loadExchangeClass('binance'));
  });

  it('rejects ids that are not ccxt exchange ids', async () => {
    await expect(loadExchangeClass('../base/Exchange')).rejects.toBeInstanceOf(ConfigError);
    await expect(loadExchangeClass('nosuchexchange')).rejects.toThrow(/ccxt has no exchange "nosuchexchange"/);
  });
});

describe('exchangeConfig', () => {
  it('enables the rate limiter and trims binance market loading to spot', () => {
    expect(exchangeConfig('binance')).toEqual({
      enableRateLimit: true,
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
    });
    expect(exchangeConfig('kraken')).toEqual({ enableRateLimit: true, options: {} });
  });

  it('lets the caller override, options one level deep', () => {
    expect(exchangeConfig('binance', { timeout: 5_000, options: { fetchMargins: true } })).toEqual({
      enableRateLimit: true,
      timeout: 5_000,
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: true },
    });
  });

  it('is what a created exchange runs with', async () => {
    const ex = await createExchange('binance', { apiKey: 'k', secret: 's' });
    expect(ex.enableRateLimit).toBe(true);
    // ccxt deep-merges our options into its own defaults
    expect(ex.options).toMatchObject({ fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false });
    expect(ex.apiKey).toBe('k');
  });
});

describe('createExchange with apiUrl (EXCHANGE_API_URL)', () => {
  it('rebases every REST URL onto it, keeping the paths', async () => {
    const ex = await createExchange('binance', { apiUrl: 'http://127.0.0.1:12790/' });
    const api = ex.urls.api as unknown as Record<string, string>;
    expect(api.public).toBe('http://127.0.0.1:12790/api/v3');
    expect(api.private).toBe('http://127.0.0.1:12790/api/v3');
    expect(api.sapi).toBe('http://127.0.0.1:12790/sapi/v1');
    expect(api.fapiPublic).toBe('http://127.0.0.1:12790/fapi/v1');
    expect(Object.values(api).filter((u) => !u.startsWith('http://127.0.0.1:12790/'))).toEqual([]);
    expect(ex).not.toHaveProperty('apiUrl');
  });

  it("maps its error bodies with Binance spot's table, as for api.binance.com", async () => {
    const [local, real] = await Promise.all([createExchange('binance', { apiUrl: 'http://127.0.0.1:12790' }), createExchange('binance')]);
    const body = '{"code":-1008,"msg":"Spot server is currently overloaded with other requests."}';
    const thrown = (ex: typeof local, url: string) => {
      try {
        ex.handleErrors(503, 'Service Unavailable', url, 'GET', {}, body, JSON.parse(body), {}, '');
      } catch (err) {
        return (err as Error).name;
      }
      return 'none';
    };
    expect(thrown(real, 'https://api.binance.com/api/v3/klines')).toBe('OperationFailed'); // spot-only entry
    expect(thrown(local, 'http://127.0.0.1:12790/api/v3/klines')).toBe('OperationFailed');
  });
});

describe('LazyExchange', () => {
  it('creates its instance on first use, once', async () => {
    const lazy = new LazyExchange({ exchangeId: 'binance' });
    expect(lazy.id).toBe('binance');
    const a = await lazy.exchange();
    expect(await lazy.exchange()).toBe(a);
  });

  it('uses an injected instance as is', async () => {
    const ex = await createExchange('binance');
    const lazy = new LazyExchange({ exchange: ex, exchangeId: 'ignored' });
    expect(lazy.id).toBe('binance');
    expect(await lazy.exchange()).toBe(ex);
  });
});
