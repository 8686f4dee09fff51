import { describeAuthAccountsContract } from '../../ports/contracts/authAccounts.contract.ts';
import { MemoryAuthAccounts } from './MemoryAuthAccounts.ts';
import { describeChatGuardContract } from '../../ports/contracts/chatGuard.contract.ts';
import { MemoryChatGuard } from './MemoryChatGuard.ts';
import { describeInboundStoreContract } from '../../ports/contracts/inboundStore.contract.ts';
import { MemoryInboundStore } from './MemoryInboundStore.ts';
import { inboundRejectionPath } from '../../shared/store/index.ts';
import { describeExchangeAccountContract } from '../../ports/contracts/exchangeAccount.contract.ts';
import { MemoryExchangeAccount } from './MemoryExchangeAccount.ts';
import { describeBudgetNoticesContract } from '../../ports/contracts/budgetNotices.contract.ts';
import { describeCandleStoreContract } from '../../ports/contracts/candleStore.contract.ts';
import { describeStateStoreContract } from '../../ports/contracts/stateStore.contract.ts';
import { describeShadowStoreContract } from '../../ports/contracts/shadowStore.contract.ts';
import { MemoryShadowStore } from './MemoryShadowStore.ts';
import { MemoryBudgetNotices } from './MemoryBudgetNotices.ts';
import { MemoryCandleStore } from './MemoryCandleStore.ts';
import { MemoryDb, MemoryOrderLedger, MemoryStateStore } from './MemoryStateStore.ts';

describeStateStoreContract('in-memory fake', async () => {
  const db = new MemoryDb();
  return { store: new MemoryStateStore(db), ledger: new MemoryOrderLedger(db) };
});
describeShadowStoreContract('in-memory fake', async () => {
  const db = new MemoryDb();
  return { store: new MemoryStateStore(db), shadow: new MemoryShadowStore(db), audit: new MemoryBudgetNotices(db.auditLog) };
});
describeCandleStoreContract('in-memory fake', async () => new MemoryCandleStore());
describeBudgetNoticesContract(
  'in-memory fake',
  async () => new MemoryBudgetNotices(),
  async (ops, month) => (ops as MemoryBudgetNotices).costs.get(month)?.costAmount ?? null,
);

describeExchangeAccountContract('in-memory fake', async () => {
  const account = new MemoryExchangeAccount();
  return { account, arrange: account };
});

describeInboundStoreContract(
  'in-memory fake',
  async () => new MemoryInboundStore(),
  async (s, at, source, reason) => (s as MemoryInboundStore).rejections.get(inboundRejectionPath(at, source, reason))?.count ?? 0,
);

describeChatGuardContract('in-memory fake', async () => new MemoryChatGuard());

describeAuthAccountsContract('in-memory fake', async () => {
  const accounts = new MemoryAuthAccounts();
  let n = 0;
  return {
    accounts,
    async create(email, verified, claims) {
      const uid = `u${String(++n).padStart(4, '0')}`;
      accounts.create(uid, email, verified, claims);
      return uid;
    },
    claims: async (uid) => ({ ...accounts.users.get(uid)!.claims }),
    revoked: async (uid) => accounts.users.get(uid)!.revocations > 0,
  };
});
