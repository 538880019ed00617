import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Our codecs against real servers on loopback (../shared/TESTBED.md): xrdp for negotiation and
 * Standard RDP Security, the FreeRDP shadow server for CredSSP / NTLM. Helpers stay in this file
 * until the shared testbed (test/testbed/) exists.
 */
const XRDP_ADDRESS = '127.0.0.41';
const SHADOW_ADDRESS = '127.0.0.42';
const SHADOW_DISPLAY = ':141';
const PORT = 3389;

const children: ChildProcess[] = [];
const tempDirs: string[] = [];

function start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { env, stdio: 'ignore' });
  children.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${host}:${port} did not open within ${timeoutMs} ms`);
}

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

describe('xrdp (security_layer=rdp, crypt_level=high)', { timeout: 30_000 }, () => {
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-wire-xrdp-'));
    tempDirs.push(dir);
    let ini = readFileSync('/etc/xrdp/xrdp.ini', 'utf8');
    const set = (key: string, value: string) => {
      // Only the first occurrence: the one in [Globals] (later sections reuse "port=").
      ini = ini.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
    };
    set('port', `tcp://${XRDP_ADDRESS}:${PORT}`);
    set('fork', 'false');
    set('security_layer', 'rdp');
    set('crypt_level', 'high');
    set('certificate', '/etc/xrdp/cert.pem');
    set('key_file', '/etc/xrdp/key.pem');
    set('LogFile', join(dir, 'xrdp.log'));
    set('EnableSyslog', 'false');
    writeFileSync(join(dir, 'xrdp.ini'), ini);
    start('xrdp', ['--nodaemon', '--config', join(dir, 'xrdp.ini')]);
    await waitForPort(XRDP_ADDRESS, PORT);
  });
  after(stopAll);

  test('CR -> CC selects PROTOCOL_RDP; Connect-Initial -> Connect-Response decodes with level HIGH', async () => {
    const socket = await tcpConnect(XRDP_ADDRESS);
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

describe('FreeRDP shadow server (/sec:nla)', { timeout: 40_000 }, () => {
  before(async () => {
    start('Xvfb', [SHADOW_DISPLAY, '-screen', '0', '1024x768x24']);
    await new Promise((resolve) => setTimeout(resolve, 700));
    start('freerdp-shadow-cli', [`/port:${PORT}`, `/bind-address:${SHADOW_ADDRESS}`, '/sec:nla', '+auth'], {
      ...process.env,
      DISPLAY: SHADOW_DISPLAY,
    });
    await waitForPort(SHADOW_ADDRESS, PORT, 15_000);
  });
  after(stopAll);

  test('HYBRID, TLS, TSRequest(NTLM NEGOTIATE) -> CHALLENGE with version, names and clock', async () => {
    const socket = await tcpConnect(SHADOW_ADDRESS);
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
