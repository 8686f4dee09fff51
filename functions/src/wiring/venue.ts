/**
 * The venue and broker a process trades on, by TRADING_MODE: paper (the recorded rules, no key) or live
 * (ccxt, loaded on first use). Apart from trading.ts so a process that only checks a config against
 * the venue's rules (`eagle config --set --dry-run`) loads no Firestore client.
 */
import type { Env } from '../config/schema.ts';
import { PaperBroker } from '../adapters/paper/PaperBroker.ts';
import { paperVenue } from '../adapters/paper/recordedRules.ts';
import type { CcxtBroker } from '../adapters/ccxt/CcxtBroker.ts';
import type { LazyExchange } from '../adapters/ccxt/loadExchange.ts';
import type { Broker, Venue } from '../ports/index.ts';

/** EXCHANGE_API_URL (the exchange simulator) for ccxt: createExchange rebases every REST URL onto it. */
export const apiUrlConfig = (env: Env): Record<string, unknown> => (env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {});

/**
 * Live: one broker per instance, created on first use, whose ccxt instance also serves the venue
 * (market rules, key health) and, through `exchange`, the market data and the account reads, so the
 * exchange's markets load once per instance and one rate limiter spaces all its requests. Paper: the
 * recorded rules, no key, no shared instance.
 */
export function brokerAndVenue(env: Env): {
  broker: () => Promise<(cfg: { feeBps: number; slippageBps: number }) => Broker>;
  venue: Venue;
  exchange: (() => Promise<LazyExchange>) | null;
} {
  if (env.TRADING_MODE !== 'live') return { broker: async () => (cfg) => new PaperBroker(cfg), venue: paperVenue, exchange: null };
  let live: Promise<CcxtBroker> | undefined;
  const broker = () =>
    (live ??= (async () => {
      const { createCcxtBroker } = await import('../adapters/ccxt/index.ts');
      return createCcxtBroker({
        exchangeId: env.EXCHANGE_ID,
        apiKey: env.EXCHANGE_API_KEY!,
        secret: env.EXCHANGE_API_SECRET!,
        exchangeConfig: apiUrlConfig(env),
      });
    })());
  return {
    broker: async () => {
      const b = await broker();
      return () => b;
    },
    venue: { rules: async () => (await broker()).venue.rules(), keyHealth: async (now) => (await broker()).venue.keyHealth(now) },
    exchange: async () => (await broker()).orders.lazy,
  };
}

/** The venue a process with this environment trades on (the CLI checks a new config/bot against its rules). */
export const venueFor = (env: Env): Venue => brokerAndVenue(env).venue;
