import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmulatorSetupError, startEmulator } from './emulator.ts';

describe('startEmulator', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ee-emu-'));

  it('says what to install when Java is missing', async () => {
    const err = await startEmulator('firestore', {
      host: '127.0.0.1',
      port: 1,
      logDir,
      reuseFromEnv: false,
      env: { PATH: process.env.PATH, JAVA: '/nonexistent/java' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulatorSetupError);
    expect((err as Error).message).toMatch(/Java not found[\s\S]*apt-get install -y openjdk-17-jre-headless google-cloud-cli/);
  });

  it('refuses an emulator host from the environment that does not answer', async () => {
    const err = await startEmulator('pubsub', { host: '127.0.0.1', port: 1, logDir, env: { PUBSUB_EMULATOR_HOST: '127.0.0.1:1' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmulatorSetupError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1 \(from the environment\) does not answer/);
  });
});
