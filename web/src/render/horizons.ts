/**
 * Horizons a trader asks for: 1D / 1W / 1M / All. Every number comes from the daily rollups
 * (rollups/{yyyymmdd}, summed by the domain's summarizeDays, the same rule the writers use), so
 * "All" reads one small document per day and never the trades. Today's rollup is closed at the
 * tick's live marks (status/system.account), as the tick will close it at midnight. Beside this
 * month's PnL: the latest budget notification's spend (costs/{yyyymm}).
 */
import {
  HORIZONS,
  closeDay,
  dailySeries,
  emptyDay,
  inHorizon,
  summarizeDays,
  type DayRollup,
  type Horizon,
} from '../../../functions/src/domain/performance/daily.ts';
import { utcDay } from '../../../functions/src/domain/wallet.ts';
import type { CostRecord } from '../../../functions/src/shared/store/index.ts';
import { HistogramSeries, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { EquityPointView } from '../chartData.ts';
import { h, table, td } from '../dom.ts';
import { DASH, fmtNum, fmtPct, humanize, signClass, toUnits, unitsToText } from '../format.ts';
import { EquityChart, baseChart } from './charts.ts';

export interface LiveAccount {
  readonly equity: string | null;
  readonly peakEquity: string | null;
  readonly dayStartEquity: string | null;
  /** the UTC day (yyyymmdd) the marks belong to; marks of another day do not close today */
  readonly day: string | null;
}

export interface HorizonInputs {
  readonly rollups: readonly DayRollup[];
  readonly cost: CostRecord | null;
  readonly account: LiveAccount | null;
  /** today's equity points (the 1D curve) */
  readonly today: readonly EquityPointView[];
  /** market time */
  readonly now: number;
}

const dec = (u: bigint) => unitsToText(u, 8).replace(/,/g, '');
const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;
const money = (u: bigint, signed = true) => unitsToText(u, 2, signed);

/** Today's rollup closed at the live marks, the others as stored. */
export function withToday(rollups: readonly DayRollup[], account: LiveAccount | null, now: number): DayRollup[] {
  const today = utcDay(now);
  const stored = rollups.find((r) => r.day === today) ?? emptyDay(today);
  const [open, close, peak] = [account?.dayStartEquity, account?.equity, account?.peakEquity].map((s) => toUnits(s));
  const current = account?.day == null || account.day === today;
  const live = current && open != null && close != null && peak != null ? closeDay(stored, { open, close, peak }) : stored;
  return [...rollups.filter((r) => r.day < today), live];
}

class ProfitChart {
  private readonly chart: IChartApi;
  private readonly bars: ISeriesApi<'Histogram'>;
  private readonly cumulative: ISeriesApi<'Line'>;
  constructor(private readonly el: HTMLElement) {
    this.chart = baseChart(el);
    this.chart.applyOptions({ timeScale: { timeVisible: false } });
    this.bars = this.chart.addSeries(HistogramSeries, { priceLineVisible: false, title: 'daily profit' });
    this.cumulative = this.chart.addSeries(LineSeries, { color: '#4ea1ff', lineWidth: 2, priceLineVisible: false, title: 'cumulative' });
  }
  update(points: ReturnType<typeof dailySeries>): void {
    this.bars.setData(points.map((p) => ({ time: sec(p.time), value: Number(p.pnl) / 1e8, color: p.pnl < 0n ? '#f0506e' : '#2ecc8f' })));
    this.cumulative.setData(points.map((p) => ({ time: sec(p.time), value: Number(p.cumulative) / 1e8 })));
    this.chart.timeScale().fitContent();
    this.el.dataset.bars = String(points.length);
    this.el.dataset.cumulative = points.length ? dec(points[points.length - 1]!.cumulative) : '';
  }
}

export class HorizonsPanel {
  private horizon: Horizon = '1W';
  private inputs: HorizonInputs | null = null;
  private readonly stats = h('div', { class: 'stats perf-grid', testid: 'horizon-stats' });
  private readonly month = h('div', { class: 'horizon-month', testid: 'horizon-month' });
  private readonly reasons = h('div', { class: 'scroll', testid: 'horizon-reasons' });
  private readonly equityEl = h('div', { class: 'chart chart-horizon', testid: 'horizon-equity' });
  private readonly profitEl = h('div', { class: 'chart chart-horizon', testid: 'horizon-profit' });
  private readonly equity: EquityChart;
  private readonly profit: ProfitChart;

  constructor(
    private readonly root: HTMLElement,
    private readonly tabs: HTMLElement,
  ) {
    root.replaceChildren(
      this.month,
      this.stats,
      h(
        'div',
        { class: 'horizon-charts' },
        h('div', {}, h('div', { class: 'muted small' }, 'Equity (daily close; today live) and drawdown from the peak'), this.equityEl),
        h('div', {}, h('div', { class: 'muted small' }, 'Daily realized profit and cumulative'), this.profitEl),
      ),
      h('div', { class: 'muted small' }, 'Wins and losses by exit reason'),
      this.reasons,
    );
    this.equity = new EquityChart(this.equityEl);
    this.profit = new ProfitChart(this.profitEl);
    this.renderTabs();
  }

  private renderTabs(): void {
    this.tabs.replaceChildren(
      ...HORIZONS.map((k) => {
        const b = h('button', { class: `tab${k === this.horizon ? ' active' : ''}`, testid: `horizon-tab-${k}` }, k);
        b.addEventListener('click', () => {
          this.horizon = k;
          this.renderTabs();
          if (this.inputs) this.update(this.inputs);
        });
        return b;
      }),
    );
  }

  update(inputs: HorizonInputs): void {
    this.inputs = inputs;
    const all = withToday(inputs.rollups, inputs.account, inputs.now);
    const days = all.filter((r) => inHorizon(this.horizon, inputs.now, r.day));
    const s = summarizeDays(days);
    const series = dailySeries(days);
    // 1D draws today's tick marks; longer horizons one point per day at its closing equity.
    const curve: (EquityPointView & { peak?: string })[] =
      this.horizon === '1D'
        ? [...inputs.today]
        : series.flatMap((p) =>
            p.equity === null ? [] : [{ time: p.time, equity: dec(p.equity), ...(p.peak === null ? {} : { peak: dec(p.peak) }) }],
          );
    this.equity.update(curve, true);
    this.profit.update(series);
    this.root.dataset.horizon = this.horizon;
    this.root.dataset.days = String(days.length);
    this.root.dataset.firstDay = days[0]?.day ?? '';
    this.root.dataset.realized = String(s.realizedPnl);

    const cell = (label: string, value: string, testid: string, cls = '', units?: bigint) =>
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'label' }, label),
        h('span', { class: `value num ${cls}`, testid, data: units === undefined ? undefined : { units: String(units) } }, value),
      );
    const sign = (u: bigint) => signClass(u > 0n ? 1 : u < 0n ? -1 : 0);
    const ratio = (n: number | null) => (n === null ? DASH : n === Infinity ? '∞' : fmtNum(n, 2));
    this.stats.replaceChildren(
      cell(`Realized PnL (${this.horizon})`, money(s.realizedPnl), 'horizon-realized', sign(s.realizedPnl), s.realizedPnl),
      cell('Trades', `${s.trades} (${s.closed} closed)`, 'horizon-trades'),
      cell('Win rate', s.winRate === null ? DASH : `${fmtPct(s.winRate * 100, 0)} (${s.wins}W ${s.losses}L)`, 'horizon-winrate'),
      cell('Profit factor', ratio(s.profitFactor), 'horizon-pf'),
      cell('Fees', money(s.fees, false), 'horizon-fees', '', s.fees),
      cell(
        'Max drawdown',
        s.maxDrawdown === 0n ? '0.00' : `${fmtPct(s.maxDrawdownPct * 100)} (${money(s.maxDrawdown, false)})`,
        'horizon-maxdd',
        s.maxDrawdown > 0n ? 'neg' : '',
      ),
      cell('Sharpe (daily, ann.)', ratio(s.sharpe), 'horizon-sharpe'),
      cell('Sortino', ratio(s.sortino), 'horizon-sortino'),
      cell('Days', `${s.days}${days[0] ? ` from ${days[0].day.replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')}` : ''}`, 'horizon-days'),
    );

    const reasons = Object.entries(s.byReason).sort(([a], [b]) => a.localeCompare(b));
    this.reasons.replaceChildren(
      table(
        ['Exit reason', 'Wins', 'Losses', 'Realized'],
        reasons.map(([k, v]) =>
          h(
            'tr',
            { data: { reason: k } },
            td(humanize(k)),
            td(String(v.wins), 'num'),
            td(String(v.losses), 'num'),
            td(money(v.pnl), `num ${sign(v.pnl)}`, dec(v.pnl)),
          ),
        ),
        { testid: 'horizon-reasons-list', empty: 'No closed trades in this horizon.', numericFrom: 1 },
      ),
    );

    const month = utcDay(inputs.now).slice(0, 6);
    const monthPnl = all.filter((r) => r.day.startsWith(month)).reduce((t, r) => t + r.realizedPnl, 0n);
    const c = inputs.cost;
    const monthLabel = `${month.slice(0, 4)}-${month.slice(4)}`;
    this.month.replaceChildren(
      cell(`PnL ${monthLabel} (market time)`, money(monthPnl), 'month-pnl', sign(monthPnl), monthPnl),
      cell(
        c ? `Cloud cost ${c.month.slice(0, 4)}-${c.month.slice(4)}` : 'Cloud cost',
        c ? `${fmtNum(c.costAmount, 2)} ${c.currencyCode} of ${fmtNum(c.budgetAmount, 2)}` : 'no budget notice yet',
        'month-cost',
      ),
    );
  }
}
