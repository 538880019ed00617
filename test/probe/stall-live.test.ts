import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import tls from 'node:tls';
import { labCertificate } from '../../src/lab/certificates.js';
import { findScenario, type LabScenario } from '../../src/lab/scenarios.js';
import { type LabServer, startLabServer } from '../../src/lab/server.js';
import { runProbe } from '../../src/probe/run-probe.js';
import { credsspStage } from '../../src/probe/stages/credssp.js';
import { rdpSecurityStage } from '../../src/probe/stages/rdp-security.js';
import type { ProbeObservations, StallProgress } from '../../src/probe/types.js';
import { Protocol } from '../../src/wire/rdp-neg.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeConnectionRequest, encodeConnectionConfirm } from '../../src/wire/x224.js';
import { addressAllocator } from '../testbed/address-allocator.js';

/**
 * Each stage that times out records how far the server's answer had got: against the drip lab
 * (answers at 20 bytes per second) the bytes so far, valid, and the size their header announced;
 * against a silent server, no byte at all.
 */

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function lab(scenario: LabScenario | string): Promise<LabServer> {
  const server = await startLabServer(scenario, { host: await addressAllocator.next(), port: 3389 });
  closers.push(() => server.close());
  return server;
}

function dripping(id: string, drip: { bytesPerSecond: number; answers: ('tls' | 'credssp')[] }): LabScenario {
  const scenario = findScenario(id)!;
  return { ...scenario, behaviour: { ...scenario.behaviour, drip } as LabScenario['behaviour'] };
}

function probe(server: { host: string; port: number }, timeoutMs: number): Promise<ProbeObservations> {
  return runProbe(
    { host: server.host, port: server.port },
    { timeoutMs, tlsPosture: false, extraStages: { credssp: credsspStage, rdpSecurity: rdpSecurityStage } },
  );
}

function assertDripped(stall: StallProgress | undefined, timeoutMs: number, what: string): void {
  assert.ok(stall, `${what}: no stall recorded`);
  assert.ok(stall.bytesReceived > 0, `${what}: ${stall.bytesReceived} bytes`);
  assert.equal(stall.validSoFar, true, what);
  assert.ok(stall.expectedBytes !== undefined && stall.expectedBytes > stall.bytesReceived, what);
  assert.ok(stall.firstByteMs !== undefined && stall.lastByteMs !== undefined, what);
  assert.ok(stall.firstByteMs <= stall.lastByteMs && stall.lastByteMs <= timeoutMs + 50, what);
  // 20 bytes per second: a fraction of the timeout's worth, never the whole answer.
  assert.ok(stall.bytesReceived <= (timeoutMs / 1000) * 20 + 3, `${what}: ${stall.bytesReceived} bytes`);
}

function assertSilent(stall: StallProgress | undefined, what: string): void {
  assert.deepEqual(stall, { bytesReceived: 0, validSoFar: true }, what);
}

/** Answers the Connection Request (selecting `selected`), then: silent, or a TLS handshake and silence. */
async function answerThenSilent(selected: number, after: 'silent' | 'tls-then-silent') {
  const host = await addressAllocator.next();
  const certificate = await labCertificate('good', [host]);
  const context = tls.createSecureContext({
    cert: certificate.certificatePem,
    key: certificate.privateKeyPem,
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const frame = tpktFrameLength(buffered);
      if (frame.kind !== 'length' || buffered.length < frame.length) return;
      socket.off('data', onData);
      socket.pause();
      const requested = decodeConnectionRequest(buffered.subarray(0, frame.length)).negotiation
        ?.requestedProtocols;
      socket.write(
        encodeConnectionConfirm({
          dstRef: 0,
          srcRef: 0x1234,
          classOptions: 0,
          negotiation:
            requested === Protocol.RDP
              ? { type: 'failure', flags: 0, failureCode: 1 }
              : { type: 'response', flags: 0, selectedProtocol: selected },
        }),
      );
      if (after === 'silent') {
        socket.resume();
        return;
      }
      // The client's ClientHello comes only after our confirm: nothing is lost to the upgrade.
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
      secure.on('error', () => socket.destroy());
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(3389, host, resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { host, port: 3389 };
}

describe('stall progress recorded by each stage that times out', () => {
  it('negotiation: every request against the drip lab, and against a silent listener', async () => {
    const timeoutMs = 400;
    const dripped = await probe(await lab('drip'), timeoutMs);
    const probes = dripped.negotiation!.observation!.probes;
    assert.equal(probes.length, 5);
    for (const each of probes) {
      assert.equal(each.endedBy, 'timeout', each.label);
      assertDripped(each.stall, timeoutMs, `negotiation ${each.label}`);
      // A Connection Confirm with an RDP_NEG_RSP or RDP_NEG_FAILURE: 19 bytes.
      assert.equal(each.stall?.expectedBytes, 19);
    }
    const silent = await probe(await lab('silent'), timeoutMs);
    for (const each of silent.negotiation!.observation!.probes) {
      assert.equal(each.outcome, 'timeout', each.label);
      assertSilent(each.stall, `negotiation ${each.label}`);
    }
  });

  it('TLS: the handshake flight dripping, and a server that selects TLS then says nothing', async () => {
    const timeoutMs = 600;
    const dripped = await probe(
      await lab(dripping('drip', { bytesPerSecond: 20, answers: ['tls'] })),
      timeoutMs,
    );
    const observation = dripped.tls!.observation!;
    assert.equal(observation.outcome, 'timeout');
    assertDripped(observation.stall, timeoutMs, 'tls');
    assert.equal(observation.stall?.bytesReceived, observation.serverBytesBeforeClose);
    const silent = await probe(await answerThenSilent(Protocol.SSL, 'silent'), timeoutMs);
    assert.equal(silent.tls?.observation?.outcome, 'timeout');
    assertSilent(silent.tls?.observation?.stall, 'tls');
  });

  it('CredSSP: the TSRequest dripping after a full-speed handshake, and a server silent after it', async () => {
    const timeoutMs = 800;
    const dripped = await probe(
      await lab(dripping('nla-required', { bytesPerSecond: 20, answers: ['credssp'] })),
      timeoutMs,
    );
    assert.equal(dripped.tls?.status, 'ok');
    const observation = dripped.credssp!.observation as { outcome: string; stall?: StallProgress };
    assert.equal(observation.outcome, 'timeout');
    assertDripped(observation.stall, timeoutMs, 'credssp');
    const silent = await probe(await answerThenSilent(Protocol.HYBRID_EX, 'tls-then-silent'), timeoutMs);
    assert.equal(silent.tls?.status, 'ok');
    const silentObservation = silent.credssp!.observation as { outcome: string; stall?: StallProgress };
    assert.equal(silentObservation.outcome, 'timeout');
    assertSilent(silentObservation.stall, 'credssp');
  });
});
