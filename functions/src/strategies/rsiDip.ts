/**
 * rsi_dip: buy a dip (RSI below `entryBelow`) unless the market is in a bear trend or the regime is
 * unknown; sell when RSI recovers above `exitAbove`. Written from the strategy template
 * (`npm run eagle -- strategy new rsi_dip`): change the idea, keep the shape. The engine's stops,
 * sizing, exposure limits and modes apply to every position whatever this returns.
 */
import { z } from 'zod';
import { defineStrategy, rsi, STRATEGY_API_VERSION, type Advice } from '../domain/strategy/api.ts';

/** Every parameter with a default and a range: config/bot `strategy.params` is checked against this. */
export const rsiDipParams = z.strictObject({
  rsiPeriod: z.number().int().min(2).max(50).default(14),
  entryBelow: z.number().min(1).max(50).default(30),
  exitAbove: z.number().min(50).max(99).default(60),
  /** the stop hook: this strategy's own stop and target, in ATRs from the fill (unset: config/bot.risk's); the risk's stop wins where it is tighter */
  stopAtr: z.number().min(0.1).max(10).optional(),
  targetAtr: z.number().min(0.1).max(100).optional(),
});

const HOLD: Advice = Object.freeze({ action: 'hold' });
const ENTER: Advice = Object.freeze({ action: 'enter_long', reason: 'strategy_entry' });
const enter = (p: z.output<typeof rsiDipParams>): Advice =>
  p.stopAtr === undefined && p.targetAtr === undefined
    ? ENTER
    : { ...ENTER, ...(p.stopAtr === undefined ? {} : { stop: p.stopAtr }), ...(p.targetAtr === undefined ? {} : { target: p.targetAtr }) };
const EXIT: Advice = Object.freeze({ action: 'exit', reason: 'strategy_exit' });

export const rsiDip = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: 'rsi_dip',
  version: 'rsi_dip@1',
  description: 'RSI dip-buying outside bear trends (from the template).',
  params: rsiDipParams,
  indicators: (p) => ({ rsi: rsi(p.rsiPeriod) }),
  // RSI remembers its start: ten periods of history keep RSI(14) within 0.03 % of the full-history value (eagle recursive)
  history: (p) => ({ candles: 10 * p.rsiPeriod }),
  advise({ regime, indicators, hasPosition }, p) {
    if (indicators.rsi === null) return HOLD;
    if (hasPosition) return indicators.rsi > p.exitAbove ? EXIT : HOLD;
    return regime !== 'bear_trend' && regime !== 'unknown' && indicators.rsi < p.entryBelow ? enter(p) : HOLD;
  },
});
