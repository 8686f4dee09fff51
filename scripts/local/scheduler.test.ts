import { afterEach, describe, expect, it, vi } from 'vitest';
import { schedulerJobs } from '../../infra/definitions.ts';
import { startScheduler, type RunningScheduler } from './scheduler.ts';

const MIN = 60_000;
const UNTIL = Date.parse('2023-06-18T07:00:00Z');

describe('local scheduler at the end of replay data', () => {
  let scheduler: RunningScheduler | undefined;
  afterEach(() => {
    scheduler?.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('fires nothing past untilMarketMs, says so once, and goes idle', async () => {
    // Fake wall clock and timers: market time is exact, so a loaded machine cannot blur the edge.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const speed = 600;
    const wallStart = Date.now();
    const marketNow = () => UNTIL - 2.5 * MIN + (Date.now() - wallStart) * speed;
    const fired: { target: string; market: number }[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fired.push({ target: url.slice(url.lastIndexOf('/') + 1), market: marketNow() });
      return new Response('{}');
    });
    const ended: number[] = [];
    scheduler = startScheduler({
      jobs: schedulerJobs('1m'),
      url: (t) => `http://scheduler.test/${t}`,
      marketNow,
      speed,
      fireAtStart: true,
      onResult: () => {},
      untilMarketMs: UNTIL,
      onEnd: (t) => ended.push(t),
    });
    await vi.runAllTimersAsync();
    expect(ended).toEqual([UNTIL]);
    expect(scheduler.planned()).toBe(0);
    // at start, then every market minute up to and including the end; the watchdog likewise; no audit (00:15)
    const at = (target: string) => fired.filter((f) => f.target === target).map((f) => (f.market - UNTIL) / MIN);
    expect(at('tick')).toEqual([-2.5, -2, -1, 0]);
    expect(at('watchdog')).toEqual([-2, -1, 0]);
    expect(at('audit')).toEqual([]);
  });

  it('a replay that starts past the end fires nothing', () => {
    const ended: number[] = [];
    scheduler = startScheduler({
      jobs: schedulerJobs('1m'),
      url: () => 'http://scheduler.test/',
      marketNow: () => UNTIL + MIN,
      speed: 1,
      fireAtStart: true,
      onResult: () => {
        throw new Error('nothing should fire');
      },
      untilMarketMs: UNTIL,
      onEnd: (t) => ended.push(t),
    });
    expect(ended).toEqual([UNTIL]);
    expect(scheduler.planned()).toBe(0);
  });
});
