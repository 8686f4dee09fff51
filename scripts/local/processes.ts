import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { stopProcessGroup } from '../../emulators/processGroup.ts';

/** A child in its own process group, so stopping it also stops whatever it forked. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void },
): ManagedProcess {
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.onLine?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return { name, child, stop: () => stopProcessGroup(child) };
}

/**
 * Whether something accepts TCP connections on host:port. A TCP probe, not an HTTP request:
 * an empty GET would reach a CloudEvent function and be logged as a malformed event.
 */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Wait until something accepts TCP connections on host:port. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await acceptsConnections(host, port)) return;
    if (!alive()) throw new Error(`${host}:${port}: process exited before it listened`);
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
