/**
 * The simulator's markets: Binance's own rules (tick, step, minimum quantity and notional) read from
 * the one recorded exchangeInfo snapshot (functions/data/exchange/binance-exchangeInfo.json), which the
 * simulator also serves as GET /api/v3/exchangeInfo. Parsed loosely (vendor data): only the fields the
 * matching model checks are required.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { toAmount, type Amount } from '../../functions/src/domain/money.ts';

export const EXCHANGE_INFO_FILE = fileURLToPath(new URL('../../functions/data/exchange/binance-exchangeInfo.json', import.meta.url));

const Filter = z.looseObject({ filterType: z.string() });
const SymbolInfo = z.looseObject({
  symbol: z.string(),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  filters: z.array(Filter),
});
const ExchangeInfo = z.looseObject({ symbols: z.array(SymbolInfo) });

export interface SymbolRules {
  /** Binance id, e.g. BTCUSDT */
  readonly id: string;
  /** the bundled candles' symbol, e.g. BTC/USDT */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: Amount;
  readonly minPrice: Amount;
  readonly lot: { readonly minQty: Amount; readonly maxQty: Amount; readonly stepSize: Amount };
  /** MARKET_LOT_SIZE; a zero step means "no step of its own" as on Binance */
  readonly marketLot: { readonly minQty: Amount; readonly maxQty: Amount; readonly stepSize: Amount } | null;
  readonly minNotional: Amount;
  readonly applyMinToMarket: boolean;
}

const dec = (x: unknown, fallback = '0'): Amount => toAmount(typeof x === 'string' && x !== '' ? x : fallback);

export function parseExchangeInfo(raw: unknown): Map<string, SymbolRules> {
  const info = ExchangeInfo.parse(raw);
  const out = new Map<string, SymbolRules>();
  for (const s of info.symbols) {
    const f = (type: string) => s.filters.find((x) => x.filterType === type) as Record<string, unknown> | undefined;
    const price = f('PRICE_FILTER');
    const lot = f('LOT_SIZE');
    const market = f('MARKET_LOT_SIZE');
    const notional = f('NOTIONAL') ?? f('MIN_NOTIONAL');
    if (!price || !lot) throw new Error(`exchangeInfo ${s.symbol}: PRICE_FILTER and LOT_SIZE are required`);
    out.set(s.symbol, {
      id: s.symbol,
      symbol: `${s.baseAsset}/${s.quoteAsset}`,
      base: s.baseAsset,
      quote: s.quoteAsset,
      tickSize: dec(price.tickSize),
      minPrice: dec(price.minPrice),
      lot: { minQty: dec(lot.minQty), maxQty: dec(lot.maxQty), stepSize: dec(lot.stepSize) },
      marketLot: market ? { minQty: dec(market.minQty), maxQty: dec(market.maxQty), stepSize: dec(market.stepSize) } : null,
      minNotional: dec(notional?.minNotional),
      applyMinToMarket: notional?.applyMinToMarket !== false,
    });
  }
  return out;
}

/** The recorded snapshot as served, and its rules. Read once per process. */
export function loadExchangeInfo(file = EXCHANGE_INFO_FILE): { raw: Record<string, unknown>; rules: Map<string, SymbolRules> } {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { raw, rules: parseExchangeInfo(raw) };
}
