/**
 * `npm run invoke -- <tick|audit> [--as-of 2023-03-21T14:00:00Z] [--url URL] [--token TOKEN]`
 * Run a function by hand. Without --url it calls the local function served by `npm start`
 * (ports from firebase.json). With a deployed https URL it sends an OIDC identity token: --token,
 * or the output of `gcloud auth print-identity-token` (functions are deployed without public access).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS } from '../infra/definitions.ts';
import { functionUrl, localPorts } from '../infra/ports.ts';
import { UsageError, stdio, type Io } from './lib/cli.ts';

const HTTP_TARGETS = FUNCTIONS.filter((f) => f.signature === 'http').map((f) => f.target);
export const USAGE = `usage: npm run invoke -- <${HTTP_TARGETS.join('|')}> [--as-of ISO-TIME] [--url URL] [--token TOKEN]`;

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let target: string, url: string, body: Record<string, unknown>, token: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'as-of': { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } } });
    target = positionals[0] ?? '';
    if (!HTTP_TARGETS.includes(target)) throw new UsageError(`unknown function "${target}"`);
    url = values.url ?? functionUrl(localPorts(), target);
    body = values['as-of'] ? { asOf: values['as-of'] } : {};
    token = values.token;
    if (!token && url.startsWith('https://')) {
      token = execFileSync('gcloud', ['auth', 'print-identity-token'], { encoding: 'utf8' }).trim();
    }
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    io.err(USAGE);
    return 2;
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    io.out(`${target} → HTTP ${res.status}`);
    try {
      io.out(JSON.stringify(JSON.parse(text), null, 2));
    } catch {
      io.out(text);
    }
    return res.ok ? 0 : 1;
  } catch (err) {
    io.err(`${target} at ${url} did not answer: ${err instanceof Error ? err.message : String(err)} (is \`npm start\` running?)`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
