/**
 * What the operations services (admin, budget guard, health) need from the outside, beside the
 * trading ports (index.ts, state.ts). Firestore implements OpsStore (adapters/ops), the Auth verifiers sit in
 * adapters/ops/verifiers.ts, Scheduler control in adapters/scheduler.
 */
/** A budget notification's spend for one cost interval (stored as costs/{yyyymm}). */
export interface CostRecord {
  /** yyyymm of the interval's start */
  readonly month: string;
  readonly costAmount: number;
  readonly budgetAmount: number;
  readonly currencyCode: string;
  readonly costIntervalStart: number;
  readonly receivedAt: number;
}
export interface AuditEntry {
  /** when it was recorded (the wall clock; the bot's own guards record their market time) */
  readonly at: number;
  /**
   * the market time of a call that ran: the wall clock live, the replay clock on a replay stack. The
   * shadow backtest places the call in its day by it (by `at` when absent: refused calls, entries
   * recorded before 2026-12-05).
   */
  readonly marketAt?: number;
  readonly who: string;
  /** 'system': the bot's own guards (the budget guard's pause), recorded like an operator's call */
  readonly via: Caller['kind'] | 'system';
  readonly action: string;
  readonly params: Record<string, unknown>;
  readonly ok: boolean;
  readonly status: number;
  readonly summary: string;
}

export interface Caller {
  readonly kind: 'user' | 'service_account' | 'cli' | 'telegram';
  /** email (user, service account), `cli:<os user>` or `telegram:<chat id>` */
  readonly id: string;
}

export interface OpsRecord {
  readonly id: string;
  readonly [field: string]: unknown;
}

export interface OpsStore {
  /** status/system as stored (read defensively: its shape grows) */
  readStatusDoc(): Promise<Record<string, unknown> | null>;
  listAlerts(sinceMs: number, limit: number): Promise<OpsRecord[]>;
  listDeadLetters(sinceMs: number, limit: number): Promise<OpsRecord[]>;
  getSignalDoc(id: string): Promise<Record<string, unknown> | null>;
  setBotConfigDoc(doc: Record<string, unknown>): Promise<void>;
  dashboardUsers(): Promise<{ emails: string[]; admins: string[] }>;
  recordAudit(entry: AuditEntry): Promise<void>;
  /** Create the notice once; false when (budget, interval, threshold) was already recorded. */
  claimBudgetNotice(id: string, doc: Record<string, unknown>): Promise<boolean>;
  /** costs/{yyyymm}: keep the interval's highest spend (spend only grows within an interval; resends come in any order). */
  recordCost(cost: CostRecord): Promise<void>;
}

/** Pauses and resumes the scheduler-driven trading jobs (Cloud Scheduler, or the local scheduler's flag). */
export interface SchedulerControl {
  setPaused(paused: boolean, reason: string): Promise<void>;
}

/** Verified identity of a bearer token, or null when the token is not of this kind / not valid. */
export interface TokenVerifier {
  readonly kind: 'user' | 'service_account';
  verify(token: string): Promise<{ email: string } | null>;
}

/** Answers in a chat (the Telegram Bot API; a fake Bot API server in tests). */
export interface ChatReplies {
  /** `confirm`: one button that sends `data` back as a callback query */
  send(chatId: string, text: string, confirm?: { label: string; data: string }): Promise<void>;
  /** stops the button's spinner, with a short notice */
  answerCallback(callbackId: string, text: string): Promise<void>;
}
