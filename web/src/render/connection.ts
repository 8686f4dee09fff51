/**
 * Connection indicator. Every listener reports here; the worst state wins:
 * error ("disconnected: …") > connecting > cached ("offline (cached)") > live.
 */
import type { FirestoreError } from 'firebase/firestore';
import type { ListenerSink } from '../firestore.ts';

type ListenerState = { fromCache: boolean } | { error: string };

export type ConnectionKind = 'connecting' | 'live' | 'cached' | 'error';

export class Connection implements Pick<ListenerSink, 'snapshot' | 'error'> {
  private readonly states = new Map<string, ListenerState>();
  private expected: readonly string[] = [];
  private note = '';

  constructor(private readonly el: HTMLElement) {
    this.render();
  }

  /** Starts a new set of listeners (after sign-in): all of them must report before "live". */
  expect(names: readonly string[]): void {
    this.expected = names;
    this.states.clear();
    this.note = '';
    this.render();
  }

  /** A state that is not about a listener, e.g. "sign in required". */
  setNote(note: string): void {
    this.note = note;
    this.render();
  }

  snapshot(name: string, fromCache: boolean): void {
    this.states.set(name, { fromCache });
    this.render();
  }

  error(name: string, err: FirestoreError): void {
    console.error(`[dashboard] listener ${name} failed`, err);
    this.states.set(name, { error: `${name}: ${err.code} — ${err.message}` });
    this.render();
  }

  kind(): ConnectionKind {
    const all = [...this.states.values()];
    if (all.some((s) => 'error' in s)) return 'error';
    if (this.expected.some((n) => !this.states.has(n))) return 'connecting';
    if (all.some((s) => 'fromCache' in s && s.fromCache)) return 'cached';
    return 'live';
  }

  private render(): void {
    const kind = this.note ? 'connecting' : this.kind();
    const errors = [...this.states.values()].flatMap((s) => ('error' in s ? [s.error] : []));
    const cached = [...this.states.entries()].filter(([, s]) => 'fromCache' in s && s.fromCache).map(([n]) => n);
    let label: string;
    let title: string;
    switch (kind) {
      case 'error':
        label = `disconnected: ${errors[0] ?? 'unknown error'}`;
        title = `${errors.join('\n')}\nReload the page to retry.`;
        break;
      case 'connecting':
        label = this.note || 'connecting…';
        title = this.note || 'waiting for the first snapshot of every listener';
        break;
      case 'cached':
        label = 'offline (cached)';
        title = `served from the local cache, not the server: ${cached.join(', ')}`;
        break;
      case 'live':
        label = 'live';
        title = 'all listeners are receiving server snapshots';
        break;
    }
    this.el.className = `conn conn-${kind}`;
    this.el.dataset.state = kind;
    this.el.title = title;
    this.el.replaceChildren(Object.assign(document.createElement('span'), { className: 'dot' }), label);
  }
}
