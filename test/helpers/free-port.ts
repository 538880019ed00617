import { type AddressInfo, createServer } from 'node:net';

/**
 * A port on `host` that nothing listens on right now: bound once, then closed. A connect to it is
 * refused (RST) until someone else binds it. Rejects when `host` cannot be bound (no IPv6 here).
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
