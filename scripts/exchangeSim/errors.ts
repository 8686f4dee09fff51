/** A Binance error answer: HTTP status and the `{code, msg}` body Binance sends. */
export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(`${status} ${code} ${msg}`);
  }
}
