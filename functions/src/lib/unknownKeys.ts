/**
 * An unknown key in what a person wrote (config/bot, an admin request, a tick body, strategy params)
 * is refused naming the key and, when a known key is close, the one it probably meant:
 * `unknown key "riskPerTradPct", did you mean "riskPerTradePct"?`. Pass `unknownKeyError` to the
 * parse (`schema.safeParse(input, { error: unknownKeyError })`): zod asks it for every issue, and
 * for an unknown key it reads the known ones from the strict object that refused it.
 */
import leven from 'leven';
import type { z } from 'zod';

/** The known key `key` is most likely a typo of: at most a third of its characters (at least one) differ, case aside. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const k of known) {
    const distance = leven(key.toLowerCase(), k.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { key: k, distance };
  }
  return best?.key;
}

const SHOWN = 64;
const show = (key: string) => JSON.stringify(key.length > SHOWN ? `${key.slice(0, SHOWN)}…` : key);

export const unknownKeyError: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
  const given = typeof issue.input === 'object' && issue.input !== null ? issue.input : {};
  // a known key the input already has is not what a typo meant
  const free = Object.keys(shape).filter((k) => !Object.hasOwn(given, k));
  return issue.keys
    .map((k) => {
      const meant = closestKey(k, free);
      return `unknown key ${show(k)}${meant ? `, did you mean ${show(meant)}?` : ''}`;
    })
    .join('; ');
};
