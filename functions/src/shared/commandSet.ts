/**
 * The one command set every surface offers (the `eagle` CLI, the Telegram bot, the dashboard's
 * controls, the admin function's actions): its names, which change nothing (readers may run them),
 * which a chat must confirm, and how a line of words (`profit 7d`, `force-exit BTC/USDT`) becomes an
 * admin request. The request is then validated by AdminRequestSchema (adminActions.ts) like any
 * other, so a bad word is refused naming the field. No zod here: the CLI loads this at start.
 */

/** Actions a reader (a dashboard user who is not an admin, a read-only Telegram chat) may run: they change nothing. */
export const READ_ONLY_ACTIONS = [
  'status',
  'positions',
  'profit',
  'daily',
  'weekly',
  'monthly',
  'performance',
  'trades',
  'locks',
  'show-config',
  'health',
  'audit',
  'check-gaps',
] as const;
export const ADMIN_ACTIONS = [
  ...READ_ONLY_ACTIONS,
  'tick',
  'backfill',
  'regenerate-signal',
  'pause',
  'stop-entries',
  'resume',
  'unlock',
  'kill',
  'reset',
  'scheduler-pause',
  'force-exit',
  'config',
  'reload-config',
  'reconcile',
  'access-sync',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];
export const isReadOnly = (action: string): boolean => (READ_ONLY_ACTIONS as readonly string[]).includes(action);

export interface CommandSpec {
  readonly name: AdminAction;
  readonly usage: string;
  readonly summary: string;
  /** a chat must confirm it before it runs (it changes the mode, the book or the config in force) */
  readonly confirm: boolean;
  /** the request's parameters from the words after the command name */
  readonly params: (args: readonly string[]) => Record<string, unknown>;
}

const none = () => ({});
const word = (key: string) => (args: readonly string[]) => (args[0] === undefined ? {} : { [key]: args[0] });
/** a whole number stays a number for the schema to range-check; anything else goes through as text, refused by name */
const whole = (key: string) => (args: readonly string[]) =>
  args[0] === undefined ? {} : { [key]: /^\d{1,6}$/.test(args[0]) ? Number(args[0]) : args[0] };
const reason = (args: readonly string[]) => (args.length ? { reason: args.join(' ').slice(0, 200) } : {});

/** The chat-sized command set, in the order `help` lists it. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: 'status', usage: 'status', summary: 'mode, equity, open positions, locks', confirm: false, params: none },
  {
    name: 'positions',
    usage: 'positions',
    summary: 'open positions with entry, mark, unrealized PnL and stops',
    confirm: false,
    params: none,
  },
  {
    name: 'profit',
    usage: 'profit [1d|7d|30d|all]',
    summary: 'realized profit, win rate, drawdown over a horizon',
    confirm: false,
    params: word('period'),
  },
  { name: 'daily', usage: 'daily [n]', summary: 'profit per UTC day, newest first', confirm: false, params: whole('n') },
  { name: 'weekly', usage: 'weekly [n]', summary: 'profit per ISO week', confirm: false, params: whole('n') },
  { name: 'monthly', usage: 'monthly [n]', summary: 'profit per month', confirm: false, params: whole('n') },
  { name: 'performance', usage: 'performance', summary: 'realized profit by symbol', confirm: false, params: none },
  { name: 'trades', usage: 'trades [n]', summary: 'the newest trades', confirm: false, params: whole('n') },
  { name: 'locks', usage: 'locks', summary: 'what blocks entries now, and what lifts it', confirm: false, params: none },
  {
    name: 'unlock',
    usage: 'unlock SYMBOL|all|LOCK_ID',
    summary: 'lift protection locks (cooldown, stoploss guard, low profit, drawdown)',
    confirm: true,
    params: word('target'),
  },
  { name: 'pause', usage: 'pause [reason]', summary: 'no new entries (exits still run)', confirm: true, params: reason },
  {
    name: 'stop-entries',
    usage: 'stop-entries [reason]',
    summary: 'same as pause: no new entries, stops still run',
    confirm: true,
    params: reason,
  },
  { name: 'resume', usage: 'resume [reason]', summary: 'back to NORMAL (never out of KILLED)', confirm: true, params: reason },
  { name: 'force-exit', usage: 'force-exit SYMBOL|all', summary: 'sell at the newest stored close', confirm: true, params: word('symbol') },
  { name: 'show-config', usage: 'show-config', summary: 'config/bot as the runtime reads it', confirm: false, params: none },
  {
    name: 'reload-config',
    usage: 'reload-config',
    summary: 'validate the stored config/bot and say when it takes effect',
    confirm: false,
    params: none,
  },
  { name: 'health', usage: 'health [72h|3d]', summary: 'the post-deploy checklist', confirm: false, params: word('since') },
  { name: 'reconcile', usage: 'reconcile', summary: 'live: exchange vs ledger (compare only here)', confirm: false, params: none },
  {
    name: 'access-sync',
    usage: 'access-sync',
    summary: 'give sign-in accounts the dashboard access config/dashboardUsers lists',
    confirm: true,
    params: none,
  },
];

export const commandNamed = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
