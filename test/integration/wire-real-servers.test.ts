import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { FrameLength } from '../../src/wire/framing.js';
import type { ClientData } from '../../src/wire/gcc.js';
import { decodeServerConnectResponse, encodeClientConnectInitial } from '../../src/wire/mcs.js';
import {
  AvId,
  DEFAULT_NEGOTIATE_FLAGS,
  decodeNtlmChallenge,
  describeTargetInfo,
  encodeNtlmNegotiate,
  findNtlmMessage,
  formatNtlmVersion,
} from '../../src/wire/ntlm.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeTsRequest, encodeTsRequest, tsRequestFrameLength } from '../../src/wire/ts-request.js';
import { decodeConnectionConfirm, encodeConnectionRequest } from '../../src/wire/x224.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startXrdp,
} from '../testbed/index.js';

/**
 * Our codecs against real servers on loopback (../shared/TESTBED.md): xrdp for negotiation and
 * Standard RDP Security, the FreeRDP shadow server for CredSSP / NTLM. Servers come from the shared
 * testbed, so each gets its own address, display and working directory.
 */
const PORT = 3389;
/** Without a server the suite is skipped with the reason, as the README promises. */
const withoutXrdp = missingBinaries('xrdp');
const withoutShadow = missingBinaries('freerdp-shadow-cli', 'Xvfb');

/** Reads one frame from a socket using a frame-length function (TPKT or TSRequest). */
function readFrame(
  socket: Socket | TLSSocket,
  frameLength: (bytes: Uint8Array) => FrameLength,
  timeoutMs = 5000,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let buffer = new Uint8Array(0);
    const timer = setTimeout(() => finish(new Error('timed out waiting for a frame')), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer = Uint8Array.from([...buffer, ...chunk]);
      const frame = frameLength(buffer);
      if (frame.kind === 'malformed') finish(frame.error);
      else if (frame.kind === 'length' && buffer.length >= frame.length)
        finish(undefined, buffer.slice(0, frame.length));
    };
    const onEnd = () => finish(new Error('connection closed before a whole frame'));
    function finish(error?: Error, frame?: Uint8Array) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', finish);
      if (error) reject(error);
      else resolve(frame!);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', finish);
  });
}

function tcpConnect(host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: PORT }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const clientData: ClientData = {
  core: {
    version: 0x00080004,
    desktopWidth: 1024,
    desktopHeight: 768,
    colorDepth: 0xca01,
    sasSequence: 0xaa03,
    keyboardLayout: 0x409,
    clientBuild: 2600,
    clientName: 'rdp-doctor',
    keyboardType: 4,
    keyboardSubType: 0,
    keyboardFunctionKey: 12,
    imeFileName: '',
    postBeta2ColorDepth: 0xca01,
    clientProductId: 1,
    serialNumber: 0,
    highColorDepth: 24,
    supportedColorDepths: 7,
    earlyCapabilityFlags: 1,
  },
  security: { encryptionMethods: 0x0b, extEncryptionMethods: 0 },
  channels: [{ name: 'cliprdr', options: 0xc0a00000 }],
  cluster: { flags: 0x0d, redirectedSessionId: 0 },
  other: [],
};

describe('xrdp (security_layer=rdp, crypt_level=high)', { timeout: 30_000, skip: withoutXrdp }, () => {
  let xrdp: RunningServer | undefined;
  before(async () => {
    xrdp = await startXrdp({
      address: await addressAllocator.next(),
      securityLayer: 'rdp',
      cryptLevel: 'high',
    });
  });
  after(() => xrdp?.stop());

  test('CR -> CC selects PROTOCOL_RDP; Connect-Initial -> Connect-Response decodes with level HIGH', async () => {
    const socket = await tcpConnect(xrdp!.host);
    try {
      socket.write(
        encodeConnectionRequest({
          routing: { kind: 'cookie', value: 'doctor' },
          negotiation: { type: 'request', flags: 0, requestedProtocols: 0 },
        }),
      );
      const confirm = decodeConnectionConfirm(await readFrame(socket, tpktFrameLength));
      assert.deepEqual(confirm.negotiation?.type, 'response');
      assert.equal(confirm.negotiation?.type === 'response' && confirm.negotiation.selectedProtocol, 0);

      socket.write(encodeClientConnectInitial(clientData));
      const response = decodeServerConnectResponse(await readFrame(socket, tpktFrameLength));
      assert.equal(response.mcs.result, 0);
      const server = response.conference?.serverData;
      assert.ok(server);
      assert.equal(server.security?.encryptionLevel, 3); // crypt_level=high
      assert.ok([0x1, 0x2, 0x8].includes(server.security?.encryptionMethod ?? -1));
      assert.equal(server.security?.serverRandom?.length, 32);
      assert.ok(server.security?.certificate, 'a server certificate is sent');
      assert.equal(server.network?.channelIds.length, 1);
    } finally {
      socket.destroy();
    }
  });
});

describe('FreeRDP shadow server (/sec:nla)', { timeout: 40_000, skip: withoutShadow }, () => {
  let shadow: RunningServer | undefined;
  before(async () => {
    shadow = await startFreerdpShadow({ address: await addressAllocator.next(), sec: 'nla' });
  });
  after(() => shadow?.stop());

  test('HYBRID, TLS, TSRequest(NTLM NEGOTIATE) -> CHALLENGE with version, names and clock', async () => {
    const socket = await tcpConnect(shadow!.host);
    let tls: TLSSocket | undefined;
    try {
      socket.write(
        encodeConnectionRequest({
          routing: { kind: 'cookie', value: 'doctor' },
          negotiation: { type: 'request', flags: 0, requestedProtocols: 0x3 },
        }),
      );
      const confirm = decodeConnectionConfirm(await readFrame(socket, tpktFrameLength));
      assert.equal(confirm.negotiation?.type === 'response' && confirm.negotiation.selectedProtocol, 0x2);

      tls = await new Promise<TLSSocket>((resolve, reject) => {
        const secure = tlsConnect({ socket, rejectUnauthorized: false }, () => resolve(secure));
        secure.once('error', reject);
      });
      const negotiate = encodeNtlmNegotiate({
        flags: DEFAULT_NEGOTIATE_FLAGS,
        domain: '',
        workstation: '',
        version: { major: 10, minor: 0, build: 17763, revision: 15 },
      });
      tls.write(encodeTsRequest({ version: 6, negoTokens: [negotiate] }));
      const reply = decodeTsRequest(await readFrame(tls, tsRequestFrameLength));
      assert.ok(reply.version >= 2);
      const token = reply.negoTokens?.[0];
      assert.ok(token, 'the reply carries a token');
      const message = findNtlmMessage(token);
      assert.ok(message, 'the token is an NTLM message');
      const challenge = decodeNtlmChallenge(message);
      assert.equal(challenge.version && formatNtlmVersion(challenge.version), '6.1.7601');
      assert.equal(challenge.serverChallenge.length, 8);
      const info = describeTargetInfo(challenge.targetInfo);
      assert.ok(info.nbComputerName && info.nbComputerName.length > 0, 'NetBIOS computer name');
      assert.ok(
        info.dnsComputerName !== undefined || info.nbDomainName !== undefined,
        'a domain or DNS name',
      );
      assert.ok(challenge.targetInfo.some((pair) => pair.id === AvId.MsvAvTimestamp));
      assert.ok(
        info.timestamp && Math.abs(info.timestamp.getTime() - Date.now()) < 5 * 60_000,
        'clock near now',
      );
    } finally {
      tls?.destroy();
      socket.destroy();
    }
  });
});
