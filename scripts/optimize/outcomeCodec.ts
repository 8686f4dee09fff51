/**
 * A window's outcome as it crosses a process boundary (a worker's reply, a shard's file): checked
 * before summarize trusts it. Unknown keys are refused; numbers must be finite.
 */
import { z } from 'zod';
import type { WindowOutcome } from './search.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const Metrics = z.strictObject({
  totalReturnPct: finite,
  maxDrawdownPct: finite,
  sharpe: finite.nullable(),
  sortino: finite.nullable(),
  calmar: finite.nullable(),
  trades: count,
  feesPaid: finite,
  netPnl: finite,
});
const Block = z.strictObject({ n: count, s1: finite, s2: finite, s3: finite, s4: finite });
export const TrialResultSchema = z.strictObject({
  window: count,
  trial: z.number().int().min(-1),
  sample: z.enum(['in', 'out']),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  metrics: Metrics.nullable(),
  error: z.string().max(2000).optional(),
  blocks: z.array(Block),
  equity: z.array(z.tuple([finite, finite])).optional(),
});
export const WindowOutcomeSchema = z.strictObject({
  window: count,
  trials: z.array(TrialResultSchema).min(1),
  winner: count,
  outOfSample: TrialResultSchema,
  defaults: TrialResultSchema,
  outOfSampleAll: z.array(Block.nullable()),
});

/** Parse a window's outcome; the error names the path of the first bad field. */
export function parseWindowOutcome(v: unknown, where: string): WindowOutcome {
  const r = WindowOutcomeSchema.safeParse(v);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TypeError(`${where}: ${issue?.path.join('.') || 'outcome'}: ${issue?.message ?? 'invalid'}`);
  }
  if (r.data.winner >= r.data.trials.length) throw new TypeError(`${where}: winner ${r.data.winner} is not one of its trials`);
  if (r.data.outOfSampleAll.length !== r.data.trials.length)
    throw new TypeError(`${where}: outOfSampleAll has ${r.data.outOfSampleAll.length} entries for ${r.data.trials.length} trials`);
  return r.data as WindowOutcome;
}
