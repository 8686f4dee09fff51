/**
 * Pausing the scheduler-driven trading. The flag in status/system is what the local scheduler
 * (`npm start`) obeys and what the dashboard and `eagle health` show; in the cloud the Cloud
 * Scheduler jobs are paused as well, so no tick runs (and bills) at all.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { SchedulerControl } from '../../ports/ops.ts';
import { PATHS } from '../../shared/store/index.ts';

/** The jobs that trade (infra/definitions.ts schedulerJobs; infra tests keep the names in step). */
export const TRADING_JOBS = ['eagle-eye-tick'] as const;

export class FirestoreSchedulerFlag implements SchedulerControl {
  constructor(private readonly db: Firestore) {}
  async setPaused(paused: boolean, reason: string): Promise<void> {
    await this.db.doc(PATHS.status).set({ schedulerPaused: paused, schedulerReason: reason }, { merge: true });
  }
}

export interface SchedulerJobsClient {
  pauseJob(req: { name: string }): Promise<unknown>;
  resumeJob(req: { name: string }): Promise<unknown>;
}

export class CloudSchedulerControl implements SchedulerControl {
  constructor(
    private readonly client: () => Promise<SchedulerJobsClient>,
    private readonly parent: string,
    private readonly flag: SchedulerControl,
  ) {}
  async setPaused(paused: boolean, reason: string): Promise<void> {
    const client = await this.client();
    for (const job of TRADING_JOBS) {
      const name = `${this.parent}/jobs/${job}`;
      await (paused ? client.pauseJob({ name }) : client.resumeJob({ name }));
    }
    await this.flag.setPaused(paused, reason);
  }
}

/** Cloud Scheduler in a real project, the Firestore flag alone against the emulator. */
export function schedulerControl(db: Firestore, opts: { projectId: string; region: string; emulator: boolean }): SchedulerControl {
  const flag = new FirestoreSchedulerFlag(db);
  if (opts.emulator) return flag;
  let client: Promise<SchedulerJobsClient> | undefined;
  const load = () =>
    (client ??= import('@google-cloud/scheduler').then(
      ({ CloudSchedulerClient }) => new CloudSchedulerClient() as unknown as SchedulerJobsClient,
    ));
  return new CloudSchedulerControl(load, `projects/${opts.projectId}/locations/${opts.region}`, flag);
}
