/**
 * One price per open position for every panel (positions, performance, wallet): the tick's mark,
 * the price status/system.account.equity values the position at. Before the first tick after a fill
 * has marked it, the market's latest close; the fill-time lastPrice of positions/{id} only when
 * neither exists.
 */
import type { Market, PositionView, SystemStatus } from './views.ts';

export type MarkSource = 'tick' | 'market' | 'fill';

export interface PositionPrice {
  /** 8-decimal amount string */
  price: string | null;
  source: MarkSource;
}

export function positionMark(p: PositionView, status: SystemStatus | null, markets: readonly Market[]): PositionPrice {
  const tick = status?.marks[p.id.replace('/', '-')];
  if (tick && (p.openTradeId === null || tick.tradeId === p.openTradeId)) return { price: tick.price, source: 'tick' };
  const m = markets.find((x) => x.symbol === p.symbol || x.id === p.id);
  if (m?.price != null) return { price: m.price.toFixed(8), source: 'market' };
  return { price: p.lastPrice, source: 'fill' };
}
