/**
 * Cloud Scheduler jobs, Monitoring metric descriptors and alert policies, and the billing budget
 * through their Google Cloud client libraries (loaded only when planning a real project).
 * Spec fields are mapped both ways, so plan compares like with like.
 */
import { MANAGED_LABEL, type ApiKind, type Resource, type Spec } from '../model.ts';
import type { Existing, Provider } from '../plan.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the clients' generated protobuf types, narrowed field by field below */
type Any = any;
const managed = (spec: Spec): Existing => ({ spec, managed: true });

export async function schedulerProvider(projectId: string, region: string): Promise<Provider> {
  const { CloudSchedulerClient } = await import('@google-cloud/scheduler');
  const client = new CloudSchedulerClient();
  const parent = `projects/${projectId}/locations/${region}`;
  const job = (r: Resource<ApiKind>) => ({
    name: `${parent}/jobs/${r.name}`,
    schedule: String(r.spec.schedule),
    timeZone: String(r.spec.timeZone),
    attemptDeadline: { seconds: Number(r.spec.attemptDeadlineSeconds) },
    httpTarget: {
      uri: String(r.spec.uri),
      httpMethod: 'POST' as const,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(String(r.spec.body)),
      ...(r.spec.oidcServiceAccount ? { oidcToken: { serviceAccountEmail: String(r.spec.oidcServiceAccount) } } : {}),
      ...(r.spec.oauthServiceAccount ? { oauthToken: { serviceAccountEmail: String(r.spec.oauthServiceAccount) } } : {}),
    },
  });
  return {
    kind: 'schedulerJob',
    async list() {
      const [jobs] = await client.listJobs({ parent });
      return new Map(
        jobs
          .filter((j: Any) => String(j.name).split('/').pop()!.startsWith('eagle-eye'))
          .map((j: Any) => {
            const spec: Spec = {
              schedule: j.schedule,
              timeZone: j.timeZone,
              uri: j.httpTarget?.uri ?? null,
              body: Buffer.from(j.httpTarget?.body ?? '').toString('utf8'),
              attemptDeadlineSeconds: Number(j.attemptDeadline?.seconds ?? 0),
              ...(j.httpTarget?.oidcToken ? { oidcServiceAccount: j.httpTarget.oidcToken.serviceAccountEmail } : {}),
              ...(j.httpTarget?.oauthToken ? { oauthServiceAccount: j.httpTarget.oauthToken.serviceAccountEmail } : {}),
            };
            return [String(j.name).split('/').pop()!, managed(spec)];
          }),
      );
    },
    async create(r) {
      await client.createJob({ parent, job: job(r) });
    },
    async update(r) {
      await client.updateJob({ job: job(r) });
    },
    async remove(name) {
      await client.deleteJob({ name: `${parent}/jobs/${name}` });
    },
  };
}

export async function metricDescriptorProvider(projectId: string): Promise<Provider> {
  const { MetricServiceClient } = await import('@google-cloud/monitoring');
  const client = new MetricServiceClient();
  const create = async (r: Resource<ApiKind>) => {
    const labels = (r.spec.labels as readonly string[]).map((key) => ({ key, valueType: 'STRING' as const }));
    await client.createMetricDescriptor({
      name: `projects/${projectId}`,
      metricDescriptor: {
        type: r.name,
        metricKind: r.spec.metricKind as Any,
        valueType: r.spec.valueType as Any,
        labels,
        description: `Eagle Eye ${r.name.split('/').pop()}`,
      },
    });
  };
  return {
    kind: 'metricDescriptor',
    async list() {
      const [ds] = await client.listMetricDescriptors({
        name: `projects/${projectId}`,
        filter: 'metric.type = starts_with("custom.googleapis.com/eagle_eye/")',
      });
      return new Map(
        ds.map((d: Any) => [
          d.type,
          managed({ metricKind: d.metricKind, valueType: d.valueType, labels: (d.labels ?? []).map((l: Any) => l.key) }),
        ]),
      );
    },
    create,
    // Descriptors are immutable: an update is a delete and a create.
    async update(r) {
      await client.deleteMetricDescriptor({ name: `projects/${projectId}/metricDescriptors/${r.name}` });
      await create(r);
    },
    async remove(name) {
      await client.deleteMetricDescriptor({ name: `projects/${projectId}/metricDescriptors/${name}` });
    },
  };
}

export async function alertPolicyProvider(projectId: string): Promise<Provider> {
  const { AlertPolicyServiceClient } = await import('@google-cloud/monitoring');
  const client = new AlertPolicyServiceClient();
  const names = new Map<string, string>();
  const policy = (r: Resource<ApiKind>) => {
    const absent = r.spec.comparison === 'METRIC_ABSENT';
    const duration = { seconds: Number(r.spec.durationSeconds) };
    return {
      displayName: r.name,
      combiner: 'OR' as const,
      severity: r.spec.severity as Any,
      userLabels: { managed_by: MANAGED_LABEL },
      notificationChannels: r.spec.notificationChannel ? [String(r.spec.notificationChannel)] : [],
      conditions: [
        {
          displayName: r.name,
          ...(absent
            ? { conditionAbsent: { filter: String(r.spec.filter), duration: { seconds: Math.max(120, Number(r.spec.durationSeconds)) } } }
            : {
                conditionThreshold: {
                  filter: String(r.spec.filter),
                  comparison: r.spec.comparison as Any,
                  thresholdValue: Number(r.spec.threshold),
                  duration,
                },
              }),
        },
      ],
    };
  };
  return {
    kind: 'alertPolicy',
    async list() {
      const [ps] = await client.listAlertPolicies({ name: `projects/${projectId}` });
      const out = new Map<string, Existing>();
      for (const p of ps as Any[]) {
        if (p.userLabels?.managed_by !== MANAGED_LABEL) continue;
        names.set(p.displayName, p.name);
        const c = p.conditions?.[0] ?? {};
        const t = c.conditionThreshold;
        out.set(
          p.displayName,
          managed({
            filter: t?.filter ?? c.conditionAbsent?.filter ?? '',
            comparison: t ? t.comparison : 'METRIC_ABSENT',
            threshold: t?.thresholdValue ?? 0,
            durationSeconds: Number((t?.duration ?? c.conditionAbsent?.duration)?.seconds ?? 0),
            severity: p.severity,
            notificationChannel: p.notificationChannels?.[0] ?? '',
          }),
        );
      }
      return out;
    },
    async create(r) {
      await client.createAlertPolicy({ name: `projects/${projectId}`, alertPolicy: policy(r) });
    },
    async update(r) {
      await client.updateAlertPolicy({ alertPolicy: { ...policy(r), name: names.get(r.name) } });
    },
    async remove(name) {
      await client.deleteAlertPolicy({ name: names.get(name) });
    },
  };
}

export async function budgetProvider(projectId: string, billingAccount: string): Promise<Provider> {
  const { BudgetServiceClient } = await import('@google-cloud/billing-budgets');
  const client = new BudgetServiceClient();
  const parent = `billingAccounts/${billingAccount}`;
  const names = new Map<string, string>();
  const budget = (r: Resource<ApiKind>) => ({
    displayName: r.name,
    budgetFilter: { projects: [`projects/${projectId}`] },
    amount: {
      specifiedAmount: {
        currencyCode: 'USD',
        units: Math.floor(Number(r.spec.amountUsd)),
        nanos: Math.round((Number(r.spec.amountUsd) % 1) * 1e9),
      },
    },
    thresholdRules: (r.spec.thresholds as readonly string[]).map((t) =>
      t.startsWith('forecast:')
        ? { thresholdPercent: Number(t.slice(9)), spendBasis: 'FORECASTED_SPEND' as const }
        : { thresholdPercent: Number(t), spendBasis: 'CURRENT_SPEND' as const },
    ),
    // Notify the budgetGuard topic only; never disable billing.
    notificationsRule: { pubsubTopic: `projects/${projectId}/topics/${String(r.spec.topic)}`, schemaVersion: '1.0' },
  });
  return {
    kind: 'budget',
    async list() {
      const [bs] = await client.listBudgets({ parent });
      const out = new Map<string, Existing>();
      for (const b of bs as Any[]) {
        if (!String(b.displayName).startsWith('eagle-eye')) continue;
        names.set(b.displayName, b.name);
        const amount = Number(b.amount?.specifiedAmount?.units ?? 0) + Number(b.amount?.specifiedAmount?.nanos ?? 0) / 1e9;
        const thresholds = (b.thresholdRules ?? []).map((t: Any) =>
          t.spendBasis === 'FORECASTED_SPEND' ? `forecast:${t.thresholdPercent}` : String(t.thresholdPercent),
        );
        out.set(
          b.displayName,
          managed({
            amountUsd: amount,
            topic:
              String(b.notificationsRule?.pubsubTopic ?? '')
                .split('/')
                .pop() ?? '',
            thresholds,
            billingAccount,
          }),
        );
      }
      return out;
    },
    async create(r) {
      await client.createBudget({ parent, budget: budget(r) });
    },
    async update(r) {
      await client.updateBudget({ budget: { ...budget(r), name: names.get(r.name) } });
    },
    async remove(name) {
      await client.deleteBudget({ name: names.get(name) });
    },
  };
}
