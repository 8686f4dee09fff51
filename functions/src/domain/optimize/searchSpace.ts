/** The optimiser's default space: every param the strategy declares, and the risk and regime ranges declared next to their schemas. */
import { REGIME_SEARCH_RANGES, RegimeParamsSchema } from '../regime/params.ts';
import { RISK_SEARCH_RANGES, RiskParamsSchema } from '../risk/params.ts';
import type { StrategyDefinition } from '../strategy/strategy.types.ts';
import { mergeSpaces, spaceOfObject, spaceOfRanges, type Space } from './space.ts';

export function searchSpace(strategy: StrategyDefinition): Space {
  return mergeSpaces(
    spaceOfObject('strategy.params', strategy.paramsSchema),
    spaceOfRanges('risk', RiskParamsSchema, RISK_SEARCH_RANGES),
    spaceOfRanges('regime', RegimeParamsSchema, REGIME_SEARCH_RANGES),
  );
}
