/**
 * A market's order rules as the exchange publishes them (Binance's PRICE_FILTER, LOT_SIZE and
 * NOTIONAL filters; ccxt's unified `precision` and `limits`), and the one rule that says what an
 * order is sized with. Exchange rules are facts: an order off the amount step is truncated by the
 * exchange's client, one below the minimums is refused. config/bot.markets may only tighten them.
 */
import { toAmount, toDecimalString as dec, type Amount } from './money.ts';

export interface MarketRules {
  /** quantities are whole multiples of it (> 0) */
  readonly amountStep: Amount;
  /** smallest quantity accepted */
  readonly minAmount: Amount;
  /** smallest qty × price accepted (0 when the exchange has none) */
  readonly minNotional: Amount;
  /** prices are whole multiples of it (> 0); market orders carry no price, limit and stop orders would */
  readonly priceTick: Amount;
}

/** The rules as decimal text (Binance's "0.00100000", or a ccxt number's shortest text); absent minimums mean none. */
export interface MarketRulesText {
  readonly amountStep: string;
  readonly minAmount?: string;
  readonly minNotional?: string;
  readonly priceTick: string;
}

/**
 * Exact rules, or a RangeError naming the symbol and the field: a step finer than the money code's
 * 1e-8 (it could not be held exactly), a zero or negative step, a minimum that is not a number.
 */
export function parseMarketRules(symbol: string, text: MarketRulesText): MarketRules {
  const exact = (field: string, value: string, positive: boolean): Amount => {
    const a = toAmount(value, 'up');
    if (toAmount(value, 'down') !== a) throw new RangeError(`${symbol}: ${field} ${value} is finer than 1e-8`);
    if (positive ? a <= 0n : a < 0n)
      throw new RangeError(`${symbol}: ${field} ${value} must be ${positive ? 'greater than' : 'at least'} 0`);
    return a;
  };
  const amountStep = exact('amount step', text.amountStep, true);
  const minAmount = text.minAmount === undefined ? amountStep : exact('minimum amount', text.minAmount, false);
  return {
    amountStep,
    minAmount: minAmount > amountStep ? minAmount : amountStep,
    minNotional: text.minNotional === undefined ? 0n : exact('minimum notional', text.minNotional, false),
    priceTick: exact('price tick', text.priceTick, true),
  };
}

/** One exchange's rules for every market it lists. */
export interface ExchangeRules {
  /** where they come from, for messages: "binance (recorded snapshot)", "binance (loaded at start)" */
  readonly source: string;
  /** false when they could not be loaded: no market has rules, so no entry is sized */
  readonly available: boolean;
  /** null: the exchange lists no such market (or its rules are unusable) */
  rulesFor(symbol: string): MarketRules | null;
}

/** A book over a lookup, each market parsed once; an unusable one is reported once and has no rules. */
export function exchangeRules(
  source: string,
  lookup: (symbol: string) => MarketRulesText | null,
  onUnusable: (reason: string) => void = () => {},
): ExchangeRules {
  const memo = new Map<string, MarketRules | null>();
  return {
    source,
    available: true,
    rulesFor(symbol) {
      if (memo.has(symbol)) return memo.get(symbol)!;
      let rules: MarketRules | null = null;
      const text = lookup(symbol);
      if (text) {
        try {
          rules = parseMarketRules(symbol, text);
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
          onUnusable(`${source}: ${err.message}`);
        }
      }
      memo.set(symbol, rules);
      return rules;
    },
  };
}

export function unavailableRules(source: string): ExchangeRules {
  return { source, available: false, rulesFor: () => null };
}

/** A config/bot.markets entry: a coarser step or a higher minimum notional than the exchange's. */
export interface ConfiguredMarket {
  readonly amountStep: Amount;
  readonly minNotional: Amount;
}

/**
 * Why a config/bot.markets entry disagrees with the exchange, or null when it only tightens: its step
 * must be a whole multiple of the exchange's (every quantity it allows is one the exchange takes
 * as is) and its minimum notional at least the exchange's.
 */
export function marketDisagreement(
  symbol: string,
  exchange: ExchangeRules,
  configured: ConfiguredMarket,
): { field: 'amountStep' | 'minNotional'; message: string } | null {
  const rules = exchange.rulesFor(symbol);
  if (!rules) return { field: 'amountStep', message: `${exchange.source} lists no market ${symbol}` };
  if (configured.amountStep % rules.amountStep !== 0n) {
    return {
      field: 'amountStep',
      message: `${dec(configured.amountStep)} is not a multiple of the exchange's amount step ${dec(rules.amountStep)} for ${symbol} (${exchange.source})`,
    };
  }
  if (configured.minNotional < rules.minNotional) {
    return {
      field: 'minNotional',
      message: `${dec(configured.minNotional)} is below the exchange's minimum notional ${dec(rules.minNotional)} for ${symbol} (${exchange.source})`,
    };
  }
  return null;
}

/**
 * What an order in `symbol` is sized with: the exchange's rules, tightened by the config's entry
 * when it agrees (a disagreeing entry makes config/bot invalid, see config/botRuntime.ts; here, where
 * the last good config may meet new exchange rules, the exchange simply wins). Null: no rules, no entry.
 */
export function tradingRules(symbol: string, exchange: ExchangeRules, configured: ConfiguredMarket | undefined): MarketRules | null {
  const rules = exchange.rulesFor(symbol);
  if (!rules || !configured || marketDisagreement(symbol, exchange, configured)) return rules;
  return {
    ...rules,
    amountStep: configured.amountStep,
    minAmount: rules.minAmount > configured.amountStep ? rules.minAmount : configured.amountStep,
    minNotional: configured.minNotional,
  };
}
