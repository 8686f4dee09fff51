/**
 * `npm run deploy -- --project ID [--region R] [--dry-run]`: build, then ship code from the model:
 * each function with gcloud (gen2: memory, timeout, max instances, its least-privilege service
 * account, secrets from Secret Manager, no public access but for signalWebhook (HMAC-authenticated); Pub/Sub functions behind the push
 * subscriptions infra:apply made), then hosting, rules, indexes and the candles index exemption
 * with firebase-tools; the optimiser's Cloud Run job from the root Dockerfile. Run `npm run infra:apply`
 * first for topics, subscriptions, jobs, alerts.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { desiredResources, type Spec } from './model.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function deployCommands(o: { project: string; region: string }): string[][] {
  const cmds: string[][] = [['npm', 'run', 'build']];
  for (const r of desiredResources({ projectId: o.project, region: o.region })) {
    if (r.kind !== 'function') continue;
    const s = r.spec;
    const secrets = (s.secrets as readonly string[]).map((k) => `${k}=${k.toLowerCase().replaceAll('_', '-')}:latest`).join(',');
    cmds.push([
      'gcloud',
      'functions',
      'deploy',
      r.name,
      '--gen2',
      `--project=${o.project}`,
      `--region=${o.region}`,
      `--runtime=${String(s.runtime)}`,
      '--source=functions',
      `--entry-point=${String(s.entryPoint)}`,
      '--trigger-http',
      s.allowUnauthenticated === true ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      `--memory=${String(s.memory)}`,
      `--timeout=${String(s.timeoutSeconds)}s`,
      `--max-instances=${String(s.maxInstances)}`,
      `--min-instances=${String(s.minInstances)}`,
      `--service-account=${String(s.serviceAccount)}`,
      `--set-env-vars=PROJECT_ID=${o.project},MARKET_SOURCE=ccxt,SCHEDULER_REGION=${o.region},EAGLE_FUNCTION=${String(s.entryPoint)}`,
      ...(secrets ? [`--set-secrets=${secrets}`] : []),
    ]);
  }
  cmds.push(
    ...desiredResources({ projectId: o.project, region: o.region }).flatMap((r) =>
      r.kind === 'runJob' ? [runJobCommand(o, r.name, r.spec)] : [],
    ),
  );
  cmds.push([
    'npx',
    'firebase',
    'deploy',
    `--project=${o.project}`,
    '--only',
    'hosting,firestore:rules,firestore:indexes',
    '--non-interactive',
  ]);
  return cmds;
}

/** A Cloud Run job from the root Dockerfile (gcloud builds it with Cloud Build); its tasks take their shard from Cloud Run's variables. */
function runJobCommand(o: { project: string }, name: string, s: Spec): string[] {
  return [
    'gcloud',
    'run',
    'jobs',
    'deploy',
    name,
    `--project=${o.project}`,
    `--region=${String(s.region)}`,
    '--source=.',
    `--tasks=${String(s.tasks)}`,
    `--parallelism=${String(s.parallelism)}`,
    `--cpu=${String(s.cpu)}`,
    `--memory=${String(s.memory)}`,
    `--task-timeout=${String(s.taskTimeoutSeconds)}s`,
    `--max-retries=${String(s.maxRetries)}`,
    `--service-account=${String(s.serviceAccount)}`,
    `--command=${(s.command as readonly string[]).join(',')}`,
    `--args=${(s.args as readonly string[]).join(',')}`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const program = new Command('deploy')
    .requiredOption('--project <id>', 'Google Cloud project')
    .option('--region <region>', 'region', 'europe-west1')
    .option('--dry-run', 'print the commands only', false)
    .action((o: { project: string; region: string; dryRun: boolean }) => {
      for (const c of deployCommands(o)) {
        console.log(`$ ${c.join(' ')}`);
        if (!o.dryRun) execFileSync(c[0]!, c.slice(1), { stdio: 'inherit', cwd: ROOT });
      }
    });
  program.parse();
}
