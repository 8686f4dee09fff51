/**
 * Sign-in gate. Production security rules only let allow-listed, signed-in users read, so the
 * listeners start after Google sign-in. Against the emulator there is no sign-in at all.
 * firebase/auth is loaded lazily, so emulator builds never fetch it.
 */
import { h } from './dom.ts';
import { app, usesEmulator } from './firestore.ts';

/** Calls onChange(true) when reads may start and onChange(false) when they must stop. */
export async function watchAuth(el: HTMLElement, onChange: (signedIn: boolean) => void): Promise<void> {
  if (usesEmulator) {
    el.replaceChildren(h('span', { class: 'muted small', title: 'VITE_FIRESTORE_EMULATOR_HOST is set' }, 'emulator'));
    onChange(true);
    return;
  }
  const { GoogleAuthProvider, getAuth, onAuthStateChanged, signInWithPopup, signOut } = await import('firebase/auth');
  const auth = getAuth(app);
  onAuthStateChanged(auth, (user) => {
    if (user) {
      const out = h('button', { class: 'btn', title: 'sign out' }, 'sign out');
      out.addEventListener('click', () => void signOut(auth));
      el.replaceChildren(h('span', { class: 'muted small' }, user.email ?? user.uid), out);
    } else {
      const btn = h('button', { class: 'btn btn-primary' }, 'Sign in with Google');
      btn.addEventListener('click', () => {
        signInWithPopup(auth, new GoogleAuthProvider()).catch((err: unknown) => {
          console.error('[dashboard] sign-in failed', err);
          btn.title = err instanceof Error ? err.message : String(err);
          btn.textContent = 'Sign-in failed — retry';
        });
      });
      el.replaceChildren(btn);
    }
    onChange(user !== null);
  });
}
