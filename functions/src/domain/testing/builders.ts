/** Small builders for domain tests: defaults that read like a real account, overridable per test. */
import { RiskParamsSchema, type RiskParams } from '../risk/params.ts';
import { toAmount } from '../money.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Book, OrderContext } from '../portfolio/book.ts';
import { createSignal } from '../signal.ts';
import type { Position, Signal, SignalReason, Wallet } from '../trading.types.ts';
import { openingWallet } from '../wallet.ts';

export const T0 = Date.parse('2023-03-20T12:00:00Z');
export const A = (s: string): bigint => toAmount(s);

/**
 * Risk parameters that tests of the mechanics (stops, sizing, fills) are written against: pinned
 * here, so the product's defaults (chosen by the walk-forward study, README → Backtester) can change
 * without rewriting what a stop-loss is.
 */
export const MECHANICS_RISK = {
  stopAtrMult: 2,
  takeProfitAtrMult: 4,
  trailingAtrMult: 2,
  trailingActivationAtrMult: 1,
  minStopCostMultiple: 0,
} as const;

export const riskParams = (over: Partial<RiskParams> = {}): RiskParams => RiskParamsSchema.parse({ ...MECHANICS_RISK, ...over });

export const testWallet = (over: Partial<Wallet> = {}): Wallet => ({ ...openingWallet(A('10000'), T0), ...over });

export const testPosition = (over: Partial<Position> = {}): Position => ({
  symbol: 'BTC/USDT',
  qty: A('0.1'),
  entryPrice: A('27000'),
  entryTime: T0 - 3_600_000,
  checkedUntil: T0 - 3_600_000,
  costBasis: A('2702.7'),
  stopLoss: A('26900'),
  takeProfit: A('27200'),
  trailingStop: null,
  highWater: A('27000'),
  openTradeId: 'open-btc',
  lastPrice: A('27000'),
  ...over,
});

export const testBook = (over: Partial<Book> = {}): Book => ({
  mode: 'NORMAL',
  wallet: testWallet(),
  positions: {},
  entriesPausedUntil: null,
  ...over,
});

/** Market rules with the minimum amount at one step and a 0.01 price tick (as Binance's BTC/USDT). */
export const testRules = (amountStep = '0.00001', minNotional = '5'): MarketRules => ({
  amountStep: A(amountStep),
  minAmount: A(amountStep),
  minNotional: A(minNotional),
  priceTick: A('0.01'),
});

export const testCtx = (over: Partial<OrderContext> = {}): OrderContext => ({
  risk: riskParams(),
  rules: testRules(),
  feeBps: 10,
  slippageBps: 5,
  ...over,
});

export function testSignal(
  over: {
    symbol?: string;
    side?: 'buy' | 'sell';
    reason?: SignalReason;
    refPrice?: string;
    atr?: string;
    qty?: string;
    candleTime?: number;
  } = {},
): Signal {
  const side = over.side ?? 'buy';
  return createSignal(
    {
      strategyVersion: 'test@1',
      symbol: over.symbol ?? 'BTC/USDT',
      timeframe: '1h',
      candleTime: over.candleTime ?? T0 - 3_600_000,
      side,
      reason: over.reason ?? (side === 'buy' ? 'regime_entry' : 'regime_exit'),
      refPrice: A(over.refPrice ?? '27000'),
      atr: A(over.atr ?? '50'),
      qty: A(over.qty ?? (side === 'buy' ? '0.05' : '0.1')),
    },
    T0,
  );
}
