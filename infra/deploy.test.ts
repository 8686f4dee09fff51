import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployCommands } from './deploy.ts';
import { FUNCTIONS } from './definitions.ts';

describe('deploy', () => {
  it('each function has its own entry to bundle (functions/src/entries/<target>.ts), plus all.ts', () => {
    const entries = readdirSync(new URL('../functions/src/entries', import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3));
    expect(entries.sort()).toEqual([...FUNCTIONS.map((f) => f.target), 'all'].sort());
  });

  it('tells each deployed function which bundle is its own (EAGLE_FUNCTION = its entry point)', () => {
    const deploys = deployCommands({ project: 'p', region: 'europe-west1' }).filter((c) => c[1] === 'functions');
    expect(deploys.map((c) => c[3])).toEqual(FUNCTIONS.map((f) => f.target));
    for (const c of deploys) {
      const entry = c.find((a) => a.startsWith('--entry-point='))!.split('=')[1];
      const env = c
        .find((a) => a.startsWith('--set-env-vars='))!
        .slice('--set-env-vars='.length)
        .split(',');
      expect(env).toContain(`EAGLE_FUNCTION=${entry}`);
    }
  });
});

describe('deploy: public access', () => {
  it('only the signal webhook (HMAC) and the Telegram bot (secret token header) are invocable without a Google identity; their secrets come from Secret Manager', () => {
    const deploys = deployCommands({ project: 'p', region: 'europe-west1' }).filter((c) => c[1] === 'functions');
    expect(deploys.filter((c) => c.includes('--allow-unauthenticated')).map((c) => c[3])).toEqual(['signalWebhook', 'telegram']);
    expect(deploys.filter((c) => !c.includes('--no-allow-unauthenticated')).map((c) => c[3])).toEqual(['signalWebhook', 'telegram']);
    const secretsOf = (name: string) => deploys.find((c) => c[3] === name)!.find((a) => a.startsWith('--set-secrets='));
    expect(secretsOf('signalWebhook')).toContain('SIGNAL_WEBHOOK_SECRETS=signal-webhook-secrets:latest');
    expect(secretsOf('telegram')).toMatch(/TELEGRAM_WEBHOOK_SECRET=[a-z-]+:latest/);
  });
});
