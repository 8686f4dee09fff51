/**
 * Whether a value from outside (an admin request's params) can be written into a Firestore
 * document as a map: the write must never fail because of what a caller sent. Firestore refuses
 * maps nested deeper than 20, empty field names, names like `__x__`, arrays directly inside
 * arrays, undefined, and documents over 1 MiB. Anything that is not plainly storable is stored as a
 * bounded JSON string instead, with the reason.
 */
export const MAX_STORED_DEPTH = 10;
export const MAX_STORED_JSON = 20_000;
export const MAX_STORED_STRING = 2_000;

export type Storable =
  { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly text: string; readonly reason: string };

function problem(v: unknown, depth: number, inArray: boolean): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return null;
  if (Array.isArray(v)) {
    if (inArray) return 'an array inside an array';
    if (depth > MAX_STORED_DEPTH) return `nested deeper than ${MAX_STORED_DEPTH}`;
    for (const x of v) {
      const p = problem(x, depth + 1, true);
      if (p) return p;
    }
    return null;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    if (depth > MAX_STORED_DEPTH) return `nested deeper than ${MAX_STORED_DEPTH}`;
    for (const [k, x] of Object.entries(v)) {
      if (k === '') return 'an empty key';
      if (/^__.*__$/.test(k)) return 'a reserved key (__name__)';
      if (Buffer.byteLength(k) > 256) return 'a key over 256 bytes';
      const p = problem(x, depth + 1, false);
      if (p) return p;
    }
    return null;
  }
  return `a value of type ${typeof v}`;
}

/** The params as a map when Firestore can store them; else their JSON (or text), cut to MAX_STORED_STRING. */
export function storableParams(params: Record<string, unknown>): Storable {
  let json: string;
  try {
    json = JSON.stringify(params) ?? String(params);
  } catch (err) {
    return {
      ok: false,
      text: String(params).slice(0, MAX_STORED_STRING),
      reason: `not serialisable: ${(err as Error).message.slice(0, 100)}`,
    };
  }
  const why = json.length > MAX_STORED_JSON ? `larger than ${MAX_STORED_JSON} characters of JSON` : problem(params, 1, false);
  return why === null ? { ok: true, value: params } : { ok: false, text: json.slice(0, MAX_STORED_STRING), reason: why };
}
