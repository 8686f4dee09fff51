/**
 * `layers/boundary`: every import (static, `export … from`, dynamic `import()`) goes down the layers,
 * never up or sideways:
 *
 *   lib ← domain ← strategies ← config ← services ← adapters | handlers ← wiring ← entries ← scripts, test
 *         domain ← ports ← shared ← config                                 web: lib, domain, ports, shared
 *
 * lib/ is plain utilities (no project import); domain/ is pure; strategies/ are the user's strategies
 * and the registry of all (the domain never reaches up to them); ports/ are the shapes of the outside;
 * shared/ (stored shapes) and config/ sit on them; services orchestrate over ports; adapters implement
 * ports and never call services; handlers are the transport edge and never pick adapters; wiring/ is
 * the one composition root; entries register functions. A cloud SDK or ccxt is imported only by
 * adapters/ and wiring/ (and functions-framework by handlers/ and entries/).
 * LAYERS and ALLOWED are the whole policy; eslint/layers.test.ts checks both directions of each edge.
 */
import { dirname, relative, resolve } from 'node:path';

/** A file's layer, from its path relative to the repository root; null when no layer applies. */
export function layerOf(rel) {
  const p = rel.split('\\').join('/');
  const fn = /^functions\/src\/([^/]+)(\/|$)/.exec(p);
  if (fn) {
    const top = fn[1];
    if (top === 'index.ts' || top === 'runtime.ts') return 'entries';
    return ['lib', 'domain', 'strategies', 'ports', 'shared', 'config', 'services', 'adapters', 'handlers', 'wiring', 'entries'].includes(
      top,
    )
      ? top
      : null;
  }
  if (p.startsWith('web/')) return 'web';
  if (/^(scripts|infra|emulators|test|eslint)\//.test(p)) return 'tools';
  return null;
}

const BELOW_SERVICES = ['lib', 'domain', 'strategies', 'ports', 'shared', 'config'];
/** layer → the layers it may import from (its own included) */
export const ALLOWED = {
  lib: ['lib'],
  domain: ['lib', 'domain'],
  strategies: ['lib', 'domain', 'strategies'],
  ports: ['lib', 'domain', 'ports'],
  shared: ['lib', 'domain', 'ports', 'shared'],
  config: BELOW_SERVICES,
  services: [...BELOW_SERVICES, 'services'],
  adapters: [...BELOW_SERVICES, 'adapters'],
  handlers: [...BELOW_SERVICES, 'services', 'handlers'],
  wiring: [...BELOW_SERVICES, 'services', 'adapters', 'handlers', 'wiring'],
  entries: ['lib', 'handlers', 'wiring', 'entries'],
  web: ['lib', 'domain', 'ports', 'shared', 'web'],
  tools: [...BELOW_SERVICES, 'services', 'adapters', 'handlers', 'wiring', 'entries', 'web', 'tools'],
};

const SDK = /^(@google-cloud\/|@firebase\/|firebase|ccxt$|ccxt\/|google-auth-library)/;
const FRAMEWORK = '@google-cloud/functions-framework';
/** layer → may it import this package? (only functions/src layers are limited) */
function packageAllowed(layer, name) {
  if (!SDK.test(name) || layer === 'web' || layer === 'tools' || layer === 'adapters' || layer === 'wiring') return true;
  return (layer === 'handlers' || layer === 'entries') && name === FRAMEWORK;
}

const WHY = {
  lib: 'lib/ is plain utilities: it imports nothing of the project',
  domain: 'the domain is pure: it sees only lib/',
  strategies: "the user's strategies sit on the domain's strategy API",
  ports: 'ports are shapes over the domain',
  shared: 'the stored shapes sit on the domain and the ports',
  config: 'config sits on the domain, the ports and the stored shapes',
  services: 'services orchestrate over ports: adapters are chosen in wiring/, transport stays in handlers/',
  adapters: 'adapters implement ports and never call services or handlers',
  handlers: 'handlers are the transport edge: they call services with what wiring/ hands them, never pick adapters',
  wiring: 'wiring/ is the composition root below the entries',
  entries: 'an entry registers a handler with what wiring/ builds',
  web: 'the dashboard uses only the pure layers and the stored shapes',
  tools: 'tools sit on top',
};

export const boundary = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'imports follow the layers: lib ← domain ← strategies, ports ← shared/config ← services ← adapters|handlers ← wiring ← entries ← scripts',
    },
    messages: {
      layer: '{{from}}/ must not import {{to}}/ ({{spec}}): {{why}}.',
      sdk: "{{from}}/ must not import '{{spec}}': a cloud SDK or ccxt belongs in adapters/ (chosen in wiring/).",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const root = context.cwd ?? context.getCwd();
    const from = layerOf(relative(root, file));
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (!packageAllowed(from, spec)) context.report({ node, messageId: 'sdk', data: { from, spec } });
        return;
      }
      const to = layerOf(relative(root, resolve(dirname(file), spec)));
      if (to && !ALLOWED[from].includes(to)) context.report({ node, messageId: 'layer', data: { from, to, spec, why: WHY[from] } });
    };
    const source = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { boundary } };
