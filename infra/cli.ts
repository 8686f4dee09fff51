/**
 * `npm run infra:plan -- --project ID` / `npm run infra:apply -- --project ID [--yes]`
 * A demo-* project plans against the local Pub/Sub emulator (topics and subscriptions only; the
 * other APIs have no emulator). A real project uses Application Default Credentials.
 * Exit codes: 0 no changes (plan) / applied, 1 changes pending (plan) or an API error, 2 usage,
 * 3 the local emulator is not running (said at once, instead of the client retrying for a minute).
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { desiredResources, isApiResource, type ApiKind, type Resource } from './model.ts';
import { apply, formatPlan, plan, type Provider } from './plan.ts';
import { subscriptionProvider, topicProvider } from './providers/pubsub.ts';
import { localPorts, portAnswers } from './ports.ts';

interface Io {
  out(l: string): void;
  err(l: string): void;
}

async function providersFor(o: {
  project: string;
  region: string;
  billingAccount?: string;
  portOffset: number;
}): Promise<{ providers: Provider[]; close(): Promise<void>; skipped: string[] }> {
  const local = o.project.startsWith('demo-');
  if (local) {
    const p = localPorts(o.portOffset);
    process.env.PUBSUB_EMULATOR_HOST ??= `${p.host}:${p.pubsub}`;
  }
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub({ projectId: o.project });
  const providers: Provider[] = [topicProvider(pubsub), subscriptionProvider(pubsub)];
  const skipped: string[] = [];
  if (local) skipped.push('schedulerJob, metricDescriptor, alertPolicy, budget: no emulator (plan a real project to see them)');
  else {
    const cloud = await import('./providers/cloud.ts');
    providers.push(
      await cloud.schedulerProvider(o.project, o.region),
      await cloud.metricDescriptorProvider(o.project),
      await cloud.alertPolicyProvider(o.project),
    );
    if (o.billingAccount) providers.push(await cloud.budgetProvider(o.project, o.billingAccount));
    else skipped.push('budget: pass --billing-account to plan it');
  }
  return { providers, skipped, close: () => pubsub.close() };
}

/**
 * Application Default Credentials, asked once before any client exists: without them each client
 * fails on its own, and one of them after the command has answered (an uncaught rejection).
 */
async function hasCredentials(io: Io): Promise<boolean> {
  try {
    const { GoogleAuth } = await import('google-auth-library');
    await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient();
    return true;
  } catch (err) {
    io.err(
      `infra: no Google credentials (${(err as Error).message.split('. ')[0]}): sign in with \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS, then plan again`,
    );
    return false;
  }
}

export async function runInfra(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command('infra')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const common = (c: Command) =>
    c
      .requiredOption('--project <id>', 'Google Cloud project (demo-* = the local emulator)')
      .option('--region <region>', 'functions and Scheduler region', 'europe-west1')
      .option('--billing-account <id>', 'billing account of the budget')
      .addOption(
        new Option('--budget-usd <n>', 'monthly budget')
          .argParser((v) => {
            if (!(Number(v) > 0)) throw new InvalidArgumentError('a positive amount of USD');
            return Number(v);
          })
          .default(1),
      )
      .addOption(
        new Option('--port-offset <n>', 'local emulator stack offset')
          .argParser((v) => {
            if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a whole number');
            return Number(v);
          })
          .default(0),
      );
  const run =
    (doApply: boolean) =>
    async (o: { project: string; region: string; billingAccount?: string; budgetUsd: number; portOffset: number }) => {
      const desired = desiredResources({
        projectId: o.project,
        region: o.region,
        budgetUsd: o.budgetUsd,
        billingAccount: o.billingAccount,
        tickInterval: process.env.TICK_INTERVAL,
      });
      const api = desired.filter(isApiResource) as Resource<ApiKind>[];
      if (o.project.startsWith('demo-') && !process.env.PUBSUB_EMULATOR_HOST) {
        const p = localPorts(o.portOffset);
        if (!(await portAnswers(p.host, p.pubsub))) {
          io.err(
            `infra: no Pub/Sub emulator answers at ${p.host}:${p.pubsub}: start the stack with \`npm start${o.portOffset ? ` -- --port-offset ${o.portOffset}` : ''}\`, or plan a real project`,
          );
          return void (code = 3);
        }
      }
      if (!o.project.startsWith('demo-') && !(await hasCredentials(io))) return void (code = 1);
      let close = async () => {};
      try {
        const resolved = await providersFor(o);
        const { providers, skipped } = resolved;
        close = resolved.close;
        const changes = await plan(api, providers);
        for (const l of formatPlan(changes)) io.out(l);
        for (const s of skipped) io.out(`not checked: ${s}`);
        io.out(
          `deployed by \`npm run deploy\`: ${desired
            .filter((r) => !isApiResource(r))
            .map((r) => `${r.kind} ${r.name}`)
            .join(', ')}`,
        );
        if (!doApply) return void (code = changes.length ? 1 : 0);
        await apply(changes, providers, (line) => io.out(`done ${line}`));
        io.out(`applied ${changes.length} changes`);
      } catch (err) {
        io.err(`infra: ${(err as Error).message}`);
        code = 1;
      } finally {
        // a client that never got credentials fails to close with the same error: said once above
        await close().catch(() => undefined);
      }
    };
  common(program.command('plan').description('print what apply would create, change or delete')).action(run(false));
  common(program.command('apply').description('create or update the declared resources (idempotent)')).action(run(true));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runInfra(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  });
}
