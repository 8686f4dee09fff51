/**
 * Secrets never leave the process in clear: not in an error message, a log line, a Firestore
 * document or an HTTP answer. A variable is secret by name (keys, secrets, tokens, passwords);
 * known secret values are also masked wherever they appear inside free text.
 */
const SECRET_NAME_RE = /(^|_)(API_?KEY|SECRET|TOKEN|PASSWORD|PRIVATE_KEY|CREDENTIALS?)($|_)|apiKey|secret|token|password|authorization/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name);
}

/** Values of secret-named variables that are set, longest first (so a prefix never hides the rest). */
export function secretValues(envVars: Record<string, string | undefined> = process.env): string[] {
  return Object.entries(envVars)
    .filter(([k, v]) => isSecretName(k) && typeof v === 'string' && v.length >= 4)
    .map(([, v]) => v!)
    .sort((a, b) => b.length - a.length);
}

/** Mask every occurrence of a known secret value, and `bot<token>` URLs (Telegram), in free text. */
export function redactText(text: string, secrets: readonly string[] = secretValues()): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out.replace(/\/bot\d+:[\w-]+/g, `/bot${REDACTED}`);
}

/** Deep copy with secret-named fields replaced and secret values masked inside strings. */
export function redact<T>(value: T, secrets: readonly string[] = secretValues()): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (key !== undefined && isSecretName(key) && v !== undefined && v !== null) return REDACTED;
    if (typeof v === 'string') return redactText(v, secrets);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(value) as T;
}
