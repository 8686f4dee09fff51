import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PubSub } from '@google-cloud/pubsub';
import { desiredResources, isApiResource, type ApiKind, type Resource } from '../../infra/model.ts';
import { apply, formatPlan, plan, type Provider } from '../../infra/plan.ts';
import { subscriptionProvider, topicProvider } from '../../infra/providers/pubsub.ts';
import { MemoryProvider } from '../../infra/providers/memory.ts';
import { emulatorEnv } from './harness.ts';

/**
 * plan/apply: topics and subscriptions against the real Pub/Sub emulator (its own project, so
 * the other suites' wiring is untouched), the APIs without an emulator in memory.
 */
describe('infra plan/apply', () => {
  const e = emulatorEnv();
  const project = 'demo-eagle-infra-test';
  const pubsub = new PubSub({ projectId: project, apiEndpoint: e.pubsubHost, emulatorMode: true });
  let providers: Provider[];
  const desired = (over: (r: Resource<ApiKind>) => Resource<ApiKind> = (r) => r) =>
    desiredResources({ projectId: project, region: 'europe-west1', budgetUsd: 1, billingAccount: '0123-4567-89AB' })
      .filter(isApiResource)
      .map((r) => over(r as Resource<ApiKind>));
  afterAll(() => pubsub.close());
  beforeEach(async () => {
    const [subs] = await pubsub.getSubscriptions();
    for (const s of subs) await s.delete();
    const [topics] = await pubsub.getTopics();
    for (const t of topics) await t.delete();
    providers = [
      topicProvider(pubsub),
      subscriptionProvider(pubsub),
      ...(['schedulerJob', 'metricDescriptor', 'alertPolicy', 'budget'] as const).map((k) => new MemoryProvider(k)),
    ];
  });

  it('an empty project lists every resource; applied, it lists nothing; apply again changes nothing', async () => {
    const want = desired();
    const first = await plan(want, providers);
    expect(first.map((c) => c.action === 'create' && `${c.resource.kind} ${c.resource.name}`).sort()).toEqual(
      want.map((r) => `${r.kind} ${r.name}`).sort(),
    );
    expect(formatPlan(first).at(-1)).toBe(`plan: ${want.length} to create, 0 to change, 0 to delete`);
    // tick, audit, backup (the free tier's 3) and the watchdog, which must be its own job (0.10 USD a month)
    expect(
      want
        .filter((r) => r.kind === 'schedulerJob')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['eagle-eye-audit', 'eagle-eye-backup', 'eagle-eye-tick', 'eagle-eye-watchdog']);

    await apply(first, providers);
    expect(await plan(want, providers)).toEqual([]);
    const [subs] = await pubsub.getSubscriptions();
    expect(subs.map((s) => s.name.split('/').pop()).sort()).toEqual([
      'budget-alerts-guard',
      'signals-dead-letter-hold',
      'signals-execute-order',
    ]);
    expect(formatPlan(await plan(want, providers))).toEqual(['no changes: the project matches infra/']);
  });

  it('a changed retry policy lists exactly that change, and apply makes it so', async () => {
    await apply(await plan(desired(), providers), providers);
    const changed = desired((r) => (r.name === 'signals-execute-order' ? { ...r, spec: { ...r.spec, minimumBackoffSeconds: 30 } } : r));
    const changes = await plan(changed, providers);
    expect(changes).toHaveLength(1);
    expect(formatPlan(changes)).toEqual([
      '~ subscription signals-execute-order',
      '    minimumBackoffSeconds: 15 → 30',
      'plan: 0 to create, 1 to change, 0 to delete',
    ]);
    await apply(changes, providers);
    expect(await plan(changed, providers)).toEqual([]);
  });

  it('deletes only what it created and no longer declares', async () => {
    await pubsub.createTopic('someone-elses');
    await apply(await plan(desired(), providers), providers);
    const fewer = desired().filter((r) => r.name !== 'signals-dead-letter-hold' && r.name !== 'eagle-eye-backup');
    const changes = await plan(fewer, providers);
    expect(formatPlan(changes)).toEqual([
      '- subscription signals-dead-letter-hold',
      '- schedulerJob eagle-eye-backup',
      'plan: 0 to create, 0 to change, 2 to delete',
    ]);
  });
});
