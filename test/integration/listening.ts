import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Local addresses (kernel hex form) of the sockets LISTENING on `port`, from /proc/net/tcp and tcp6. */
export function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[1]?.endsWith(`:${hexPort}`) && c[3] === '0A')
      .map((c) => c[1]!.split(':')[0]!),
  );
}

/** 127.0.0.1, ::1 or ::ffff:127.0.0.1 as /proc/net shows them. */
export const isLoopback = (hex: string) =>
  ['0100007F', '00000000000000000000000001000000', '0000000000000000FFFF00000100007F'].includes(hex);

/** A TCP port free on 127.0.0.1 right now (the kernel's pick), for a server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
  });
}
