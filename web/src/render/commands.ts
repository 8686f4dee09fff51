/**
 * The command set in the page (shared/commandSet.ts, the same commands `eagle` and Telegram offer):
 * pick a command, give its words (`7d`, `BTC/USDT`, a reason), run it through the admin function,
 * and read its JSON answer as tables. Readers are offered the read-only commands (the admin function
 * refuses them the others anyway); a command that changes the mode, the book or the config is asked
 * about in the page first. Every call is audited by the admin function as the signed-in user.
 */
import { COMMANDS, isReadOnly, type CommandSpec } from '../../../functions/src/shared/commandSet.ts';
import { postAdmin, type AdminAnswer, type AdminClient } from '../adminClient.ts';
import { h } from '../dom.ts';

/** Epoch-ms fields (…Time, …At, time) read as UTC instants. */
const TIME_KEY = /(^time$|Time$|At$)/;
const MAX_ROWS = 200;

function cell(key: string, v: unknown): HTMLElement | string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number' && TIME_KEY.test(key) && v > 1e12) return new Date(v).toISOString().slice(0, 19).replace('T', ' ');
  if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return rowsTable(v);
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : 'none';
  if (typeof v === 'object') return fieldsTable(v as Record<string, unknown>);
  return String(v);
}

/** An array of records: one row each, one column per key any of them has. */
function rowsTable(rows: readonly Record<string, unknown>[]): HTMLElement {
  const keys = [...new Set(rows.slice(0, MAX_ROWS).flatMap((r) => Object.keys(r)))];
  return h(
    'table',
    { class: 'cmd-table' },
    h('thead', {}, h('tr', {}, ...keys.map((k) => h('th', {}, k)))),
    h('tbody', {}, ...rows.slice(0, MAX_ROWS).map((r) => h('tr', {}, ...keys.map((k) => h('td', {}, cell(k, r[k])))))),
  );
}

/** A record: one row per field. */
function fieldsTable(o: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(o);
  if (!entries.length) return h('span', { class: 'muted' }, 'none');
  return h(
    'table',
    { class: 'cmd-table cmd-fields' },
    h('tbody', {}, ...entries.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, cell(k, v))))),
  );
}

export class Commands {
  private isAdmin = false;
  private pending: { spec: CommandSpec; args: string[] } | null = null;
  private answer: { line: string; answer: AdminAnswer | null } | null = null;
  private readonly select = h('select', { class: 'cmd-input', testid: 'command-name' });
  private readonly args = h('input', { class: 'cmd-input', testid: 'command-args' });
  private readonly out = h('div', { class: 'cmd-answer', testid: 'command-answer' });

  constructor(
    private readonly root: HTMLElement,
    private readonly client: AdminClient | null,
  ) {
    this.select.addEventListener('change', () => this.describe());
    this.args.addEventListener('keydown', (e) => e.key === 'Enter' && this.ask());
    this.setAdmin(false);
  }

  /** Admins get every command of the set, readers the read-only ones. */
  setAdmin(isAdmin: boolean): void {
    if (isAdmin === this.isAdmin && this.select.options.length) return;
    this.isAdmin = isAdmin;
    this.pending = null;
    const chosen = this.select.value;
    const offered = COMMANDS.filter((c) => isAdmin || isReadOnly(c.name));
    this.select.replaceChildren(...offered.map((c) => Object.assign(h('option', {}, c.usage), { value: c.name })));
    if (offered.some((c) => c.name === chosen)) this.select.value = chosen;
    this.describe();
  }

  private spec(): CommandSpec | undefined {
    return COMMANDS.find((c) => c.name === this.select.value);
  }

  private describe(): void {
    this.args.placeholder = this.spec()?.usage.split(' ').slice(1).join(' ') ?? '';
    this.args.value = '';
    this.pending = null;
    this.render();
  }

  private ask(): void {
    const spec = this.spec();
    if (!spec) return;
    const args = this.args.value.trim().split(/\s+/).filter(Boolean);
    if (spec.confirm && this.isAdmin) {
      this.pending = { spec, args };
      this.render();
    } else void this.run(spec, args);
  }

  private async run(spec: CommandSpec, args: string[]): Promise<void> {
    if (!this.client) return;
    this.pending = null;
    const line = [spec.name, ...args].join(' ');
    this.answer = { line, answer: null };
    this.render();
    const answer = await postAdmin(this.client, { action: spec.name, ...spec.params(args) });
    if (this.answer?.line === line) this.answer = { line, answer };
    this.render();
  }

  private renderAnswer(): void {
    if (!this.answer) return void this.out.replaceChildren();
    const { line, answer } = this.answer;
    this.out.dataset.state = answer === null ? 'running' : answer.ok ? 'ok' : 'refused';
    if (answer === null) return void this.out.replaceChildren(h('div', { class: 'muted small' }, `${line}: running…`));
    const head = answer.ok
      ? h('div', { class: 'small pos' }, `${line}: done`)
      : h('div', { class: 'small neg' }, `${line} refused (${answer.status ? `HTTP ${answer.status}` : 'no answer'}): ${answer.error}`);
    this.out.replaceChildren(head, ...(answer.ok ? [cell('', answer.result)] : []));
  }

  render(): void {
    if (!this.client) {
      this.root.replaceChildren(h('div', { class: 'muted small' }, 'No admin function configured (VITE_ADMIN_URL).'));
      return;
    }
    const run = h('button', { class: 'btn btn-primary', testid: 'command-run' }, 'Run');
    run.addEventListener('click', () => this.ask());
    const summary = h('div', { class: 'muted small' }, this.spec()?.summary ?? '');
    const confirm = this.pending ? this.confirmRow(this.pending.spec, this.pending.args) : null;
    this.renderAnswer();
    this.root.replaceChildren(
      h('div', { class: 'controls-row' }, this.select, this.args, run),
      summary,
      ...(confirm ? [confirm] : []),
      this.out,
    );
  }

  private confirmRow(spec: CommandSpec, args: string[]): HTMLElement {
    const line = [spec.name, ...args].join(' ');
    const yes = h('button', { class: 'btn btn-primary', testid: 'command-confirm-yes' }, 'Confirm');
    yes.addEventListener('click', () => void this.run(spec, args));
    const no = h('button', { class: 'btn', testid: 'command-confirm-no' }, 'Cancel');
    no.addEventListener('click', () => ((this.pending = null), this.render()));
    return h('div', { class: 'confirm', testid: 'command-confirm' }, h('span', {}, `Run "${line}"? ${spec.summary}.`), yes, no);
  }
}
