/** Orders, trades and balances in Binance's wire format (spot API v3): 8-decimal strings, field order as Binance sends them. */
import { toDecimalString as d8 } from '../../functions/src/domain/money.ts';
import type { Account, SimOrder, SimTrade } from './account.ts';

export type RespType = 'ACK' | 'RESULT' | 'FULL';

export function createdOrder(o: SimOrder, resp: RespType): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (resp === 'ACK') return ack;
  const result = {
    ...ack,
    price: d8(o.price),
    origQty: d8(o.origQty),
    executedQty: d8(o.executedQty),
    origQuoteOrderQty: '0.00000000',
    cummulativeQuoteQty: d8(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
  };
  if (resp === 'RESULT') return { ...result, selfTradePreventionMode: 'EXPIRE_MAKER' };
  return {
    ...result,
    fills: o.fills.map((t) => ({
      price: d8(t.price),
      qty: d8(t.qty),
      commission: d8(t.commission),
      commissionAsset: t.commissionAsset,
      tradeId: t.id,
    })),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** GET /api/v3/order, openOrders, allOrders: no fills, no commission. */
export function queriedOrder(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: d8(o.price),
    origQty: d8(o.origQty),
    executedQty: d8(o.executedQty),
    cummulativeQuoteQty: d8(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

export function canceledOrder(o: SimOrder, cancelId: string, now: number): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelId,
    transactTime: now,
    price: d8(o.price),
    origQty: d8(o.origQty),
    executedQty: d8(o.executedQty),
    origQuoteOrderQty: '0.00000000',
    cummulativeQuoteQty: d8(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

export function trade(t: SimTrade): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: d8(t.price),
    qty: d8(t.qty),
    quoteQty: d8(t.quoteQty),
    commission: d8(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

export function account(a: Account, now: number, canTrade: boolean, omitZero: boolean): Record<string, unknown> {
  const balances = [...a.balances.entries()]
    .filter(([, b]) => !omitZero || b.free !== 0n || b.locked !== 0n)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([asset, b]) => ({ asset, free: d8(b.free), locked: d8(b.locked) }));
  const fee = d8(BigInt(Math.round(a.opts.takerFeeBps * 1e4)));
  return {
    makerCommission: Math.round(a.opts.makerFeeBps),
    takerCommission: Math.round(a.opts.takerFeeBps),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: d8(BigInt(Math.round(a.opts.makerFeeBps * 1e4))), taker: fee, buyer: '0.00000000', seller: '0.00000000' },
    canTrade,
    canWithdraw: false,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: now,
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid: 354937868,
  };
}
