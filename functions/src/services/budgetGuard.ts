/**
 * Cloud Billing budget notifications (schemaVersion 1.0) → alerts, and a pause at the spend limit.
 * Google resends each notification several times a day whatever the thresholds, in any order:
 * - one alert per (budget, cost interval, threshold), however often and in whatever order it comes;
 * - actual spend ≥ BUDGET_PAUSE_PCT of the budget ⇒ mode PAUSED, in StateStore.changeMode's one
 *   transaction (precedence: never out of KILLED, never lowering a concurrent kill); forecasts only warn;
 * - notices are ordered by their own cost interval: one older than the newest interval seen for the
 *   budget never pauses, and neither does one for an interval an operator has resumed past (a late
 *   resend of last month's 100 % after `eagle resume`); a new interval at ≥ 100 % pauses again;
 * - the Scheduler is never touched: PAUSED stops entries only, and the tick must keep running the
 *   stops, trailing stops, take-profits and the kill switch (DESIGN §4);
 * - nothing here ever resumes trading (a new interval neither): that is an operator's `eagle resume`;
 * - billing is never disabled; bad payloads go to deadletters/ and are acked.
 */
import { z } from 'zod';
import type { Alert } from '../domain/alerts.ts';
import type { StateStore } from '../ports/state.ts';
import type { Clock } from '../ports/index.ts';
import type { Logger } from '../lib/log.ts';
import type { PubSubMessage } from '../ports/message.ts';
import type { OpsStore } from '../ports/ops.ts';
import { costMonth } from '../shared/store/index.ts';

const fraction = z.number().nonnegative().max(100);
/** Currency amounts: cents to a trillion. A 5e-324 budget would make any spend an infinite percentage. */
const MAX_AMOUNT = 1e12;
export const BudgetNotificationSchema = z.object({
  budgetDisplayName: z.string().min(1).max(200),
  costAmount: z.number().nonnegative().max(MAX_AMOUNT),
  // the period the pause rules order notices by (ms since the epoch, so never before 1970)
  costIntervalStart: z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) >= 0, 'must not be before 1970'),
  budgetAmount: z.number().min(0.01).max(MAX_AMOUNT),
  budgetAmountType: z.enum(['SPECIFIED_AMOUNT', 'LAST_MONTH_COST', 'LAST_PERIODS_AMOUNT']),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  alertThresholdExceeded: fraction.optional(),
  forecastThresholdExceeded: fraction.optional(),
});
const AttributesSchema = z.object({
  billingAccountId: z.string().min(1).max(100),
  budgetId: z.string().min(1).max(200),
  schemaVersion: z.literal('1.0'),
});

export interface BudgetDeps {
  store: Pick<StateStore, 'changeMode' | 'raiseAlert' | 'recordDeadLetter'>;
  ops: Pick<OpsStore, 'claimBudgetNotice' | 'recordCost' | 'recordAudit'>;
  clock: Clock;
  log: Logger;
  pausePct: number;
}

export type BudgetResult =
  | { status: 'dead_lettered'; reason: string }
  /** paused: at the limit for a current interval (trading is PAUSED, or KILLED); ignored: at the limit, but why it does not pause */
  | { status: 'recorded'; newAlerts: string[]; spendPct: number; paused: boolean; ignored?: 'older_period' | 'resumed_period' };

const idPart = (s: string) => s.replace(/[^\w-]/g, '_').slice(0, 80);

export async function handleBudgetMessage(deps: BudgetDeps, message: PubSubMessage): Promise<BudgetResult> {
  const now = deps.clock.now();
  const poison = async (reason: string): Promise<BudgetResult> => {
    await deps.store.recordDeadLetter({
      id: `budget_${message.id}`,
      source: 'budgetGuard',
      reason,
      payload: message.raw,
      attributes: message.attributes,
      receivedAt: now,
    });
    deps.log.log('ERROR', 'budget notification dead-lettered', { reason, messageId: message.id });
    return { status: 'dead_lettered', reason };
  };
  if (message.envelopeError) return poison(message.envelopeError);
  if (message.body === null) return poison('message has no data');
  const attrs = AttributesSchema.safeParse(message.attributes);
  if (!attrs.success) return poison(`attributes: ${attrs.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return poison('data is not JSON');
  }
  const parsed = BudgetNotificationSchema.safeParse(json);
  if (!parsed.success) return poison(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  const n = parsed.data;
  const interval = n.costIntervalStart.slice(0, 10);
  const spendPct = Math.round((n.costAmount / n.budgetAmount) * 10_000) / 100;
  const base = `${idPart(attrs.data.budgetId)}_${interval}`;
  const money = (x: number) => `${x.toFixed(2)} ${n.currencyCode}`;

  const candidates: Alert[] = [];
  if (n.alertThresholdExceeded !== undefined) {
    const pct = Math.round(n.alertThresholdExceeded * 100);
    candidates.push({
      id: `budget_${base}_actual_${pct}`,
      kind: 'budget',
      severity: pct >= deps.pausePct ? 'critical' : 'warning',
      createdAt: now,
      message: `budget "${n.budgetDisplayName}": actual spend passed ${pct} % (${money(n.costAmount)} of ${money(n.budgetAmount)}, interval from ${interval})`,
    });
  }
  if (n.forecastThresholdExceeded !== undefined) {
    const pct = Math.round(n.forecastThresholdExceeded * 100);
    candidates.push({
      id: `budget_${base}_forecast_${pct}`,
      kind: 'budget',
      severity: 'warning',
      createdAt: now,
      message: `budget "${n.budgetDisplayName}": forecast spend passes ${pct} % (${money(n.budgetAmount)} budget, interval from ${interval})`,
    });
  }
  // The dashboard shows this month's cloud cost beside its PnL.
  const start = Date.parse(n.costIntervalStart);
  await deps.ops.recordCost({
    month: costMonth(start),
    costAmount: n.costAmount,
    budgetAmount: n.budgetAmount,
    currencyCode: n.currencyCode,
    costIntervalStart: start,
    receivedAt: now,
  });
  const newAlerts: string[] = [];
  for (const alert of candidates) {
    if (
      !(await deps.ops.claimBudgetNotice(alert.id, {
        ...alert,
        budgetId: attrs.data.budgetId,
        billingAccountId: attrs.data.billingAccountId,
      }))
    )
      continue;
    await deps.store.raiseAlert(alert);
    newAlerts.push(alert.id);
  }

  const actualPct = Math.max(spendPct, (n.alertThresholdExceeded ?? 0) * 100);
  const atLimit = actualPct >= deps.pausePct;
  // Every notice goes through the transaction: one below the limit still moves the budget's newest interval on.
  const t = await deps.store.changeMode(
    { type: 'budget_alert', budgetId: attrs.data.budgetId, period: Date.parse(n.costIntervalStart), atLimit },
    `budget "${n.budgetDisplayName}" at ${actualPct} % of ${money(n.budgetAmount)}`,
  );
  if (t.ok && t.changed) {
    deps.log.log('CRITICAL', 'budget limit reached: trading paused', { budgetId: attrs.data.budgetId, spendPct: actualPct, from: t.from });
    // In audit_log beside the operators' calls: who paused trading is answered, and the shadow backtest explains the day.
    await deps.ops.recordAudit({
      at: now,
      who: 'budget-guard',
      via: 'system',
      action: 'budget-pause',
      params: { budgetId: attrs.data.budgetId, spendPct: actualPct },
      ok: true,
      status: 200,
      summary: `${t.from} → ${t.mode}: budget "${n.budgetDisplayName}" at ${actualPct} % of ${money(n.budgetAmount)}`,
    });
  }
  const paused = atLimit && t.ignored === undefined;
  deps.log.log(newAlerts.length ? 'WARNING' : 'INFO', 'budget notification', {
    budgetId: attrs.data.budgetId,
    interval,
    spendPct,
    newAlerts,
    paused,
    mode: t.mode,
    ...(t.ignored ? { ignored: t.ignored } : {}),
  });
  return { status: 'recorded', newAlerts, spendPct, paused, ...(t.ignored ? { ignored: t.ignored } : {}) };
}
