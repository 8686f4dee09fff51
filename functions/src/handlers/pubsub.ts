/**
 * The Pub/Sub edge, shared by every Pub/Sub-triggered function: a CloudEvent (Eventarc in
 * production, a push subscription locally) carries `{ message: { data?, attributes?, messageId } }`.
 * Decoding never throws: whatever arrives becomes a PubSubMessage, and the service decides whether
 * its body is poison. A message without data (attributes only) has `body: null`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { redactText } from '../lib/redact.ts';
import type { PubSubMessage } from '../ports/message.ts';

const MAX_RAW = 10_000;
/** Base64 characters of `data` a message to our functions may carry (a signal or a budget notice is under 4 KB). */
export const MAX_DATA_CHARS = 1_000_000;
/** Pub/Sub's own limit; more would not fit a dead-letter record. */
const MAX_ATTRIBUTES = 100;

const EnvelopeSchema = z.object({
  message: z.object({
    data: z.string().max(MAX_DATA_CHARS, `message data over ${MAX_DATA_CHARS} base64 characters`).optional(),
    attributes: z
      .record(z.string().max(256), z.string().max(1024))
      .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `more than ${MAX_ATTRIBUTES} attributes`)
      .nullish(),
    messageId: z.string().max(256).optional(),
    message_id: z.string().max(256).optional(),
  }),
  subscription: z.string().max(512).optional(),
});

const safeId = (s: string): string => s.replace(/[^\w.-]/g, '_').slice(0, 200);

function hashOf(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `dl_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/**
 * `event`, when given, is the whole CloudEvent: functions-framework hands the push of a message
 * without data (attributes only) over as a structured CloudEvent whose body is the push itself, so
 * the message sits at `event.message` and `event.data`/`event.id` are empty. Its message id, else
 * a hash of the whole event, names the dead-letter record: two such messages never share one.
 */
export function decodePubSubEvent(data: unknown, eventId: unknown, event?: unknown): PubSubMessage {
  const whole = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : null;
  if ((data === undefined || data === null) && whole && whole.message !== undefined)
    data = { message: whole.message, subscription: whole.subscription };
  let raw: string;
  try {
    raw = JSON.stringify(data ?? null).slice(0, MAX_RAW);
  } catch {
    raw = String(data).slice(0, MAX_RAW);
  }
  const fallbackId = typeof eventId === 'string' && eventId ? safeId(eventId) : hashOf(whole ?? data ?? null);
  // functions-framework hands a push of a message without data (attributes only) over as no data at all.
  if (data === undefined || data === null) return { id: fallbackId, body: null, attributes: {}, envelopeError: null, raw };
  const env = EnvelopeSchema.safeParse(data);
  if (!env.success) {
    const why = env.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { id: fallbackId, body: null, attributes: {}, envelopeError: `not a Pub/Sub message envelope: ${why}`, raw };
  }
  const m = env.data.message;
  const messageId = m.messageId ?? m.message_id;
  return {
    id: messageId ? safeId(messageId) : fallbackId,
    // Pub/Sub pushes a message without data with `data: ""` (the emulator) or none at all
    body: m.data === undefined || m.data === '' ? null : Buffer.from(m.data, 'base64').toString('utf8'),
    attributes: m.attributes ?? {},
    envelopeError: null,
    raw,
  };
}

/**
 * What a Pub/Sub-triggered handler throws to have the message redelivered (a transient failure).
 * functions-framework logs a thrown error's `stack` as plain text, which carried the server's file
 * paths: this error's stack is one structured log line with the cause's name and message only.
 */
export class RedeliveryError extends Error {
  override readonly name = 'RedeliveryError';
  constructor(fn: string, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${fn} failed; Pub/Sub will redeliver: ${redactText(why).slice(0, 500)}`);
    this.stack = JSON.stringify({ severity: 'ERROR', message: this.message, function: fn });
  }
}
