import { afterEach, describe, expect, it } from 'vitest';
import { toAmount, type Amount } from '../../domain/money.ts';
import type { Side } from '../../domain/trading.types.ts';
import type { ExchangeAccount } from '../exchangeAccount.ts';

/**
 * How a contract run sets up the account it reads: the in-memory fake does it directly, the ccxt
 * adapter through the exchange simulator's test-only admin endpoints (or a testnet account).
 * Every assertion is relative to what the account held before, so an account that starts with
 * balances passes too.
 */
export interface ExchangeAccountArranger {
  /** credit `amount` of `asset` (a deposit) */
  deposit(asset: string, amount: Amount): Promise<void>;
  /** an order placed outside the bot that stays open (a limit far from the market) and locks its funds; returns the exchange's id */
  placeOpenOrder(o: { symbol: string; side: Side; amount: Amount; clientOrderId: string }): Promise<string>;
}

export interface ExchangeAccountFixture {
  account: ExchangeAccount;
  arrange: ExchangeAccountArranger;
  close?(): Promise<void>;
}

const A = (s: string) => toAmount(s);
const free = async (account: ExchangeAccount, asset: string) => (await account.balances())[asset] ?? { free: 0n, locked: 0n };

/** One contract for every ExchangeAccount. `symbol` must be a market the account can trade (default BTC/USDT). */
export function describeExchangeAccountContract(
  name: string,
  make: () => Promise<ExchangeAccountFixture>,
  symbol = 'BTC/USDT',
  other = 'ETH/USDT',
): void {
  describe(`ExchangeAccount contract: ${name}`, () => {
    let fixture: ExchangeAccountFixture | undefined;
    afterEach(async () => {
      await fixture?.close?.();
      fixture = undefined;
    });
    const [base, quote] = symbol.split('/') as [string, string];

    it('balances are exact amounts, free and locked; a deposit raises free by exactly its amount', async () => {
      fixture = await make();
      const { account, arrange } = fixture;
      const before = await free(account, quote);
      await arrange.deposit(quote, A('1234.56789012'));
      const after = await free(account, quote);
      expect(typeof after.free).toBe('bigint');
      expect(after.free - before.free).toBe(A('1234.56789012'));
      expect(after.locked).toBe(before.locked);
    });

    it('an open order is listed with its clientOrderId and locks its amount; it is found by id, and an unknown id is null', async () => {
      fixture = await make();
      const { account, arrange } = fixture;
      await arrange.deposit(base, A('0.5'));
      const before = await free(account, base);
      const clientOrderId = 'manual-contract-1';
      const id = await arrange.placeOpenOrder({ symbol, side: 'sell', amount: A('0.2'), clientOrderId });
      const after = await free(account, base);
      expect([after.free, after.locked]).toEqual([before.free - A('0.2'), before.locked + A('0.2')]);
      const expected = { id, clientOrderId, symbol, side: 'sell', amount: A('0.2'), filled: 0n, status: 'open' };
      expect((await account.openOrders([symbol])).filter((o) => o.id === id)).toEqual([expected]);
      expect((await account.openOrders([other])).filter((o) => o.id === id)).toEqual([]);
      expect(await account.order(symbol, id)).toEqual(expected);
      expect(await account.order(symbol, '987654321987')).toBeNull();
    });

    it('openOrders of no markets asks nothing and lists nothing', async () => {
      fixture = await make();
      expect(await fixture.account.openOrders([])).toEqual([]);
    });
  });
}
