/**
 * Cloud backups, declared as data for the infrastructure plan/apply (which creates or updates them):
 * - a Cloud Storage bucket whose objects are deleted after 30 days (the retention);
 * - a daily Firestore managed export into it, fired by Cloud Scheduler calling the Firestore Admin
 *   API directly (OAuth, no function to deploy or pay for). The export takes every collection, so a
 *   collection added later is never missed; candles are ~1,500 small documents a year;
 * - point-in-time recovery on the database: 7 days of versions at minute granularity, for the
 *   "someone wrote garbage an hour ago" case, where a day-old export would lose a day.
 * RPO: 24 h from the export alone, ~1 min within PITR's 7-day window. RTO: see docs/runbooks.md.
 *
 * Scheduler: this is the third job (tick, audit, backup), the last one of the 3 free jobs per billing
 * account. A fourth job costs $0.10 a month; infra/backup.test.ts fails when the default goes past 3.
 */
import { schedulerJobs } from './definitions.ts';

export const BACKUP_RETENTION_DAYS = 30;
export const FREE_SCHEDULER_JOBS = 3;

export interface BackupPlan {
  readonly bucket: {
    readonly name: string;
    readonly location: string;
    readonly storageClass: 'STANDARD' | 'NEARLINE';
    readonly uniformBucketLevelAccess: true;
    readonly lifecycle: {
      readonly rule: readonly { readonly action: { readonly type: 'Delete' }; readonly condition: { readonly age: number } }[];
    };
    /** who may write exports into it */
    readonly iam: readonly { readonly role: string; readonly member: string }[];
  };
  readonly exportJob: {
    readonly name: string;
    /** cron, UTC */
    readonly schedule: string;
    readonly timeZone: 'Etc/UTC';
    readonly attemptDeadlineSeconds: number;
    readonly httpTarget: {
      readonly uri: string;
      readonly httpMethod: 'POST';
      readonly headers: Readonly<Record<string, string>>;
      /** JSON: an empty collectionIds exports every collection; a bare bucket gets a timestamped folder per run */
      readonly body: { readonly outputUriPrefix: string; readonly collectionIds: readonly string[] };
      readonly oauthToken: { readonly serviceAccountEmail: string; readonly scope: string };
    };
  };
  readonly serviceAccount: { readonly email: string; readonly projectRoles: readonly string[] };
  readonly database: { readonly name: string; readonly pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED' };
}

export function backupPlan(opts: { projectId: string; projectNumber?: string; region: string; bucket?: string }): BackupPlan {
  const bucket = opts.bucket ?? `${opts.projectId}-firestore-backups`;
  const sa = `eagle-eye-backup@${opts.projectId}.iam.gserviceaccount.com`;
  const database = `projects/${opts.projectId}/databases/(default)`;
  return {
    bucket: {
      name: bucket,
      location: opts.region,
      // Restores are rare but urgent, and objects live 30 days: NEARLINE's 30-day minimum and retrieval fee buy nothing.
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: BACKUP_RETENTION_DAYS } }] },
      iam: [
        // The export is written by Firestore's service agent, not by the caller.
        ...(opts.projectNumber
          ? [
              {
                role: 'roles/storage.objectAdmin',
                member: `serviceAccount:service-${opts.projectNumber}@gcp-sa-firestore.iam.gserviceaccount.com`,
              },
            ]
          : []),
        { role: 'roles/storage.objectAdmin', member: `serviceAccount:${sa}` },
      ],
    },
    exportJob: {
      name: 'eagle-eye-backup',
      // After the 00:15 audit, so a backup follows a checked ledger; outside the busiest minutes.
      schedule: '30 0 * * *',
      timeZone: 'Etc/UTC',
      attemptDeadlineSeconds: 180,
      httpTarget: {
        uri: `https://firestore.googleapis.com/v1/${database}:exportDocuments`,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: { outputUriPrefix: `gs://${bucket}`, collectionIds: [] },
        oauthToken: { serviceAccountEmail: sa, scope: 'https://www.googleapis.com/auth/cloud-platform' },
      },
    },
    serviceAccount: { email: sa, projectRoles: ['roles/datastore.importExportAdmin'] },
    database: { name: database, pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED' },
  };
}

/** Scheduler jobs the default deployment creates, the backup included. */
export function defaultJobCount(tickInterval = '1m'): number {
  return schedulerJobs(tickInterval).length + 1;
}
