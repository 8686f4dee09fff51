import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMarketRules } from '../../domain/marketRules.ts';
import { toAmount as A } from '../../domain/money.ts';
import { sizeEntry } from '../../domain/risk/index.ts';
import { riskParams } from '../../domain/testing/builders.ts';
import { createExchange } from '../ccxt/loadExchange.ts';
import { installPlayer } from '../ccxt/fixtures/player.ts';
import { loadedExchangeRules } from '../ccxt/marketRules.ts';
import { exchangeInfoRules, RECORDED_EXCHANGE_INFO, recordedExchangeRules } from './recordedRules.ts';

const SNAPSHOT = JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')) as { symbols: { baseAsset: string; quoteAsset: string }[] };
const SYMBOLS = SNAPSHOT.symbols.map((s) => `${s.baseAsset}/${s.quoteAsset}`);

describe('the recorded exchange rules (functions/data/exchange/binance-exchangeInfo.json)', () => {
  it("read from Binance's filters, exactly", () => {
    const rules = recordedExchangeRules();
    expect(rules.rulesFor('XRP/USDT')).toEqual({ amountStep: A('0.1'), minAmount: A('0.1'), minNotional: A('5'), priceTick: A('0.0001') });
    expect(rules.rulesFor('BNB/USDT')).toEqual({
      amountStep: A('0.001'),
      minAmount: A('0.001'),
      minNotional: A('5'),
      priceTick: A('0.01'),
    });
    expect(rules.rulesFor('BTC/USDT')).toEqual({
      amountStep: A('0.00001'),
      minAmount: A('0.00001'),
      minNotional: A('5'),
      priceTick: A('0.01'),
    });
    expect(rules.rulesFor('DOGE/USDT')).toBeNull();
    expect(SYMBOLS).toEqual(['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'XRP/USDT', 'SOL/USDT']);
  });

  it("equal, market by market, to what ccxt's own binance parser makes of the same body (what live mode reads)", async () => {
    const exchange = await createExchange('binance', { enableRateLimit: false });
    const player = installPlayer(exchange, { 'GET /api/v3/exchangeInfo': { status: 200, body: SNAPSHOT } });
    await exchange.loadMarkets();
    const unusable: string[] = [];
    const live = loadedExchangeRules(exchange, (r) => unusable.push(r));
    const recorded = recordedExchangeRules();
    for (const symbol of SYMBOLS) expect(live.rulesFor(symbol), symbol).toEqual(recorded.rulesFor(symbol));
    expect(unusable).toEqual([]);
    expect(player.count('GET /api/v3/exchangeInfo')).toBe(1);
  });

  it('a body that is not exchangeInfo is refused; a market without LOT_SIZE or with a step finer than 1e-8 has no rules', () => {
    expect(() => exchangeInfoRules({ symbols: 'x' }, 'test')).toThrow();
    const unusable: string[] = [];
    const body = {
      symbols: [
        { symbol: 'AAAUSDT', baseAsset: 'AAA', quoteAsset: 'USDT', filters: [{ filterType: 'PRICE_FILTER', tickSize: '0.01000000' }] },
        {
          symbol: 'BBBUSDT',
          baseAsset: 'BBB',
          quoteAsset: 'USDT',
          filters: [
            { filterType: 'PRICE_FILTER', tickSize: '0.000000001' },
            { filterType: 'LOT_SIZE', stepSize: '1.00000000', minQty: '1.00000000' },
          ],
        },
      ],
    };
    const rules = exchangeInfoRules(body, 'test', (r) => unusable.push(r));
    expect(rules.rulesFor('AAA/USDT')).toBeNull();
    expect(rules.rulesFor('BBB/USDT')).toBeNull();
    expect(unusable).toEqual(['test: BBB/USDT: price tick 0.000000001 is finer than 1e-8']);
  });

  it('parseMarketRules: no minimum amount means one step; zero steps are refused', () => {
    expect(parseMarketRules('X/Y', { amountStep: '0.1', priceTick: '0.01' })).toEqual({
      amountStep: A('0.1'),
      minAmount: A('0.1'),
      minNotional: 0n,
      priceTick: A('0.01'),
    });
    expect(() => parseMarketRules('X/Y', { amountStep: '0', priceTick: '0.01' })).toThrow(/X\/Y: amount step 0 must be greater than 0/);
  });
});

describe("sizing with the exchange's steps", () => {
  const risk = riskParams({ maxExposurePerSymbolPct: 100 });
  it.each([
    ['XRP/USDT', '0.5029', '0.004', A('0.1')],
    ['BNB/USDT', '312.45', '2.5', A('0.001')],
  ])('%s: the quantity is a whole number of exchange steps, at or above its minimums', (symbol, price, atr, step) => {
    const rules = recordedExchangeRules().rulesFor(symbol)!;
    const r = sizeEntry({ equity: A('10000'), cash: A('10000'), refPrice: A(price), atr: A(atr), risk, rules, feeBps: 10, slippageBps: 5 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.qty % step).toBe(0n);
    expect(r.qty).toBeGreaterThanOrEqual(rules.minAmount);
    expect(r.expectedFill.notional).toBeGreaterThanOrEqual(rules.minNotional);
  });

  it('XRP: cash for less than one 0.1 step buys nothing', () => {
    const rules = recordedExchangeRules().rulesFor('XRP/USDT')!;
    // 0.03 USDT buys ~0.06 XRP
    const r = sizeEntry({
      equity: A('10000'),
      cash: A('0.03'),
      refPrice: A('0.5029'),
      atr: A('0.004'),
      risk,
      rules,
      feeBps: 10,
      slippageBps: 5,
    });
    expect(r).toMatchObject({ ok: false, reason: 'insufficient_cash' });
  });
});
