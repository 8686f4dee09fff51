import type { Signal } from '../../domain/trading.types.ts';
import type { SignalBus } from '../../ports/index.ts';

/** In-memory SignalBus: keeps what was published, in order, and hands it to an optional subscriber. */
export class MemorySignalBus implements SignalBus {
  readonly published: Signal[] = [];
  constructor(private readonly subscriber?: (signal: Signal) => Promise<void>) {}

  async publish(signal: Signal): Promise<string> {
    this.published.push(signal);
    await this.subscriber?.(signal);
    return String(this.published.length);
  }
}
