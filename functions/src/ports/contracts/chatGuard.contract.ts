/**
 * The Telegram bot's guard: a confirm button is claimed once, however concurrently, and never after it
 * expires; a chat's rate limit takes a token per update and counts refusals, asking for one notice per
 * streak. Run against the in-memory fake (unit) and Firestore (emulator, test/integration/telegram.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ChatGuard, Confirmation } from '../chatGuard.ts';

const T = Date.UTC(2026, 11, 1, 12);
const button = (id: string, chatId = '-2002'): Confirmation => ({ id, chatId, command: 'pause lunch', expiresAt: T + 120_000 });

export function describeChatGuardContract(name: string, make: () => Promise<ChatGuard>): void {
  describe(`chat guard contract: ${name}`, () => {
    it('claims a button once, even concurrently; an expired one is refused and stays unused', async () => {
      const guard = await make();
      expect(await guard.claim(button('aaaaaaaaaaaa'), T)).toBe('claimed');
      expect(await guard.claim(button('aaaaaaaaaaaa'), T + 1)).toBe('used');
      const race = await Promise.all(Array.from({ length: 3 }, () => guard.claim(button('bbbbbbbbbbbb'), T)));
      expect(race.sort()).toEqual(['claimed', 'used', 'used']);
      expect(await guard.claim(button('cccccccccccc'), T + 120_001)).toBe('expired');
      expect(await guard.claim(button('cccccccccccc'), T + 120_000)).toBe('claimed');
    });

    it('takes a token per update; over the limit refusals are counted and only the first of a streak asks for a notice', async () => {
      const guard = await make();
      const limit = { perMinute: 6, burst: 2 };
      expect(await guard.take('1001', T, limit)).toEqual({ kind: 'ok' });
      expect(await guard.take('1001', T, limit)).toEqual({ kind: 'ok' });
      expect(await guard.take('1001', T + 1_000, limit)).toEqual({ kind: 'limited', notice: true, refused: 1, retryAfterMs: 9_000 });
      expect(await guard.take('1001', T + 2_000, limit)).toMatchObject({ kind: 'limited', notice: false, refused: 2 });
      expect(await guard.take('-2002', T + 2_000, limit)).toEqual({ kind: 'ok' });
      expect(await guard.take('1001', T + 12_000, limit)).toEqual({ kind: 'ok' });
      expect(await guard.take('1001', T + 12_000, limit)).toMatchObject({ kind: 'limited', notice: true, refused: 3 });
      const race = await Promise.all(Array.from({ length: 3 }, () => guard.take('42', T, limit)));
      expect(race.filter((r) => r.kind === 'ok')).toHaveLength(2);
    });
  });
}
