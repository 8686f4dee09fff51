/**
 * Faults the simulator injects, per run, deterministic for a seed: every matching rule draws one
 * number from a seeded PRNG per request (in arrival order), so the same requests see the same faults.
 *
 *   latency            the answer waits `ms` (added up over latency rules)
 *   timeout            the request hangs `ms` (default 30 s, past ccxt's 10 s timeout), then the socket is dropped
 *   rate_limit         HTTP 429, -1003, Retry-After: retryAfterSec
 *   ip_ban             HTTP 418, -1003, Retry-After: retryAfterSec
 *   timestamp          HTTP 400, -1021 "Timestamp for this request is outside of the recvWindow."
 *   server_error_json  HTTP `status` (503), -1008 "Spot server is currently overloaded…"
 *   server_error_text  HTTP `status` (503), plain text "Service Unavailable."
 *   unknown_status     HTTP 503, -1007 "…execution status unknown."
 * `afterEffect: true` lets the request take effect first and answers the fault instead of the result:
 * a create that succeeds but answers an error (or a hang). `orderLag` makes new orders invisible
 * (-2013 "Order does not exist.", absent from openOrders and myTrades) for `ms` after placement.
 */
import { z } from 'zod';
import { mulberry32 } from '../../functions/src/domain/testing/prng.ts';

export const FAULT_KINDS = [
  'latency',
  'timeout',
  'rate_limit',
  'ip_ban',
  'timestamp',
  'server_error_json',
  'server_error_text',
  'unknown_status',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FaultRuleSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  /** "METHOD /path" of Binance routes, e.g. "POST /api/v3/order"; absent = every Binance route */
  routes: z
    .array(z.string().regex(/^(GET|POST|DELETE|PUT) \/[\w/.-]+$/, 'a route like "POST /api/v3/order"'))
    .min(1)
    .max(20)
    .optional(),
  probability: z.number().min(0).max(1).default(1),
  /** at most this many hits, then the rule is spent */
  count: z.number().int().positive().max(1_000_000).optional(),
  /** latency / hang duration */
  ms: z.number().int().min(0).max(600_000).optional(),
  retryAfterSec: z.number().int().min(0).max(3600).default(30),
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
  afterEffect: z.boolean().default(false),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

export const FaultConfigSchema = z.strictObject({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  rules: z.array(FaultRuleSchema).max(50).default([]),
  orderLag: z.strictObject({ ms: z.number().int().min(0).max(600_000), probability: z.number().min(0).max(1).default(1) }).optional(),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

export interface FaultAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export type Decision = { latencyMs: number; fault?: FaultRule };

export class Faults {
  private rand: () => number;
  private used: number[];
  /** hits per kind since the config was set (state, for tests and the chaos report) */
  readonly hits = new Map<FaultKind | 'order_lag', number>();

  constructor(public config: FaultConfig = FaultConfigSchema.parse({})) {
    this.rand = mulberry32(config.seed);
    this.used = config.rules.map(() => 0);
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.rand = mulberry32(config.seed);
    this.used = config.rules.map(() => 0);
    this.hits.clear();
  }

  private hit(kind: FaultKind | 'order_lag'): void {
    this.hits.set(kind, (this.hits.get(kind) ?? 0) + 1);
  }

  decide(route: string): Decision {
    let latencyMs = 0;
    let fault: FaultRule | undefined;
    this.config.rules.forEach((rule, i) => {
      if (rule.routes && !rule.routes.includes(route)) return;
      const roll = this.rand();
      if ((rule.count !== undefined && this.used[i]! >= rule.count) || roll >= rule.probability) return;
      if (rule.kind !== 'latency' && fault) return;
      this.used[i]!++;
      this.hit(rule.kind);
      if (rule.kind === 'latency') latencyMs += rule.ms ?? 0;
      else fault = rule;
    });
    return fault ? { latencyMs, fault } : { latencyMs };
  }

  /** Wall ms a new order stays invisible (0 = visible at once). */
  orderLagMs(): number {
    const lag = this.config.orderLag;
    if (!lag || lag.ms === 0 || this.rand() >= lag.probability) return 0;
    this.hit('order_lag');
    return lag.ms;
  }
}

export function faultAnswer(rule: FaultRule, wallNow: number): FaultAnswer {
  const retry = { 'Retry-After': String(rule.retryAfterSec) };
  switch (rule.kind) {
    case 'rate_limit':
      return {
        status: 429,
        headers: retry,
        body: {
          code: -1003,
          msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
        },
      };
    case 'ip_ban':
      return {
        status: 418,
        headers: retry,
        body: {
          code: -1003,
          msg: `Way too much request weight used; IP banned until ${wallNow + rule.retryAfterSec * 1000}. Please use WebSocket Streams for live updates to avoid bans.`,
        },
      };
    case 'timestamp':
      return { status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } };
    case 'server_error_json':
      return {
        status: rule.status,
        body: { code: -1008, msg: 'Spot server is currently overloaded with other requests. Please try again in a few minutes.' },
      };
    case 'server_error_text':
      return { status: rule.status, body: 'Service Unavailable.' };
    case 'unknown_status':
      return {
        status: 503,
        body: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
      };
    default:
      throw new Error(`fault ${rule.kind} has no answer`);
  }
}
