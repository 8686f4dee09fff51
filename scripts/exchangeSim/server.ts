/**
 * The exchange in a box: a local HTTP server speaking the subset of Binance's spot REST API that
 * ccxt's `binance` class calls in this project, in front of the simulated exchange (exchange.ts).
 * Test-only admin endpoints live under /__sim/ (admin.ts). Bind it to 127.0.0.1 only: the admin
 * endpoints have no authentication.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { adminRoutes } from './admin.ts';
import { SimError } from './errors.ts';
import { faultAnswer } from './faults.ts';
import { ExchangeSim, type Reply, type Request, type SimOptions } from './exchange.ts';

export { ExchangeSim, type Reply, type Request, type SimOptions } from './exchange.ts';

const MAX_BODY = 64 * 1024;

export interface RunningSim {
  readonly sim: ExchangeSim;
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new SimError(413, -1000, 'request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    'Content-Type': typeof reply.body === 'string' ? 'text/plain' : 'application/json;charset=UTF-8',
    ...reply.headers,
  });
  res.end(text);
}

/** Start the simulator on host:port (port 0 = an ephemeral one). */
export async function startExchangeSim(opts: SimOptions & { port?: number; host?: string }): Promise<RunningSim> {
  const sim = new ExchangeSim(opts);
  const admin = adminRoutes(sim);
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const wait = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => (timers.delete(t), r()), ms);
      timers.add(t);
    });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const body = await readBody(req);
      const query = url.search.slice(1);
      const params = new URLSearchParams(query);
      if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
        for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
      const request: Request = { method: req.method ?? 'GET', path: url.pathname, params, query, body, headers: req.headers };
      const routeKey = `${request.method} ${request.path}`;
      if (url.pathname.startsWith('/__sim/')) return send(res, admin(request));
      const decision = sim.faults.decide(routeKey);
      if (decision.latencyMs > 0) await wait(decision.latencyMs);
      const fault = decision.fault;
      const hang = async () => {
        await wait(fault!.ms ?? 30_000);
        res.destroy();
      };
      if (fault && !fault.afterEffect) {
        opts.log?.(JSON.stringify({ route: routeKey, fault: fault.kind }));
        if (fault.kind === 'timeout') return hang();
        return send(res, faultAnswer(fault, sim.wallClock.now()));
      }
      const reply = sim.handle(request);
      const code =
        typeof reply.body === 'object' && reply.body !== null && 'code' in reply.body ? (reply.body as { code: unknown }).code : undefined;
      opts.log?.(
        JSON.stringify({
          route: routeKey,
          status: reply.status ?? 200,
          ...(code !== undefined && { code }),
          ...(fault && { fault: fault.kind, afterEffect: true }),
        }),
      );
      if (fault) return fault.kind === 'timeout' ? hang() : send(res, faultAnswer(fault, sim.wallClock.now()));
      send(res, reply);
    })().catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      const e = err instanceof SimError ? err : new SimError(500, -1000, 'An unknown error occurred while processing the request.');
      if (!(err instanceof SimError)) opts.log?.(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      send(res, { status: e.status, body: { code: e.code, msg: e.msg } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    sim,
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
