/**
 * Plumbing shared by the operator CLIs (backfill, check-gaps, audit, invoke): environment and
 * .env loading, usage errors, and a progress bar. They work against the emulators
 * (FIRESTORE_EMULATOR_HOST set, as under `npm start`) and against a real project (ADC credentials).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseEnv } from '../../functions/src/config/load.ts';
import type { Env } from '../../functions/src/config/schema.ts';
import { localPorts } from '../../infra/ports.ts';

import type { Io } from './io.ts';

export { stdio, type Io } from './io.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The env a CLI runs with: .env, then the process env. With no emulator host and no real project
 * configured, default to the local emulator from firebase.json so `npm run audit` next to
 * `npm start` just works; a real project is chosen by setting PROJECT_ID (and credentials).
 */
export function cliEnv(vars: NodeJS.ProcessEnv = process.env): Env {
  if (existsSync(join(ROOT, '.env'))) process.loadEnvFile(join(ROOT, '.env'));
  const merged = { ...vars };
  if (!merged.FIRESTORE_EMULATOR_HOST && (!merged.PROJECT_ID || merged.PROJECT_ID.startsWith('demo-'))) {
    const p = localPorts();
    merged.FIRESTORE_EMULATOR_HOST = `${p.host}:${p.firestore}`;
    process.env.FIRESTORE_EMULATOR_HOST = merged.FIRESTORE_EMULATOR_HOST;
  }
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  return parseEnv(merged);
}

export function progressBar(done: number, total: number, label: string, width = 30): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${label}`;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Print a usage error and the usage line: exit code 2. */
export function usageFailure(io: Io, usage: string, err: unknown): number {
  io.err(err instanceof Error ? err.message : String(err));
  io.err(usage);
  return 2;
}

/**
 * Parse a CLI's flags, or answer for it: a usage error prints the message and the usage (exit 2),
 * --help prints the usage (exit 0). Returns the options, or the exit code when it answered.
 */
export function parseOrAnswer<O extends { help: boolean }>(
  argv: string[],
  parse: (argv: string[]) => O,
  usage: string,
  io: Io,
): Exclude<O, { help: true }> | number {
  let opts: O;
  try {
    opts = parse(argv);
  } catch (err) {
    return usageFailure(io, usage, err);
  }
  if (opts.help) {
    io.out(usage);
    return 0;
  }
  return opts as Exclude<O, { help: true }>;
}
