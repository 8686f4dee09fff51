import { describe, expect, it } from 'vitest';
import { initialSymbolState } from '../../domain/engine/index.ts';
import { A, T0, testBook, testPosition, testWallet } from '../../domain/testing/builders.ts';
import { parseBotConfig } from '../../config/load.ts';
import { CorruptDocumentError } from './codec.ts';
import { dayStartFromDoc, dayStartToDoc, shadowDayPath, shadowLatestOf, shadowResultToDoc } from './shadow.ts';

describe('shadow store codecs', () => {
  const position = testPosition({ symbol: 'BTC/USDT', openTradeId: 'b1' });
  const start = {
    day: '20230320',
    at: T0,
    book: testBook({
      mode: 'PAUSED',
      entriesPausedUntil: T0 + 1,
      wallet: testWallet({ cash: A('9000.5'), tradeSeq: 7, peakEquity: A('10100') }),
      positions: { 'BTC/USDT': position },
    }),
    symbols: {
      'BTC/USDT': {
        state: {
          ...initialSymbolState('4h'),
          lastCandleAt: T0 - 4 * 3_600_000,
          recentAtr: [[T0, 12.5]] as const,
          pending: { signalId: 's1', side: 'sell' as const, emittedAt: T0 },
        },
        guard: { tradeId: 'b1', highWater: A('101'), trailingStop: null, checkedUntil: T0, lastPrice: A('100'), checkedAt: T0 },
      },
    },
  };

  it('the day start round-trips exactly: book, positions, engine memory and the config it ran with', () => {
    const config = parseBotConfig({ symbols: ['BTC/USDT'], markets: { 'BTC/USDT': { amountStep: '0.001', minNotional: '10' } } });
    const back = dayStartFromDoc('shadow/20230320.start', JSON.parse(JSON.stringify(dayStartToDoc({ start, config }))));
    expect(back.start).toEqual(start);
    expect(parseBotConfig(back.config)).toEqual(config);
  });

  it('a corrupt start names the field; a bad day is refused', () => {
    const doc = JSON.parse(JSON.stringify(dayStartToDoc({ start, config: {} }))) as { ledger: { cash: string } };
    doc.ledger.cash = '1e9';
    expect(() => dayStartFromDoc('shadow/20230320.start', doc)).toThrow(CorruptDocumentError);
    expect(() => dayStartFromDoc('shadow/20230320.start', doc)).toThrow(/ledger\.cash/);
    expect(() => shadowDayPath('2023-03-20')).toThrow(RangeError);
  });

  it('the latest summary counts the unexplained differences', () => {
    const key = {
      id: 'x',
      time: T0,
      symbol: 'BTC/USDT',
      side: 'buy' as const,
      reason: 'regime_entry',
      qty: '1.00000000',
      price: '1.00000000',
      fee: '0.00100000',
    };
    const event = { cause: 'mode_change' as const, at: T0, detail: 'pause' };
    const result = shadowResultToDoc(
      '20230320',
      {
        status: 'different',
        liveTrades: 1,
        replayTrades: 2,
        events: [event],
        differences: [
          { id: 'x', time: T0, fields: ['fee'], live: key, replay: { ...key, fee: '0.00200000' }, explainedBy: null },
          { id: 'y', time: T0 + 1, fields: ['missing_in_live'], live: null, replay: key, explainedBy: event },
        ],
      },
      T0 + 5,
    );
    expect(shadowLatestOf(result)).toEqual({ day: '20230320', status: 'different', differences: 2, unexplained: 1, checkedAt: T0 + 5 });
  });
});
