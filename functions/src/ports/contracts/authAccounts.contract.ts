/**
 * Sign-in accounts: the access claim is set, replaced and removed without touching the account's
 * other claims, and sessions can be revoked. Run against the in-memory fake (unit) and Firebase Auth
 * (the Auth emulator, test/integration/admin.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { AuthAccounts } from '../access.ts';

export interface AuthAccountsHarness {
  accounts: AuthAccounts;
  /** a new account; returns its uid */
  create(email: string, verified: boolean, claims?: Record<string, unknown>): Promise<string>;
  claims(uid: string): Promise<Record<string, unknown>>;
  /** whether the account's sessions were revoked since it was created */
  revoked(uid: string): Promise<boolean>;
  /** waits until a revocation can be told from the creation (Firebase Auth stamps both in whole seconds) */
  settle?(): Promise<void>;
}

/** addresses no other run of the suite on the same Auth emulator has used */
const RUN = Math.random().toString(36).slice(2, 8);
let seq = 0;
const mail = (local: string, domain = 'example.com') => `${local}+${RUN}${++seq}@${domain}`;

export function describeAuthAccountsContract(name: string, make: () => Promise<AuthAccountsHarness>): void {
  describe(`auth accounts contract: ${name}`, () => {
    it('lists every account in uid order, emails lower-cased, with the role its claim carries (an unknown value is none)', async () => {
      const h = await make();
      const mixed = mail('Mixed.Case', 'Example.com');
      const a = await h.create(mixed, true);
      const b = await h.create(mail('unverified'), false, { eagle: 'admin' });
      const c = await h.create(mail('odd'), true, { eagle: 'owner' });
      const listed = (await h.accounts.list()).filter((x) => [a, b, c].includes(x.uid));
      expect(listed.map((x) => x.uid)).toEqual([a, b, c].sort());
      const byUid = new Map(listed.map((x) => [x.uid, x]));
      expect(byUid.get(a)).toEqual({ uid: a, email: mixed.toLowerCase(), emailVerified: true, role: null });
      expect(byUid.get(b)).toMatchObject({ emailVerified: false, role: 'admin' });
      expect(byUid.get(c)?.role).toBeNull();
    });

    it('sets, replaces and removes the claim, keeping the other claims', async () => {
      const h = await make();
      const uid = await h.create(mail('claims'), true, { team: 'ops' });
      await h.accounts.setRole(uid, 'reader');
      expect(await h.claims(uid)).toEqual({ team: 'ops', eagle: 'reader' });
      await h.accounts.setRole(uid, 'admin');
      expect((await h.accounts.list()).find((x) => x.uid === uid)?.role).toBe('admin');
      await h.accounts.setRole(uid, null);
      expect(await h.claims(uid)).toEqual({ team: 'ops' });
      const bare = await h.create(mail('bare'), true);
      await h.accounts.setRole(bare, 'reader');
      await h.accounts.setRole(bare, null);
      expect(await h.claims(bare)).toEqual({});
    });

    it('revokes an account’s sessions', async () => {
      const h = await make();
      const uid = await h.create(mail('revoke'), true);
      expect(await h.revoked(uid)).toBe(false);
      await h.settle?.();
      await h.accounts.revokeSessions(uid);
      expect(await h.revoked(uid)).toBe(true);
    });
  });
}
