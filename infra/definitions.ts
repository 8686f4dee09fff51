/**
 * The production resources, declared once. `infra/` deploys them; the emulator harness and the local
 * scheduler read the same objects, so local wiring cannot drift from production.
 */
export const TOPICS = {
  signals: 'signals',
  signalsDeadLetter: 'signals-dead-letter',
  budgetAlerts: 'budget-alerts',
} as const;

export type FunctionSignature = 'http' | 'cloudevent';

export interface FunctionDef {
  /** functions-framework target, exported from functions/src/index.ts */
  readonly target: string;
  readonly signature: FunctionSignature;
  /** local port = firebase.json emulators.functions.port + portOffset */
  readonly portOffset: number;
  readonly timeoutSeconds: number;
  readonly memory: '256Mi' | '512Mi' | '1Gi';
  /** Pub/Sub topic that triggers a cloudevent function */
  readonly triggerTopic?: string;
  /** invocable without a Google identity (it authenticates its callers itself); every other function is private */
  readonly public?: boolean;
}

export const FUNCTIONS: readonly FunctionDef[] = [
  { target: 'tick', signature: 'http', portOffset: 0, timeoutSeconds: 60, memory: '512Mi' },
  { target: 'executeOrder', signature: 'cloudevent', portOffset: 1, timeoutSeconds: 60, memory: '256Mi', triggerTopic: TOPICS.signals },
  { target: 'audit', signature: 'http', portOffset: 2, timeoutSeconds: 120, memory: '256Mi' },
  // Operator actions (eagle CLI, dashboard): authenticated in the handler; backfill needs the time.
  { target: 'admin', signature: 'http', portOffset: 3, timeoutSeconds: 540, memory: '512Mi' },
  // Cloud Billing budget notifications (Pub/Sub): alerts, and PAUSED at the spend limit.
  { target: 'budgetGuard', signature: 'cloudevent', portOffset: 4, timeoutSeconds: 60, memory: '256Mi', triggerTopic: TOPICS.budgetAlerts },
  // Every open position's stops ran within 3 minutes of market time (a separate check, so a tick that never runs is noticed).
  { target: 'watchdog', signature: 'http', portOffset: 5, timeoutSeconds: 30, memory: '256Mi' },
  // Signed inbound alerts (TradingView through a relay): public, authenticated by HMAC in the handler.
  { target: 'signalWebhook', signature: 'http', portOffset: 6, timeoutSeconds: 30, memory: '256Mi', public: true },
  // The Telegram command bot's webhook (the command set in a chat): public, since Telegram calls it without a
  // Google identity; the Bot API secret token header and the chat allow-lists are checked in the handler.
  { target: 'telegram', signature: 'http', portOffset: 7, timeoutSeconds: 60, memory: '256Mi', public: true },
];

export interface SubscriptionDef {
  readonly name: string;
  readonly topic: string;
  /** push to this function's URL (Eventarc in production, a push subscription locally) */
  readonly pushTo?: string;
  readonly ackDeadlineSeconds: number;
  readonly deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number };
  readonly retry?: { readonly minimumBackoffSeconds: number; readonly maximumBackoffSeconds: number };
}

export const SUBSCRIPTIONS: readonly SubscriptionDef[] = [
  {
    name: 'signals-execute-order',
    topic: TOPICS.signals,
    pushTo: 'executeOrder',
    ackDeadlineSeconds: 60,
    // executeOrder acks poison itself (deadletters/ record); this catches what still fails 10 times.
    deadLetter: { topic: TOPICS.signalsDeadLetter, maxDeliveryAttempts: 10 },
    // Redeliver no sooner than 15 s: longer than Binance's 10 s recvWindow, so a live order request
    // still in flight when executeOrder failed can no longer land after the redelivery's lookup.
    retry: { minimumBackoffSeconds: 15, maximumBackoffSeconds: 600 },
  },
  // Budget notifications: every effect is idempotent, so plain redelivery is safe; bad payloads are acked by the function.
  {
    name: 'budget-alerts-guard',
    topic: TOPICS.budgetAlerts,
    pushTo: 'budgetGuard',
    ackDeadlineSeconds: 60,
    retry: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
  },
  // A pull subscription keeps dead-lettered messages for inspection (`npm run invoke -- deadletters`).
  { name: 'signals-dead-letter-hold', topic: TOPICS.signalsDeadLetter, ackDeadlineSeconds: 60 },
];

export interface SchedulerJobDef {
  readonly name: string;
  /** cron, in market time (UTC) */
  readonly schedule: string;
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly attemptDeadlineSeconds: number;
}

/** `tickInterval` is the TICK_INTERVAL setting ("1m", "5m", …). */
export function schedulerJobs(tickInterval = '1m'): SchedulerJobDef[] {
  const minutes = Number(tickInterval.replace(/m$/, ''));
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 59) {
    throw new RangeError(`TICK_INTERVAL must be 1m..59m for a cron schedule, got ${tickInterval}`);
  }
  return [
    {
      name: 'eagle-eye-tick',
      schedule: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`,
      target: 'tick',
      body: {},
      attemptDeadlineSeconds: 60,
    },
    { name: 'eagle-eye-audit', schedule: '15 0 * * *', target: 'audit', body: {}, attemptDeadlineSeconds: 120 },
    // Not a trading job: no pause (budget or operator) ever skips it.
    { name: 'eagle-eye-watchdog', schedule: '* * * * *', target: 'watchdog', body: {}, attemptDeadlineSeconds: 30 },
  ];
}

export interface RunJobDef {
  readonly name: string;
  /** tasks per execution (CLOUD_RUN_TASK_COUNT); each searches walk-forward windows i ≡ task index (mod tasks) */
  readonly tasks: number;
  readonly parallelism: number;
  readonly cpu: string;
  readonly memory: '2Gi' | '4Gi';
  readonly taskTimeoutSeconds: number;
  readonly maxRetries: number;
  /** the container's command; an execution may override the args (`gcloud run jobs execute --args=…`) */
  readonly command: readonly string[];
  readonly args: readonly string[];
}

/** Where the optimiser job's tasks leave their shard files (a bucket of its own; files expire). */
export const optimizeBucket = (projectId: string) => `${projectId}-optimize`;
export const OPTIMIZE_RESULTS_DAYS = 30;

/**
 * The optimiser as a Cloud Run job (`npm run optimize -- --shard`): each task runs its shard of the
 * windows on every core of its instance (--workers defaults to them) and writes its shard file;
 * `npm run optimize -- merge --results gs://…` reduces them. The image: Dockerfile at the root.
 */
export function optimizeJob(projectId: string): RunJobDef {
  return {
    name: 'eagle-eye-optimize',
    tasks: 4,
    parallelism: 4,
    cpu: '2',
    memory: '2Gi',
    taskTimeoutSeconds: 3600,
    // a task is deterministic: a retry writes the same shard, so retrying a lost instance is safe
    maxRetries: 1,
    command: ['npm', 'run', 'optimize', '--'],
    // --workers = the task's CPUs (a container may see more cores than it is given)
    args: ['--walk-forward', '365:91', '--workers', '2', '--shard', '--results', `gs://${optimizeBucket(projectId)}/latest`],
  };
}
