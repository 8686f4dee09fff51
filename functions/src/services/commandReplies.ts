/**
 * The command set's answers as text people read, for every surface that prints (the `eagle` CLI,
 * the Telegram bot): from the JSON answer (amounts as 8-decimal strings), never from live objects.
 */
type Row = Record<string, unknown>;

/** 10012.34000000 → 10012.34; keeps every significant digit (amounts are exact). */
export const dec = (v: unknown): string => {
  if (v === null || v === undefined) return '-';
  const s = String(v);
  return /^-?\d+\.\d+$/.test(s) ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};
const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)} %` : '-');
const when = (t: unknown) => (typeof t === 'number' ? new Date(t).toISOString().slice(0, 16).replace('T', ' ') : '-');
const day = (d: unknown) => (typeof d === 'string' && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : String(d));

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

function lockLines(locks: Row[]): string[] {
  if (locks.length === 0) return ['locks: none (entries open)'];
  return [
    'locks:',
    ...locks.map(
      (l) =>
        `  ${String(l.scope)} ${String(l.kind)}: ${String(l.detail)}${l.until ? ` until ${when(l.until)}` : ''} → ${String(l.liftedBy)}${l.id ? ` [${String(l.id)}]` : ''}`,
    ),
  ];
}

const summaryLine = (s: Row) =>
  `${String(s.closed)} closed (${String(s.wins)} W / ${String(s.losses)} L, win rate ${pct(s.winRate)}), realized ${dec(s.realizedPnl)}, fees ${dec(s.fees)}, max drawdown ${dec(s.maxDrawdown)} (${pct(s.maxDrawdownPct)})`;

export function replyLines(action: string, result: unknown): string[] {
  const r = (result ?? {}) as Row;
  switch (action) {
    case 'pause':
    case 'stop-entries':
    case 'resume':
    case 'kill':
    case 'reset':
      return [r.changed ? `mode ${String(r.mode)} (was ${String(r.from)})` : `mode unchanged: ${String(r.mode)}`];
    case 'force-exit':
      return ((r.exits as Row[] | undefined) ?? [r]).map(
        (x) => `manual exit published: signal ${String(x.signalId)}, qty ${String(x.qty)} at ~${String(x.refPrice)}`,
      );
    case 'show-config':
      return JSON.stringify(r.config, null, 2).split('\n');
    case 'health': {
      const lines = [`health since ${String(r.since)}: ${r.ok ? 'OK' : 'ATTENTION'} (mode ${String(r.mode)})`];
      for (const c of r.checks as Row[]) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${String(c.name).padEnd(16)} ${String(c.detail)}`);
      // One line per (severity, kind, symbol), newest message: a feed stale for an hour raised an alert per tick.
      const groups = new Map<string, { a: Row; n: number }>();
      for (const a of r.alerts as Row[]) {
        const key = `${String(a.severity)}|${String(a.kind)}|${String(a.symbol ?? a.message)}`;
        const g = groups.get(key);
        if (g) g.n++;
        else groups.set(key, { a, n: 1 });
      }
      for (const { a, n } of [...groups.values()].slice(0, 10))
        lines.push(
          `  alert ${String(a.severity ?? '').padEnd(8)} ${String(a.kind ?? '')}${n > 1 ? ` ×${n}` : ''} ${String(a.message ?? '')}`,
        );
      for (const d of (r.deadletters as Row[]).slice(0, 10)) lines.push(`  dead letter ${String(d.id)}: ${String(d.reason ?? '')}`);
      return lines;
    }
    case 'status': {
      const markets = (r.markets as Row[]).map(
        (m) => `  ${String(m.symbol)} ${m.price ?? '-'} ${String(m.regime)}${m.stale ? ' STALE' : ''}`,
      );
      return [
        `mode ${String(r.mode)}${r.modeReason ? ` (${String(r.modeReason)})` : ''} at ${when(r.marketTime)}; last tick ${when(r.lastTickAt)}${r.lastTickLatencyMs === null ? '' : ` in ${String(r.lastTickLatencyMs)} ms`}`,
        `equity ${dec(r.equity)} (cash ${dec(r.cash)}, start ${dec(r.initialCash)}), realized ${dec(r.realizedPnl)}, fees ${dec(r.fees)}, drawdown ${pct(r.drawdownPct)}, ${String(r.openPositions)} open position(s)`,
        ...lockLines(r.locks as Row[]),
        ...markets,
      ];
    }
    case 'positions': {
      const rows = (r.positions as Row[]).map((p) => [
        String(p.symbol),
        dec(p.qty),
        dec(p.entryPrice),
        dec(p.lastPrice),
        dec(p.unrealizedPnl),
        pct(p.unrealizedPct),
        dec(p.stopLoss),
        dec(p.takeProfit),
        dec(p.trailingStop),
      ]);
      return rows.length
        ? table(['symbol', 'qty', 'entry', 'mark', 'uPnL', 'uPnL %', 'stop', 'target', 'trailing'], rows)
        : ['no open positions'];
    }
    case 'profit':
      return [
        `profit ${String(r.period)} (${day(r.from)} → ${day(r.through)}): ${String(r.trades)} fills, ${summaryLine(r)}`,
        `equity ${dec(r.equity)}`,
      ];
    case 'daily':
    case 'weekly':
    case 'monthly': {
      const rows = (r.periods as Row[]).map((p) => [
        day(p.start),
        String(p.trades),
        `${String(p.wins)}/${String(p.losses)}`,
        dec(p.realizedPnl),
        dec(p.fees),
        pct(p.winRate),
      ]);
      return table([String(r.unit), 'fills', 'W/L', 'realized', 'fees', 'win rate'], rows);
    }
    case 'performance': {
      const rows = (r.symbols as Row[]).map((p) => [
        String(p.symbol),
        String(p.trades),
        String(p.closed),
        `${String(p.wins)}/${String(p.losses)}`,
        dec(p.realizedPnl),
        dec(p.fees),
      ]);
      const note = r.truncated ? [`(the newest ${String(r.trades)} trades)`] : [];
      return rows.length ? [...table(['symbol', 'fills', 'closed', 'W/L', 'realized', 'fees'], rows), ...note] : ['no trades yet'];
    }
    case 'trades': {
      const rows = (r.trades as Row[]).map((t) => [
        String(t.seq),
        when(t.time),
        String(t.symbol),
        String(t.side),
        String(t.reason),
        dec(t.qty),
        dec(t.price),
        dec(t.fee),
        dec(t.realizedPnl),
      ]);
      return rows.length ? table(['#', 'time', 'symbol', 'side', 'reason', 'qty', 'price', 'fee', 'realized'], rows) : ['no trades yet'];
    }
    case 'locks':
      return lockLines(r.locks as Row[]);
    case 'unlock':
      return (r.lifted as Row[]).map(
        (l) =>
          `lifted ${String(l.protection)} on ${l.symbol === '*' ? 'all symbols' : String(l.symbol)} [${String(l.id)}]; entries resume at the next tick`,
      );
    case 'reload-config':
      return [`config/bot is valid; it takes effect ${String(r.takesEffect)}`];
    case 'access-sync': {
      const changes = (r.changes as Row[] | undefined) ?? [];
      const role = (x: unknown) => (x === null ? 'no access' : String(x));
      return [
        `${String(r.accounts)} sign-in accounts: ${String(r.admins)} admins, ${String(r.readers)} readers; ${changes.length} changed`,
        ...changes.map(
          (c) =>
            `  ${String(c.email)}: ${role(c.from)} → ${role(c.to)}${c.revoked ? ' (sessions revoked; reads stop when its ID token expires, ≤ 1 h)' : ''}`,
        ),
        ...(changes.some((c) => c.to !== null) ? ['a changed account sees its new access after it reloads the dashboard'] : []),
      ];
    }
    default:
      return JSON.stringify(r, null, 2).split('\n');
  }
}
