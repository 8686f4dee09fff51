/**
 * The Pub/Sub edge, shared by every Pub/Sub-triggered function: a CloudEvent (Eventarc in
 * production, a push subscription locally) carries `{ message: { data?, attributes?, messageId } }`.
 * Decoding never throws: whatever arrives becomes a PubSubMessage, and the service decides whether
 * its body is poison. A message without data (attributes only) has `body: null`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export interface PubSubMessage {
  /** the message id, or a hash of the event when there is none: the dead-letter record's id */
  readonly id: string;
  /** UTF-8 text of `data`, null when the message has none or the envelope is not one */
  readonly body: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** why the envelope itself is malformed, null when it is fine */
  readonly envelopeError: string | null;
  /** the raw event data, bounded, for the dead-letter record */
  readonly raw: string;
}

const MAX_RAW = 10_000;

const EnvelopeSchema = z.object({
  message: z.object({
    data: z.string().max(1_000_000).optional(),
    attributes: z.record(z.string().max(256), z.string().max(1024)).nullish(),
    messageId: z.string().max(256).optional(),
    message_id: z.string().max(256).optional(),
  }),
  subscription: z.string().max(512).optional(),
});

const safeId = (s: string): string => s.replace(/[^\w.-]/g, '_').slice(0, 200);

export function decodePubSubEvent(data: unknown, eventId: unknown): PubSubMessage {
  let raw: string;
  try {
    raw = JSON.stringify(data ?? null).slice(0, MAX_RAW);
  } catch {
    raw = String(data).slice(0, MAX_RAW);
  }
  const fallbackId = typeof eventId === 'string' && eventId ? safeId(eventId) : `dl_${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
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
    body: m.data === undefined ? null : Buffer.from(m.data, 'base64').toString('utf8'),
    attributes: m.attributes ?? {},
    envelopeError: null,
    raw,
  };
}
