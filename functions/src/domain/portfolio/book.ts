import type { RiskParams } from '../risk/params.ts';
import type { Amount } from '../money.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Position, SystemMode, Wallet } from '../trading.types.ts';
import { openingWallet } from '../wallet.ts';

/**
 * Everything the executor needs to decide and apply an order, read in one transaction.
 * (Structurally identical to `Book` in ports/state.ts.)
 */
export interface Book {
  readonly mode: SystemMode;
  readonly wallet: Wallet;
  readonly positions: Readonly<Record<string, Position>>;
  /** daily loss limit: no entries before this time; null when not paused */
  readonly entriesPausedUntil: number | null;
}

/** Per-symbol execution context (rules differ per market). */
export interface OrderContext {
  readonly risk: RiskParams;
  /** the symbol's trading rules (domain/marketRules.ts); null when the exchange lists none: no entry */
  readonly rules: MarketRules | null;
  readonly feeBps: number;
  readonly slippageBps: number;
}

export function openingBook(initialCash: Amount, now: number, mode: SystemMode = 'NORMAL'): Book {
  return { mode, wallet: openingWallet(initialCash, now), positions: {}, entriesPausedUntil: null };
}
