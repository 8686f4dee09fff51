/**
 * The live exchange's rules from ccxt's unified markets (after loadMarkets): `precision.amount` and
 * `precision.price` are steps when the exchange's precisionMode is TICK_SIZE (binance; other modes
 * are not read here: such markets have no rules, so no entries); `limits.amount.min` and
 * `limits.cost.min` are the minimums.
 * `precision.amount` is also what `amountToPrecision` truncates a live order to, so sizing with it is
 * sizing with what the order will carry.
 */
import type { Exchange, MarketInterface } from 'ccxt';
import { exchangeRules, type ExchangeRules, type MarketRulesText } from '../../domain/marketRules.ts';

/** ccxt's TICK_SIZE precision mode (base/functions/number.js); the package root is not imported for one number. */
const TICK_SIZE = 4;

/** A finite non-negative number as plain decimal text (shortest form; 12 places where JS would write 1e-8); undefined for anything else. */
function text(x: unknown): string | undefined {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x >= 1e21) return undefined;
  const s = String(x);
  return /e/.test(s) ? x.toFixed(12) : s;
}

/** One unified market as the rules' text; null when ccxt gives no usable step (or the precision mode is not TICK_SIZE). */
export function unifiedMarketRules(market: Pick<MarketInterface, 'precision' | 'limits'>, precisionMode: number): MarketRulesText | null {
  if (precisionMode !== TICK_SIZE) return null;
  const amountStep = text(market.precision?.amount);
  const priceTick = text(market.precision?.price);
  if (!amountStep || !priceTick) return null;
  return { amountStep, minAmount: text(market.limits?.amount?.min), minNotional: text(market.limits?.cost?.min), priceTick };
}

/** The rules of an instance whose markets are loaded. */
export function loadedExchangeRules(ex: Exchange, onUnusable: (reason: string) => void): ExchangeRules {
  return exchangeRules(
    `${ex.id} (loaded from the exchange)`,
    (symbol) => {
      const market = ex.markets?.[symbol];
      if (!market) return null;
      const rules = unifiedMarketRules(market, Number(ex.precisionMode));
      if (!rules) onUnusable(`${ex.id}: ${symbol} has no usable precision (precisionMode ${ex.precisionMode})`);
      return rules;
    },
    onUnusable,
  );
}
