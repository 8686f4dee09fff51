/**
 * The dashboard's one way to the admin function: POST {"action", ...params} with the user's Firebase
 * ID token. The admin function decides who may run what (readers: read-only actions) and audits it.
 */
export interface AdminClient {
  readonly url: string;
  token(): Promise<string>;
}

/** The answer as sent (amounts are decimal strings); `status` 0 when the request never got an answer. */
export interface AdminAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error: string;
}

export async function postAdmin(client: AdminClient, body: Record<string, unknown>): Promise<AdminAnswer> {
  try {
    const res = await fetch(client.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await client.token()}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string; result?: unknown };
    const ok = res.ok && json.ok === true;
    return { status: res.status, ok, result: json.result, error: ok ? '' : (json.error ?? res.statusText) };
  } catch (err) {
    return { status: 0, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
