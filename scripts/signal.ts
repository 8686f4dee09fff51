/**
 * `npm run signal -- send buy BTC/USDT [--id ID] [--strategy S] [--tag T]`: sign an alert and POST it
 *   to the signal webhook (the local stack's by default; --url, --source and SIGNAL_SECRET for another).
 * `npm run signal -- relay --target URL --source S [--port 8787] [--allow-ip A,B]`: the signing relay
 *   for TradingView (secrets from SIGNAL_SECRET and SIGNAL_RELAY_TOKEN; README → Signed inbound signals).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { createRelay, signedHeaders } from './signal/relay.ts';
import { readLocalWebhook } from './signal/local.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const program = new Command('signal').description('signed inbound signals: send one, or run the TradingView relay');

program
  .command('send')
  .argument('<side>', 'buy or sell')
  .argument('<symbol>', 'e.g. BTC/USDT')
  .option('--id <key>', 'idempotency key (default: a new one)')
  .option('--strategy <name>')
  .option('--tag <tag>')
  .option('--url <url>', "the webhook (default: the local stack's)")
  .option('--source <id>', 'the source id (with --url; secret from SIGNAL_SECRET)')
  .action(async (side: string, symbol: string, o: { id?: string; strategy?: string; tag?: string; url?: string; source?: string }) => {
    const target = o.url ? { url: o.url, source: o.source ?? '', secret: process.env.SIGNAL_SECRET ?? '' } : readLocalWebhook(ROOT);
    if (!target.source || !target.secret) throw new Error('--url needs --source and SIGNAL_SECRET in the environment');
    const body = JSON.stringify({
      id: o.id ?? `cli-${randomUUID()}`,
      symbol,
      side,
      ...(o.strategy && { strategy: o.strategy }),
      ...(o.tag && { tag: o.tag }),
    });
    const res = await fetch(target.url, { method: 'POST', headers: signedHeaders(target.source, target.secret, body, Date.now()), body });
    console.log(`${res.status} ${JSON.stringify(await res.json())}`);
    process.exitCode = res.ok ? 0 : 1;
  });

program
  .command('relay')
  .requiredOption('--target <url>', 'the signal webhook URL')
  .requiredOption('--source <id>', 'the source id the secret belongs to')
  .option('--port <n>', 'listen port', '8787')
  .option('--host <h>', 'listen address', '127.0.0.1')
  .option('--allow-ip <list>', 'only these client addresses (comma separated)')
  .action((o: { target: string; source: string; port: string; host: string; allowIp?: string }) => {
    const secret = process.env.SIGNAL_SECRET;
    const token = process.env.SIGNAL_RELAY_TOKEN;
    if (!secret || !token || token.length < 24)
      throw new Error(
        "set SIGNAL_SECRET (the source's secret) and SIGNAL_RELAY_TOKEN (≥ 24 random characters: the URL path TradingView posts to)",
      );
    const relay = createRelay({
      target: o.target,
      source: o.source,
      secret,
      token,
      allowIps: o.allowIp
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });
    relay.listen(Number(o.port), o.host, () =>
      console.log(`relay listening on http://${o.host}:${o.port}/<SIGNAL_RELAY_TOKEN> → ${o.target} (source ${o.source})`),
    );
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
