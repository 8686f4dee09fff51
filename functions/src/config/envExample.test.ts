import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from './schema.ts';
import { OpsEnvSchema } from './opsSchema.ts';
import { InboundEnvSchema } from './inboundEnv.ts';

describe('.env.example', () => {
  it('documents every environment variable the schema reads', () => {
    const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(
      [...Object.keys(EnvSchema.shape), ...Object.keys(OpsEnvSchema.shape), ...Object.keys(InboundEnvSchema.shape)].filter(
        (k) => !documented.has(k),
      ),
    ).toEqual([]);
  });
});
