/**
 * The live exchange's rules and key health, read through the live broker's own ccxt instance (its
 * LazyExchange): the markets load once per instance and serve both the orders and the sizing.
 *
 * Key health (Binance GET /sapi/v1/account/apiRestrictions, signed, weight 1): at first use, then
 * once per KEY_CHECK_INTERVAL_MS. A check that fails keeps the last result; with none yet, entries
 * wait (`unchecked`) and the next call tries again. Neither the key nor the signed URL is ever in a
 * message: errors are reduced to their class and text without the query string.
 */
import { z } from 'zod';
import { judgeKey, KEY_CHECK_INTERVAL_MS, uncheckedKey, type KeyHealth } from '../../domain/keyHealth.ts';
import { unavailableRules, type ExchangeRules } from '../../domain/marketRules.ts';
import type { Venue } from '../../ports/index.ts';
import { ccxtErrorClass } from './errors.ts';
import type { LazyExchange } from './loadExchange.ts';
import { loadedExchangeRules } from './marketRules.ts';
import type { Warn } from './orderMapping.ts';

/** The fields read from Binance's answer; the others (enableReading, ipRestrict, createTime, …) are ignored. */
const ApiRestrictions = z.object({
  enableSpotAndMarginTrading: z.boolean(),
  enableWithdrawals: z.boolean(),
  tradingAuthorityExpirationTime: z.number().int().positive().optional(),
});

const clean = (err: unknown) =>
  `${ccxtErrorClass(err) ?? (err instanceof Error ? err.name : 'Error')}: ${(err instanceof Error ? err.message : String(err)).replace(/\?\S*/g, '?…')}`.slice(
    0,
    300,
  );

export class LiveVenue implements Venue {
  private loaded: ExchangeRules | undefined;
  private health: KeyHealth | undefined;

  constructor(
    private readonly lazy: LazyExchange,
    private readonly warn: Warn,
  ) {}

  async rules(): Promise<ExchangeRules> {
    if (this.loaded) return this.loaded;
    try {
      const ex = await this.lazy.withMarkets();
      this.loaded = loadedExchangeRules(ex, (reason) => this.warn('market rules unusable; no entries in that market', { reason }));
      return this.loaded;
    } catch (err) {
      this.warn('market rules could not be loaded; no entries until they load', { reason: clean(err) });
      return unavailableRules(`${this.lazy.id} (markets not loaded: ${clean(err)})`);
    }
  }

  async keyHealth(now: number): Promise<KeyHealth> {
    const last = this.health;
    if (last?.checkedAt != null && now - last.checkedAt < KEY_CHECK_INTERVAL_MS) return last;
    try {
      const ex = await this.lazy.exchange();
      const call = (ex as unknown as { sapiGetAccountApiRestrictions?: () => Promise<unknown> }).sapiGetAccountApiRestrictions;
      if (typeof call !== 'function') return uncheckedKey(`${ex.id} has no API-key permission query here (Binance only)`);
      const r = ApiRestrictions.parse(await call.call(ex));
      this.health = judgeKey(
        {
          canTrade: r.enableSpotAndMarginTrading,
          canWithdraw: r.enableWithdrawals,
          tradingExpiresAt: r.tradingAuthorityExpirationTime ?? null,
        },
        now,
      );
      return this.health;
    } catch (err) {
      this.warn('API key permission check failed', { reason: clean(err) });
      return last ?? uncheckedKey(clean(err));
    }
  }
}
