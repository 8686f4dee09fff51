import { describe, expect, it } from 'vitest';
import { MemoryAuthAccounts } from '../adapters/memory/MemoryAuthAccounts.ts';
import { syncAccess } from './dashboardAccess.ts';

const list = (emails: string[], admins: string[] = []) => ({ dashboardUsers: async () => ({ emails, admins }) });

describe('syncAccess', () => {
  it('gives each verified, allow-listed account its role and nobody else one', async () => {
    const accounts = new MemoryAuthAccounts();
    accounts.create('a', 'Trader@Example.com', true);
    accounts.create('b', 'viewer@example.com', true);
    accounts.create('c', 'viewer2@example.com', false); // listed, not verified
    accounts.create('d', 'stranger@example.com', true, { eagle: 'admin' }); // a claim the list does not give
    accounts.create('e', null, true);
    const r = await syncAccess({
      ops: list(['trader@example.com', 'viewer@example.com', 'viewer2@example.com'], ['trader@example.com']),
      accounts,
    });
    expect((await accounts.list()).map((a) => [a.uid, a.role])).toEqual([
      ['a', 'admin'],
      ['b', 'reader'],
      ['c', null],
      ['d', null],
      ['e', null],
    ]);
    expect(r).toEqual({
      accounts: 5,
      readers: 1,
      admins: 1,
      changes: [
        { email: 'trader@example.com', from: null, to: 'admin', revoked: false },
        { email: 'viewer@example.com', from: null, to: 'reader', revoked: false },
        { email: 'stranger@example.com', from: 'admin', to: null, revoked: true },
      ],
    });
    expect(accounts.users.get('d')!.revocations).toBe(1);
  });

  it('is idempotent, and revokes sessions only when access is removed or narrowed', async () => {
    const accounts = new MemoryAuthAccounts();
    accounts.create('a', 'trader@example.com', true);
    accounts.create('b', 'viewer@example.com', true);
    await syncAccess({ ops: list(['trader@example.com', 'viewer@example.com'], ['trader@example.com']), accounts });
    expect(
      (await syncAccess({ ops: list(['trader@example.com', 'viewer@example.com'], ['trader@example.com']), accounts })).changes,
    ).toEqual([]);
    // the admin becomes a reader, the reader becomes an admin
    const r = await syncAccess({ ops: list(['trader@example.com', 'viewer@example.com'], ['viewer@example.com']), accounts });
    expect(r.changes).toEqual([
      { email: 'trader@example.com', from: 'admin', to: 'reader', revoked: true },
      { email: 'viewer@example.com', from: 'reader', to: 'admin', revoked: false },
    ]);
    expect([...accounts.users.values()].map((u) => u.revocations)).toEqual([1, 0]);
  });
});
