import { describe, expect, it } from 'vitest';
import { makeExecuteOrderHandler } from './executeOrder.ts';
import { makeBudgetGuardHandler } from './budgetGuard.ts';
import { decodePubSubEvent } from './pubsub.ts';

describe('Pub/Sub edge', () => {
  it('a failure to redeliver is thrown as one structured line, no stack frames or file paths', async () => {
    const boom = async (): Promise<never> => {
      throw new RangeError('not a decimal amount: 1e+21');
    };
    for (const handler of [makeExecuteOrderHandler(boom), makeBudgetGuardHandler(boom)]) {
      const err = await handler({ id: 'e1', data: { message: { data: 'e30=', messageId: 'm1' } } } as never).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.name).toBe('RedeliveryError');
      expect(JSON.parse(err!.stack!)).toMatchObject({
        severity: 'ERROR',
        message: expect.stringContaining('RangeError: not a decimal amount'),
      });
      expect(err!.stack).not.toMatch(/\n\s+at |\/work\/|node_modules/);
    }
  });

  it('names an attributes-only message by its message id, else by a hash of the whole event', () => {
    // functions-framework's shape for a push without data: the push itself as the event, no data, no id
    const push = (messageId?: string, attributes = { signalId: 'x' }) => ({
      message: { attributes, ...(messageId ? { messageId } : {}) },
      subscription: 's',
    });
    expect(decodePubSubEvent(undefined, undefined, push('m-1'))).toMatchObject({ id: 'm-1', body: null, attributes: { signalId: 'x' } });
    const a = decodePubSubEvent(undefined, undefined, push(undefined, { signalId: 'a' })).id;
    const b = decodePubSubEvent(undefined, undefined, push(undefined, { signalId: 'b' })).id;
    expect(a).toMatch(/^dl_[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
