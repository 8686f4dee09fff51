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
}

export function startScheduler(opts: SchedulerOptions): { stop(): void } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const fire = async (job: SchedulerJobDef) => {
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
      const timer = setTimeout(async () => {
        timers.delete(timer);
        await fire(job);
        plan();
      }, Math.max(0, (next - now) / opts.speed));
      timers.add(timer);
    };
    if (opts.fireAtStart && job.target === 'tick') void fire(job).then(plan);
    else plan();
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
