/**
 * A message as the Pub/Sub edge (handlers/pubsub.ts) hands it to a service: decoded, never thrown
 * on; the service decides whether its body is poison.
 */
export interface PubSubMessage {
  /** the message id, else the event id, else a hash of the whole event (its attributes included): the dead-letter record's id */
  readonly id: string;
  /** UTF-8 text of `data`, null when the message has none or the envelope is not one */
  readonly body: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** why the envelope itself is malformed, null when it is fine */
  readonly envelopeError: string | null;
  /** the raw event data, bounded, for the dead-letter record */
  readonly raw: string;
}
