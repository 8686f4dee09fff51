import type { ChildProcess } from 'node:child_process';

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Every detached group spawned by this process and not yet stopped (see stopEveryGroup). */
const live = new Set<ChildProcess>();

/**
 * Spawned with `detached: true`: remember it until it exits, so a launcher stopped half-way through
 * starting (SIGTERM while the emulators boot) can still stop what it had spawned.
 */
export function ownGroup<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stop every group spawned through ownGroup that is still running. */
export async function stopEveryGroup(): Promise<void> {
  await Promise.all([...live].map((c) => stopProcessGroup(c)));
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
