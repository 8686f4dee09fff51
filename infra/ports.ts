import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from './definitions.ts';

/** firebase.json is the single place for local ports; everything local reads them from here. */
export interface LocalPorts {
  firestore: number;
  pubsub: number;
  hosting: number;
  /** the Storage emulator (emulators/storage.ts), for the optimiser's gs:// shards */
  storage: number;
  functionsBase: number;
  host: string;
}

const FIREBASE_JSON = fileURLToPath(new URL('../firebase.json', import.meta.url));

/** `offset` shifts every port, so the test suite can run beside a running `npm start`. */
export function localPorts(offset = 0, file = FIREBASE_JSON): LocalPorts {
  const emulators = (JSON.parse(readFileSync(file, 'utf8')) as { emulators: Record<string, { host?: string; port?: number }> }).emulators;
  const port = (name: string): number => {
    const p = emulators[name]?.port;
    if (typeof p !== 'number') throw new Error(`firebase.json: emulators.${name}.port is missing`);
    return p + offset;
  };
  return {
    firestore: port('firestore'),
    pubsub: port('pubsub'),
    hosting: port('hosting'),
    storage: port('storage'),
    functionsBase: port('functions'),
    host: emulators.firestore?.host ?? '127.0.0.1',
  };
}

export function functionPort(ports: LocalPorts, target: string): number {
  const def = FUNCTIONS.find((f) => f.target === target);
  if (!def) throw new Error(`unknown function target ${target}`);
  return ports.functionsBase + def.portOffset;
}

export function functionUrl(ports: LocalPorts, target: string): string {
  return `http://${ports.host}:${functionPort(ports, target)}/`;
}

/** The local exchange simulator (`npm start -- --exchange sim`): not a Firebase emulator, so not in firebase.json. */
export const EXCHANGE_SIM_PORT = 8790;
export const exchangeSimPort = (offset = 0): number => EXCHANGE_SIM_PORT + offset;

/** Whether something listens at host:port (a TCP connect: cheaper than loading an HTTP or gRPC client to find out). */
export function portAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket
      .once('connect', () => done(true))
      .once('error', () => done(false))
      .once('timeout', () => done(false));
  });
}
