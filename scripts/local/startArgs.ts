/**
 * `npm start`'s flags, parsed without side effects: a flag it does not know, a value it cannot use or
 * a stray argument is a UsageError naming it (start.ts prints it with USAGE and exits 2).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../lib/cli.ts';
import { closestKey } from '../../functions/src/lib/unknownKeys.ts';

export const USAGE = 'usage: npm start [-- --speed N] [--start ISO-TIME] [--port-offset N] [--exchange sim] [--no-dashboard]';

export interface StartArgs {
  readonly help: boolean;
  readonly speed?: string;
  readonly start?: string;
  readonly portOffset: number;
  readonly exchange?: 'sim';
  readonly noDashboard: boolean;
}

const OPTIONS = {
  speed: { type: 'string' },
  start: { type: 'string' },
  'port-offset': { type: 'string' },
  exchange: { type: 'string' },
  'no-dashboard': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS }));
  } catch (err) {
    // node:util names the argument; its advice about '--' does not apply to npm start
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const meant = unknown && closestKey(unknown, Object.keys(OPTIONS));
    throw new UsageError(meant ? `${message}, did you mean --${meant}?` : message);
  }
  const portOffset = Number(values['port-offset'] ?? 0);
  if (!Number.isInteger(portOffset) || portOffset < 0 || portOffset > 50_000)
    throw new UsageError(`--port-offset: a whole number from 0 to 50000 (got "${values['port-offset']}")`);
  if (values.exchange !== undefined && values.exchange !== 'sim')
    throw new UsageError(`--exchange: only "sim" (the local exchange simulator) (got "${values.exchange}")`);
  return {
    help: values.help,
    portOffset,
    noDashboard: values['no-dashboard'],
    ...(values.speed !== undefined && { speed: values.speed }),
    ...(values.start !== undefined && { start: values.start }),
    ...(values.exchange === 'sim' && { exchange: 'sim' as const }),
  };
}
