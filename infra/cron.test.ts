import { describe, expect, it } from 'vitest';
import { nextFireTime, parseCron } from './cron.ts';
import { schedulerJobs } from './definitions.ts';

const at = (iso: string) => Date.parse(iso);

describe('cron', () => {
  it('fires every minute, every 5 minutes and daily', () => {
    expect(nextFireTime(parseCron('* * * * *'), at('2023-03-20T10:00:30Z'))).toBe(at('2023-03-20T10:01:00Z'));
    expect(nextFireTime(parseCron('* * * * *'), at('2023-03-20T10:01:00Z'))).toBe(at('2023-03-20T10:02:00Z'));
    expect(nextFireTime(parseCron('*/5 * * * *'), at('2023-03-20T10:01:00Z'))).toBe(at('2023-03-20T10:05:00Z'));
    expect(nextFireTime(parseCron('15 0 * * *'), at('2023-03-20T10:01:00Z'))).toBe(at('2023-03-21T00:15:00Z'));
    expect(nextFireTime(parseCron('0 9 * * 1-5'), at('2023-03-18T10:00:00Z'))).toBe(at('2023-03-20T09:00:00Z'));
  });

  it('rejects malformed expressions', () => {
    expect(() => parseCron('* * * *')).toThrow(/5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/out of range/);
    expect(() => parseCron('banana * * * *')).toThrow(/bad field/);
  });

  it('turns TICK_INTERVAL into the tick job schedule', () => {
    expect(schedulerJobs('1m')[0]!.schedule).toBe('* * * * *');
    expect(schedulerJobs('5m')[0]!.schedule).toBe('*/5 * * * *');
    expect(() => schedulerJobs('90m')).toThrow(RangeError);
  });
});
