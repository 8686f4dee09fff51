/**
 * Structured logs: one JSON line per event with a `severity` field, which Cloud Logging reads as
 * the entry's level. Context (tickId, symbol, signalId) travels with a child logger.
 */
import { toDecimalString } from './fixedPoint.ts';
import { redactText, secretValues } from './redact.ts';

export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
const RANK: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 };
const LEVEL_TO_SEVERITY = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' } as const;

export interface Logger {
  log(severity: Severity, message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  level: keyof typeof LEVEL_TO_SEVERITY = 'info',
  context: Record<string, unknown> = {},
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const min = RANK[LEVEL_TO_SEVERITY[level]];
  // A secret that slipped into a message or an error (an exchange echoing its key) is masked here.
  const secrets = secretValues();
  return {
    log(severity, message, fields) {
      if (RANK[severity] < min) return;
      // Every bigint in this codebase is an Amount (domain/money.ts): log it as the decimal people read.
      write(
        redactText(
          JSON.stringify({ severity, message, ...context, ...fields, time: new Date().toISOString() }, (_k, v) =>
            typeof v === 'bigint' ? toDecimalString(v) : v,
          ),
          secrets,
        ),
      );
    },
    child(fields) {
      return createLogger(level, { ...context, ...fields }, write);
    },
  };
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { error: err.message, errorName: err.name } : { error: String(err) };
}
