import type { Clock } from '../../ports/index.ts';

/**
 * Market time for a replay: `start` + (wall − anchor) × speed. Every local process gets the same
 * anchor (REPLAY_ANCHOR_MS, set once by the launcher), so the scheduler and the functions agree on "now".
 */
export class ReplayClock implements Clock {
  constructor(
    private readonly start: number,
    readonly speed: number,
    private readonly anchor: number,
    private readonly wall: () => number = Date.now,
  ) {}
  now(): number {
    return Math.floor(this.start + (this.wall() - this.anchor) * this.speed);
  }
}

export const systemClock: Clock = { now: () => Date.now() };
