import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import * as x509 from '@peculiar/x509';
import {
  findScenario,
  LAB_ACCOUNT_PASSWORD,
  LAB_SCENARIOS,
  type LabScenario,
} from '../../src/lab/scenarios.js';
import { type LabServer, startLabServer, UnknownScenarioError } from '../../src/lab/server.js';
import { parseUser, withPassword } from '../../src/probe/credentials.js';
import { LicensingClient } from '../../src/probe/stages/licensing.js';
import { logonWithCredssp } from '../../src/probe/stages/credssp-logon.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
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
import { failureCodeName, Protocol } from '../../src/wire/rdp-neg.js';
import { decodeTsRequest, encodeTsRequest } from '../../src/wire/ts-request.js';
import { decodeConnectionConfirm } from '../../src/wire/x224.js';
import { hex } from '../helpers/bytes.js';
import { addressAllocator } from '../testbed/address-allocator.js';
import {
  clientUltimatum,
  eventKinds,
  REACHES_LOGON_SCREEN,
  type ServerEvent,
  TestSequenceClient,
} from './sequence-client.js';

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
      {
        connections: 1,
        x224Requests: 1,
        tlsClientHellos: 1,
        handshakesCompleted: 1,
        ntlmAuthenticates: 0,
        clientInfos: 0,
        credentialedClientInfos: 0,
        demandActives: 0,
      },
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

  describe('after the security layer: the connection sequence', () => {
    scenario('healthy-tls', 'reaches Demand Active and the Font Map, without credentials', async () => {
      const server = await lab('healthy-tls');
      const run = await sequenceOverTls(server);
      assert.deepEqual(eventKinds(run.events), REACHES_LOGON_SCREEN);
      assert.equal(run.ending, 'open', 'the logon screen waits for the user');
      assert.deepEqual(
        pick(server.stats, ['clientInfos', 'credentialedClientInfos', 'demandActives', 'ntlmAuthenticates']),
        { clientInfos: 1, credentialedClientInfos: 0, demandActives: 1, ntlmAuthenticates: 0 },
      );
    });

    scenario('standard-rdp-only', 'walks to the logon screen under RC4 128-bit', async () => {
      const server = await lab('standard-rdp-only');
      const run = await sequenceOverRdp(server);
      assert.deepEqual(eventKinds(run.events), REACHES_LOGON_SCREEN);
      assert.deepEqual(run.events[0], {
        kind: 'connect-response',
        encryptionMethod: 0x02,
        encryptionLevel: 2,
      });
      assert.equal(server.stats.demandActives, 1);
    });

    scenario('standard-rdp-fips', 'walks to the logon screen under FIPS (3DES, HMAC-SHA1)', async () => {
      const server = await lab('standard-rdp-fips');
      const run = await sequenceOverRdp(server);
      assert.deepEqual(eventKinds(run.events), REACHES_LOGON_SCREEN);
      assert.deepEqual(run.events[0], {
        kind: 'connect-response',
        encryptionMethod: 0x10,
        encryptionLevel: 4,
      });
    });

    scenario('standard-rdp-closed-at-mcs', 'closes at the MCS Connect Initial with 0 bytes', async () => {
      const server = await lab('standard-rdp-closed-at-mcs');
      const run = await sequenceOverRdp(server);
      assert.deepEqual(run.events, []);
      assert.equal(run.ending, 'end');
    });

    /** Each denial as the test expects it, written out rather than read from the scenario. */
    const errorInfoDenials: ReadonlyArray<readonly [string, number, 'licensing' | 'demand-active']> = [
      ['server-denied-connection', 0x7, 'demand-active'],
      ['session-limit', 0x4, 'demand-active'],
      ['fresh-credentials-required', 0xa, 'demand-active'],
      ['broker-destination-not-found', 0x400, 'demand-active'],
      ['server-out-of-memory', 0x6, 'demand-active'],
      ['errinfo-license-internal', 0x100, 'licensing'],
      ['errinfo-license-no-license-server', 0x101, 'licensing'],
      ['errinfo-license-no-license', 0x102, 'licensing'],
      ['errinfo-license-bad-client-msg', 0x103, 'licensing'],
      ['errinfo-license-hwid-doesnt-match-license', 0x104, 'licensing'],
      ['errinfo-license-bad-client-license', 0x105, 'licensing'],
      ['errinfo-license-cant-finish-protocol', 0x106, 'licensing'],
      ['errinfo-license-client-ended-protocol', 0x107, 'licensing'],
      ['errinfo-license-bad-client-encryption', 0x108, 'licensing'],
      ['errinfo-license-cant-upgrade-license', 0x109, 'licensing'],
      ['errinfo-license-no-remote-connections', 0x10a, 'licensing'],
    ];
    for (const [id, errorInfo, instead] of errorInfoDenials) {
      scenario(
        id,
        `sends Set Error Info 0x${errorInfo.toString(16)} instead of the ${instead} answer, an ultimatum, then FIN`,
        async () => {
          const server = await lab(id);
          const run = await sequenceOverTls(server, { licensing: instead === 'licensing' });
          const kinds = eventKinds(run.events);
          assert.deepEqual(kinds.slice(-2), ['data:set-error-info', 'ultimatum']);
          const data = run.events.at(-2) as Extract<ServerEvent, { kind: 'data' }>;
          assert.deepEqual(data.body, { kind: 'set-error-info', errorInfo });
          assert.deepEqual(run.events.at(-1), { kind: 'ultimatum', reason: 3 });
          assert.equal(run.ending, 'end');
          assert.equal(server.stats.demandActives, 0);
          const licensing = run.events.filter((event) => event.kind === 'licensing');
          if (instead === 'licensing') {
            // The License Request came and was answered; the Platform Challenge did not.
            assert.deepEqual(
              licensing.map((event) => event.kind === 'licensing' && event.pdu.type),
              ['license-request'],
            );
          } else {
            assert.equal(licensing.length, 1, 'STATUS_VALID_CLIENT, then the denial');
          }
        },
      );
    }

    scenario(
      'licensing-error-alert',
      'ends licensing with ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT',
      async () => {
        const server = await lab('licensing-error-alert');
        const run = await sequenceOverTls(server, { licensing: true });
        const licensing = run.events.flatMap((event) => (event.kind === 'licensing' ? [event.pdu] : []));
        assert.deepEqual(
          licensing.map((pdu) =>
            pdu.type === 'error-alert' ? [pdu.type, pdu.errorCode, pdu.stateTransition] : [pdu.type],
          ),
          [['license-request'], ['error-alert', 0x06, 0x01]],
        );
        assert.deepEqual(run.events.at(-1), { kind: 'ultimatum', reason: 3 });
        assert.equal(run.ending, 'end');
      },
    );

    scenario('licensing-full-exchange', 'issues a license, then reaches the logon screen', async () => {
      const server = await lab('licensing-full-exchange');
      const run = await sequenceOverTls(server, { licensing: true });
      const licensing = run.events.flatMap((event) => (event.kind === 'licensing' ? [event.pdu.type] : []));
      assert.deepEqual(licensing, ['license-request', 'platform-challenge', 'new-license']);
      assert.equal(server.stats.demandActives, 1);
    });

    scenario(
      'disconnect-ultimatum',
      'answers the Client Info with rn-provider-initiated, then FIN',
      async () => {
        const server = await lab('disconnect-ultimatum');
        const run = await sequenceOverTls(server);
        assert.deepEqual(eventKinds(run.events).slice(-2), ['channel-join-confirm', 'ultimatum']);
        assert.deepEqual(run.events.at(-1), { kind: 'ultimatum', reason: 1 });
        assert.equal(run.ending, 'end');
        assert.equal(server.stats.clientInfos, 1);
      },
    );

    scenario(
      'stall-after-licensing',
      'sends STATUS_VALID_CLIENT and then nothing, the connection open',
      async () => {
        const server = await lab('stall-after-licensing');
        const run = await sequenceOverTls(server, { quietMs: 600 });
        assert.deepEqual(eventKinds(run.events).at(-1), 'licensing');
        assert.equal(run.ending, 'open');
        assert.equal(server.stats.demandActives, 0);
      },
    );

    scenario(
      'broker-redirect',
      'sends a Server Redirection PDU after licensing instead of the Demand Active, then FIN',
      async () => {
        const server = await lab('broker-redirect');
        const run = await sequenceOverTls(server);
        assert.deepEqual(eventKinds(run.events).slice(-2), ['licensing', 'redirection']);
        const last = run.events.at(-1);
        assert.ok(last?.kind === 'redirection');
        assert.equal(last.packet.targetFqdn, 'rdsh1.lab.test');
        assert.equal(last.packet.passwordLength, 16);
        assert.equal(run.ending, 'end');
        assert.equal(server.stats.demandActives, 0);
      },
    );

    scenario('reset-after-client-info', 'resets the connection on the Client Info', async () => {
      const server = await lab('reset-after-client-info');
      const run = await sequenceOverTls(server);
      assert.deepEqual(eventKinds(run.events).at(-1), 'channel-join-confirm');
      assert.equal(run.ending, 'reset');
    });

    scenario('nla-accounts', 'answers each account with its own logon outcome', async () => {
      const server = await lab('nla-accounts');
      const refusals: Array<[string, string, number]> = [
        ['good', 'wrong password', 0x8009030c],
        ['nobody', LAB_ACCOUNT_PASSWORD, 0x8009030c],
        ['locked', LAB_ACCOUNT_PASSWORD, 0xc0000234],
        ['disabled', LAB_ACCOUNT_PASSWORD, 0xc0000072],
        ['expired', LAB_ACCOUNT_PASSWORD, 0xc0000193],
        ['password-expired', LAB_ACCOUNT_PASSWORD, 0xc0000071],
        ['must-change', LAB_ACCOUNT_PASSWORD, 0xc0000224],
        ['logon-type-not-granted', LAB_ACCOUNT_PASSWORD, 0xc000015b],
      ];
      for (const [user, password, errorCode] of refusals) {
        const { facts } = await nlaLogon(server, user, password, 0x0b);
        assert.deepEqual([facts.status, facts.errorCode], ['refused', errorCode], user);
      }
      assert.equal(server.stats.ntlmAuthenticates, refusals.length);
    });

    scenario(
      'nla-accounts',
      'after an accepted logon: the sequence as that user, to Save Session Info',
      async () => {
        const server = await lab('nla-accounts');
        // HYBRID_EX: AUTHZ_SUCCESS first.
        const good = await nlaLogon(server, 'good', LAB_ACCOUNT_PASSWORD, 0x0b);
        assert.equal(good.facts.status, 'accepted');
        assert.deepEqual([...good.earlyAuthorization!], [0, 0, 0, 0]);
        const run = await walkSequence(good.tls, Protocol.HYBRID_EX, { stopAt: 'data:save-session-info' });
        assert.deepEqual(eventKinds(run.events).slice(-2), ['data:font-map', 'data:save-session-info']);
        const logon = run.events.at(-1) as Extract<ServerEvent, { kind: 'data' }>;
        assert.deepEqual(logon.body, {
          kind: 'save-session-info',
          infoType: 1,
          logon: { domain: '', userName: 'good', sessionId: 2 },
        });
        good.tls.destroy();

        const cases: Array<[string, number, (events: readonly ServerEvent[]) => void]> = [
          ['denied-after-logon', 0x0b, (events) => assert.deepEqual(errorInfoOf(events), 0x7)],
          ['not-in-rdu', 0x0b, (events) => assert.deepEqual(errorInfoOf(events), 0x9)],
          ['fresh-credentials', 0x0b, (events) => assert.deepEqual(errorInfoOf(events), 0xa)],
          // HYBRID only (no Early User Authorization Result): the same refusal as Set Error Info 0x9.
          ['early-denied', 0x03, (events) => assert.deepEqual(errorInfoOf(events), 0x9)],
          [
            'no-permission',
            0x0b,
            (events) =>
              assert.deepEqual((events.at(-1) as Extract<ServerEvent, { kind: 'data' }>).body, {
                kind: 'save-session-info',
                infoType: 3,
                logonErrors: { errorNotificationType: 0xfffffffa, errorNotificationData: 2 },
              }),
          ],
        ];
        for (const [user, protocols, check] of cases) {
          const logon = await nlaLogon(server, user, LAB_ACCOUNT_PASSWORD, protocols);
          assert.equal(logon.facts.status, 'accepted', user);
          const selected = protocols & 0x08 ? Protocol.HYBRID_EX : Protocol.HYBRID;
          const run = await walkSequence(logon.tls, selected, { stopAt: 'data:save-session-info' });
          check(run.events);
          logon.tls.destroy();
        }
        assert.equal(server.stats.credentialedClientInfos, 0, 'the password went only in TSCredentials');
      },
    );

    scenario(
      'nla-accounts',
      'HYBRID_EX: a user without the right gets AUTHZ_ACCESS_DENIED, then FIN',
      async () => {
        const server = await lab('nla-accounts');
        const logon = await nlaLogon(server, 'early-denied', LAB_ACCOUNT_PASSWORD, 0x0b);
        assert.equal(logon.facts.status, 'accepted');
        assert.deepEqual([...logon.earlyAuthorization!], [5, 0, 0, 0]);
        const rest = await exchange(logon.tls as unknown as Socket, { waitMs: 2000 });
        assert.equal(rest.ending, 'end');
        assert.equal(server.stats.clientInfos, 0);
      },
    );

    it('no scenario receives a credentialed Client Info or an NTLM AUTHENTICATE from the walk without credentials', async () => {
      for (const id of ['healthy-tls', 'server-denied-connection', 'licensing-full-exchange']) {
        const server = await lab(id);
        await sequenceOverTls(server, { licensing: id === 'licensing-full-exchange', quietMs: 800 });
        assert.deepEqual(
          pick(server.stats, ['credentialedClientInfos', 'ntlmAuthenticates', 'clientInfos']),
          {
            credentialedClientInfos: 0,
            ntlmAuthenticates: 0,
            clientInfos: 1,
          },
        );
      }
    });

    it('counts a Client Info that carries a user name and password', async () => {
      const server = await lab('healthy-tls');
      await sequenceOverTls(server, { userName: 'typed', password: 'at-the-prompt' });
      assert.equal(server.stats.credentialedClientInfos, 1);
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

// ---- the connection sequence over real sockets -------------------------------------------------

interface SequenceRun {
  readonly events: readonly ServerEvent[];
  readonly ending: Exchange['ending'];
}

function errorInfoOf(events: readonly ServerEvent[]): number | undefined {
  for (const event of events)
    if (event.kind === 'data' && event.body.kind === 'set-error-info') return event.body.errorInfo;
  return undefined;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

interface WalkOptions {
  readonly userName?: string;
  readonly password?: string;
  /** Answer a License Request (LicensingClient of the probe). */
  readonly licensing?: boolean;
  /** Stop once this event kind arrived (default the Font Map); the connection is then 'open'. */
  readonly stopAt?: string;
  /** How long a silence ends the walk as 'open'. */
  readonly quietMs?: number;
}

/**
 * Walks the test client over `socket` from the Connect Initial on: TPKT frames in, the client's
 * answers out, until the server ends the connection, `stopAt` arrives or it goes quiet.
 */
function walkSequence(
  socket: Socket | TLSSocket,
  selectedProtocol: number,
  options: WalkOptions = {},
): Promise<SequenceRun> {
  const client = new TestSequenceClient({
    selectedProtocol,
    random: (size) => randomBytes(size),
    ...(options.userName !== undefined ? { userName: options.userName } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.licensing
      ? {
          licensing: new LicensingClient({
            clientUserName: 'probe',
            clientMachineName: 'rdp-doctor',
            random: (size) => randomBytes(size),
          }),
        }
      : {}),
  });
  const stopAt = options.stopAt ?? 'data:font-map';
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    let quiet: NodeJS.Timeout;
    const finish = (ending: Exchange['ending']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(quiet);
      socket.removeAllListeners('data');
      resolve({ events: client.events, ending });
    };
    const rearm = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => finish('open'), options.quietMs ?? 2000);
    };
    socket.on('data', (chunk: Buffer) => {
      rearm();
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const frame = tpktFrameLength(received);
        if (frame.kind !== 'length' || received.length < frame.length) return;
        const bytes = received.subarray(0, frame.length);
        received = received.subarray(frame.length);
        for (const answer of client.receive(bytes)) socket.write(answer);
        if (eventKinds(client.events).includes(stopAt)) {
          socket.write(clientUltimatum());
          finish('open');
          return;
        }
      }
    });
    socket.once('end', () => finish('end'));
    socket.once('close', () => finish('end'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNRESET' ? 'reset' : 'end'),
    );
    rearm();
    for (const frame of client.start()) socket.write(frame);
  });
}

async function sequenceOverTls(server: LabServer, options: WalkOptions = {}): Promise<SequenceRun> {
  const socket = await open(server);
  await exchange(socket, {
    send: connectionRequest(0x01),
    waitMs: 2000,
    expectBytes: CONFIRM_SIZE,
  });
  const secure = await startTls(socket);
  const run = await walkSequence(secure, Protocol.SSL, options);
  secure.destroy();
  return run;
}

async function sequenceOverRdp(server: LabServer, options: WalkOptions = {}): Promise<SequenceRun> {
  const { socket } = await negotiate(server, REQUEST_RDP_ONLY);
  const run = await walkSequence(socket, Protocol.RDP, options);
  socket.destroy();
  return run;
}

/** X.224 asking for `protocols`, TLS, then the CredSSP logon of the probe with this user and password. */
async function nlaLogon(
  server: LabServer,
  user: string,
  password: string,
  protocols: number,
): Promise<{
  facts: Awaited<ReturnType<typeof logonWithCredssp>>;
  tls: TLSSocket;
  earlyAuthorization?: Buffer;
}> {
  const { socket } = await negotiate(server, connectionRequest(protocols));
  const tls = await startTls(socket);
  const credentials = withPassword(parseUser(user), Buffer.from(password, 'utf16le'));
  const facts = await logonWithCredssp(tls, credentials, {
    timeoutMs: 3000,
    serverCertificateDer: tls.getPeerX509Certificate()!.raw,
  });
  // The probe's driver leaves the socket paused when it hands it on.
  tls.resume();
  if (facts.status !== 'accepted' || !(protocols & 0x08)) return { facts, tls };
  const early = await exchange(tls as unknown as Socket, { waitMs: 2000, expectBytes: 4 });
  return { facts, tls, earlyAuthorization: early.bytes.subarray(0, 4) };
}

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

  it('ends a connection whose sequence goes wrong, and keeps serving', async () => {
    const server = await lab('healthy-tls');
    const hostile = async (bytes: Uint8Array): Promise<Exchange> => {
      const { socket } = await negotiate(server, connectionRequest(0x01));
      const tls = await startTls(socket);
      const answer = await exchange(tls as unknown as Socket, { send: bytes, waitMs: 2000 });
      tls.destroy();
      return answer;
    };
    // Not a TPKT (and no fast-path before Demand Active).
    assert.equal((await hostile(Buffer.from('GET / HTTP/1.0\r\n\r\n'))).ending, 'end');
    // A TPKT whose MCS Connect Initial does not decode.
    assert.equal((await hostile(hex('03 00 00 0c 02 f0 80 7f 65 82 ff ff'))).ending, 'end');
    // A Channel Join before anything else.
    assert.equal((await hostile(hex('03 00 00 0c 02 f0 80 38 00 06 03 eb'))).ending, 'end');
    const run = await sequenceOverTls(server);
    assert.equal(eventKinds(run.events).at(-1), 'data:font-map');
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
