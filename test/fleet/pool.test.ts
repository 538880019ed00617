/**
 * The fleet's probe pool against real lab listeners: the caps are counted where they matter, at
 * the sockets (every client socket this process opens, and every connection the labs accept).
 */
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProbePool, type FleetProbeOptions } from '../../src/fleet/pool.js';
import type { FleetResult } from '../../src/fleet/types.js';
import { type LabServer, startLabServer } from '../../src/lab/server.js';
import { MAX_CONNECTIONS_PER_HOST } from '../../src/probe/run-probe.js';
import { addressAllocator } from '../testbed/index.js';

/** Sockets open at once, counted from their creation (or acceptance) to their 'close'. */
class OpenCounter {
  open = 0;
  peak = 0;
  private readonly perKey = new Map<string, number>();
  readonly peakPerKey = new Map<string, number>();

  /**
   * Counts the socket as open until one of `endEvents`. With `settled`, the peak is read after
   * the event loop has handled every event that was ready with the new socket's, as a server
   * sees it: the FIN of a connection the client closed just before its next one can come in the
   * same batch as the next one's accept.
   */
  track(socket: net.Socket, key: string, endEvents: readonly string[] = ['close'], settled = false): void {
    this.open++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    const notePeak = () => {
      this.peak = Math.max(this.peak, this.open);
      this.peakPerKey.set(key, Math.max(this.peakPerKey.get(key) ?? 0, this.perKey.get(key)!));
    };
    if (settled) setImmediate(notePeak);
    else notePeak();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.open--;
      this.perKey.set(key, this.perKey.get(key)! - 1);
    };
    for (const event of endEvents) socket.once(event, end);
  }

  reset(): void {
    this.peak = this.open;
    this.peakPerKey.clear();
  }
}

const clientSockets = new OpenCounter();
const labConnections = new OpenCounter();
/** When each lab port saw its first and last connection, for the no-overlap check. */
const labSpans = new Map<number, { first: number; lastClose: number }>();
const clientPerHost = new OpenCounter();
const onClient = ({ socket }: { socket: net.Socket }) => {
  clientSockets.track(socket, 'all');
  socket.once('connect', () => clientPerHost.track(socket, socket.remoteAddress!));
};
const onServer = ({ socket }: { socket: net.Socket }) => {
  // A connection ends for the lab when the client's FIN arrives ('end').
  labConnections.track(socket, `${socket.localAddress}`, ['end', 'close'], true);
  const port = socket.localPort!;
  const span = labSpans.get(port) ?? { first: performance.now(), lastClose: 0 };
  labSpans.set(port, span);
  socket.once('close', () => (span.lastClose = performance.now()));
};

const labs: LabServer[] = [];
const options: FleetProbeOptions = {
  timeoutMs: 2000,
  deadlineMs: 20_000,
  quick: true,
  version: '0.0.0-test',
  expectedName: 'localhost',
};

async function lab(scenario: string, host?: string, port = 3389): Promise<LabServer> {
  const server = await startLabServer(scenario, { host: host ?? (await addressAllocator.next()), port });
  labs.push(server);
  return server;
}

/** Waits until `condition` holds, polling; fails after `ms`. */
async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(() => {
  diagnosticsChannel.subscribe('net.client.socket', onClient as (message: unknown) => void);
  diagnosticsChannel.subscribe('net.server.socket', onServer as (message: unknown) => void);
});
after(async () => {
  diagnosticsChannel.unsubscribe('net.client.socket', onClient as (message: unknown) => void);
  diagnosticsChannel.unsubscribe('net.server.socket', onServer as (message: unknown) => void);
  await Promise.all(labs.map((server) => server.close()));
});

describe('ProbePool', { timeout: 120_000 }, () => {
  it('refuses a socket cap below one host’s connections', () => {
    assert.throws(
      () => new ProbePool({ maxProbes: 1, maxSockets: MAX_CONNECTIONS_PER_HOST - 1 }),
      RangeError,
    );
    assert.throws(() => new ProbePool({ maxProbes: 0, maxSockets: 16 }), RangeError);
    // The socket cap covers MAX_CONNECTIONS_PER_HOST per running probe: more probes could deadlock.
    assert.equal(new ProbePool({ maxProbes: 32, maxSockets: 40 }).probeLimit, 10);
    assert.equal(new ProbePool({ maxProbes: 3, maxSockets: 128 }).probeLimit, 3);
  });

  for (const quick of [true, false]) {
    it(`keeps every cap, counted at the sockets${quick ? ' (--quick)' : ' (full: TLS enumeration)'}`, async () => {
      const fleet = await Promise.all(
        Array.from({ length: 8 }, (_, index) => lab(index % 2 === 0 ? 'healthy-tls' : 'tls10-only')),
      );
      const maxSockets = 9;
      const pool = new ProbePool({ maxProbes: 16, maxSockets });
      assert.equal(pool.probeLimit, 2);
      clientSockets.reset();
      clientPerHost.reset();
      labConnections.reset();
      let peakRunning = 0;
      let peakOpen = 0;
      const sampler = setInterval(() => {
        peakRunning = Math.max(peakRunning, pool.running);
        peakOpen = Math.max(peakOpen, pool.openSockets);
      }, 1);
      const results = await Promise.all(
        fleet.map((server) => pool.probe({ host: server.host, port: server.port }, { ...options, quick })),
      );
      clearInterval(sampler);
      for (const result of results) assert.equal(result.kind, 'diagnosed', JSON.stringify(result));
      assert.ok(clientSockets.peak <= maxSockets, `${clientSockets.peak} client sockets open at once`);
      assert.ok(labConnections.peak <= maxSockets, `${labConnections.peak} lab connections at once`);
      for (const [host, peak] of clientPerHost.peakPerKey)
        assert.ok(peak <= MAX_CONNECTIONS_PER_HOST, `${peak} client sockets at once to ${host}`);
      for (const [host, peak] of labConnections.peakPerKey)
        assert.ok(peak <= MAX_CONNECTIONS_PER_HOST, `${peak} connections at once to ${host}`);
      assert.ok(peakRunning <= 2 && peakOpen <= maxSockets, `${peakRunning} probes, ${peakOpen} sockets`);
      // Many connections were made, so the caps were tested, not idle.
      assert.ok(fleet.every((server) => server.stats.connections >= 3));
      await eventually(() => pool.openSockets === 0 && pool.running === 0, 2000, 'every socket given back');
      const tls10 = results.find((result) => result.target.host === fleet[1]!.host);
      assert.ok(tls10?.kind === 'diagnosed');
      assert.ok(tls10.document.findings.some((finding) => finding.id === 'tls-legacy-only'));
    });
  }

  it('never runs two probes of one host at once (any port, any letter case)', async () => {
    const first = await lab('healthy-tls', '127.0.0.1', 0);
    const second = await lab('tls10-only', '127.0.0.1', 0);
    const pool = new ProbePool({ maxProbes: 8, maxSockets: 64 });
    const probes = [
      pool.probe({ host: 'localhost', port: first.port }, options),
      pool.probe({ host: 'LocalHost', port: second.port }, options),
    ];
    assert.equal(pool.running, 1);
    assert.equal(pool.queued, 1);
    const [a, b] = await Promise.all(probes);
    assert.equal(a!.kind, 'diagnosed');
    assert.equal(b!.kind, 'diagnosed');
    const spanA = labSpans.get(first.port)!;
    const spanB = labSpans.get(second.port)!;
    assert.ok(spanA.lastClose <= spanB.first, 'the second probe started before the first ended');
  });

  it('gives a deadline result at once, and the late probe keeps its slot until it ends', async () => {
    const silent = await lab('silent');
    const pool = new ProbePool({ maxProbes: 4, maxSockets: 16 });
    const started = performance.now();
    const result: FleetResult = await pool.probe(
      { host: silent.host, port: silent.port },
      { ...options, timeoutMs: 1500, deadlineMs: 300 },
    );
    const waited = performance.now() - started;
    assert.equal(result.kind, 'deadline');
    assert.ok(result.kind === 'deadline' && result.message === 'no verdict within 300 ms');
    assert.ok(waited >= 290 && waited < 800, `deadline result after ${Math.round(waited)} ms`);
    assert.equal(pool.running, 1, 'the late probe gave up its slot before it ended');
    assert.ok(pool.openSockets > 0);
    await eventually(() => pool.running === 0 && pool.openSockets === 0, 15_000, 'the late probe ends');
  });

  it('never rejects: our own failure is an error result, and its socket slot comes back', async () => {
    const pool = new ProbePool({ maxProbes: 2, maxSockets: 8 });
    // Node refuses a port above 65535 before any packet: an exception inside the probe.
    const result = await pool.probe({ host: '127.0.0.1', port: 70_000 }, options);
    assert.equal(result.kind, 'error');
    assert.match(result.kind === 'error' ? result.message : '', /^internal error: /);
    assert.equal(pool.openSockets, 0);
    assert.equal(pool.running, 0);
  });
});
