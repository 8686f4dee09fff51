/**
 * Cloud Monitoring custom metrics behind the Metrics port: each record() (the tick records once)
 * is one batched createTimeSeries call of at most 200 series, Monitoring's per-request limit.
 * A metrics failure is logged and never fails the tick. The client library loads on first use.
 */
import type { MetricPoint, Metrics } from '../../ports/index.ts';
import type { Logger } from '../../lib/log.ts';
import { redactText } from '../../lib/redact.ts';

export const METRIC_PREFIX = 'custom.googleapis.com/eagle_eye/';
export const MAX_SERIES_PER_CALL = 200;

export interface TimeSeriesClient {
  createTimeSeries(req: { name: string; timeSeries: unknown[] }): Promise<unknown>;
}

const seriesKey = (p: MetricPoint) => `${p.name}|${JSON.stringify(Object.entries(p.labels ?? {}).sort())}`;
const metricName = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

export class CloudMonitoringMetrics implements Metrics {
  constructor(
    private readonly projectId: string,
    private readonly client: () => Promise<TimeSeriesClient>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async record(points: MetricPoint[]): Promise<void> {
    // One point per series per request (Monitoring refuses duplicates): the last value wins.
    const unique = [...new Map(points.filter((p) => Number.isFinite(p.value)).map((p) => [seriesKey(p), p])).values()];
    if (unique.length === 0) return;
    const dropped = unique.length - MAX_SERIES_PER_CALL;
    const endTime = { seconds: Math.floor(this.now() / 1000), nanos: 0 };
    const timeSeries = unique.slice(0, MAX_SERIES_PER_CALL).map((p) => ({
      metric: { type: `${METRIC_PREFIX}${metricName(p.name)}`, labels: p.labels ?? {} },
      resource: { type: 'global', labels: { project_id: this.projectId } },
      metricKind: 'GAUGE',
      valueType: 'DOUBLE',
      points: [{ interval: { endTime }, value: { doubleValue: p.value } }],
    }));
    try {
      await (await this.client()).createTimeSeries({ name: `projects/${this.projectId}`, timeSeries });
      if (dropped > 0) this.log.log('WARNING', 'metrics over the per-call limit were dropped', { dropped });
    } catch (err) {
      this.log.log('WARNING', 'createTimeSeries failed', { error: redactText((err as Error).message), series: timeSeries.length });
    }
  }
}

export function cloudMonitoringMetrics(projectId: string, log: Logger): CloudMonitoringMetrics {
  let client: Promise<TimeSeriesClient> | undefined;
  const load = () =>
    (client ??= import('@google-cloud/monitoring').then(
      ({ MetricServiceClient }) => new MetricServiceClient() as unknown as TimeSeriesClient,
    ));
  return new CloudMonitoringMetrics(projectId, load, log);
}
