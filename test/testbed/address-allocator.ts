import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Hands out loopback addresses no other test is using, so every scenario can sit at the real
 * port 3389 and suites can run in parallel processes. Addresses come from 127.64.0.0/10 (far from
 * the 127.0.0.x addresses people use by hand), are checked free by binding port 3389 once, and
 * are never handed out twice by one process. Random choice keeps parallel processes apart.
 */
export interface AddressAllocator {
  next(): Promise<string>;
}

const RDP_PORT = 3389;
const tried = new Set<string>();

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export const addressAllocator: AddressAllocator = {
  async next() {
    for (let attempt = 0; attempt < 50; attempt++) {
      const address = `127.${randomInt(64, 128)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      if (tried.has(address)) continue;
      tried.add(address);
      if (await canBind(address, RDP_PORT)) return address;
    }
    throw new Error('addressAllocator: no free loopback address found in 50 tries');
  },
};
