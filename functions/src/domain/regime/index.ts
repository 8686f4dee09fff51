export { classifyRegime, classifyRegimeSeries, rawRegime } from './classifyRegime.ts';
export { defaultHighVolAtrPct, resolveRegimeParams, type ResolvedRegimeParams } from './highVolDefaults.ts';
