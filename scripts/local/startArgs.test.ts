import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStartArgs, USAGE } from './startArgs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start refuses what it does not know', () => {
  it('reads the flags the README lists', () => {
    expect(
      parseStartArgs(['--speed', '60', '--start', '2023-04-10T00:00:00Z', '--port-offset', '2000', '--exchange', 'sim', '--no-dashboard']),
    ).toEqual({
      help: false,
      speed: '60',
      start: '2023-04-10T00:00:00Z',
      portOffset: 2000,
      exchange: 'sim',
      noDashboard: true,
    });
    expect(parseStartArgs([])).toEqual({ help: false, portOffset: 0, noDashboard: false });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'$/],
    [['--speeed', '60'], /Unknown option '--speeed', did you mean --speed\?$/],
    [['--port-ofset', '5'], /Unknown option '--port-ofset', did you mean --port-offset\?$/],
    [['60'], /^Unexpected argument '60'/],
    [['--port-offset=-1'], /^--port-offset: a whole number from 0 to 50000 \(got "-1"\)$/],
    [['--port-offset', 'two'], /^--port-offset: a whole number from 0 to 50000 \(got "two"\)$/],
    [['--exchange', 'binance'], /^--exchange: only "sim"/],
    [['--speed'], /--speed <value>' argument missing/],
  ])('refuses %j naming it', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }));
  });

  it('`npm start -- --bogus` exits 2 with the flag and the usage, before starting anything', async () => {
    const child = spawn('npm', ['start', '--', '--bogus'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--bogus'");
    expect(err).toContain(USAGE);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});
