import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployCommands } from './deploy.ts';
import { optimizeBucket, optimizeJob } from './definitions.ts';
import { desiredResources } from './model.ts';

describe('the optimiser as a Cloud Run job', () => {
  const model = desiredResources({ projectId: 'eagle-prod', region: 'europe-west1' });
  const job = model.find((r) => r.kind === 'runJob')!;

  it('is declared with its own service account, which may write only objects, and a bucket whose files expire', () => {
    expect(job.name).toBe('eagle-eye-optimize');
    expect(job.spec).toMatchObject({
      region: 'europe-west1',
      tasks: 4,
      parallelism: 4,
      serviceAccount: 'eagle-eye-optimize@eagle-prod.iam.gserviceaccount.com',
    });
    const sa = model.find((r) => r.kind === 'serviceAccount' && r.name === job.spec.serviceAccount)!;
    expect(sa.spec.roles).toEqual(['roles/storage.objectUser', 'roles/logging.logWriter']);
    expect(model.find((r) => r.kind === 'bucket' && r.name === optimizeBucket('eagle-prod'))!.spec).toEqual({
      location: 'europe-west1',
      deleteAfterDays: 30,
    });
  });

  it('runs npm run optimize in shard mode, writing to its bucket', () => {
    expect(job.spec.command).toEqual(['npm', 'run', 'optimize', '--']);
    const args = job.spec.args as readonly string[];
    expect(args).toContain('--shard');
    expect(args[args.indexOf('--workers') + 1]).toBe(job.spec.cpu);
    expect(args[args.indexOf('--results') + 1]).toBe(`gs://${optimizeBucket('eagle-prod')}/latest`);
  });

  it('npm run deploy ships it from the root Dockerfile, whose entrypoint is the same command', () => {
    const cmd = deployCommands({ project: 'eagle-prod', region: 'europe-west1' }).find(
      (c) => c.slice(0, 4).join(' ') === 'gcloud run jobs deploy',
    )!;
    expect(cmd).toEqual(
      expect.arrayContaining([
        'eagle-eye-optimize',
        '--source=.',
        '--tasks=4',
        '--service-account=eagle-eye-optimize@eagle-prod.iam.gserviceaccount.com',
        '--command=npm,run,optimize,--',
        `--args=${optimizeJob('eagle-prod').args.join(',')}`,
      ]),
    );
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain(`ENTRYPOINT ${JSON.stringify(optimizeJob('eagle-prod').command).replaceAll(',', ', ')}`);
  });
});
