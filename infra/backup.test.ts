import { describe, expect, it } from 'vitest';
import { BACKUP_RETENTION_DAYS, backupPlan, defaultJobCount, FREE_SCHEDULER_JOBS } from './backup.ts';
import { schedulerJobs } from './definitions.ts';

describe('cloud backup plan', () => {
  const plan = backupPlan({ projectId: 'eagle-prod', projectNumber: '123', region: 'europe-west1' });

  it('keeps exports 30 days in a regional bucket only the exporters can write', () => {
    expect(BACKUP_RETENTION_DAYS).toBe(30);
    expect(plan.bucket).toMatchObject({ name: 'eagle-prod-firestore-backups', location: 'europe-west1', uniformBucketLevelAccess: true });
    expect(plan.bucket.lifecycle.rule).toEqual([{ action: { type: 'Delete' }, condition: { age: 30 } }]);
    expect(plan.bucket.iam.map((b) => b.member)).toEqual([
      'serviceAccount:service-123@gcp-sa-firestore.iam.gserviceaccount.com',
      'serviceAccount:eagle-eye-backup@eagle-prod.iam.gserviceaccount.com',
    ]);
  });

  it('exports every collection daily after the audit, straight through the Firestore Admin API', () => {
    const job = plan.exportJob;
    expect(job.httpTarget.uri).toBe('https://firestore.googleapis.com/v1/projects/eagle-prod/databases/(default):exportDocuments');
    expect(job.httpTarget.body).toEqual({ outputUriPrefix: 'gs://eagle-prod-firestore-backups', collectionIds: [] });
    expect(job.httpTarget.oauthToken.serviceAccountEmail).toBe(plan.serviceAccount.email);
    const audit = schedulerJobs().find((j) => j.name === 'eagle-eye-audit')!;
    expect(audit.schedule).toBe('15 0 * * *');
    expect(job.schedule).toBe('30 0 * * *');
    expect(plan.database.pointInTimeRecoveryEnablement).toBe('POINT_IN_TIME_RECOVERY_ENABLED');
  });

  it('needs one Cloud Scheduler job beyond the free three: the watchdog (0.10 USD a month, counted by npm run cost)', () => {
    // tick, audit, backup are free; the watchdog must be its own job, or a tick that never runs goes unnoticed
    expect(defaultJobCount()).toBe(FREE_SCHEDULER_JOBS + 1);
    expect(defaultJobCount('5m')).toBe(FREE_SCHEDULER_JOBS + 1);
  });
});
