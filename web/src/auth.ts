/**
 * Sign-in gate. The security rules only let signed-in, allow-listed users with a verified email
 * read, so the listeners start after sign-in: email + password (the local stack's seeded user on the
 * Auth emulator, or a production account) or Google in production.
 */
import {
  connectAuthEmulator,
  getAuth,
  GoogleAuthProvider,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut,
  type User,
} from 'firebase/auth';
import { roleOfClaims, type Role } from '../../functions/src/domain/access.ts';
import { h } from './dom.ts';
import { app, config } from './firestore.ts';

const auth = getAuth(app);
if (config.authEmulatorHost) connectAuthEmulator(auth, `http://${config.authEmulatorHost}`, { disableWarnings: true });

/** The signed-in user's Firebase ID token, for the admin function. */
export async function idToken(): Promise<string> {
  const user = auth.currentUser;
  if (!user) throw new Error('not signed in');
  return user.getIdToken();
}

/**
 * The user's access claim from a freshly issued ID token, so a role access-sync changed shows at the
 * next sign-in or reload. A refresh that fails (sessions revoked, account disabled) signs out.
 */
export async function accessRole(user: User): Promise<Role | null> {
  try {
    return roleOfClaims((await user.getIdTokenResult(true)).claims);
  } catch {
    await signOut(auth);
    return null;
  }
}

export function signOutNow(): Promise<void> {
  return signOut(auth);
}

function message(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (/invalid-credential|wrong-password|user-not-found|invalid-email/.test(code)) return 'Wrong email or password.';
  return err instanceof Error ? err.message : String(err);
}

/** The sign-in form, rendered into the gate. */
export function renderSignIn(root: HTMLElement): void {
  const email = h('input', { testid: 'signin-email' });
  email.type = 'email';
  email.placeholder = 'email';
  email.autocomplete = 'username';
  const password = h('input', { testid: 'signin-password' });
  password.type = 'password';
  password.placeholder = 'password';
  password.autocomplete = 'current-password';
  const error = h('div', { class: 'neg small', testid: 'signin-error' });
  const submit = h('button', { class: 'btn btn-primary', testid: 'signin-submit' }, 'Sign in');
  const form = h('form', { class: 'signin' }, h('h2', {}, 'Sign in to Eagle Eye'), email, password, submit, error);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    signInWithEmailAndPassword(auth, email.value.trim(), password.value)
      .catch((err: unknown) => (error.textContent = message(err)))
      .finally(() => (submit.disabled = false));
  });
  if (!config.authEmulatorHost) {
    const google = h('button', { class: 'btn' }, 'Sign in with Google');
    google.type = 'button';
    google.addEventListener(
      'click',
      () => void signInWithPopup(auth, new GoogleAuthProvider()).catch((err: unknown) => (error.textContent = message(err))),
    );
    form.append(google);
  }
  root.replaceChildren(form);
}

/** Calls onChange(user) on sign-in and onChange(null) on sign-out; the header shows who is signed in. */
export function watchAuth(el: HTMLElement, onChange: (user: User | null) => void | Promise<void>): void {
  onAuthStateChanged(auth, (user) => {
    if (user) {
      const out = h('button', { class: 'btn', title: 'sign out', testid: 'signout' }, 'sign out');
      out.addEventListener('click', () => void signOut(auth));
      el.replaceChildren(h('span', { class: 'muted small', testid: 'signed-in-as' }, user.email ?? user.uid), out);
    } else {
      el.replaceChildren();
    }
    void onChange(user);
  });
}
