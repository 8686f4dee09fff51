import { spawn, type ChildProcess } from 'node:child_process';

/** A child in its own process group, so stopping it also stops whatever it forked. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function startProcess(name: string, cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void }): ManagedProcess {
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.onLine?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timeout = new Promise<'t'>((r) => setTimeout(() => r('t'), 5000).unref());
      if ((await Promise.race([done, timeout])) === 't') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await done;
      }
    },
  };
}

export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer means the server listens
    } catch {
      if (!alive()) throw new Error(`${url}: process exited before it listened`);
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
