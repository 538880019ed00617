import { createConnection, createServer, type Socket } from 'node:net';
import type { RunningServer } from './process.js';

/**
 * A TCP forwarder on a loopback address that holds every chunk for `delayMs` in each direction:
 * a long-latency path (a congested VPN, a satellite link) in front of a real server. Order is kept
 * per direction; everything stays on loopback.
 */
export async function startDelayProxy(
  listen: { host: string; port: number },
  target: { host: string; port: number },
  delayMs: number,
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const relay = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!to.destroyed) to.write(chunk);
      }, delayMs);
      timers.add(timer);
    });
    from.on('end', () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        to.end();
      }, delayMs);
      timers.add(timer);
    });
    from.on('error', () => to.destroy());
    from.on('close', () => sockets.delete(from));
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client);
    sockets.add(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    host: listen.host,
    port: listen.port,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
