/**
 * `eagle lookahead` and `eagle recursive` on every strategy the registry has (shipped and the
 * user's), and on two deliberately broken ones that each check must catch.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy, rsi, STRATEGY_API_VERSION, type Advice } from '../../functions/src/domain/strategy/api.ts';
import { strategyNames } from '../../functions/src/strategies/registry.ts';
import type { Io } from '../lib/cli.ts';
import { runEagle } from './program.ts';
import { analysisInput } from './analysis.ts';
import { lookahead } from '../../functions/src/domain/backtest/lookahead.ts';
import { recursive } from '../../functions/src/domain/backtest/recursive.ts';

function capture() {
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
  return { io, lines };
}

const HOLD: Advice = { action: 'hold' };
const ENTER: Advice = { action: 'enter_long', reason: 'strategy_entry' };
const EXIT: Advice = { action: 'exit', reason: 'strategy_exit' };

/**
 * Leaks the future through module state, as a warm Cloud Functions instance would: it remembers
 * each candle's successor across runs, and once it knows the next close it trades on it.
 */
const nextClose = new Map<number, number>();
let prevT: number | null = null;
const peeking = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: 'peeking',
  version: 'peeking@1',
  description: 'test only: reads the future',
  params: z.strictObject({}),
  advise({ market, hasPosition }) {
    if (prevT !== null && prevT < market.t) nextClose.set(prevT, market.close);
    prevT = market.t;
    const next = nextClose.get(market.t);
    if (next === undefined) return hasPosition ? (market.t % 3 === 0 ? EXIT : HOLD) : ENTER;
    return hasPosition ? (next < market.close ? EXIT : HOLD) : next > market.close ? ENTER : HOLD;
  },
});

/** Declares RSI(14) with the least history that gives a value: far from the full-history RSI. */
const forgetful = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: 'forgetful',
  version: 'forgetful@1',
  description: 'test only: too short a history',
  params: z.strictObject({}),
  indicators: () => ({ rsi: rsi(14) }),
  advise: ({ indicators }) => (indicators.rsi !== null && indicators.rsi < 30 ? ENTER : HOLD),
});

const OPTS = { symbol: 'BTC/USDT', timeframe: '4h', candles: 1200 } as const;

describe('eagle lookahead / recursive on every registered strategy', () => {
  it.each(strategyNames())('%s: no signal or indicator moves when the data is cut at a signal', async (name) => {
    const { io, lines } = capture();
    const code = await runEagle(['lookahead', name, '--candles', String(OPTS.candles), '--max-cuts', '8'], { io });
    expect(lines.join('\n')).toMatch(/ 0 moved$/m);
    expect(lines.join('\n')).not.toMatch(/ 0 signals/);
    expect(code).toBe(0);
  });

  it.each(strategyNames())("%s: indicators from the live tick's history are within tolerance of the full history", async (name) => {
    const { io, lines } = capture();
    const code = await runEagle(['recursive', name, '--candles', String(OPTS.candles), '--every', '25'], { io });
    expect(lines.filter((l) => l.includes('FAIL'))).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses an unknown strategy or param, naming it (exit 2)', async () => {
    const a = capture();
    expect(await runEagle(['lookahead', 'moon_shot'], { io: a.io })).toBe(2);
    expect(a.lines.join('\n')).toMatch(/unknown strategy "moon_shot"/);
    const b = capture();
    expect(await runEagle(['recursive', 'rsi_dip', '--params', '{"rsiPeriodd":3}'], { io: b.io })).toBe(2);
    expect(b.lines.join('\n')).toMatch(/strategy\.params\.rsiPeriodd/);
  });
});

describe('the checks catch broken strategies', () => {
  it('lookahead fails on a strategy that reads the future, naming the signal that moved', () => {
    const input = analysisInput({ ...OPTS, strategy: 'buy_and_hold', build: () => peeking.create({}) });
    const r = lookahead(input, 8);
    expect(r.cuts).toBeGreaterThan(0);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings[0]!.what).toMatch(/^signal (buy|sell) strategy_(entry|exit)$/);
  });

  it('recursive fails on an indicator whose declared history is too short, naming it', () => {
    const input = analysisInput({ ...OPTS, strategy: 'buy_and_hold', build: () => forgetful.create({}) });
    const rows = recursive({
      strategy: input.build(),
      candles: input.candles['BTC/USDT']!,
      liveHistory: input.liveHistory,
      tolerance: 0.02,
      every: 25,
    });
    const bad = rows.filter((r) => !r.ok);
    expect(bad.map((r) => r.name)).toEqual(['indicator rsi']);
    expect(bad[0]!.history).toBe(15);
    expect(bad[0]!.maxRelDiff).toBeGreaterThan(0.02);
  });
});
