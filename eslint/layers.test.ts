/**
 * Every layer boundary, enforced by `npm run lint` (which also shows the repository breaks none): an import
 * across any boundary (each forbidden edge of ALLOWED, an SDK outside the adapters) fails, while the
 * edges the layers allow stay quiet.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ALLOWED, layerOf } from './layers.js';

const eslint = new ESLint({ cwd: fileURLToPath(new URL('..', import.meta.url)) });

/** a file in each layer, and a module the others can import from it */
const HOME: Record<string, { file: string; module: string }> = {
  lib: { file: 'functions/src/lib/fixture.ts', module: 'functions/src/lib/log.ts' },
  domain: { file: 'functions/src/domain/fixture.ts', module: 'functions/src/domain/money.ts' },
  strategies: { file: 'functions/src/strategies/fixture.ts', module: 'functions/src/strategies/registry.ts' },
  ports: { file: 'functions/src/ports/fixture.ts', module: 'functions/src/ports/index.ts' },
  shared: { file: 'functions/src/shared/fixture.ts', module: 'functions/src/shared/store/index.ts' },
  config: { file: 'functions/src/config/fixture.ts', module: 'functions/src/config/schema.ts' },
  services: { file: 'functions/src/services/fixture.ts', module: 'functions/src/services/runTick.ts' },
  adapters: { file: 'functions/src/adapters/fixture.ts', module: 'functions/src/adapters/paper/PaperBroker.ts' },
  handlers: { file: 'functions/src/handlers/fixture.ts', module: 'functions/src/handlers/http.ts' },
  wiring: { file: 'functions/src/wiring/fixture.ts', module: 'functions/src/wiring/trading.ts' },
  entries: { file: 'functions/src/entries/fixture.ts', module: 'functions/src/entries/tick.ts' },
  web: { file: 'web/src/fixture.ts', module: 'web/src/firestore.ts' },
  tools: { file: 'scripts/fixture.ts', module: 'scripts/lib/cli.ts' },
};

function specifier(fromFile: string, toModule: string): string {
  const up = fromFile.split('/').length - 1;
  return `${'../'.repeat(up)}${toModule}`;
}

async function fired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'layers/boundary' || m.fatal).map((m) => m.message);
}

describe('every layer boundary fails lint when crossed', () => {
  it('knows each layer by its folder', () => {
    for (const [layer, { file, module }] of Object.entries(HOME)) {
      expect(layerOf(file)).toBe(layer);
      expect(layerOf(module)).toBe(layer);
    }
    expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(HOME).sort());
  });

  // Each edge, both ways: a static import, a re-export and a dynamic import are each judged.
  const edges = Object.keys(HOME).flatMap((from) => Object.keys(HOME).map((to) => [from, to] as const));
  it.each(['import', 'export', 'dynamic'] as const)(
    'judges every edge of the layer table (%s)',
    async (form) => {
      const wrong: string[] = [];
      for (const [from, to] of edges) {
        if (from === 'tools' || to === from) continue; // tools sit on top; a layer may import itself
        const spec = specifier(HOME[from]!.file, HOME[to]!.module);
        const code =
          form === 'import'
            ? `import * as m from '${spec}';\nexport const x = m;\n`
            : form === 'export'
              ? `export * from '${spec}';\n`
              : `export const x = () => import('${spec}');\n`;
        const hits = await fired(code, HOME[from]!.file);
        const allowed = ALLOWED[from]!.includes(to);
        if (allowed !== (hits.length === 0))
          wrong.push(`${from} → ${to}: ${allowed ? 'allowed but fired' : 'forbidden but quiet'} ${hits.join(' ')}`);
      }
      expect(wrong).toEqual([]);
    },
    120_000,
  );

  it('names both layers and the module in its message', async () => {
    const [message] = await fired(
      "import type { PubSubMessage } from '../handlers/pubsub.ts';\nexport type M = PubSubMessage;\n",
      'functions/src/services/fixture.ts',
    );
    expect(message).toMatch(/^services\/ must not import handlers\/ \(\.\.\/handlers\/pubsub\.ts\)/);
  });

  it('keeps cloud SDKs and ccxt in adapters and wiring (functions-framework also at the edge)', async () => {
    const sdk = (name: string, layer: string) => fired(`import * as m from '${name}';\nexport const x = m;\n`, HOME[layer]!.file);
    for (const layer of ['lib', 'domain', 'ports', 'shared', 'config', 'services', 'handlers']) {
      expect(await sdk('@google-cloud/firestore', layer), layer).toHaveLength(1);
      expect(await sdk('ccxt', layer), layer).toHaveLength(1);
    }
    for (const layer of ['adapters', 'wiring']) expect(await sdk('@google-cloud/firestore', layer), layer).toEqual([]);
    expect(await sdk('@google-cloud/functions-framework', 'handlers')).toEqual([]);
    expect(await sdk('@google-cloud/functions-framework', 'services')).toHaveLength(1);
    expect(await sdk('zod', 'domain')).toEqual([]);
  });

  it('lets tests and their kits reach across', async () => {
    expect(
      await fired(
        "import { PaperBroker } from '../adapters/paper/PaperBroker.ts';\nexport const x = PaperBroker;\n",
        'functions/src/services/fixture.test.ts',
      ),
    ).toEqual([]);
  });
});
