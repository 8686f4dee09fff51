import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local fake of the Bot API's sendMessage: records each message, can answer 429 once. */
export function fakeBotApi() {
  const received: { path: string; body: { chat_id: string; text: string } }[] = [];
  let tooMany = 0;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (tooMany > 0) {
        tooMany--;
        res.statusCode = 429;
        res.end(
          JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }),
        );
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(data) });
      res.end(JSON.stringify({ ok: true, result: { message_id: received.length } }));
    });
  });
  const listen = () =>
    new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return { server, received, listen, failNext: (n: number) => (tooMany = n) };
}
