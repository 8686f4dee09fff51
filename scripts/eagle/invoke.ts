import { execFileSync } from 'node:child_process';
import { FUNCTIONS } from '../../infra/definitions.ts';
import type { Io } from '../lib/io.ts';

export const HTTP_TARGETS = FUNCTIONS.filter((f) => f.signature === 'http').map((f) => f.target);

/** POST a JSON body to one function; exit 0 on 2xx, 1 on an error answer, 3 when nothing answers. */
export async function invokeFunction(
  io: Io,
  req: { target: string; body: unknown; url: string; token?: string; json: boolean },
): Promise<number> {
  const token =
    req.token ??
    (req.url.startsWith('https://') ? execFileSync('gcloud', ['auth', 'print-identity-token'], { encoding: 'utf8' }).trim() : undefined);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(req.body),
    });
  } catch (err) {
    io.err(`${req.target} at ${req.url} did not answer: ${(err as Error).message} (is \`npm start\` running on this --port-offset?)`);
    return 3;
  }
  const text = await res.text();
  if (!req.json) io.out(`${req.target} → HTTP ${res.status}`);
  try {
    io.out(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    io.out(text);
  }
  return res.ok ? 0 : 1;
}
