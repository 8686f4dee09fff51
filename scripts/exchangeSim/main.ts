/**
 * `npm run exchange-sim -- [--port N] [--clock replay|wall] [--balances USDT=10000,BTC=0.1]
 *   [--faults FILE.json] [--key-permissions JSON] [--slippage-bps 2] [--fill-legs 1] [--fee-bps 10]`
 *
 * The exchange simulator as a process (`npm start -- --exchange sim` starts it this way). Its API key
 * and secret come from EXCHANGE_API_KEY / EXCHANGE_API_SECRET (never the command line: `ps` shows
 * arguments); the replay clock from REPLAY_START / REPLAY_SPEED / REPLAY_ANCHOR_MS, as the functions'.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ReplayClock, systemClock } from '../../functions/src/adapters/replay/ReplayClock.ts';
import { EnvSchema } from '../../functions/src/config/schema.ts';
import { KeyPermissionsSchema } from './auth.ts';
import { FaultConfigSchema } from './faults.ts';
import { startExchangeSim } from './server.ts';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' },
    clock: { type: 'string', default: 'replay' },
    balances: { type: 'string', default: 'USDT=10000' },
    faults: { type: 'string' },
    'key-permissions': { type: 'string' },
    'slippage-bps': { type: 'string', default: '2' },
    'fill-legs': { type: 'string', default: '1' },
    'fee-bps': { type: 'string', default: '10' },
  },
});

const Args = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535),
  clock: z.enum(['replay', 'wall']),
  balances: z
    .string()
    .transform((s) =>
      Object.fromEntries(
        s
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=') as [string, string]),
      ),
    )
    .pipe(z.record(z.string().regex(/^[A-Z0-9]{2,15}$/), z.string().regex(/^\d{1,12}(\.\d{1,8})?$/))),
  faults: z.string().optional(),
  'key-permissions': z.string().optional(),
  'slippage-bps': z.coerce.number().min(0).max(1000).multipleOf(0.01),
  'fill-legs': z.coerce.number().int().min(1).max(20),
  'fee-bps': z.coerce.number().min(0).max(1000).multipleOf(0.01),
});
const Keys = z.object({ EXCHANGE_API_KEY: z.string().min(8), EXCHANGE_API_SECRET: z.string().min(8) });
const ReplayEnv = z.object({
  REPLAY_START: EnvSchema.shape.REPLAY_START,
  REPLAY_SPEED: EnvSchema.shape.REPLAY_SPEED,
  REPLAY_ANCHOR_MS: EnvSchema.shape.REPLAY_ANCHOR_MS,
});

try {
  const a = Args.parse(args);
  const keys = Keys.parse(process.env);
  const replay = ReplayEnv.parse(process.env);
  const marketClock =
    a.clock === 'wall'
      ? systemClock
      : new ReplayClock(Date.parse(replay.REPLAY_START), replay.REPLAY_SPEED, replay.REPLAY_ANCHOR_MS ?? Date.now());
  const permissions = KeyPermissionsSchema.parse(a['key-permissions'] ? JSON.parse(a['key-permissions']) : {});
  const faults = FaultConfigSchema.parse(a.faults ? JSON.parse(readFileSync(a.faults, 'utf8')) : {});
  const running = await startExchangeSim({
    port: a.port,
    marketClock,
    keys: [{ apiKey: keys.EXCHANGE_API_KEY, secret: keys.EXCHANGE_API_SECRET, permissions }],
    balances: a.balances,
    faults,
    slippageBps: a['slippage-bps'],
    fillLegs: a['fill-legs'],
    takerFeeBps: a['fee-bps'],
    makerFeeBps: a['fee-bps'],
    log: (line) => process.stdout.write(`${line}\n`),
  });
  console.log(
    JSON.stringify({
      message: 'exchange simulator listening',
      url: running.url,
      clock: a.clock,
      balances: a.balances,
      faults: faults.rules.length,
    }),
  );
  const stop = () => void running.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(
    `exchange simulator: ${err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(2);
}
