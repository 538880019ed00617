import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_PROFILES } from '../../src/data/clients/index.js';
import { MAX_CONNECTIONS_PER_HOST, runProbe } from '../../src/probe/run-probe.js';
import { helloProfileOf } from '../../src/probe/stages/tls-posture.js';
import { NegFailureCode, Protocol } from '../../src/wire/rdp-neg.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeConnectionRequest, encodeConnectionConfirm } from '../../src/wire/x224.js';

const root = join(import.meta.dirname, '..', '..');
const MODERN_REQUEST = Protocol.SSL | Protocol.HYBRID | Protocol.HYBRID_EX;

/**
 * Issue #13's empty runs, made deterministic. A loaded server answers the modern request (sent
 * first) after the SSL-only one, then never answers a ClientHello, and drops connections left
 * idle. The posture then starts before the handshake's connection is chosen, so its hellos queued
 * for cap slots while the SSL connection could not yet be a spare; once it was, the spares held
 * every slot the queued hellos waited for, and only a new hello would have taken one: a deadlock.
 * When the server dropped the idle spares, nothing was left for the event loop to wait on, and the
 * bin exited 0 with nothing printed.
 */
class OutOfOrderServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.serve(socket));
  port = 0;

  constructor(
    private readonly modernDelayMs: number,
    /** Drops a connection this long after it was accepted (0: never). */
    private readonly dropAfterMs: number,
  ) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    const timers: NodeJS.Timeout[] = [];
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const timer of timers) clearTimeout(timer);
    });
    socket.on('error', () => {});
    if (this.dropAfterMs > 0) timers.push(setTimeout(() => socket.destroy(), this.dropAfterMs));
    let buffered = Buffer.alloc(0);
    let confirmed = false;
    socket.on('data', (chunk) => {
      // After the confirm: silent (every ClientHello goes unanswered).
      if (confirmed) return;
      buffered = Buffer.concat([buffered, chunk]);
      const frame = tpktFrameLength(buffered);
      if (frame.kind !== 'length' || buffered.length < frame.length) return;
      confirmed = true;
      const requested = decodeConnectionRequest(buffered.subarray(0, frame.length)).negotiation
        ?.requestedProtocols;
      const confirm = encodeConnectionConfirm({
        dstRef: 0,
        srcRef: 0x1234,
        classOptions: 0,
        negotiation:
          requested === undefined || requested === Protocol.RDP
            ? { type: 'failure', flags: 0, failureCode: NegFailureCode.SSL_REQUIRED_BY_SERVER }
            : { type: 'response', flags: 0, selectedProtocol: Protocol.SSL },
      });
      const delay = requested === MODERN_REQUEST ? this.modernDelayMs : 0;
      timers.push(setTimeout(() => socket.write(confirm), delay));
    });
  }
}

const TIMEOUT_MS = 500;

/**
 * Counts our own connections open at once, the moment each is opened (a server's count lags: it
 * sees a close after the next connect).
 */
function countConnections(): { most: () => number; stop: () => void } {
  const original = net.connect;
  const sockets: net.Socket[] = [];
  let most = 0;
  net.connect = ((...args: Parameters<typeof net.connect>) => {
    const socket = original(...args);
    sockets.push(socket);
    most = Math.max(most, sockets.filter((each) => !each.destroyed).length);
    return socket;
  }) as typeof net.connect;
  return { most: () => most, stop: () => void (net.connect = original) };
}
const clients = CLIENT_PROFILES.map(helloProfileOf);

describe('the probe never waits for cap slots that only spares hold (issue #13)', () => {
  const servers: OutOfOrderServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });
  const serve = async (modernDelayMs: number, dropAfterMs: number) => {
    const server = new OutOfOrderServer(modernDelayMs, dropAfterMs);
    await server.start();
    servers.push(server);
    return server;
  };

  it('the modern answer last, then silence: the probe ends, within the cap, with every stage', async () => {
    const server = await serve(150, 0);
    const connections = countConnections();
    after(connections.stop);
    const started = performance.now();
    let stuck: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      runProbe({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS, tlsPosture: { clients } }),
      new Promise<never>((_, reject) => {
        stuck = setTimeout(() => reject(new Error('the probe never finished')), 20 * TIMEOUT_MS);
      }),
    ]).finally(() => {
      clearTimeout(stuck);
      connections.stop();
    });
    // The posture's budget is two step timeouts, after a negotiation of a fraction of one.
    assert.ok(performance.now() - started < 6 * TIMEOUT_MS, `took ${performance.now() - started} ms`);
    assert.equal(result.tls?.status, 'failed');
    assert.equal(result.tlsPosture?.status, 'failed');
    assert.equal(result.negotiation?.observation?.probes.length, 5);
    assert.ok(connections.most() > 1);
    assert.ok(connections.most() <= MAX_CONNECTIONS_PER_HOST, `${connections.most()} connections at once`);
  });

  describe('the bin against a server that also drops idle connections', () => {
    let server: OutOfOrderServer;
    before(async () => {
      server = await serve(150, 3 * TIMEOUT_MS);
    });

    it('prints a report, never exits 0 with nothing', async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'src/cli/bin.ts'),
          'diagnose',
          `127.0.0.1:${server.port}`,
          '-t',
          String(TIMEOUT_MS),
        ],
        { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const killer = setTimeout(() => child.kill(), 30_000);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      clearTimeout(killer);
      assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
      assert.match(stdout, /^rdp-doctor diagnose 127\.0\.0\.1:\d+$/m);
      assert.match(stdout, /^Verdict: /m);
      assert.equal(stderr, '');
    });
  });
});
