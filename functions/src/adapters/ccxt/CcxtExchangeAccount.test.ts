/**
 * The ExchangeAccount contract against the ccxt adapter, through ccxt's real Binance code: the
 * player (fixtures/player.ts) answers GET /api/v3/account, /openOrders and /order from a small
 * account kept here in Binance's wire format. The lead runs the same contract over HTTP against the
 * exchange simulator.
 */
import { describe, expect, it } from 'vitest';
import { toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import { describeExchangeAccountContract } from '../../ports/contracts/exchangeAccount.contract.ts';
import { CcxtExchangeAccount } from './CcxtExchangeAccount.ts';
import { createExchange } from './loadExchange.ts';
import { exchangeInfo, installPlayer, type PlayedRequest, type Recorded } from './fixtures/player.ts';

interface WireOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  origQty: string;
  executedQty: string;
  status: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT';
  price: string;
  time: number;
}

function binanceAccount() {
  const balances = new Map<string, { free: Amount; locked: Amount }>();
  const orders: WireOrder[] = [];
  const move = (asset: string, free: Amount, locked: Amount) => {
    const b = balances.get(asset) ?? { free: 0n, locked: 0n };
    balances.set(asset, { free: b.free + free, locked: b.locked + locked });
  };
  const s = toDecimalString;
  const routes = {
    'GET /api/v3/exchangeInfo': exchangeInfo,
    'GET /api/v3/account': (): Recorded => ({
      status: 200,
      body: {
        makerCommission: 10,
        takerCommission: 10,
        canTrade: true,
        canWithdraw: false,
        canDeposit: true,
        updateTime: 1,
        accountType: 'SPOT',
        permissions: ['SPOT'],
        balances: [...balances].map(([asset, b]) => ({ asset, free: s(b.free), locked: s(b.locked) })),
      },
    }),
    'GET /api/v3/openOrders': ({ params }: PlayedRequest): Recorded => ({
      status: 200,
      body: orders.filter((o) => o.symbol === params.get('symbol') && o.status === 'NEW'),
    }),
    'GET /api/v3/order': ({ params }: PlayedRequest): Recorded => {
      const o = orders.find((x) => x.symbol === params.get('symbol') && String(x.orderId) === params.get('orderId'));
      return o ? { status: 200, body: o } : { status: 400, body: { code: -2013, msg: 'Order does not exist.' } };
    },
  };
  const arrange = {
    deposit: async (asset: string, amount: Amount) => move(asset, amount, 0n),
    placeOpenOrder: async (o: { symbol: string; side: 'buy' | 'sell'; amount: Amount; clientOrderId: string }) => {
      const orderId = 1000 + orders.length;
      move(o.symbol.split('/')[0]!, -o.amount, o.amount);
      orders.push({
        symbol: o.symbol.replace('/', ''),
        orderId,
        clientOrderId: o.clientOrderId,
        origQty: s(o.amount),
        executedQty: '0.00000000',
        status: 'NEW',
        side: o.side === 'buy' ? 'BUY' : 'SELL',
        type: 'LIMIT',
        price: '99999.00000000',
        time: 1,
      });
      return String(orderId);
    },
  };
  return { routes, arrange, orders };
}

async function fixture() {
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
  const { routes, arrange, orders } = binanceAccount();
  const player = installPlayer(exchange, routes);
  return { account: new CcxtExchangeAccount({ exchange }), arrange, player, orders };
}

describeExchangeAccountContract('ccxt binance (played)', fixture);

describe('CcxtExchangeAccount', () => {
  it('reads open orders one market at a time, and maps Binance states (PARTIALLY_FILLED open, FILLED closed)', async () => {
    const { account, arrange, player, orders } = await fixture();
    await arrange.deposit('BTC', toAmount('1'));
    const id = await arrange.placeOpenOrder({ symbol: 'BTC/USDT', side: 'sell', amount: toAmount('0.3'), clientOrderId: 'x1' });
    await account.openOrders(['BTC/USDT', 'ETH/USDT']);
    expect(player.count('GET /api/v3/openOrders')).toBe(2);
    orders[0] = { ...orders[0]!, status: 'PARTIALLY_FILLED', executedQty: '0.10000000' };
    expect(await account.order('BTC/USDT', id)).toMatchObject({ status: 'open', filled: toAmount('0.1') });
    orders[0] = { ...orders[0]!, status: 'FILLED', executedQty: '0.30000000' };
    expect(await account.order('BTC/USDT', id)).toMatchObject({ status: 'closed', filled: toAmount('0.3') });
  });
});
