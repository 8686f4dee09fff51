/**
 * The Pub/Sub client, imported on first use by the functions that publish (the tick; admin's
 * regenerate-signal). The build makes this module a bundle of its own, `lib/pubsub.cjs`, with its
 * own code cache (loaded through lib/codeCache.ts when a bundle requires it), so executeOrder, audit
 * and budgetGuard never load it, and the cold-load bench can load exactly it.
 */
export { PubSub } from '@google-cloud/pubsub';
