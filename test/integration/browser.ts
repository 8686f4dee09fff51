/**
 * What the browser tests share: firestore.rules loaded into the emulator (and opened again after),
 * the dashboard served by Vite on the hosting port, and Debian's Chromium through playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RULES = readFileSync(join(ROOT, 'firestore.rules'), 'utf8');
/** What the other suites expect to find afterwards: the emulator's default, everything allowed. */
export const OPEN_RULES =
  "rules_version = '2'; service cloud.firestore { match /databases/{database}/documents { match /{document=**} { allow read, write: if true; } } }";

export async function loadRules(firestoreHost: string, projectId: string, content: string): Promise<void> {
  const res = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:securityRules`, {
    method: 'PUT',
    body: JSON.stringify({ rules: { files: [{ content }] } }),
  });
  if (!res.ok) throw new Error(`loading rules failed: HTTP ${res.status} ${await res.text()}`);
}

/** The dashboard as `npm start` serves it (its VITE_* settings come from process.env). */
export async function serveDashboard(port: number): Promise<ViteDevServer> {
  const vite = await createServer({
    root: join(ROOT, 'web'),
    configFile: join(ROOT, 'web/vite.config.ts'),
    server: { port, strictPort: true, host: '127.0.0.1' },
    logLevel: 'error',
  });
  await vite.listen();
  return vite;
}

/** Debian's Chromium, headless, kept off the closed network (see ENVIRONMENT: it slows everything otherwise). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** The page's console and errors, newest last, to print when a test fails (what the page saw is otherwise lost). */
export function pageLog(page: Page): string[] {
  const lines: string[] = [];
  const at = () => new Date().toISOString().slice(11, 23);
  page.on('console', (m) => lines.push(`${at()} console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`${at()} pageerror: ${e.message}`));
  // Firestore's WebChannel: each Listen request's kind (TYPE=xmlhttp|terminate, RID=rpc), so a stream that restarted shows.
  page.on('request', (r) => {
    const u = r.url();
    if (!u.includes('/Listen/channel')) return;
    const q = new URL(u).searchParams;
    lines.push(
      `${at()} listen ${r.method()} TYPE=${q.get('TYPE') ?? '-'} RID=${q.get('RID') ?? '-'} AID=${q.get('AID') ?? '-'} SID=${(q.get('SID') ?? '-').slice(0, 8)}`,
    );
  });
  page.on('requestfailed', (r) =>
    lines.push(`${at()} requestfailed: ${r.method()} ${r.url().slice(0, 160)} ${r.failure()?.errorText ?? ''}`),
  );
  return lines;
}
