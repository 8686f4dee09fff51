/**
 * gs:// backups: Firestore managed export and import (the same export the scheduled job in
 * infra/backup.ts makes). Only for a real project: the emulator has no managed import.
 * Not exercised offline; the runbook gives the equivalent gcloud commands.
 */
import { v1 } from '@google-cloud/firestore';

export function isGcsUri(s: string): boolean {
  return /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}(\/.*)?$/.test(s);
}

function database(projectId: string): string {
  return `projects/${projectId}/databases/(default)`;
}

/** Export every collection under `prefix` (gs://bucket[/path]); resolves with the export's folder. */
export async function managedExport(projectId: string, prefix: string): Promise<string> {
  const admin = new v1.FirestoreAdminClient();
  try {
    const [operation] = await admin.exportDocuments({ name: database(projectId), outputUriPrefix: prefix, collectionIds: [] });
    const [response] = await operation.promise();
    return response.outputUriPrefix ?? prefix;
  } finally {
    await admin.close();
  }
}

/** Import a managed export folder (the one holding `<name>.overall_export_metadata`). */
export async function managedImport(projectId: string, folder: string): Promise<void> {
  const admin = new v1.FirestoreAdminClient();
  try {
    const [operation] = await admin.importDocuments({ name: database(projectId), inputUriPrefix: folder, collectionIds: [] });
    await operation.promise();
  } finally {
    await admin.close();
  }
}
