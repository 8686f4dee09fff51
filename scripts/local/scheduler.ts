/**
 * Local stand-in for Cloud Scheduler: fires production's job definitions (infra/definitions.ts)
 * at their cron times in *market* time, which a replay can run faster than the wall clock.
 */
import { nextFireTime, parseCron } from '../../infra/cron.ts';
import type { SchedulerJobDef } from '../../infra/definitions.ts';

export interface SchedulerOptions {
  jobs: readonly SchedulerJobDef[];
  url: (target: string) => string;
  /** market time now */
  marketNow: () => number;
  /** market ms per wall ms */
  speed: number;
  onResult: (job: SchedulerJobDef, result: { status: number; body: unknown; wallMs: number } | { error: string }) => void;
  /** fire every job once at start, so the dashboard fills at once */
  fireAtStart?: boolean;
  /** the trading jobs are skipped while this says so (budget pause; Cloud Scheduler's paused jobs) */
  tradingPaused?: () => Promise<boolean>;
  /** called once when the trading jobs start being skipped (not on every skipped run) */
  onSkip?: (job: SchedulerJobDef) => void;
  /**
   * Market time the data ends at (a replay's bundled span): no job fires after it. Once every job
   * has nothing left to fire, `onEnd` is called once and the scheduler is idle.
   */
  untilMarketMs?: number;
  onEnd?: (untilMarketMs: number) => void;
}

export interface RunningScheduler {
  stop(): void;
  /** jobs still planned to fire (0 once stopped or past `untilMarketMs`) */
  planned(): number;
}

/** Jobs a budget pause stops; keep in step with adapters/scheduler TRADING_JOBS. */
const TRADING_TARGETS = ['tick'];

export function startScheduler(opts: SchedulerOptions): RunningScheduler {
  let stopped = false;
  let skipping = false;
  const timers = new Set<NodeJS.Timeout>();
  const until = opts.untilMarketMs ?? Infinity;
  let ended = 0;
  const end = () => {
    if (++ended === opts.jobs.length) opts.onEnd?.(until);
  };
  const fire = async (job: SchedulerJobDef) => {
    if (TRADING_TARGETS.includes(job.target)) {
      const paused = (await opts.tradingPaused?.()) ?? false;
      if (paused && !skipping) opts.onSkip?.(job);
      skipping = paused;
      if (paused) return;
    }
    const started = Date.now();
    try {
      const res = await fetch(opts.url(job.target), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job.body),
        signal: AbortSignal.timeout(job.attemptDeadlineSeconds * 1000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      opts.onResult(job, { status: res.status, body, wallMs: Date.now() - started });
    } catch (err) {
      opts.onResult(job, { error: err instanceof Error ? err.message : String(err) });
    }
  };
  for (const job of opts.jobs) {
    const spec = parseCron(job.schedule);
    // Like Cloud Scheduler, a job never overlaps itself: the next run is planned after this one ends.
    const plan = () => {
      if (stopped) return;
      const now = opts.marketNow();
      const next = nextFireTime(spec, now);
      if (next > until) return end();
      const timer = setTimeout(
        async () => {
          timers.delete(timer);
          await fire(job);
          plan();
        },
        Math.max(0, (next - now) / opts.speed),
      );
      timers.add(timer);
    };
    if (opts.fireAtStart && job.target === 'tick' && opts.marketNow() <= until) void fire(job).then(plan);
    else plan();
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    planned: () => timers.size,
  };
}

export interface LockStepOptions {
  /** the tick function's URL */
  url: string;
  /** market times to tick at, ascending */
  times: readonly number[];
  /** true once every order of these signal ids has a record (filled or rejected) */
  settled: (signalIds: readonly string[]) => Promise<boolean>;
  /** per tick, for the orders to settle */
  settleTimeoutMs?: number;
  onTick?: (report: LockStepTick) => void;
}

export interface LockStepTick {
  marketTime: number;
  published: string[];
  pending: string[];
}

/**
 * Lock-step replay: tick as of each market time in turn, and before the next one wait until every
 * order the previous tick published has settled. This is the live path with the one source of
 * timing noise removed (a fill landing after the next tick), which is what the parity test needs.
 */
export async function runLockStep(opts: LockStepOptions): Promise<LockStepTick[]> {
  const ticks: LockStepTick[] = [];
  for (const asOf of opts.times) {
    const res = await fetch(opts.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`lock-step tick at ${new Date(asOf).toISOString()} failed: HTTP ${res.status} ${text.slice(0, 500)}`);
    const report = JSON.parse(text) as LockStepTick;
    const tick = { marketTime: asOf, published: report.published, pending: report.pending };
    const deadline = Date.now() + (opts.settleTimeoutMs ?? 30_000);
    while (!(await opts.settled(tick.published))) {
      if (Date.now() > deadline)
        throw new Error(`orders ${tick.published.join(', ')} of the tick at ${new Date(asOf).toISOString()} did not settle`);
      await new Promise((r) => setTimeout(r, 25));
    }
    ticks.push(tick);
    opts.onTick?.(tick);
  }
  return ticks;
}
