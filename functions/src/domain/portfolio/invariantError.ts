/**
 * A state the planner must have made impossible (negative cash, closing a position that is not
 * there). Throwing aborts the surrounding transaction: better no write than a wrong ledger.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}
