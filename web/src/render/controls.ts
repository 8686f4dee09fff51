/**
 * Operator controls: each asks for confirmation in the page, then POSTs to the admin function with
 * the user's Firebase ID token. The answer is shown here; the state change itself arrives through
 * the Firestore listeners like any other update. Only admins (config/dashboardUsers.admins) see them.
 */
import { h } from '../dom.ts';
import type { Mode } from '../views.ts';
import { postAdmin, type AdminClient } from '../adminClient.ts';

export type ControlAction = 'pause' | 'resume' | 'kill' | 'reset' | 'force-exit';

interface Answer {
  ok: boolean;
  text: string;
}

const LABELS: Record<Exclude<ControlAction, 'force-exit'>, { label: string; confirm: string; cls: string }> = {
  pause: { label: 'Pause', confirm: 'Pause new entries? Protective exits keep running.', cls: '' },
  resume: { label: 'Resume', confirm: 'Resume trading (mode NORMAL)?', cls: '' },
  kill: { label: 'Kill', confirm: 'KILL: close every position and stop trading until a reset?', cls: 'btn-danger' },
  reset: { label: 'Reset after kill', confirm: 'Reset the kill switch and resume trading?', cls: '' },
};

/** Which buttons make sense in a mode (the admin function re-checks; this only avoids useless clicks). */
function available(mode: Mode | null): Exclude<ControlAction, 'force-exit'>[] {
  if (mode === 'KILLED') return ['reset'];
  if (mode === 'PAUSED' || mode === 'REDUCING') return ['resume', 'kill'];
  return ['pause', 'kill'];
}

async function callAdmin(client: AdminClient, action: ControlAction, params: Record<string, string> = {}): Promise<Answer> {
  const answer = await postAdmin(client, { action, ...params, ...(action === 'force-exit' ? {} : { reason: 'dashboard' }) });
  if (answer.ok) return { ok: true, text: `${action}: done${typeof answer.result === 'string' ? ` (${answer.result})` : ''}` };
  if (answer.status === 0) return { ok: false, text: `${action} failed: ${answer.error}` };
  return { ok: false, text: `${action} refused (HTTP ${answer.status}): ${answer.error}` };
}

export class Controls {
  private mode: Mode | null = null;
  private pending: { action: ControlAction; params: Record<string, string>; question: string } | null = null;
  private result: Answer | null = null;
  private busy = false;
  private isAdmin = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: AdminClient | null,
  ) {}

  /** Only admins act; readers never see the controls. */
  setEnabled(isAdmin: boolean): void {
    this.isAdmin = isAdmin;
    this.render();
  }

  enabled(): boolean {
    return this.isAdmin && this.client !== null;
  }

  setMode(mode: Mode | null): void {
    this.mode = mode;
    this.render();
  }

  /** Asks before running anything; also used by the positions table's "close" buttons. */
  ask(action: ControlAction, question: string, params: Record<string, string> = {}): void {
    this.pending = { action, params, question };
    this.render();
  }

  closeButton(symbol: string): HTMLElement {
    const b = h('button', { class: 'btn btn-small', testid: `close-${symbol.replace('/', '-')}` }, 'close');
    b.addEventListener('click', () => this.ask('force-exit', `Close the ${symbol} position at the next price?`, { symbol }));
    return b;
  }

  private async run(): Promise<void> {
    if (!this.pending || !this.client || !this.isAdmin || this.busy) return;
    const { action, params } = this.pending;
    this.busy = true;
    this.pending = null;
    this.result = { ok: true, text: `${action}: sending…` };
    this.render();
    this.result = await callAdmin(this.client, action, params);
    this.busy = false;
    this.render();
  }

  render(): void {
    if (!this.client) {
      this.root.replaceChildren(h('div', { class: 'muted small' }, 'No admin function configured (VITE_ADMIN_URL).'));
      return;
    }
    const buttons = available(this.mode).map((a) => {
      const b = h('button', { class: `btn ${LABELS[a].cls}`, testid: `control-${a}` }, LABELS[a].label);
      b.disabled = this.busy;
      b.addEventListener('click', () => this.ask(a, LABELS[a].confirm));
      return b;
    });
    // force-exit all: every open position sold at the next price (the same admin action as `eagle force-exit all`)
    if (this.mode !== 'KILLED') {
      const all = h('button', { class: 'btn btn-danger', testid: 'control-close-all' }, 'Close all');
      all.disabled = this.busy;
      all.addEventListener('click', () => this.ask('force-exit', 'Close every open position at the next price?', { symbol: 'all' }));
      buttons.push(all);
    }
    const confirm = this.pending
      ? h(
          'div',
          { class: 'confirm', testid: 'control-confirm' },
          h('span', {}, this.pending.question),
          this.button('Confirm', 'btn-primary', 'control-confirm-yes', () => void this.run()),
          this.button('Cancel', '', 'control-confirm-no', () => ((this.pending = null), this.render())),
        )
      : null;
    const result = this.result
      ? h('div', { class: `small ${this.result.ok ? 'pos' : 'neg'}`, testid: 'control-result' }, this.result.text)
      : null;
    this.root.replaceChildren(
      ...[h('div', { class: 'controls-row' }, ...buttons), confirm, result].filter((x): x is HTMLDivElement => x !== null),
    );
  }

  private button(text: string, cls: string, testid: string, onClick: () => void): HTMLElement {
    const b = h('button', { class: `btn ${cls}`, testid }, text);
    b.addEventListener('click', onClick);
    return b;
  }
}
