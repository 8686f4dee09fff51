/**
 * The user's strategies: one module per file in this folder, each listed here (`npm run eagle --
 * strategy new NAME` writes the file, its test and the line below). They are bundled with the
 * functions and chosen by name in config/bot (`strategy.name`). Import only from
 * ../domain/strategy/api.ts (the versioned strategy API).
 */
import type { StrategyDefinition } from '../domain/strategy/strategy.types.ts';
import { rsiDip } from './rsiDip.ts';

export const USER_STRATEGIES: readonly StrategyDefinition[] = [
  rsiDip,
  // strategy new: entries above this line
];
