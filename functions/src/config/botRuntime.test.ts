import { describe, expect, it } from 'vitest';
import { BotConfigError, MAX_CONFIG_DEPTH } from './load.ts';
import { validateBotConfig } from './botRuntime.ts';
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';
import { unavailableRules } from '../domain/marketRules.ts';
import { testRules } from '../domain/testing/builders.ts';

const EXCHANGE = recordedExchangeRules();

/** What `eagle config --set` / the admin function would answer: the field named, or the built runtime. */
function fieldOf(doc: unknown): string {
  try {
    validateBotConfig(doc, '4h', EXCHANGE, 'set');
  } catch (err) {
    expect(err).toBeInstanceOf(BotConfigError);
    expect((err as Error).message.length).toBeLessThan(2_000);
    return (err as BotConfigError).field;
  }
  return 'accepted';
}

const nest = (levels: number, leaf: unknown): unknown => (levels === 0 ? leaf : { k: nest(levels - 1, leaf) });

describe('validateBotConfig: config/bot is valid when the runtime builds from it', () => {
  it.each([
    ['a typo (unknown key)', { risk: { riskPerTradPct: 5 } }, 'set.risk.riskPerTradPct'],
    ['an unknown top-level key', { riks: {} }, 'set.riks'],
    ['an unknown key in paper', { paper: { feeBsp: 3 } }, 'set.paper.feeBsp'],
    [
      'an unknown key in a market',
      { markets: { 'BTC/USDT': { amountStep: '0.001', minNotional: '5', tick: '0.01' } } },
      'set.markets.BTC/USDT.tick',
    ],
    [
      'defaultMarket (the exchange rules apply to every market not listed)',
      { defaultMarket: { amountStep: '0.001', minNotional: '5' } },
      'set.defaultMarket',
    ],
    ['an unknown key in regime', { regime: { adxTrend: 30 } }, 'set.regime.adxTrend'],
    ['an unknown key in strategy', { strategy: { name: 'regime_trend', parms: {} } }, 'set.strategy.parms'],
    ['an unknown strategy', { strategy: { name: 'no_such_strategy' } }, 'set.strategy.name'],
    [
      'a bad strategy param',
      { strategy: { name: 'regime_trend', params: { pullbackAtrMult: -1 } } },
      'set.strategy.params.pullbackAtrMult',
    ],
    ['an unknown strategy param', { strategy: { name: 'buy_and_hold', params: { x: 1 } } }, 'set.strategy.params.x'],
    ['stopAtrMult 1e21 (toAmount would throw)', { risk: { stopAtrMult: 1e21 } }, 'set.risk.stopAtrMult'],
    ['stopAtrMult that rounds to 0 (a division by zero)', { risk: { stopAtrMult: 1e-9 } }, 'set.risk.stopAtrMult'],
    ['takeProfitAtrMult beyond 1000', { risk: { takeProfitAtrMult: 5000 } }, 'set.risk.takeProfitAtrMult'],
    ['riskPerTradePct beyond 10', { risk: { riskPerTradePct: 50 } }, 'set.risk.riskPerTradePct'],
    ['an ADX threshold beyond 100', { regime: { adxTrendMin: 1e300, adxSidewaysMax: 20 } }, 'set.regime.adxTrendMin'],
    [
      'a zero amountStep (floorToStep would throw)',
      { markets: { 'BTC/USDT': { amountStep: '0', minNotional: '5' } } },
      'set.markets.BTC/USDT.amountStep',
    ],
    ['an amount beyond 10^12', { paper: { initialCash: '1000000000000' } }, 'set.paper.initialCash'],
    ['zero initial cash', { paper: { initialCash: '0.0' } }, 'set.paper.initialCash'],
    ['a market key that is not a symbol', { markets: { btc: { amountStep: '0.001', minNotional: '5' } } }, 'set.markets.btc'],
    ['an empty key', { '': 1 }, 'set.""'],
    ['an empty key deep inside', { strategy: { name: 'regime_trend', params: { '': 1 } } }, 'set.strategy.params.""'],
    ['not an object', 42, 'set'],
  ])('refuses %s, naming %s', (_name, doc, field) => {
    expect(fieldOf(doc)).toBe(field);
  });

  it.each([
    [
      'a typo in risk',
      { risk: { riskPerTradPct: 5 } },
      'set.risk.riskPerTradPct: unknown key "riskPerTradPct", did you mean "riskPerTradePct"?',
    ],
    ['a typo at the top', { symbol: ['BTC/USDT'] }, 'set.symbol: unknown key "symbol", did you mean "symbols"?'],
    ['a typo in paper', { paper: { feeBsp: 3 } }, 'set.paper.feeBsp: unknown key "feeBsp", did you mean "feeBps"?'],
    [
      'a typo in a strategy param',
      { strategy: { name: 'regime_trend', params: { pullbackToEma5O: true } } },
      'set.strategy.params.pullbackToEma5O: unknown key "pullbackToEma5O", did you mean "pullbackToEma50"?',
    ],
    ['a key nothing is close to', { risk: { leverage: 10 } }, 'set.risk.leverage: unknown key "leverage"\n'],
  ])('refuses %s naming the key and, when one is close, the key it probably meant', (_name, doc, line) => {
    let message = '';
    try {
      validateBotConfig(doc, '4h', EXCHANGE, 'set');
    } catch (err) {
      message = `${(err as Error).message}\n`;
    }
    expect(message).toContain(line.endsWith('\n') ? line : `${line}`);
    if (line.endsWith('\n')) expect(message).not.toContain('did you mean');
  });

  it(`refuses nesting deeper than ${MAX_CONFIG_DEPTH}, naming the path where it goes too deep (the 19-level key of issue 18)`, () => {
    const doc = { risk: { killSwitchDrawdownPct: 100 }, markets: nest(19, 1) };
    const field = fieldOf(doc);
    expect(field).toBe(`set.markets${'.k'.repeat(MAX_CONFIG_DEPTH - 1)}`);
    // a depth the schema allows is judged by the schema, not by the depth check
    expect(fieldOf({ markets: nest(2, 1) })).toBe('set.markets.k');
  });

  it('builds the strategy, the regime parameters for the timeframe, the execution parameters and every market rule', () => {
    const r = validateBotConfig(
      {
        timeframe: '1h',
        strategy: { name: 'regime_trend', params: { pullbackToEma50: true } },
        risk: { stopAtrMult: 2.5 },
        markets: { 'BTC/USDT': { amountStep: '0.00001', minNotional: '10' } },
      },
      '4h',
      EXCHANGE,
    );
    expect(r.timeframe).toBe('1h');
    expect(r.strategy.params).toMatchObject({ pullbackToEma50: true, pullbackAtrMult: 1 });
    expect(r.regime.highVolAtrPct).toBe(1.9);
    expect(r.execution.rulesFor('BTC/USDT')).toEqual({ ...testRules('0.00001', '10') });
    // not listed: the exchange's own rules
    expect(r.execution.rulesFor('ETH/USDT')).toEqual({ ...testRules('0.0001', '5') });
    expect(validateBotConfig(undefined, '4h', EXCHANGE).timeframe).toBe('4h');
  });
});

describe("config/bot.markets against the exchange's rules (the recorded Binance snapshot)", () => {
  const refusal = (doc: unknown): BotConfigError => {
    try {
      validateBotConfig(doc, '4h', EXCHANGE, 'set');
    } catch (err) {
      expect(err).toBeInstanceOf(BotConfigError);
      return err as BotConfigError;
    }
    throw new Error('accepted');
  };

  it.each([
    [
      "a step finer than the exchange's (XRP 0.01 against 0.1)",
      'XRP/USDT',
      { amountStep: '0.01', minNotional: '5' },
      'amountStep',
      /0\.01000000 is not a multiple of the exchange's amount step 0\.10000000 for XRP\/USDT \(binance \(recorded snapshot\)\)/,
    ],
    [
      'a step that is no multiple of it (BNB 0.0015 against 0.001)',
      'BNB/USDT',
      { amountStep: '0.0015', minNotional: '5' },
      'amountStep',
      /0\.00150000 is not a multiple of the exchange's amount step 0\.00100000 for BNB\/USDT/,
    ],
    [
      "a minimum notional below the exchange's (BTC 1 against 5)",
      'BTC/USDT',
      { amountStep: '0.00001', minNotional: '1' },
      'minNotional',
      /1\.00000000 is below the exchange's minimum notional 5\.00000000 for BTC\/USDT/,
    ],
    [
      'a market the exchange does not list',
      'DOGE/USDT',
      { amountStep: '1', minNotional: '5' },
      'amountStep',
      /binance \(recorded snapshot\) lists no market DOGE\/USDT/,
    ],
  ])('refuses %s, naming the symbol and both values', (_name, symbol, entry, field, message) => {
    const err = refusal({ markets: { [symbol]: entry } });
    expect(err.field).toBe(`set.markets.${symbol}.${field}`);
    expect(err.message).toMatch(message);
  });

  it('accepts an entry that only tightens (a multiple of the step, a higher minimum) and sizes with it', () => {
    const r = validateBotConfig({ markets: { 'XRP/USDT': { amountStep: '1', minNotional: '10' } } }, '4h', EXCHANGE);
    expect(r.execution.rulesFor('XRP/USDT')).toEqual({
      amountStep: 100_000_000n,
      minAmount: 100_000_000n,
      minNotional: 1_000_000_000n,
      priceTick: 10_000n,
    });
    expect(r.execution.rulesFor('BNB/USDT')).toEqual({ ...testRules('0.001', '5') });
    expect(r.execution.rulesFor('DOGE/USDT')).toBeNull();
  });

  it('rules that could not be loaded check nothing, and size nothing', () => {
    const r = validateBotConfig(
      { markets: { 'XRP/USDT': { amountStep: '0.01', minNotional: '5' } } },
      '4h',
      unavailableRules('binance (markets not loaded)'),
    );
    expect(r.execution.rulesFor('XRP/USDT')).toBeNull();
    expect(r.execution.rulesFor('BTC/USDT')).toBeNull();
  });
});
