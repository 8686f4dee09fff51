import { describe, expect, it } from 'vitest';
import { A, testPosition, testWallet } from '../testing/builders.ts';
import { markPositions, markToMarket } from './markToMarket.ts';

const at = (iso: string) => Date.parse(iso);

describe('markToMarket', () => {
  const wallet = testWallet({ cash: A('7000'), equity: A('10000'), peakEquity: A('10000'), day: '20230320', dayStartEquity: A('10000') });
  const positions = { 'BTC/USDT': testPosition({ qty: A('0.12345678'), lastPrice: A('27000') }) };

  it('equity = cash + qty × price, valued rounding down; missing prices use lastPrice', () => {
    // 0.12345678 × 27123.45 = 3348.573799491 ↓
    const w = markToMarket(wallet, positions, { 'BTC/USDT': A('27123.45') }, at('2023-03-20T13:00:00Z'));
    expect(w.equity).toBe(A('7000') + A('3348.57379949'));
    expect(markToMarket(wallet, positions, {}, at('2023-03-20T13:00:00Z')).equity).toBe(A('7000') + A('3333.33306'));
  });

  it('raises the peak, never lowers it', () => {
    const up = markToMarket(wallet, positions, { 'BTC/USDT': A('30000') }, at('2023-03-20T13:00:00Z'));
    expect(up.peakEquity).toBe(up.equity);
    const down = markToMarket(up, positions, { 'BTC/USDT': A('20000') }, at('2023-03-20T14:00:00Z'));
    expect(down.peakEquity).toBe(up.equity);
  });

  it('resets dayStartEquity at the first mark of a new UTC day, and only then', () => {
    const late = markToMarket(wallet, positions, { 'BTC/USDT': A('20000') }, at('2023-03-20T23:59:59.999Z'));
    expect(late).toMatchObject({ day: '20230320', dayStartEquity: A('10000') });
    const midnight = markToMarket(late, positions, { 'BTC/USDT': A('20000') }, at('2023-03-21T00:00:00Z'));
    expect(midnight).toMatchObject({ day: '20230321', dayStartEquity: midnight.equity });
    const later = markToMarket(midnight, positions, { 'BTC/USDT': A('25000') }, at('2023-03-21T10:00:00Z'));
    expect(later.dayStartEquity).toBe(midnight.equity);
    // a late, out-of-order mark from the previous day does not move the day back
    expect(markToMarket(later, positions, {}, at('2023-03-20T23:00:00Z'))).toMatchObject({
      day: '20230321',
      dayStartEquity: midnight.equity,
    });
  });

  it('markPositions updates lastPrice only where a price is given', () => {
    const eth = testPosition({ symbol: 'ETH/USDT', lastPrice: A('1800') });
    const out = markPositions({ ...positions, 'ETH/USDT': eth }, { 'BTC/USDT': A('28000') });
    expect(out['BTC/USDT']!.lastPrice).toBe(A('28000'));
    expect(out['ETH/USDT']).toBe(eth);
  });
});
