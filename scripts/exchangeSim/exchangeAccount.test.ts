/**
 * The ExchangeAccount contract (ports/contracts/exchangeAccount.contract.ts) run against the ccxt
 * adapter over real HTTP on the exchange simulator: the same suite the in-memory fake passes. The
 * arranger uses the simulator's test-only admin endpoint for deposits and ccxt itself (a signed
 * LIMIT order far from the market) for an open order placed outside the bot.
 */
import { vi } from 'vitest';
import { createCcxtExchangeAccount } from '../../functions/src/adapters/ccxt/index.ts';
import { createExchange } from '../../functions/src/adapters/ccxt/loadExchange.ts';
import { toDecimalString, toNumber } from '../../functions/src/domain/money.ts';
import { describeExchangeAccountContract } from '../../functions/src/ports/contracts/exchangeAccount.contract.ts';
import { SimAdmin } from './client.ts';
import { startExchangeSim } from './server.ts';

const KEY = { apiKey: 'simkey000000002', secret: 'simsecret0000000002' };
const T = Date.parse('2023-03-24T18:00:30Z');

// Real HTTP and the first parse of the bundled candle files: slow on a loaded machine, never timed.
vi.setConfig({ testTimeout: 60_000 });

describeExchangeAccountContract('ccxt over the exchange simulator', async () => {
  const running = await startExchangeSim({ marketClock: { now: () => T }, keys: [KEY], balances: { USDT: '100000' } });
  const admin = new SimAdmin(running.url);
  const config = { apiUrl: running.url, enableRateLimit: false, timeout: 5_000, options: { recvWindow: 60_000 } };
  const account = createCcxtExchangeAccount({ exchangeId: 'binance', ...KEY, exchangeConfig: config });
  const trader = await createExchange('binance', { ...config, ...KEY });
  return {
    account,
    arrange: {
      deposit: async (asset, amount) => void (await admin.deposit({ asset, amount: toDecimalString(amount) })),
      placeOpenOrder: async ({ symbol, side, amount, clientOrderId }) => {
        // far from the market (BTC traded near 27,500 then): it rests, and locks what it would spend
        const price = side === 'buy' ? 1_000 : 1_000_000;
        const order = await trader.createOrder(symbol, 'limit', side, toNumber(amount), price, { newClientOrderId: clientOrderId });
        return String(order.id);
      },
    },
    close: () => running.stop(),
  };
});
