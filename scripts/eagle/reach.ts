/** Whether a target answers, decided before the heavy clients load: a stopped stack is said at once (exit 3). */
import { portAnswers, type LocalPorts } from '../../infra/ports.ts';

/** No project, or a demo-* one: the local emulators. */
export const isLocalProject = (project: string | undefined) => !project || project.startsWith('demo-');

export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** An emulator that is not running makes Firestore retry for ~45 s: probe it first and say so at once. */
export async function probeEmulator(ports: LocalPorts, offset: number): Promise<void> {
  const host = `${ports.host}:${ports.firestore}`;
  const up = await portAnswers(ports.host, ports.firestore);
  if (!up)
    throw new UnreachableError(
      `no Firestore emulator answers at ${host}: start the stack with \`npm start${offset ? ` -- --port-offset ${offset}` : ''}\` or pass the --port-offset it runs on`,
    );
}
