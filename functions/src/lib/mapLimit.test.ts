import { describe, expect, it } from 'vitest';
import { mapSettledLimit } from './mapLimit.ts';

describe('mapSettledLimit', () => {
  it('bounds concurrency, keeps order and isolates failures', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettledLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n === 3) throw new Error('boom');
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'err'))).toEqual([10, 20, 'err', 40, 50, 60]);
  });
});
