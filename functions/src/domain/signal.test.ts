import { describe, expect, it } from 'vitest';
import { PoisonMessageError } from './errors.ts';
import { toAmount } from './money.ts';
import { createSignal, decodeSignal, encodeSignal, InvalidSignalError, signalId, toSignalMessage } from './signal.ts';

const key = { strategyVersion: 'regime_trend@1', symbol: 'BTC/USDT', timeframe: '1m', candleTime: 1_679_270_400_000, side: 'buy' } as const;
const signal = createSignal(
  { ...key, reason: 'regime_entry', refPrice: toAmount('27123.45'), atr: toAmount('35.2'), qty: toAmount('0.012') },
  1_679_270_460_500,
);

function decodeError(body: unknown): InvalidSignalError {
  try {
    decodeSignal(body);
  } catch (e) {
    if (e instanceof InvalidSignalError) return e;
    throw e;
  }
  throw new Error('expected decodeSignal to throw');
}

describe('signalId', () => {
  it('is deterministic, 32 hex chars, and changes with every key field', () => {
    const id = signalId(key);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(signalId({ ...key })).toBe(id);
    const variants = [
      { ...key, strategyVersion: 'regime_trend@2' },
      { ...key, symbol: 'ETH/USDT' },
      { ...key, timeframe: '5m' as const },
      { ...key, candleTime: key.candleTime + 60_000 },
      { ...key, side: 'sell' as const },
    ];
    const ids = new Set(variants.map(signalId));
    expect(ids.size).toBe(variants.length);
    expect(ids.has(id)).toBe(false);
  });

  it('does not depend on createdAt', () => {
    const later = createSignal({ ...key, reason: 'regime_entry', refPrice: 1n, atr: 1n, qty: 1n }, 99);
    expect(later.id).toBe(signal.id);
  });
});

describe('encodeSignal / decodeSignal', () => {
  it('round-trips exactly, amounts as 8-decimal strings', () => {
    const json = encodeSignal(signal);
    expect(JSON.parse(json)).toMatchObject({ refPrice: '27123.45000000', atr: '35.20000000' });
    expect(decodeSignal(json)).toEqual(signal);
    expect(decodeSignal(JSON.parse(json))).toEqual(signal);
  });

  it("carries an entry's own stop and target levels (the strategy's stop hook), bounded, and refuses them on an exit", () => {
    const own = createSignal(
      {
        ...key,
        reason: 'strategy_entry',
        refPrice: toAmount('27123.45'),
        atr: toAmount('35.2'),
        qty: toAmount('0.012'),
        stopAtrBps: 15_000,
        targetAtrBps: 30_000,
      },
      1_679_270_460_500,
    );
    expect(decodeSignal(encodeSignal(own))).toEqual(own);
    expect(decodeSignal(encodeSignal(signal))).not.toHaveProperty('stopAtrBps');
    expect(decodeError({ ...toSignalMessage(own), stopAtrBps: 99 }).field).toBe('stopAtrBps');
    expect(decodeError({ ...toSignalMessage(own), targetAtrBps: 1.5 }).field).toBe('targetAtrBps');
    const exit = createSignal(
      { ...key, side: 'sell', reason: 'strategy_exit', refPrice: toAmount('1'), atr: toAmount('1'), qty: toAmount('1') },
      1_679_270_460_500,
    );
    expect(decodeError({ ...toSignalMessage(exit), stopAtrBps: 10_000 }).field).toBe('stopAtrBps');
  });

  it('ignores unknown extra keys', () => {
    expect(decodeSignal({ ...toSignalMessage(signal), extra: 1 })).toEqual(signal);
  });

  it.each([
    ['not json', '{oops', ''],
    ['null', null, ''],
    ['a number', 42, ''],
    ['an array', [], ''],
  ])('rejects %s as a body', (_name, body, field) => {
    const e = decodeError(body);
    expect(e.field).toBe(field);
    expect(e).toBeInstanceOf(PoisonMessageError);
  });

  const good = toSignalMessage(signal);
  it.each([
    ['refPrice', { refPrice: 27123.45 }],
    ['refPrice', { refPrice: '27123.45' }],
    ['refPrice', { refPrice: '0.00000000' }],
    ['refPrice', { refPrice: '-1.00000000' }],
    ['atr', { atr: 'abc' }],
    ['atr', { atr: '0.00000000' }],
    ['symbol', { symbol: 'btcusdt' }],
    ['timeframe', { timeframe: '2m' }],
    ['candleTime', { candleTime: -1 }],
    ['candleTime', { candleTime: 1.5 }],
    ['candleTime', { candleTime: '1679270400000' }],
    ['side', { side: 'short' }],
    ['reason', { reason: 'because' }],
    ['reason', { reason: 'stop_loss' }],
    ['strategyVersion', { strategyVersion: '' }],
    ['createdAt', { createdAt: undefined }],
    ['id', { id: 'x' }],
    ['id', { id: '0'.repeat(32) }],
  ])('names the bad field %s', (field, patch) => {
    const e = decodeError({ ...good, ...patch });
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
  });

  it('rejects a sell whose reason is an entry, and accepts a sell with atr 0', () => {
    const sell = createSignal(
      { ...key, side: 'sell', reason: 'stop_loss', refPrice: toAmount('27000'), atr: 0n, qty: toAmount('0.5') },
      1_679_270_460_500,
    );
    expect(decodeSignal(encodeSignal(sell))).toEqual(sell);
    const e = decodeError({ ...toSignalMessage(sell), reason: 'regime_entry' });
    expect(e.field).toBe('reason');
  });

  it('refuses to encode a malformed signal', () => {
    expect(() => encodeSignal({ ...signal, refPrice: 0n })).toThrow(InvalidSignalError);
    expect(() => encodeSignal({ ...signal, symbol: 'ETH/USDT' })).toThrow(/id/);
  });
});
