/**
 * Who may read the dashboard and who may act: the one owner of that rule. The allow-list
 * `config/dashboardUsers` (emails may read, admins may also act) is the source of truth; a verified
 * account's role travels in its Firebase ID token as the custom claim below, which the Firestore
 * rules check without a lookup and the page reads to show its controls. The admin function still
 * checks the allow-list itself on every call, so a removal stops actions at once; reads stop when
 * the removed account's ID token expires (at most an hour; `access-sync` revokes its sessions).
 * Pure: the page, the rules tests and the functions share it.
 */

/** The custom claim's key, as `firestore.rules` reads it (`request.auth.token.eagle`). */
export const ACCESS_CLAIM = 'eagle';
export const ROLES = ['reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AllowList {
  readonly emails: readonly string[];
  readonly admins: readonly string[];
}

/** The role the allow-list gives a verified address (lower-cased), or null. */
export function roleIn(list: AllowList, email: string): Role | null {
  const e = email.toLowerCase();
  if (list.admins.includes(e)) return 'admin';
  return list.emails.includes(e) ? 'reader' : null;
}

/** The role an ID token's claims carry, or null (an unknown value is no role). */
export function roleOfClaims(claims: Readonly<Record<string, unknown>> | undefined): Role | null {
  const v = claims?.[ACCESS_CLAIM];
  return (ROLES as readonly unknown[]).includes(v) ? (v as Role) : null;
}
