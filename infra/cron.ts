/**
 * The subset of cron that Cloud Scheduler jobs here use (minute hour day-of-month month day-of-week;
 * `*`, `*\/n`, `a`, `a-b`, `a,b`), evaluated in UTC. The local scheduler uses it to fire the same
 * jobs at the same market times as production.
 */
const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 6 },
] as const;

export type CronSpec = readonly ReadonlySet<number>[];

export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}": expected 5 fields`);
  return parts.map((part, i) => {
    const { min, max } = FIELDS[i]!;
    const set = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new Error(`cron "${expr}": bad field "${item}"`);
      const lo = m[1] === '*' ? min : Number(m[2]);
      const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
      const step = m[4] ? Number(m[4]) : 1;
      if (lo < min || hi > max || lo > hi || step < 1) throw new Error(`cron "${expr}": "${item}" out of range ${min}-${max}`);
      for (let v = lo; v <= hi; v += step) set.add(v);
    }
    return set;
  });
}

/** First minute strictly after `afterMs` that matches (UTC). */
export function nextFireTime(spec: CronSpec, afterMs: number): number {
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 366 * 24 * 60; i++, t += 60_000) {
    const d = new Date(t);
    if (
      spec[0]!.has(d.getUTCMinutes()) &&
      spec[1]!.has(d.getUTCHours()) &&
      spec[2]!.has(d.getUTCDate()) &&
      spec[3]!.has(d.getUTCMonth() + 1) &&
      spec[4]!.has(d.getUTCDay())
    )
      return t;
  }
  throw new Error('cron: no fire time within a year');
}
