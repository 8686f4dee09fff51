/**
 * The project's own small error set. Adapters translate vendor errors (ccxt, gRPC) into these at
 * the boundary, so the core decides "retry or not" without knowing any vendor.
 */
export type MarketDataErrorKind = 'temporary' | 'rate_limited' | 'permanent';

export class MarketDataError extends Error {
  override readonly name = 'MarketDataError';
  constructor(
    readonly kind: MarketDataErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

/** A message or document that can never be processed, however often it is retried. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** Invalid configuration; the message names the offending field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
