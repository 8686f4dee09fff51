import { describe, expect, it } from 'vitest';
import { runInfra } from './cli.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('infra plan without a stack or credentials', () => {
  it('a demo project with no emulator says so once, at once (exit 3)', async () => {
    const c = capture();
    delete process.env.PUBSUB_EMULATOR_HOST;
    expect(await runInfra(['plan', '--project', 'demo-x', '--port-offset', '41000'], c.io)).toBe(3);
    expect(c.err).toEqual([
      expect.stringMatching(
        /^infra: no Pub\/Sub emulator answers at 127\.0\.0\.1:\d+: start the stack with `npm start -- --port-offset 41000`/,
      ),
    ]);
  });

  it('a real project without credentials says how to sign in, once, and creates no client (exit 1)', async () => {
    const c = capture();
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/eagle-eye-test-credentials.json';
    process.env.METADATA_SERVER_DETECTION = 'none';
    expect(await runInfra(['plan', '--project', 'my-real-project-1'], c.io)).toBe(1);
    expect(c.err).toEqual([expect.stringMatching(/^infra: no Google credentials .*gcloud auth application-default login/)]);
    expect(c.out).toEqual([]);
  });
});
