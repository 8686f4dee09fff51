/**
 * Property: no config the validator accepts can make the money code throw. Configs are drawn with
 * every number from far outside to inside its bounds (1e21, 1e-9, 0, negatives, the edges); those
 * validateBotConfig accepts are run through sizeEntry, initialStops, planOrder, paperFill,
 * applyFill, evaluateExit and riskLimits on real (price, ATR) pairs from the bundled Binance candles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledCandles } from '../domain/indicators/bundledCandles.testkit.ts';
import { toAmount, toDecimalString } from '../domain/money.ts';
import { applyFill, paperFill, planOrder } from '../domain/portfolio/index.ts';
import { evaluateExit, initialStops, riskLimits, sizeEntry } from '../domain/risk/index.ts';
import { testBook, testPosition, testSignal, testWallet } from '../domain/testing/builders.ts';
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';
import { BotConfigError } from './load.ts';
import { validateBotConfig, type BotRuntime } from './botRuntime.ts';

/** A candle and the range of the 60 before it (a stand-in ATR) from each bundled 1m file: BTC ~20 000, ETH ~1 800, SOL ~20, XRP ~0.4. */
const REAL = (['BTC_USDT-1m', 'ETH_USDT-1m', 'SOL_USDT-1m', 'XRP_USDT-1m'] as const).flatMap((f) => {
  const candles = bundledCandles(f);
  return Array.from({ length: 25 }, (_, i) => 60 + Math.floor((i * (candles.length - 61)) / 24)).map((at) => {
    const window = candles.slice(at - 60, at);
    return { candle: candles[at]!, atr: Math.max(Math.max(...window.map((c) => c.h)) - Math.min(...window.map((c) => c.l)), 1e-8) };
  });
});

const edgy = (inside: fc.Arbitrary<number>) =>
  fc.oneof(
    { arbitrary: inside, weight: 12 },
    { arbitrary: fc.constantFrom(1e21, 1e300, 1e-9, 5e-324, 0, -1, 0.01, 0.005, 10, 100, 1000, 1000.5), weight: 1 },
    { arbitrary: fc.double({ min: -1e6, max: 1e22, noNaN: true }), weight: 1 },
  );
const decimalText = fc.oneof(
  fc.constantFrom('0', '0.0', '0.00000001', '1', '5', '10000', '999999999999.99999999', '1000000000000', '1e4', '-1', '0.000000001'),
  fc
    .tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 99_999_999 }))
    .map(([i, f]) => `${i}.${String(f).padStart(8, '0')}`),
);
/** Half the entries tighten the exchange's BTC/USDT rules (step 0.00001, minimum 5), half are anything. */
const agreeing = fc.record({
  amountStep: fc.integer({ min: 1, max: 10 ** 6 }).map((k) => (k / 1e5).toFixed(5)),
  minNotional: fc.constantFrom('5', '10', '1000', '999999999999.99999999'),
});
const market = fc.oneof(agreeing, fc.record({ amountStep: decimalText, minNotional: decimalText }));

const configDoc = fc.record(
  {
    risk: fc.record(
      {
        riskPerTradePct: edgy(fc.double({ min: 0.01, max: 10, noNaN: true })),
        stopAtrMult: edgy(fc.double({ min: 0.01, max: 1000, noNaN: true })),
        takeProfitAtrMult: edgy(fc.double({ min: 0.01, max: 1000, noNaN: true })),
        trailingAtrMult: edgy(fc.double({ min: 0.01, max: 1000, noNaN: true })),
        trailingActivationAtrMult: edgy(fc.double({ min: 0, max: 1000, noNaN: true })),
        minStopCostMultiple: edgy(fc.double({ min: 0, max: 100, noNaN: true })),
        maxOpenPositions: edgy(fc.integer({ min: 1, max: 100 })),
        maxExposurePerSymbolPct: edgy(fc.double({ min: 0.01, max: 100, noNaN: true })),
        dailyLossLimitPct: edgy(fc.double({ min: 0.01, max: 100, noNaN: true })),
        killSwitchDrawdownPct: edgy(fc.double({ min: 0.01, max: 100, noNaN: true })),
      },
      { requiredKeys: [] },
    ),
    paper: fc.record(
      {
        feeBps: edgy(fc.integer({ min: 0, max: 100_000 }).map((x) => x / 100)),
        slippageBps: edgy(fc.integer({ min: 0, max: 100_000 }).map((x) => x / 100)),
        initialCash: decimalText,
      },
      { requiredKeys: [] },
    ),
    markets: fc.record({ 'BTC/USDT': market }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

function accepted(doc: unknown): BotRuntime | null {
  try {
    return validateBotConfig(doc, '1m', recordedExchangeRules());
  } catch (err) {
    if (err instanceof BotConfigError) return null;
    throw err; // the validator itself must never crash
  }
}

describe('accepted configs never make sizing, stops or fills throw', () => {
  it('2,000 drawn configs × real prices', () => {
    let kept = 0;
    let sized = 0;
    let filled = 0;
    fc.assert(
      fc.property(
        configDoc,
        fc.constantFrom(...REAL),
        fc.integer({ min: 1, max: 10 ** 7 }),
        fc.integer({ min: 0, max: 100 }),
        (doc, { candle, atr }, equityUnits, cashPct) => {
          const rt = accepted(doc);
          if (!rt) return;
          kept++;
          const { risk, feeBps, slippageBps } = rt.execution;
          const rules = rt.execution.rulesFor('BTC/USDT')!;
          const refPrice = toAmount(candle.c);
          const atrAmount = toAmount(atr, 'up');
          const equity = toAmount(equityUnits);
          const cash = (equity * BigInt(cashPct)) / 100n;
          const wallet = testWallet({ cash, equity, peakEquity: equity, dayStartEquity: equity });
          riskLimits(wallet, risk);
          const size = sizeEntry({ equity, cash, refPrice, atr: atrAmount, risk, rules, feeBps, slippageBps });
          const ctx = { risk, rules, feeBps, slippageBps };
          const price = toDecimalString(refPrice);
          const buy = testSignal({
            side: 'buy',
            refPrice: price,
            atr: toDecimalString(atrAmount),
            qty: size.ok ? toDecimalString(size.qty) : '0.001',
          });
          const book = testBook({ wallet });
          const plan = planOrder(book, buy, ctx);
          if (size.ok) {
            sized++;
            const stops = initialStops(size.expectedFill.price, atrAmount, risk);
            expect(stops.stopLoss).toBeLessThanOrEqual(size.expectedFill.price);
            // planOrder may still refuse (a drawn kill switch or daily loss limit); what it accepts must fill and book
            if (plan.kind === 'order') {
              filled++;
              const fill = paperFill({ side: 'buy', refPrice, qty: plan.qty, feeBps, slippageBps });
              const opened = applyFill(book, buy, fill, ctx).book.positions['BTC/USDT']!;
              evaluateExit(opened, candle, atrAmount, risk, true);
              evaluateExit(opened, candle, atrAmount, risk, false);
            }
          }
          const held = testPosition({
            qty: toAmount('0.5'),
            entryPrice: refPrice,
            stopLoss: refPrice / 2n,
            takeProfit: refPrice * 2n,
            highWater: refPrice,
            lastPrice: refPrice,
          });
          evaluateExit(held, candle, atrAmount, risk, true);
          evaluateExit(held, candle, atrAmount, risk, false);
          paperFill({ side: 'sell', refPrice, qty: held.qty, feeBps, slippageBps });
          planOrder(testBook({ wallet, positions: { 'BTC/USDT': held } }), testSignal({ side: 'sell', refPrice: price, qty: '0.5' }), ctx);
        },
      ),
      { numRuns: 2_000, seed: 18 },
    );
    // both sides of the validator are exercised, and enough accepted configs reach the money code
    expect(kept, `accepted ${kept}, sized ${sized}, filled ${filled}`).toBeGreaterThan(300);
    expect(sized).toBeGreaterThan(20);
    expect(filled).toBeGreaterThan(40);
  });
});
