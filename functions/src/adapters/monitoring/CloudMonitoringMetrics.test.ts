import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.ts';
import { CloudMonitoringMetrics, MAX_SERIES_PER_CALL, type TimeSeriesClient } from './CloudMonitoringMetrics.ts';

function fakeClient(fail = false) {
  const calls: {
    name: string;
    timeSeries: { metric: { type: string; labels: Record<string, string> }; points: { value: { doubleValue: number } }[] }[];
  }[] = [];
  const client: TimeSeriesClient = {
    createTimeSeries: async (req) => {
      if (fail) throw new Error('PERMISSION_DENIED');
      calls.push(req as (typeof calls)[number]);
      return [{}];
    },
  };
  return { calls, client };
}

describe('CloudMonitoringMetrics', () => {
  const lines: string[] = [];
  const log = createLogger('info', {}, (l) => lines.push(l));

  it('one record() is one createTimeSeries call with one series per (metric, labels), last value wins', async () => {
    const { calls, client } = fakeClient();
    const m = new CloudMonitoringMetrics(
      'my-proj',
      async () => client,
      log,
      () => 1_700_000_000_000,
    );
    await m.record([
      { name: 'tick_latency_ms', value: 80 },
      { name: 'feed_age_s', value: 30, labels: { symbol: 'BTC/USDT' } },
      { name: 'feed_age_s', value: 45, labels: { symbol: 'ETH/USDT' } },
      { name: 'feed_age_s', value: 31, labels: { symbol: 'BTC/USDT' } },
      { name: 'equity', value: Number.NaN },
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('projects/my-proj');
    expect(calls[0]!.timeSeries.map((s) => [s.metric.type, s.metric.labels.symbol, s.points[0]!.value.doubleValue])).toEqual([
      ['custom.googleapis.com/eagle_eye/tick_latency_ms', undefined, 80],
      ['custom.googleapis.com/eagle_eye/feed_age_s', 'BTC/USDT', 31],
      ['custom.googleapis.com/eagle_eye/feed_age_s', 'ETH/USDT', 45],
    ]);
  });

  it(`never sends more than ${MAX_SERIES_PER_CALL} series, and a failure is logged, not thrown`, async () => {
    const { calls, client } = fakeClient();
    const m = new CloudMonitoringMetrics('p', async () => client, log);
    await m.record(Array.from({ length: 250 }, (_, i) => ({ name: 'x', value: i, labels: { i: String(i) } })));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.timeSeries).toHaveLength(MAX_SERIES_PER_CALL);
    const failing = new CloudMonitoringMetrics('p', async () => fakeClient(true).client, log);
    await expect(failing.record([{ name: 'x', value: 1 }])).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/createTimeSeries failed.*PERMISSION_DENIED/);
  });
});
