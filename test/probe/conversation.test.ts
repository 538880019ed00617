import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { connectTcp } from '../../src/probe/conversation.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { hex } from '../helpers/bytes.js';

const servers: net.Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

/** A loopback server that runs `behave` on every connection. */
async function serve(behave: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    behave(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function converse(port: number, timeoutMs = 1000, maxBytes?: number) {
  const connect = await connectTcp('127.0.0.1', port, 1000);
  assert.equal(connect.kind, 'connected');
  if (connect.kind !== 'connected') throw new Error('unreachable');
  const result = await connect.conversation.readFrame(tpktFrameLength, timeoutMs, maxBytes);
  connect.conversation.close();
  return result;
}

const CONFIRM = hex('03 00 00 13 0e d0 00 00 12 34 00 02 01 08 00 01 00 00 00');

describe('Conversation.readFrame', () => {
  it('reassembles a PDU sent one byte at a time', async () => {
    const port = await serve((socket) => {
      let index = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || index >= CONFIRM.length) return clearInterval(timer);
        socket.write(CONFIRM.subarray(index, ++index));
      }, 2);
    });
    const result = await converse(port);
    assert.equal(result.kind, 'pdu');
    if (result.kind === 'pdu') assert.deepEqual(result.bytes, CONFIRM);
  });

  it('returns exactly one frame when two arrive together', async () => {
    const port = await serve((socket) => socket.write(Buffer.concat([CONFIRM, CONFIRM])));
    const result = await converse(port);
    assert.equal(result.kind, 'pdu');
    if (result.kind === 'pdu') assert.equal(result.bytes.length, CONFIRM.length);
  });

  it('reports a close before any byte', async () => {
    const port = await serve((socket) => socket.end());
    assert.equal((await converse(port)).kind, 'closed');
  });

  it('reports a reset, during the connect or the read', async () => {
    const port = await serve((socket) => socket.resetAndDestroy());
    // The RST can beat libuv's connect callback; either way it must read as a reset.
    const connect = await connectTcp('127.0.0.1', port, 1000);
    if (connect.kind === 'failed') {
      assert.equal(connect.error.code, 'ECONNRESET');
      return;
    }
    const result = await connect.conversation.readFrame(tpktFrameLength, 1000);
    assert.equal(result.kind, 'reset');
  });

  it('times out on a silent peer, keeping what arrived', async () => {
    const port = await serve((socket) => socket.write(hex('03 00')));
    const result = await converse(port, 150);
    assert.equal(result.kind, 'timeout');
    if (result.kind === 'timeout') assert.deepEqual(result.received, hex('03 00'));
  });

  it('stops at once on bytes that are not TPKT', async () => {
    const port = await serve((socket) => socket.write('HTTP/1.1 200 OK\r\n\r\n'));
    const result = await converse(port);
    assert.equal(result.kind, 'malformed');
    if (result.kind === 'malformed') assert.equal(result.error.field, 'version');
  });

  it('refuses to buffer past the cap when a huge length is promised', async () => {
    const port = await serve((socket) => {
      socket.write(hex('03 00 ff ff'));
      socket.write(Buffer.alloc(5000, 0x41));
    });
    const result = await converse(port, 1000, 1024);
    assert.equal(result.kind, 'malformed');
    if (result.kind === 'malformed') assert.equal(result.error.kind, 'too-large');
  });

  it('reports a refused port as a failed connect', async () => {
    const port = await serve(() => {});
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const connect = await connectTcp('127.0.0.1', port, 500);
    assert.equal(connect.kind, 'failed');
    if (connect.kind === 'failed') assert.equal(connect.error.code, 'ECONNREFUSED');
  });
});
