/** One-line renderings for the `npm start` console. */
interface TickSymbol {
  symbol: string;
  price: number | null;
  regime: string;
  stale: boolean;
  error: string | null;
  signals: string[];
}

const short: Record<string, string> = {
  bull_trend: 'bull',
  bear_trend: 'bear',
  sideways_range: 'range',
  high_volatility: 'hi-vol',
  unknown: 'warming',
};

/** One line per scheduler run; '' for a watchdog run that found nothing (it runs every minute). */
export function formatTickLine(target: string, result: { status: number; body: unknown; wallMs: number } | { error: string }): string {
  if ('error' in result) return `${target}: request failed: ${result.error}`;
  const body = result.body as {
    marketTime?: number;
    latencyMs?: number;
    mode?: string;
    symbols?: TickSymbol[];
    published?: string[];
    clean?: boolean;
    discrepancies?: string[];
    error?: string;
  };
  if (target === 'watchdog') {
    const w = body as { unprotected?: { symbol: string; ageMs: number }[] };
    return result.status === 409
      ? `watchdog: UNPROTECTED ${(w.unprotected ?? []).map((u) => `${u.symbol} (${Math.floor(u.ageMs / 60_000)} min)`).join(', ')}`
      : result.status >= 400
        ? `watchdog: HTTP ${result.status} ${body?.error ?? ''}`
        : '';
  }
  if (result.status >= 400 && target !== 'audit')
    return `${target}: HTTP ${result.status} ${body?.error ?? JSON.stringify(body).slice(0, 200)}`;
  if (target === 'audit') {
    const shadow = (body as { shadow?: { day: string; ran: boolean; status?: string; reason?: string } }).shadow;
    const verdict = !shadow ? '' : shadow.ran ? ` · shadow ${shadow.day}: ${shadow.status}` : ` · shadow ${shadow.day}: not run`;
    return `audit: ${body.clean ? 'clean' : `DRIFT ${JSON.stringify(body.discrepancies ?? body)}`}${verdict}`;
  }
  const when = body.marketTime ? new Date(body.marketTime).toISOString().slice(0, 16).replace('T', ' ') : '?';
  const symbols = (body.symbols ?? [])
    .map((s) => `${s.symbol} ${s.price ?? '—'} ${short[s.regime] ?? s.regime}${s.stale ? ' STALE' : ''}${s.error ? ' ERR' : ''}`)
    .join(' | ');
  return `tick ${when} ${String(body.latencyMs ?? result.wallMs).padStart(4)}ms ${body.mode ?? ''} | ${symbols} | signals ${body.published?.length ?? 0}`;
}

/** Show what a person running the bot cares about: fills, rejections, warnings and errors. */
export function formatFunctionLog(target: string, line: string): string | null {
  let entry: {
    severity?: string;
    message?: string;
    symbol?: string;
    side?: string;
    qty?: string;
    price?: string;
    fee?: string;
    realizedPnl?: string;
    reason?: string;
    error?: string;
  };
  try {
    entry = JSON.parse(line);
  } catch {
    return /error/i.test(line) ? `[${target}] ${line}` : null;
  }
  const sev = entry.severity ?? 'INFO';
  if (entry.message === 'order filled') {
    const pnl = entry.side === 'sell' && entry.realizedPnl !== undefined ? ` pnl ${entry.realizedPnl}` : '';
    return `  order filled ${entry.symbol ?? ''} ${entry.side ?? ''} ${entry.reason ?? ''} qty ${entry.qty} @ ${entry.price} fee ${entry.fee ?? '?'}${pnl}`;
  }
  if (entry.message?.startsWith('order ')) return `  ${entry.message} ${entry.symbol ?? ''} ${entry.side ?? ''}: ${entry.reason ?? ''}`;
  if (sev === 'ERROR' || sev === 'CRITICAL') {
    // what and why, never a bare "ERROR message dead-lettered": the reason or the error is the part a person acts on
    const why = [entry.reason, entry.error].filter((x) => typeof x === 'string' && x !== '').join('; ');
    return `[${target}] ${sev} ${[entry.message ?? '', entry.symbol ?? ''].filter(Boolean).join(' ')}${why ? `: ${why}` : ''}`;
  }
  return null;
}
