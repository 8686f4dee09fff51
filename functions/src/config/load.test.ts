import { describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.ts';
import { parseBotConfig, parseEnv } from './load.ts';

describe('parseEnv', () => {
  it('gives safe defaults: replay source, paper trading', () => {
    const env = parseEnv({});
    expect(env.MARKET_SOURCE).toBe('replay');
    expect(env.TRADING_MODE).toBe('paper');
    expect(env.SYMBOLS).toEqual(['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'XRP/USDT']);
  });

  it.each([
    [{ TICK_INTERVAL: 'banana' }, 'TICK_INTERVAL'],
    [{ SYMBOLS: 'BTCUSDT' }, 'SYMBOLS'],
    [{ TIMEFRAME: '7m' }, 'TIMEFRAME'],
    [{ REPLAY_SPEED: '-2' }, 'REPLAY_SPEED'],
    [{ REPLAY_START: 'yesterday' }, 'REPLAY_START'],
    [{ HISTORY_CANDLES: '10' }, 'HISTORY_CANDLES'],
    [{ TRADING_MODE: 'live', MARKET_SOURCE: 'ccxt' }, 'EXCHANGE_API_KEY'],
    [{ TRADING_MODE: 'live', EXCHANGE_API_KEY: 'k', EXCHANGE_API_SECRET: 's' }, 'MARKET_SOURCE'],
    [{ EXCHANGE_API_URL: 'ftp://127.0.0.1:1' }, 'EXCHANGE_API_URL'],
    [{ EXCHANGE_API_URL: 'http://127.0.0.1:1/?x=1' }, 'EXCHANGE_API_URL'],
    [{ EXCHANGE_API_URL: 'http://user:pw@127.0.0.1:1' }, 'EXCHANGE_API_URL'],
    [{ MARKET_CLOCK: 'replay', MARKET_SOURCE: 'ccxt' }, 'MARKET_CLOCK'],
    [{ MARKET_CLOCK: 'wall' }, 'MARKET_CLOCK'],
  ])('rejects %o naming %s', (vars, field) => {
    expect(() => parseEnv(vars)).toThrow(ConfigError);
    expect(() => parseEnv(vars)).toThrow(new RegExp(`^invalid configuration:\\n(.*\\n)*${field}:`, 'm'));
  });

  it('takes an exchange base URL (the simulator) and the replay clock with it', () => {
    const env = parseEnv({ MARKET_SOURCE: 'ccxt', EXCHANGE_API_URL: 'http://127.0.0.1:12790/', MARKET_CLOCK: 'replay' });
    expect(env.EXCHANGE_API_URL).toBe('http://127.0.0.1:12790');
    expect(env.MARKET_CLOCK).toBe('replay');
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ TIMEFRAME: '' }).TIMEFRAME).toBe('4h');
  });
});

describe('parseBotConfig', () => {
  it('fills every default from an empty document', () => {
    const cfg = parseBotConfig(undefined);
    expect(cfg.risk.killSwitchDrawdownPct).toBe(15);
    expect(cfg.risk.dailyLossLimitPct).toBe(3);
    expect(cfg.paper).toEqual({ feeBps: 10, slippageBps: 5, initialCash: '10000' });
  });

  it('names the bad field with its path', () => {
    expect(() => parseBotConfig({ risk: { maxOpenPositions: 0 } })).toThrow(/config\/bot\.risk\.maxOpenPositions/);
    expect(() => parseBotConfig({ regime: { adxTrendMin: 15, adxSidewaysMax: 20 } })).toThrow(/adxSidewaysMax/);
    expect(() => parseBotConfig({ paper: { initialCash: '1e4' } })).toThrow(/paper\.initialCash/);
  });
});
