import 'reflect-metadata';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { findScenario, LAB_SCENARIOS, type LabScenario } from '../../src/lab/scenarios.js';
import { type LabServer, startLabServer, UnknownScenarioError } from '../../src/lab/server.js';
import { postureHello, suitesForVersion } from '../../src/probe/stages/tls-posture.js';
import { DecodeError } from '../../src/wire/errors.js';
import { clientHelloRecord } from '../../src/wire/tls-client-hello.js';
import { TlsVersion } from '../../src/wire/tls-record.js';
import {
  DEFAULT_NEGOTIATE_FLAGS,
  decodeNtlmChallenge,
  describeTargetInfo,
  encodeNtlmNegotiate,
} from '../../src/wire/ntlm.js';
import { failureCodeName } from '../../src/wire/rdp-neg.js';
import { decodeTsRequest, encodeTsRequest } from '../../src/wire/ts-request.js';
import { decodeConnectionConfirm } from '../../src/wire/x224.js';
import { hex } from '../helpers/bytes.js';
import { addressAllocator } from '../testbed/address-allocator.js';

/** Client X.224 Connection Request asking for the given protocol mask (one byte is enough here). */
function connectionRequest(protocols: number): Uint8Array {
  return hex(`
    03 00 00 13            # TPKT: version 3, length 19
    0e e0 00 00 00 00 00   # X.224 CR: LI 14, code 0xe0, DST-REF 0, SRC-REF 0, class 0
    01 00 08 00            # RDP_NEG_REQ: type 1, flags 0, length 8
    ${protocols.toString(16).padStart(2, '0')} 00 00 00  # requestedProtocols (LE)
  `);
}
const REQUEST_TLS_AND_NLA = connectionRequest(0x03);
const REQUEST_RDP_ONLY = connectionRequest(0x00);
const CONFIRM_SIZE = 19;
/** Just enough of a TLS record for the lab's peek: handshake (22), TLS 1.0 record, ClientHello (1). */
const CLIENT_HELLO_START = hex('16 03 01 00 04 01 00 00 00');

interface Exchange {
  readonly bytes: Buffer;
  /** How the connection ended, or 'open' if it was still open when we stopped waiting. */
  readonly ending: 'end' | 'reset' | 'open';
  readonly chunkTimes: number[];
}

const servers: LabServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function lab(id: string): Promise<LabServer> {
  const server = await startLabServer(id, { host: await addressAllocator.next(), port: 3389 });
  servers.push(server);
  return server;
}

function open(server: LabServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes each message in turn (after the previous answer arrived) and collects what comes back. */
function exchange(
  socket: Socket,
  options: { send?: Uint8Array; waitMs: number; expectBytes?: number },
): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const chunkTimes: number[] = [];
    let settled = false;
    const finish = (ending: Exchange['ending']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      resolve({ bytes: Buffer.concat(chunks), ending, chunkTimes });
    };
    const timer = setTimeout(() => finish('open'), options.waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      chunkTimes.push(Date.now());
      if (options.expectBytes !== undefined && Buffer.concat(chunks).length >= options.expectBytes)
        finish('open');
    });
    socket.once('end', () => finish('end'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNRESET' ? 'reset' : 'end'),
    );
    socket.once('close', () => finish('end'));
    if (options.send) socket.write(options.send);
  });
}

/** Sends a request and reads the Connection Confirm (and, with untilEnd, waits for the close). */
async function negotiate(
  server: LabServer,
  request = REQUEST_TLS_AND_NLA,
  untilEnd = false,
): Promise<{ socket: Socket; answer: Exchange }> {
  const socket = await open(server);
  const answer = await exchange(socket, {
    send: request,
    waitMs: 2000,
    ...(untilEnd ? {} : { expectBytes: CONFIRM_SIZE }),
  });
  return { socket, answer };
}

/** Waits (bounded) for a server-side count that trails the client's view by a round trip. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function startTls(
  socket: Socket,
  options: { minVersion?: 'TLSv1'; ciphers?: string } = {},
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, rejectUnauthorized: false, ...options }, () => resolve(secure));
    secure.once('error', reject);
  });
}

async function peerCertificate(id: string): Promise<{ server: LabServer; tls: TLSSocket }> {
  const server = await lab(id);
  const { socket, answer } = await negotiate(server);
  assert.deepEqual(decodeConnectionConfirm(answer.bytes).negotiation, {
    type: 'response',
    flags: 0x07,
    selectedProtocol: 1,
  });
  const tls = await startTls(socket, { ciphers: 'DEFAULT@SECLEVEL=0' });
  return { server, tls };
}

const covered = new Set<string>();
function scenario(id: string, name: string, body: () => Promise<void>): void {
  covered.add(id);
  it(`${id}: ${name}`, body);
}

describe('lab scenarios', () => {
  scenario('healthy-tls', 'selects TLS, completes a TLS 1.2+ handshake and counts every step', async () => {
    const { server, tls } = await peerCertificate('healthy-tls');
    assert.match(tls.getProtocol() ?? '', /^TLSv1\.[23]$/);
    const certificate = tls.getPeerX509Certificate()!;
    assert.equal(certificate.checkHost('localhost'), 'localhost');
    assert.equal(certificate.checkIP(server.host), server.host);
    assert.ok(new Date(certificate.validTo) > new Date());
    // TLS 1.3 servers finish after the client's Finished, a moment after the client does.
    await eventually(() => server.stats.handshakesCompleted === 1, 'the server-side handshake');
    tls.destroy();
    assert.deepEqual(
      { ...server.stats },
      { connections: 1, x224Requests: 1, tlsClientHellos: 1, handshakesCompleted: 1 },
    );
  });

  scenario('healthy-tls', 'answers an RDP-only request with SSL_REQUIRED_BY_SERVER', async () => {
    const server = await lab('healthy-tls');
    const { answer } = await negotiate(server, REQUEST_RDP_ONLY);
    assert.deepEqual(decodeConnectionConfirm(answer.bytes).negotiation, {
      type: 'failure',
      flags: 0,
      failureCode: 1,
    });
  });

  scenario('tls10-only', 'completes only TLS 1.0 handshakes', async () => {
    const server = await lab('tls10-only');
    const first = await negotiate(server);
    const tls = await startTls(first.socket, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    assert.equal(tls.getProtocol(), 'TLSv1');
    await eventually(() => server.stats.handshakesCompleted === 1, 'the server-side handshake');
    tls.destroy();
    const second = await negotiate(server);
    await assert.rejects(startTls(second.socket), /protocol|version/i);
    assert.equal(server.stats.handshakesCompleted, 1);
    assert.equal(server.stats.tlsClientHellos, 2);
  });

  scenario('tls-cert-expired', 'serves a certificate whose notAfter has passed', async () => {
    const { tls } = await peerCertificate('tls-cert-expired');
    assert.ok(new Date(tls.getPeerX509Certificate()!.validTo) < new Date());
    tls.destroy();
  });

  scenario('tls-cert-wrong-name', 'serves a certificate for neither the address nor localhost', async () => {
    const { server, tls } = await peerCertificate('tls-cert-wrong-name');
    const certificate = tls.getPeerX509Certificate()!;
    assert.equal(certificate.checkHost('localhost'), undefined);
    assert.equal(certificate.checkIP(server.host), undefined);
    tls.destroy();
  });

  scenario('tls-cert-weak-key', 'serves a 1024-bit RSA key', async () => {
    const { tls } = await peerCertificate('tls-cert-weak-key');
    assert.equal(tls.getPeerX509Certificate()!.publicKey.asymmetricKeyDetails?.modulusLength, 1024);
    tls.destroy();
  });

  scenario('tls-cert-sha1', 'serves a sha1WithRSAEncryption certificate', async () => {
    const { tls } = await peerCertificate('tls-cert-sha1');
    const parsed = new x509.X509Certificate(tls.getPeerX509Certificate()!.raw);
    // OID 1.2.840.113549.1.1.5 is sha1WithRSAEncryption.
    assert.equal(parsed.signatureAlgorithm.hash.name, 'SHA-1');
    tls.destroy();
  });

  scenario('tls-cert-no-server-auth-eku', 'serves a certificate whose EKU lacks serverAuth', async () => {
    const { tls } = await peerCertificate('tls-cert-no-server-auth-eku');
    const usages = tls.getPeerX509Certificate()!.keyUsage ?? [];
    assert.ok(usages.length > 0);
    assert.ok(!usages.includes('1.3.6.1.5.5.7.3.1'));
    tls.destroy();
  });

  scenario('tls-handshake-aborted', 'closes on the ClientHello with 0 bytes', async () => {
    const server = await lab('tls-handshake-aborted');
    const { socket, answer } = await negotiate(server);
    assert.equal(decodeConnectionConfirm(answer.bytes).negotiation?.type, 'response');
    const after = await exchange(socket, { send: CLIENT_HELLO_START, waitMs: 2000 });
    assert.equal(after.bytes.length, 0);
    assert.equal(after.ending, 'end');
    assert.equal(server.stats.tlsClientHellos, 1);
    assert.equal(server.stats.handshakesCompleted, 0);
  });

  scenario('tls-alert', 'answers the ClientHello with one fatal handshake_failure alert', async () => {
    const server = await lab('tls-alert');
    const { socket } = await negotiate(server);
    const after = await exchange(socket, { send: CLIENT_HELLO_START, waitMs: 2000 });
    // content type 21 (alert), version 3.3, length 2, level 2 (fatal), description 40 (handshake_failure)
    assert.deepEqual([...after.bytes], [21, 3, 3, 0, 2, 2, 40]);
    assert.equal(after.ending, 'end');
  });

  scenario('tls-alert', 'makes a real TLS client fail with a handshake failure alert', async () => {
    const server = await lab('tls-alert');
    const { socket } = await negotiate(server);
    await assert.rejects(startTls(socket), /handshake failure|alert number 40/i);
  });

  scenario('tls-falls-back-to-rdp', "answers the ClientHello with xrdp's plain-RDP disconnect", async () => {
    const server = await lab('tls-falls-back-to-rdp');
    const { socket } = await negotiate(server);
    const after = await exchange(socket, { send: CLIENT_HELLO_START, waitMs: 2000 });
    // TPKT version 3, length 9; X.224 Data TPDU 02 f0 80; MCS Disconnect Provider Ultimatum 21 80.
    assert.deepEqual([...after.bytes], [0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80]);
    assert.notEqual(after.ending, 'timeout');
    await assert.rejects(
      startTls(await negotiate(server).then((result) => result.socket)),
      /wrong version number|ECONNRESET|socket/i,
    );
  });

  scenario('tls-garbage', 'answers the ClientHello with bytes that are neither TLS nor TPKT', async () => {
    const server = await lab('tls-garbage');
    const { socket } = await negotiate(server);
    const after = await exchange(socket, { send: CLIENT_HELLO_START, waitMs: 2000 });
    assert.ok(after.bytes.length > 0);
    assert.ok(![0x03, 0x14, 0x15, 0x16, 0x17].includes(after.bytes[0]!), `first byte ${after.bytes[0]}`);
    assert.equal(after.ending, 'end');
  });

  for (const code of [1, 2, 3, 4, 5, 6]) {
    scenario(`neg-failure-${code}`, `RDP_NEG_FAILURE decodes to code ${code}`, async () => {
      const server = await lab(`neg-failure-${code}`);
      const { answer } = await negotiate(server, REQUEST_TLS_AND_NLA, true);
      assert.deepEqual(decodeConnectionConfirm(answer.bytes).negotiation, {
        type: 'failure',
        flags: 0,
        failureCode: code,
      });
      assert.equal(answer.ending, 'end');
    });
  }

  scenario('neg-failure-unknown', 'RDP_NEG_FAILURE carries the undefined code 0x0000000a', async () => {
    const server = await lab('neg-failure-unknown');
    const { answer } = await negotiate(server);
    const negotiation = decodeConnectionConfirm(answer.bytes).negotiation;
    assert.deepEqual(negotiation, { type: 'failure', flags: 0, failureCode: 0x0a });
    assert.equal(failureCodeName(0x0a), 'unknown failure code 0x0000000a');
  });

  scenario(
    'standard-rdp-only',
    'refuses TLS with SSL_NOT_ALLOWED_BY_SERVER, selects RDP for RDP-only',
    async () => {
      const server = await lab('standard-rdp-only');
      const refused = await negotiate(server);
      assert.deepEqual(decodeConnectionConfirm(refused.answer.bytes).negotiation, {
        type: 'failure',
        flags: 0,
        failureCode: 2,
      });
      const accepted = await negotiate(server, REQUEST_RDP_ONLY);
      assert.deepEqual(decodeConnectionConfirm(accepted.answer.bytes).negotiation, {
        type: 'response',
        flags: 0x07,
        selectedProtocol: 0,
      });
      accepted.socket.destroy();
    },
  );

  scenario('closes-immediately', 'ends the connection with 0 bytes before any request', async () => {
    const server = await lab('closes-immediately');
    const result = await exchange(await open(server), { waitMs: 2000 });
    assert.deepEqual({ bytes: result.bytes.length, ending: result.ending }, { bytes: 0, ending: 'end' });
    assert.equal(server.stats.x224Requests, 0);
  });

  scenario('resets-immediately', 'resets the connection', async () => {
    const server = await lab('resets-immediately');
    const socket = connect({ host: server.host, port: server.port });
    const result = await exchange(socket, { waitMs: 2000 });
    assert.equal(result.ending, 'reset');
  });

  scenario('silent', 'reads the request and never answers', async () => {
    const server = await lab('silent');
    const socket = await open(server);
    const result = await exchange(socket, { send: REQUEST_TLS_AND_NLA, waitMs: 600 });
    assert.deepEqual({ bytes: result.bytes.length, ending: result.ending }, { bytes: 0, ending: 'open' });
    socket.destroy();
  });

  scenario('garbage', 'answers with random bytes that do not decode as a Connection Confirm', async () => {
    const server = await lab('garbage');
    const { answer } = await negotiate(server);
    assert.equal(answer.bytes.length, 64);
    assert.notEqual(answer.bytes[0], 0x03);
    assert.throws(() => decodeConnectionConfirm(answer.bytes), DecodeError);
  });

  scenario('trickle', 'delivers a valid Connection Confirm one byte per 200 ms', async () => {
    const server = await lab('trickle');
    const socket = await open(server);
    const started = Date.now();
    const answer = await exchange(socket, {
      send: REQUEST_TLS_AND_NLA,
      waitMs: 8000,
      expectBytes: CONFIRM_SIZE,
    });
    const elapsed = Date.now() - started;
    assert.deepEqual(decodeConnectionConfirm(answer.bytes).negotiation, {
      type: 'response',
      flags: 0x07,
      selectedProtocol: 1,
    });
    assert.ok(answer.chunkTimes.length >= 10, `${answer.chunkTimes.length} chunks`);
    assert.ok(elapsed >= (CONFIRM_SIZE - 1) * 200 - 100, `took ${elapsed} ms`);
    socket.destroy();
  });

  scenario(
    'drip',
    'sends the Connection Confirm and the TLS flight at about 20 bytes per second',
    async () => {
      const server = await lab('drip');
      const socket = await open(server);
      const started = Date.now();
      const confirm = await exchange(socket, {
        send: REQUEST_TLS_AND_NLA,
        waitMs: 4000,
        expectBytes: CONFIRM_SIZE,
      });
      const elapsed = Date.now() - started;
      assert.deepEqual(decodeConnectionConfirm(confirm.bytes).negotiation, {
        type: 'response',
        flags: 0x07,
        selectedProtocol: 1,
      });
      // One byte every 50 ms, the first at once.
      assert.ok(confirm.chunkTimes.length >= 5, `${confirm.chunkTimes.length} chunks`);
      assert.ok(elapsed >= (CONFIRM_SIZE - 1) * 50 - 100, `took ${elapsed} ms`);
      const hello = clientHelloRecord(postureHello(TlsVersion.TLS_1_2, suitesForVersion(TlsVersion.TLS_1_2)));
      const flight = await exchange(socket, { send: hello, waitMs: 1000 });
      assert.equal(flight.ending, 'open');
      // The start of a TLS handshake record, and in a second about 20 bytes of it.
      assert.deepEqual([...flight.bytes.subarray(0, 2)], [0x16, 0x03]);
      assert.ok(flight.bytes.length >= 8 && flight.bytes.length <= 32, `${flight.bytes.length} bytes in 1 s`);
      socket.destroy();
    },
  );

  it('drip on TLS only: the Connection Confirm comes at full speed, the TLS flight crawls', async () => {
    const drip = findScenario('drip')!;
    const tlsOnly: LabScenario = {
      ...drip,
      behaviour: {
        ...drip.behaviour,
        drip: { bytesPerSecond: 20, answers: ['tls'] },
      } as LabScenario['behaviour'],
    };
    const server = await startLabServer(tlsOnly, { host: await addressAllocator.next(), port: 3389 });
    servers.push(server);
    const socket = await open(server);
    const confirm = await exchange(socket, {
      send: REQUEST_TLS_AND_NLA,
      waitMs: 2000,
      expectBytes: CONFIRM_SIZE,
    });
    assert.equal(confirm.chunkTimes.length, 1);
    const hello = clientHelloRecord(postureHello(TlsVersion.TLS_1_2, suitesForVersion(TlsVersion.TLS_1_2)));
    const flight = await exchange(socket, { send: hello, waitMs: 500 });
    assert.equal(flight.bytes[0], 0x16);
    assert.ok(flight.bytes.length >= 4 && flight.bytes.length <= 20, `${flight.bytes.length} bytes in 0.5 s`);
    socket.destroy();
  });

  scenario('oversized-tpkt', 'sends a TPKT header of length 65535 and then stalls', async () => {
    const server = await lab('oversized-tpkt');
    const socket = await open(server);
    const answer = await exchange(socket, { send: REQUEST_TLS_AND_NLA, waitMs: 600 });
    assert.deepEqual([...answer.bytes], [0x03, 0x00, 0xff, 0xff]);
    assert.equal(answer.ending, 'open');
    socket.destroy();
  });

  scenario('http', 'answers like an HTTP server', async () => {
    const server = await lab('http');
    const { answer } = await negotiate(server);
    assert.match(answer.bytes.toString('latin1'), /^HTTP\/1\.1 400 /);
  });

  scenario('ssh', 'sends an SSH banner before the client says anything', async () => {
    const server = await lab('ssh');
    const socket = await open(server);
    const banner = await exchange(socket, { waitMs: 2000, expectBytes: 8 });
    assert.match(banner.bytes.toString('latin1'), /^SSH-2\.0-/);
    socket.destroy();
  });

  const nla: Array<[string, number, string, number]> = [
    ['nla-required', 6, '10.0.20348', 0],
    ['credssp-v3', 3, '10.0.14393', 0],
    ['clock-skew', 6, '10.0.17763', -3_600_000],
    ['os-end-of-life', 6, '6.1.7601', 0],
  ];
  for (const [id, version, build, offsetMs] of nla) {
    scenario(
      id,
      `selects CredSSP and answers NTLM NEGOTIATE with CredSSP v${version}, build ${build}`,
      async () => {
        const server = await lab(id);
        const { socket, answer } = await negotiate(server, connectionRequest(0x0b));
        const confirm = decodeConnectionConfirm(answer.bytes).negotiation;
        assert.deepEqual(confirm, { type: 'response', flags: 0x07, selectedProtocol: 0x08 });
        const secure = await startTls(socket);
        const negotiateMessage = encodeNtlmNegotiate({
          flags: DEFAULT_NEGOTIATE_FLAGS,
          domain: '',
          workstation: '',
          version: { major: 10, minor: 0, build: 19041, revision: 15 },
        });
        const reply = await exchange(secure as unknown as Socket, {
          send: encodeTsRequest({ version: 6, negoTokens: [negotiateMessage] }),
          waitMs: 2000,
          expectBytes: 64,
        });
        const request = decodeTsRequest(reply.bytes);
        assert.equal(request.version, version);
        const challenge = decodeNtlmChallenge(request.negoTokens![0]!);
        const version3 = challenge.version!;
        assert.equal(`${version3.major}.${version3.minor}.${version3.build}`, build);
        const info = describeTargetInfo(challenge.targetInfo);
        assert.equal(info.nbComputerName, 'LAB-RDP');
        assert.equal(info.dnsComputerName, 'lab-rdp.lab.rdp-doctor.invalid');
        const skew = info.timestamp!.getTime() - Date.now();
        assert.ok(Math.abs(skew - offsetMs) < 60_000, `clock offset ${skew} ms, expected about ${offsetMs}`);
        secure.destroy();
      },
    );
  }
  scenario('nla-required', 'answers a TLS-only request with HYBRID_REQUIRED_BY_SERVER', async () => {
    const server = await lab('nla-required');
    const { answer } = await negotiate(server, connectionRequest(0x01));
    assert.deepEqual(decodeConnectionConfirm(answer.bytes).negotiation, {
      type: 'failure',
      flags: 0,
      failureCode: 5,
    });
  });

  it('has a test for every scenario in the catalogue', () => {
    assert.deepEqual(
      LAB_SCENARIOS.map((each) => each.id).filter((id) => !covered.has(id)),
      [],
    );
    assert.equal(new Set(LAB_SCENARIOS.map((each) => each.id)).size, LAB_SCENARIOS.length);
  });
});

describe('lab server robustness', () => {
  it('rejects an unknown scenario id', async () => {
    await assert.rejects(startLabServer('no-such', { host: '127.0.0.1', port: 0 }), UnknownScenarioError);
  });

  it('survives hostile and vanishing clients and keeps serving', async () => {
    const server = await lab('healthy-tls');
    // Not a TPKT at all.
    await exchange(await open(server), { send: Buffer.from('GET / HTTP/1.0\r\n\r\n'), waitMs: 1000 });
    // A TPKT whose X.224 part does not decode.
    await exchange(await open(server), { send: hex('03 00 00 0b 06 d0 00 00 00 00 00'), waitMs: 1000 });
    // A flood without a frame end.
    const flood = await open(server);
    flood.on('error', () => {});
    flood.write(Buffer.concat([hex('03 00 ff ff'), Buffer.alloc(100_000)]));
    // A client that vanishes after the ClientHello started.
    const { socket } = await negotiate(server);
    socket.write(CLIENT_HELLO_START);
    socket.destroy();
    // A client that resets mid-request.
    const reset = await open(server);
    reset.write(REQUEST_TLS_AND_NLA.subarray(0, 5));
    reset.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { answer } = await negotiate(server);
    assert.equal(decodeConnectionConfirm(answer.bytes).negotiation?.type, 'response');
  });

  it('close() ends every open connection and can be called twice', async () => {
    const server = await startLabServer('silent', { host: await addressAllocator.next(), port: 3389 });
    const socket = await open(server);
    const ended = exchange(socket, { waitMs: 3000 });
    await server.close();
    await server.close();
    assert.notEqual((await ended).ending, 'open');
  });
});
