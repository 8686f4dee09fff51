import { describe, expect, it } from 'vitest';
import { BotConfigError, MAX_CONFIG_DEPTH } from './load.ts';
import { validateBotConfig } from './botRuntime.ts';

/** What `eagle config --set` / the admin function would answer: the field named, or the built runtime. */
function fieldOf(doc: unknown): string {
  try {
    validateBotConfig(doc, '4h', 'set');
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
    ['an unknown key in a market', { markets: { 'BTC/USDT': { amountStep: '0.001', minNotional: '5', tick: '0.01' } } }, 'set.markets.BTC/USDT.tick'],
    ['an unknown key in defaultMarket', { defaultMarket: { amountStep: '0.001', minNotional: '5', x: 1 } }, 'set.defaultMarket.x'],
    ['an unknown key in regime', { regime: { adxTrend: 30 } }, 'set.regime.adxTrend'],
    ['an unknown key in strategy', { strategy: { name: 'regime_trend', parms: {} } }, 'set.strategy.parms'],
    ['an unknown strategy', { strategy: { name: 'no_such_strategy' } }, 'set.strategy.name'],
    ['a bad strategy param', { strategy: { name: 'regime_trend', params: { pullbackAtrMult: -1 } } }, 'set.strategy.params.pullbackAtrMult'],
    ['an unknown strategy param', { strategy: { name: 'buy_and_hold', params: { x: 1 } } }, 'set.strategy.params.x'],
    ['stopAtrMult 1e21 (toAmount would throw)', { risk: { stopAtrMult: 1e21 } }, 'set.risk.stopAtrMult'],
    ['stopAtrMult that rounds to 0 (a division by zero)', { risk: { stopAtrMult: 1e-9 } }, 'set.risk.stopAtrMult'],
    ['takeProfitAtrMult beyond 1000', { risk: { takeProfitAtrMult: 5000 } }, 'set.risk.takeProfitAtrMult'],
    ['riskPerTradePct beyond 10', { risk: { riskPerTradePct: 50 } }, 'set.risk.riskPerTradePct'],
    ['an ADX threshold beyond 100', { regime: { adxTrendMin: 1e300, adxSidewaysMax: 20 } }, 'set.regime.adxTrendMin'],
    ['a zero amountStep (floorToStep would throw)', { defaultMarket: { amountStep: '0', minNotional: '5' } }, 'set.defaultMarket.amountStep'],
    ['an amount beyond 10^12', { paper: { initialCash: '1000000000000' } }, 'set.paper.initialCash'],
    ['zero initial cash', { paper: { initialCash: '0.0' } }, 'set.paper.initialCash'],
    ['a market key that is not a symbol', { markets: { btc: { amountStep: '0.001', minNotional: '5' } } }, 'set.markets.btc'],
    ['an empty key', { '': 1 }, 'set.""'],
    ['an empty key deep inside', { strategy: { name: 'regime_trend', params: { '': 1 } } }, 'set.strategy.params.""'],
    ['not an object', 42, 'set'],
  ])('refuses %s, naming %s', (_name, doc, field) => {
    expect(fieldOf(doc)).toBe(field);
  });

  it(`refuses nesting deeper than ${MAX_CONFIG_DEPTH}, naming the path where it goes too deep (the 19-level key of issue 18)`, () => {
    const doc = { risk: { killSwitchDrawdownPct: 100 }, markets: nest(19, 1) };
    const field = fieldOf(doc);
    expect(field).toBe(`set.markets${'.k'.repeat(MAX_CONFIG_DEPTH - 1)}`);
    // a depth the schema allows is judged by the schema, not by the depth check
    expect(fieldOf({ markets: nest(2, 1) })).toBe('set.markets.k');
  });

  it('builds the strategy, the regime parameters for the timeframe, the execution parameters and every market rule', () => {
    const r = validateBotConfig({
      timeframe: '1h', strategy: { name: 'regime_trend', params: { pullbackToEma50: true } }, risk: { stopAtrMult: 2.5 },
      markets: { 'BTC/USDT': { amountStep: '0.00001', minNotional: '10' } },
    }, '4h');
    expect(r.timeframe).toBe('1h');
    expect(r.strategy.params).toMatchObject({ pullbackToEma50: true, pullbackAtrMult: 1 });
    expect(r.regime.highVolAtrPct).toBe(1.9);
    expect(r.execution.rulesFor('BTC/USDT')).toEqual({ amountStep: 1000n, minNotional: 1_000_000_000n });
    expect(r.execution.rulesFor('ETH/USDT')).toEqual({ amountStep: 1000n, minNotional: 500_000_000n });
    expect(validateBotConfig(undefined, '4h').timeframe).toBe('4h');
  });
});
