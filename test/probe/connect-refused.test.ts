import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { connectTcp } from '../../src/probe/conversation.js';
import { freePort } from '../helpers/free-port.js';

/** Keeps the event loop busy, as start-up work does, so a short timer is due before the first poll. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('connectTcp with a tiny timeout', () => {
  it('reports a refused connect as refused, not as a timeout, when the timer is due first', async () => {
    const port = await freePort('127.0.0.1');
    const pending = connectTcp('127.0.0.1', port, 1);
    busyFor(20);
    const result = await pending;
    assert.equal(result.kind, 'failed');
    if (result.kind !== 'failed') return;
    assert.equal(result.error.code, 'ECONNREFUSED');
  });

  it('reports a connection the server already accepted as connected when the timer is due first', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const pending = connectTcp('127.0.0.1', port, 1);
    busyFor(20);
    const result = await pending;
    server.close();
    assert.equal(result.kind, 'connected');
    if (result.kind === 'connected') result.conversation.close();
  });
});
