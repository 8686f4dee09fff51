import type { ChildProcess } from 'node:child_process';

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Stop a child spawned with `detached: true` together with everything it forked (the Pub/Sub
 * launcher is a shell script that forks java): SIGTERM to the group, SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  signalGroup('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([exited(child), timeout])) === 'timeout') {
    signalGroup('SIGKILL');
    await exited(child);
  }
}
