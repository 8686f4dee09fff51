/**
 * report.html's tables, rendered from the summary alone (the object written to summary.json). Every
 * number cell names where its value comes from (`data-path` into the summary, `data-kind` for how it
 * is written), so a test can check each one against summary.json.
 */
import type { BacktestSummary } from '../../functions/src/domain/backtest/summary.ts';
import type { WalkForwardResult } from '../../functions/src/domain/backtest/walkForward.ts';
import type { MonteCarloResult } from '../../functions/src/domain/backtest/monteCarlo.ts';
import { duration, fixed, share, money, NONE, pct, ratio, signedMoney, when, words } from './format.ts';

type Kind = 'pct' | 'share' | 'ratio' | 'money' | 'signedMoney' | 'count' | 'time' | 'duration' | 'label';
const FORMAT: Record<Kind, (v: never) => string> = {
  pct: (v: number | null) => pct(v),
  share: (v: number | null) => share(v),
  ratio: (v: number | null) => ratio(v),
  money: (v: string | null) => money(v),
  signedMoney: (v: string) => signedMoney(v),
  count: (v: number) => fixed(v, 0),
  time: (v: string | null) => when(v),
  duration: (v: number) => duration(v),
  label: (v: string) => v,
};

/** The report's whole summary: the backtest's, with walk-forward and Monte Carlo when they ran. */
export type ReportSummary = BacktestSummary & { walkForward?: WalkForwardResult; monteCarlo?: MonteCarloResult };

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A JSON pointer (RFC 6901) to a key: "/" and "~" escaped, as in "perSymbol/BTC~1USDT". */
const key = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** The value at a JSON pointer without its leading "/" (the test reads `data-path` the same way). */
export function at(root: unknown, path: string): unknown {
  let v = root;
  for (const k of path.split('/')) v = (v as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

/** A number cell: the value at `path` (a JSON pointer without its leading "/"), written as `kind`. */
function cell(s: ReportSummary, path: string, kind: Kind): string {
  const v = at(s, path);
  const neg = (typeof v === 'number' && v < 0) || (typeof v === 'string' && v.startsWith('-'));
  const zero = v === null || v === undefined || Number(v) === 0;
  const cls = (kind === 'pct' || kind === 'signedMoney') && !zero ? (neg ? ' class="neg"' : ' class="pos"') : '';
  return `<td data-path="${esc(path)}" data-kind="${kind}"${cls}>${v === undefined || v === null ? NONE : esc(FORMAT[kind](v as never))}</td>`;
}
const text = (x: string) => `<td class="t">${esc(x)}</td>`;

function table(title: string, head: string[], rows: string[][], note = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  return `<section><h2>${esc(title)}</h2>${note ? `<p class="note">${note}</p>` : ''}<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table></div></section>`;
}

const CURVE: [string, string, Kind][] = [
  ['Total return', 'totalReturnPct', 'pct'],
  ['CAGR (per year)', 'cagrPct', 'pct'],
  ['Max drawdown', 'maxDrawdownPct', 'share'],
  ['Sharpe (annualized)', 'sharpe', 'ratio'],
  ['Sortino (annualized)', 'sortino', 'ratio'],
  ['Calmar (CAGR ÷ max DD)', 'calmar', 'ratio'],
];

function splitTable(s: ReportSummary, title: string, by: 'perExitReason' | 'perSymbol' | 'perRegime', first: string): string {
  const rows = Object.keys(s[by]).map((k) => [
    text(by === 'perSymbol' ? k : words(k)),
    cell(s, `${by}/${key(k)}/roundTrips`, 'count'),
    cell(s, `${by}/${key(k)}/realizedPnl`, 'signedMoney'),
    cell(s, `${by}/${key(k)}/winRatePct`, 'share'),
    cell(s, `${by}/${key(k)}/feesPaid`, 'money'),
  ]);
  return table(title, [first, 'Round trips', 'Net PnL', 'Win rate', 'Fees'], rows);
}

export function renderTables(s: ReportSummary): string {
  const out: string[] = [];
  out.push(
    table(
      'Strategy against buy-and-hold',
      ['', 'Strategy', 'Buy & hold'],
      CURVE.map(([label, k, kind]) => [text(label), cell(s, k, kind), cell(s, `benchmark/${k}`, kind)]),
      'Buy & hold: equal weight in every symbol at the first close, held to the last, no fees, no stops.',
    ),
  );
  const skipped = Object.keys(s.entriesNotTaken).map((k) => [
    text(`Entries not taken: ${words(k)}`),
    cell(s, `entriesNotTaken/${key(k)}`, 'count'),
  ]);
  out.push(
    table(
      'The run',
      ['', ''],
      [
        [text('First decision (UTC)'), cell(s, 'from', 'time')],
        [text('Last decision (UTC)'), cell(s, 'to', 'time')],
        [text('Indicators warmed up from (UTC, no trading)'), cell(s, 'warmupFrom', 'time')],
        [text('Initial cash'), cell(s, 'initialCash', 'money')],
        [text('Final equity'), cell(s, 'finalEquity', 'money')],
        [text('Round trips'), cell(s, 'trades', 'count')],
        [text('Fills'), cell(s, 'fills', 'count')],
        [text('Win rate'), cell(s, 'winRatePct', 'share')],
        [text('Profit factor'), cell(s, 'profitFactor', 'ratio')],
        [text('Time in the market'), cell(s, 'exposurePct', 'share')],
        [text('Fees paid'), cell(s, 'feesPaid', 'money')],
        [text('Kill switch fired (UTC)'), cell(s, 'killSwitchAt', 'time')],
        [text('Daily-loss pauses'), cell(s, 'dailyLossPauses', 'count')],
        ...skipped,
      ],
    ),
  );
  out.push(splitTable(s, 'By exit reason', 'perExitReason', 'Exit reason'));
  out.push(splitTable(s, 'By symbol', 'perSymbol', 'Symbol'));
  out.push(splitTable(s, 'By regime at entry', 'perRegime', 'Regime'));
  out.push(
    table(
      'Monthly returns',
      ['Month', 'Strategy', 'Buy & hold'],
      s.monthly.map((_, i) => [
        cell(s, `monthly/${i}/month`, 'label'),
        cell(s, `monthly/${i}/returnPct`, 'pct'),
        cell(s, `monthly/${i}/benchmarkReturnPct`, 'pct'),
      ]),
    ),
  );
  if (s.walkForward) out.push(walkForwardTable(s, s.walkForward));
  if (s.monteCarlo) {
    const rows = (['p5', 'p50', 'p95'] as const).map((p) => [
      text(p === 'p50' ? 'median' : `${p.slice(1)}th percentile`),
      cell(s, `monteCarlo/finalEquity/${p}`, 'money'),
      cell(s, `monteCarlo/maxDrawdownPct/${p}`, 'share'),
    ]);
    out.push(
      table(`Monte Carlo (${fixed(s.monteCarlo.paths, 0)} resampled paths of the round trips)`, ['', 'Final equity', 'Max drawdown'], rows),
    );
  }
  out.push(
    table(
      `Trades (${fixed(s.tradeList.length, 0)} round trips)`,
      ['#', 'Symbol', 'Entry (UTC)', 'Exit (UTC)', 'Held', 'Regime at entry', 'Exit reason', 'PnL', 'PnL %'],
      s.tradeList.map((t, i) => [
        text(String(i + 1)),
        text(t.symbol),
        cell(s, `tradeList/${i}/entryTime`, 'time'),
        cell(s, `tradeList/${i}/exitTime`, 'time'),
        cell(s, `tradeList/${i}/durationMs`, 'duration'),
        text(words(t.regime)),
        text(words(t.reason)),
        cell(s, `tradeList/${i}/pnl`, 'signedMoney'),
        cell(s, `tradeList/${i}/pnlPct`, 'pct'),
      ]),
      'PnL is net of both fees; PnL % is over the cash the entry cost.',
    ),
  );
  return out.join('\n');
}

function walkForwardTable(s: ReportSummary, wf: WalkForwardResult): string {
  const rows = wf.windows.map((w, i) => {
    const p = `walkForward/windows/${i}`;
    return [
      cell(s, `${p}/outOfSample/from`, 'time'),
      cell(s, `${p}/outOfSample/to`, 'time'),
      text(
        Object.entries(w.chosen)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join(', '),
      ),
      cell(s, `${p}/inSampleResult/totalReturnPct`, 'pct'),
      cell(s, `${p}/inSampleResult/sharpe`, 'ratio'),
      cell(s, `${p}/outOfSampleResult/totalReturnPct`, 'pct'),
      cell(s, `${p}/outOfSampleResult/sharpe`, 'ratio'),
      cell(s, `${p}/outOfSampleResult/maxDrawdownPct`, 'share'),
      cell(s, `${p}/outOfSampleResult/trades`, 'count'),
    ];
  });
  const total = [
    text('All out-of-sample windows'),
    text(''),
    text('stitched'),
    text(''),
    text(''),
    cell(s, 'walkForward/outOfSample/totalReturnPct', 'pct'),
    text(''),
    cell(s, 'walkForward/outOfSample/maxDrawdownPct', 'share'),
    cell(s, 'walkForward/outOfSample/trades', 'count'),
  ];
  const hold = wf.outOfSampleBenchmark
    ? [
        [
          text('Buy & hold, same span'),
          text(''),
          text(''),
          text(''),
          text(''),
          cell(s, 'walkForward/outOfSampleBenchmark/totalReturnPct', 'pct'),
          text(''),
          cell(s, 'walkForward/outOfSampleBenchmark/maxDrawdownPct', 'share'),
          text(''),
        ],
      ]
    : [];
  return table(
    'Walk-forward',
    [
      'Out of sample from (UTC)',
      'to',
      'Chosen on the in-sample window',
      'In-sample return',
      'In-sample Sharpe',
      'Out-of-sample return',
      'Out-of-sample Sharpe',
      'Out-of-sample max DD',
      'Round trips',
    ],
    [...rows, total, ...hold],
    'Each window picks the parameters with the best in-sample Sharpe, then trades the next window with them.',
  );
}
