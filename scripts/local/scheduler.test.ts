import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { schedulerJobs } from '../../infra/definitions.ts';
import { startScheduler, type RunningScheduler } from './scheduler.ts';

const MIN = 60_000;

describe('local scheduler at the end of replay data', () => {
  let server: Server | undefined;
  let scheduler: RunningScheduler | undefined;
  afterEach(async () => {
    scheduler?.stop();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('fires nothing past untilMarketMs, says so once, and goes idle', async () => {
    const until = Date.parse('2023-06-18T07:00:00Z');
    // 600× (a market minute is 100 ms of wall time), starting 2.5 market minutes before the end
    const speed = 600;
    const wallStart = Date.now();
    const marketNow = () => until - 2.5 * MIN + (Date.now() - wallStart) * speed;
    const fired: { target: string; market: number }[] = [];
    server = createServer((req, res) => {
      fired.push({ target: req.url!.slice(1), market: marketNow() });
      res.end('{}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const ended: number[] = [];
    const done = new Promise<void>((resolve) => {
      scheduler = startScheduler({
        jobs: schedulerJobs('1m'), url: (t) => `http://127.0.0.1:${port}/${t}`, marketNow, speed, fireAtStart: true,
        onResult: () => {}, untilMarketMs: until,
        onEnd: (t) => {
          ended.push(t);
          resolve();
        },
      });
    });
    await done;
    expect(ended).toEqual([until]);
    expect(scheduler!.planned()).toBe(0);
    const ticks = fired.filter((f) => f.target === 'tick');
    // at start, then at −2, −1 and 0 minutes (a timer may fire a little late in wall time)
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const f of fired.slice(1)) expect(f.market).toBeLessThanOrEqual(until + 0.2 * MIN);
  });

  it('a replay that starts past the end fires nothing', async () => {
    const until = Date.parse('2023-06-18T07:00:00Z');
    const ended: number[] = [];
    scheduler = startScheduler({
      jobs: schedulerJobs('1m'), url: () => 'http://127.0.0.1:9/', marketNow: () => until + MIN, speed: 1, fireAtStart: true,
      onResult: () => { throw new Error('nothing should fire'); }, untilMarketMs: until, onEnd: (t) => ended.push(t),
    });
    expect(ended).toEqual([until]);
    expect(scheduler.planned()).toBe(0);
  });
});
