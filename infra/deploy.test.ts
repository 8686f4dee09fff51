import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployCommands } from './deploy.ts';
import { FUNCTIONS } from './definitions.ts';

describe('deploy', () => {
  it('each function has its own entry to bundle (functions/src/entries/<target>.ts), plus all.ts', () => {
    const entries = readdirSync(new URL('../functions/src/entries', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(entries.sort()).toEqual([...FUNCTIONS.map((f) => f.target), 'all'].sort());
  });

  it('tells each deployed function which bundle is its own (EAGLE_FUNCTION = its entry point)', () => {
    const deploys = deployCommands({ project: 'p', region: 'europe-west1' }).filter((c) => c[1] === 'functions');
    expect(deploys.map((c) => c[3])).toEqual(FUNCTIONS.map((f) => f.target));
    for (const c of deploys) {
      const entry = c.find((a) => a.startsWith('--entry-point='))!.split('=')[1];
      const env = c.find((a) => a.startsWith('--set-env-vars='))!.slice('--set-env-vars='.length).split(',');
      expect(env).toContain(`EAGLE_FUNCTION=${entry}`);
    }
  });
});

describe('deploy: public access', () => {
  it('only the signal webhook (HMAC-authenticated in its handler) is invocable without a Google identity; it gets its secrets from Secret Manager', () => {
    const deploys = deployCommands({ project: 'p', region: 'europe-west1' }).filter((c) => c[1] === 'functions');
    expect(deploys.filter((c) => c.includes('--allow-unauthenticated')).map((c) => c[3])).toEqual(['signalWebhook']);
    expect(deploys.filter((c) => !c.includes('--no-allow-unauthenticated')).map((c) => c[3])).toEqual(['signalWebhook']);
    const webhook = deploys.find((c) => c[3] === 'signalWebhook')!;
    expect(webhook.find((a) => a.startsWith('--set-secrets='))).toContain('SIGNAL_WEBHOOK_SECRETS=signal-webhook-secrets:latest');
  });
});
