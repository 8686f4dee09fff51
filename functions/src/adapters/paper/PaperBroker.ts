import { paperFill } from '../../domain/portfolio/index.ts';
import type { Fill } from '../../domain/trading.types.ts';
import type { Broker, OrderRequest } from '../../ports/index.ts';

/**
 * Simulated fills at the signal's reference price with slippage and fees. Pure, so a transaction
 * retry or a redelivery computes the identical fill — the same code the backtester uses.
 */
export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly orders = null;
  constructor(private readonly cfg: { feeBps: number; slippageBps: number }) {}
  async fill(req: OrderRequest): Promise<Fill> {
    return paperFill({
      side: req.signal.side,
      refPrice: req.signal.refPrice,
      qty: req.qty,
      feeBps: this.cfg.feeBps,
      slippageBps: this.cfg.slippageBps,
    });
  }
}
