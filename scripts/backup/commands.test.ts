import { describe, expect, it } from 'vitest';
import type { Io } from '../lib/cli.ts';
import { backupCommand, restoreCommand } from './commands.ts';
import { drillMain } from './drill.ts';

function capture(): Io & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

let io = capture();

// Each case fails while parsing flags, before any client, emulator or file is touched.
describe('backup, restore and drill flags', () => {
  it.each([
    ['backup', () => backupCommand(['--out', 'd', '--bogus'], io), /Unknown option '--bogus'/],
    ['backup', () => backupCommand([], io), /--out is required/],
    ['backup', () => backupCommand(['--out'], io), /--out/],
    ['restore', () => restoreCommand(['--from', 'd', '--forse'], io), /Unknown option '--forse'/],
    ['restore', () => restoreCommand(['--force'], io), /--from is required/],
    ['restore', () => restoreCommand(['d'], io), /Unexpected argument 'd'/],
    ['restore', () => restoreCommand(['--from', 'd', '--port-offset', '-3'], io), /--port-offset/],
    [
      'backup',
      () => backupCommand(['--out', 'd', '--port-offset', '1e3'], io),
      /--port-offset must be a whole number from 0 to 50000 \(got "1e3"\)/,
    ],
    ['drill', () => drillMain(['--port-offset', 'x'], io), /--port-offset must be a whole number from 0 to 50000 \(got "x"\)/],
    ['drill', () => drillMain(['--speed', '2'], io), /Unknown option '--speed'/],
  ])('%s: exit 2 naming the flag', async (_name, run, message) => {
    io = capture();
    expect(await run()).toBe(2);
    expect(io.text()).toMatch(message);
    expect(io.text()).toMatch(/usage: npm run/);
  });
});
