/**
 * The Google service-account verifier's decision, with the library's own checks (signature, audience,
 * issuer, expiry): tokens are signed here by a local RSA key whose certificate the client is given,
 * instead of Google's. The Firebase verifier is tested against the Auth emulator (test/integration/admin.test.ts).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { googleServiceAccountVerifier, verifiedEmail } from './verifiers.ts';

const AUDIENCE = 'https://admin.example.run.app';
const SA = 'eagle-cli@demo-eagle-eye.iam.gserviceaccount.com';
const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(payload: Record<string, unknown>, signer = key.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'RS256', kid: 'local-1', typ: 'JWT' })}.${b64({ iss: 'https://accounts.google.com', aud: AUDIENCE, sub: '1', iat: now - 10, exp: now + 600, ...payload })}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(signer).toString('base64url')}`;
}

class LocalIssuer extends OAuth2Client {
  override async getFederatedSignonCertsAsync() {
    return { certs: { 'local-1': pem }, format: 'PEM' as never, res: null };
  }
}
const verifier = googleServiceAccountVerifier(AUDIENCE, async () => new LocalIssuer());

describe('verifiedEmail (both verifiers decide with it)', () => {
  it.each([
    [{ email: 'Ops@Example.com', email_verified: true }, { email: 'ops@example.com' }],
    [{ email: 'ops@example.com', email_verified: false }, null],
    [{ email: 'ops@example.com' }, null],
    [{ email: 'ops@example.com', email_verified: 'true' }, null],
    [{ email: '', email_verified: true }, null],
    [{ email_verified: true }, null],
    [undefined, null],
  ])('%j → %j', (claims, expected) => {
    expect(verifiedEmail(claims)).toEqual(expected);
  });
});

describe('googleServiceAccountVerifier on locally signed ID tokens', () => {
  it('accepts a verified service-account email for its audience', async () => {
    expect(await verifier.verify(sign({ email: SA, email_verified: true }))).toEqual({ email: SA });
  });

  it.each([
    ['email_verified false', { email: SA, email_verified: false }],
    ['no email_verified', { email: SA }],
    ['no email', { email_verified: true }],
    ['another audience', { email: SA, email_verified: true, aud: 'https://elsewhere.example' }],
    ['another issuer', { email: SA, email_verified: true, iss: 'https://evil.example' }],
    ['expired', { email: SA, email_verified: true, iat: 1_600_000_000, exp: 1_600_000_600 }],
  ])('refuses %s', async (_name, payload) => {
    expect(await verifier.verify(sign(payload))).toBeNull();
  });

  it('refuses a token signed by another key, and garbage', async () => {
    expect(await verifier.verify(sign({ email: SA, email_verified: true }, other.privateKey))).toBeNull();
    expect(await verifier.verify('not.a.jwt')).toBeNull();
  });
});
