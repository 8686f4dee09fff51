/**
 * Test-only: one raw HTTP request to a local server with exactly these headers (fetch would add its
 * own), for the fuzz suites of the HTTP functions. A server that answers 413 and closes before
 * reading a large body reads as that 413.
 */
import { request } from 'node:http';

export type RawReply = { status: number; contentType: string | undefined; body: string };

export function sendRaw(port: number, method: string, headers: Record<string, string>, body: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: '/', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () =>
            resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }),
          );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET'
        ? resolve({ status: 413, contentType: 'application/json', body: '{"error":"closed"}' })
        : reject(err),
    );
    req.end(body);
  });
}
