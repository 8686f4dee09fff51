/**
 * Typed client of the simulator's admin endpoints (admin.ts), for tests, the chaos run and
 * reconciliation scenarios: `new SimAdmin(url).manualTrade({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.01' })`.
 */
import type { ApiKeyInput } from './auth.ts';
import type { BalancesInput, ManualTradeInput, MatchingInput, SimState, TransferInput, UnbookedFillInput } from './admin.ts';
import type { FaultConfig, FaultConfigInput } from './faults.ts';

export type { SimState } from './admin.ts';

/** A created order as Binance answers it with newOrderRespType=FULL. */
export interface SimOrderReply {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  status: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

export class SimAdminError extends Error {
  override readonly name = 'SimAdminError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`exchange simulator admin: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export class SimAdmin {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__sim/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const parsed = (await res.json()) as unknown;
    if (!res.ok) throw new SimAdminError(res.status, parsed);
    return parsed as T;
  }

  state = () => this.call<SimState>('GET', 'state');
  setBalances = (b: BalancesInput) => this.call<SimState['balances']>('PUT', 'balances', b);
  deposit = (t: TransferInput) => this.call<SimState['balances']>('POST', 'deposit', t);
  withdraw = (t: TransferInput) => this.call<SimState['balances']>('POST', 'withdraw', t);
  manualTrade = (t: ManualTradeInput) => this.call<SimOrderReply>('POST', 'manual-trade', t);
  unbookedFill = (t: UnbookedFillInput) => this.call<SimOrderReply>('POST', 'unbooked-fill', t);
  setFaults = (f: FaultConfigInput) => this.call<FaultConfig>('PUT', 'faults', f);
  clearFaults = () => this.call<FaultConfig>('DELETE', 'faults');
  setMatching = (m: MatchingInput) => this.call<Required<MatchingInput>>('PUT', 'matching', m);
  setKey = (k: ApiKeyInput) => this.call<{ apiKey: string; permissions: unknown }>('PUT', 'keys', k);
}
