import { describe, expect, it } from 'vitest';
import { toAmount } from '../../domain/money.ts';
import type { Alert } from '../../domain/alerts.ts';
import type { Signal } from '../../domain/trading.types.ts';
import {
  AuditLogDoc,
  AlertDoc,
  CandleBucketDoc,
  CorruptDocumentError,
  DashboardUsersDoc,
  EquityDayDoc,
  IntentDoc,
  PATHS,
  SignalDoc,
  alertToDoc,
  bucketCandles,
  bucketStart,
  candleBucketPath,
  candleBucketToDoc,
  decoder,
  equityDayPath,
  equityPointToDoc,
  intentPath,
  intentToDoc,
  orderPath,
  parseDoc,
  positionPath,
  signalToDoc,
} from './index.ts';

const T = Date.UTC(2023, 2, 20, 12, 0);

describe('shared store paths', () => {
  it('names every document from one place', () => {
    expect([PATHS.status, PATHS.config, PATHS.wallet, PATHS.dashboardUsers, PATHS.auditCheckpoint]).toEqual([
      'status/system',
      'config/bot',
      'wallet/paper',
      'config/dashboardUsers',
      'audit/ledger',
    ]);
    expect([positionPath('BTC/USDT'), orderPath('s1'), intentPath('s1'), equityDayPath(T)]).toEqual([
      'positions/BTC-USDT',
      'orders/s1',
      'intents/s1',
      'equity/20230320',
    ]);
    // a 4h bucket holds 240 days: 2023-03-20 is in the one that starts 2022-07-27
    expect(candleBucketPath('ETH/USDT', '4h', bucketStart(T, '4h'))).toBe('candles/ETH-USDT_4h/days/20220727');
  });
});

describe('shared store codecs: what is encoded decodes to the same value', () => {
  it('signals', () => {
    const s: Signal = {
      id: 'abc',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      candleTime: T,
      side: 'buy',
      reason: 'regime_entry',
      refPrice: toAmount('28000.5'),
      atr: toAmount('12.25'),
      qty: toAmount('0.01'),
      strategyVersion: 'v1',
      createdAt: T + 1,
    };
    expect(parseDoc(SignalDoc, 'signals/abc', signalToDoc(s))).toEqual(s);
  });

  it('alerts, with and without a symbol; unknown keys are dropped', () => {
    const a: Alert = { id: 'a1', kind: 'stale_feed', severity: 'warning', message: 'stale', symbol: 'XRP/USDT', createdAt: T };
    expect(parseDoc(AlertDoc, 'alerts/a1', { ...alertToDoc(a), extra: 1 })).toEqual(a);
    const { symbol: _s, ...noSymbol } = a;
    expect(parseDoc(AlertDoc, 'alerts/a1', alertToDoc(noSymbol))).toEqual(noSymbol);
  });

  it('live intents', () => {
    const i = { signalId: 's1', symbol: 'BTC/USDT', side: 'sell' as const, qty: toAmount('0.5'), createdAt: T };
    expect(parseDoc(IntentDoc, 'intents/s1', intentToDoc(i))).toEqual(i);
    expect(parseDoc(IntentDoc, 'intents/s1', intentToDoc({ ...i, lastAttemptAt: T + 5 }))).toEqual({ ...i, lastAttemptAt: T + 5 });
  });

  it('equity days merge point by point into one sorted series', () => {
    const merged = {
      ...equityPointToDoc('20230320', T + 60_000, toAmount('1001')),
      points: {
        ...equityPointToDoc('20230320', T + 60_000, toAmount('1001')).points,
        ...equityPointToDoc('20230320', T, toAmount('1000')).points,
      },
    };
    expect(decoder(EquityDayDoc)(merged, 'equity/20230320')).toEqual({
      day: '20230320',
      points: [
        { time: T, equity: '1000.00000000' },
        { time: T + 60_000, equity: '1001.00000000' },
      ],
    });
  });

  it('candle buckets', () => {
    const candles = [
      { t: T + 60_000, o: 2, h: 3, l: 1, c: 2.5, v: 9 },
      { t: T, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 },
    ];
    const doc = candleBucketToDoc('BTC/USDT', '1m', bucketStart(T, '1m'), candles);
    expect(bucketCandles(parseDoc(CandleBucketDoc, 'c', doc))).toEqual([candles[1], candles[0]]);
  });

  it('the dashboard allow-list is lower-cased, non-strings ignored, absent lists empty', () => {
    expect(parseDoc(DashboardUsersDoc, PATHS.dashboardUsers, { emails: ['A@x.io', 7], admins: 'nope' })).toEqual({
      emails: ['a@x.io'],
      admins: [],
    });
    expect(parseDoc(DashboardUsersDoc, PATHS.dashboardUsers, {})).toEqual({ emails: [], admins: [] });
  });

  it('a corrupt document is a CorruptDocumentError naming the path and the field', () => {
    const bad = () =>
      parseDoc(SignalDoc, 'signals/x', {
        id: 'x',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: T,
        side: 'buy',
        reason: 'regime_entry',
        refPrice: '1',
        atr: '1.00000000',
        qty: '1.00000000',
        strategyVersion: 'v',
        createdAt: T,
      });
    expect(bad).toThrow(CorruptDocumentError);
    expect(bad).toThrow(/signals\/x.*refPrice/);
  });
});

describe('audit_log codec', () => {
  const entry = {
    at: Date.UTC(2026, 11, 5),
    who: 'ops@example.com',
    via: 'user',
    action: 'pause',
    params: { reason: 'maintenance' },
    ok: true,
    status: 200,
    summary: 'mode PAUSED',
  };
  it('reads what recordAudit writes, and params it could not store as their text and reason', () => {
    expect(parseDoc(AuditLogDoc, 'audit_log/a', entry)).toEqual(entry);
    expect(parseDoc(AuditLogDoc, 'audit_log/b', { ...entry, params: '{"x":1}', paramsUnstorable: 'nested too deep' })).toEqual({
      ...entry,
      params: { text: '{"x":1}', unstorable: 'nested too deep' },
    });
  });
  it('refuses a document that is not an audit entry, naming the path and field', () => {
    expect(() => parseDoc(AuditLogDoc, 'audit_log/c', { ...entry, via: 'browser' })).toThrow(/audit_log\/c.*via/);
    expect(() => parseDoc(AuditLogDoc, 'audit_log/d', { ...entry, extra: 1 })).toThrow(/audit_log\/d/);
    expect(() => parseDoc(AuditLogDoc, 'audit_log/e', { ...entry, at: 'yesterday' })).toThrow(/at/);
  });
});
