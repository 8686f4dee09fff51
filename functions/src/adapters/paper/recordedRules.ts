/**
 * Paper trading's and the backtester's exchange rules: the recorded Binance exchangeInfo in
 * functions/data/exchange (README there: provenance), the same file the exchange simulator serves.
 *
 * Read here from Binance's filters as exact decimal strings, without ccxt: importing ccxt's binance
 * class costs a paper instance ~0.5 s of cold start for a 14 kB file. Live reads ccxt's unified
 * markets instead (adapters/ccxt/marketRules.ts); a unit test loads this very file through ccxt's
 * own binance parser and asserts both readings give the same rules for every market in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NO_KEY } from '../../domain/keyHealth.ts';
import { exchangeRules, type ExchangeRules, type MarketRulesText } from '../../domain/marketRules.ts';
import type { Venue } from '../../ports/index.ts';

const FILE = join('exchange', 'binance-exchangeInfo.json');

/** functions/data/exchange/…, found by walking up: the same code runs from src/ (tsx) and from the lib/ bundle. */
function findSnapshot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(process.cwd(), 'data', FILE);
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/);
/** Binance's /api/v3/exchangeInfo, loosely: the fields read here, anything else ignored. */
const ExchangeInfo = z.object({
  symbols: z.array(
    z.object({
      symbol: z.string(),
      baseAsset: z.string().regex(/^[A-Z0-9]+$/),
      quoteAsset: z.string().regex(/^[A-Z0-9]+$/),
      filters: z.array(z.looseObject({ filterType: z.string() })),
    }),
  ),
});
type BinanceSymbol = z.infer<typeof ExchangeInfo>['symbols'][number];

/** LOT_SIZE, PRICE_FILTER and NOTIONAL (or the older MIN_NOTIONAL) as the rules' text; null without the first two. */
export function binanceFilterRules(s: BinanceSymbol): MarketRulesText | null {
  const filter = (type: string, field: string) => {
    const value = s.filters.find((f) => f.filterType === type)?.[field];
    return decimal.safeParse(value).data;
  };
  const amountStep = filter('LOT_SIZE', 'stepSize');
  const priceTick = filter('PRICE_FILTER', 'tickSize');
  if (!amountStep || !priceTick) return null;
  const minNotional = filter('NOTIONAL', 'minNotional') ?? filter('MIN_NOTIONAL', 'minNotional');
  return { amountStep, minAmount: filter('LOT_SIZE', 'minQty'), minNotional, priceTick };
}

/** Rules from an exchangeInfo body, keyed by unified symbol (BASE/QUOTE). */
export function exchangeInfoRules(body: unknown, source: string, onUnusable?: (reason: string) => void): ExchangeRules {
  const bySymbol = new Map(ExchangeInfo.parse(body).symbols.map((s) => [`${s.baseAsset}/${s.quoteAsset}`, s]));
  return exchangeRules(
    source,
    (symbol) => {
      const s = bySymbol.get(symbol);
      return s ? binanceFilterRules(s) : null;
    },
    onUnusable,
  );
}

let recorded: ExchangeRules | undefined;

export const RECORDED_EXCHANGE_INFO = findSnapshot();

/** The recorded snapshot's rules, read once per process. */
export function recordedExchangeRules(): ExchangeRules {
  return (recorded ??= exchangeInfoRules(JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')), 'binance (recorded snapshot)'));
}

/** Paper trading's exchange: the recorded rules, no key to check. */
export const paperVenue: Venue = {
  rules: async () => recordedExchangeRules(),
  keyHealth: async () => NO_KEY,
};
