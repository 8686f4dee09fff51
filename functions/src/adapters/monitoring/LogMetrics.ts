import type { Metrics, MetricPoint } from '../../ports/index.ts';
import type { Logger } from '../../lib/log.ts';

/** Local/default metrics sink: one structured log line per batch (log-based metrics can read it). */
export class LogMetrics implements Metrics {
  constructor(private readonly log: Logger) {}
  async record(points: MetricPoint[]): Promise<void> {
    if (points.length) this.log.log('DEBUG', 'metrics', { metrics: points });
  }
}
