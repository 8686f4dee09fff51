/**
 * The local stand-in for pausing Cloud Scheduler jobs: budgetGuard and `eagle resume` set
 * status/system.schedulerPaused (adapters/scheduler), and the local scheduler skips the trading
 * jobs while it is true. Read over the emulator's REST API as the owner (rules do not apply).
 */
export function schedulerPausedFlag(firestoreHost: string, projectId: string): () => Promise<boolean> {
  const url = `http://${firestoreHost}/v1/projects/${projectId}/databases/(default)/documents/status/system?mask.fieldPaths=schedulerPaused`;
  return async () => {
    try {
      const res = await fetch(url, { headers: { authorization: 'Bearer owner' }, signal: AbortSignal.timeout(2000) });
      if (!res.ok) return false;
      const doc = (await res.json()) as { fields?: { schedulerPaused?: { booleanValue?: boolean } } };
      return doc.fields?.schedulerPaused?.booleanValue === true;
    } catch {
      return false;
    }
  };
}
