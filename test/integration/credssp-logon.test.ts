import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { parseUser, withPassword } from '../../src/probe/credentials.js';
import { logonWithCredssp } from '../../src/probe/stages/credssp-logon.js';
import type { LogonFacts } from '../../src/probe/types.js';
import { md4 } from '../../src/wire/md4.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeConnectionConfirm, encodeConnectionRequest } from '../../src/wire/x224.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startXvfb,
  type XDisplay,
} from '../testbed/index.js';
import { runPeer } from '../testbed/peers.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

/**
 * The logon check against a real CredSSP/NTLM server: FreeRDP 2.11's shadow server with NLA and
 * accounts in a SAM file of its own (/sam-file, so the machine's /etc/winpr/SAM is untouched).
 * Test passwords only. What the shadow does on a wrong password, recorded here: it logs "client
 * authentication failure" (a MIC that cannot match: SEC_E_MESSAGE_ALTERED; an unknown user:
 * "Could not find user in SAM database") and closes the connection WITHOUT a TSRequest errorCode,
 * so the verdict is 'refused' with no code (unlike Windows, which sends SEC_E_LOGON_DENIED).
 */
const PORT = 3389;
const skip = missingBinaries('freerdp-shadow-cli', 'Xvfb');
const RIGHT = 'Correct-Horse-1';
/** The NT hash of "password", as published everywhere (an MD4 check independent of ours). */
const NT_HASH_OF_PASSWORD = '8846f7eaee8fb117ad06bdd830b7586c';

async function readTpkt(socket: ReturnType<typeof connect>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('no X.224 confirm')), 5000);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const frame = tpktFrameLength(buffer);
      if (frame.kind === 'length' && buffer.length >= frame.length) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(buffer.subarray(0, frame.length));
      }
    };
    socket.on('data', onData);
  });
}

/** X.224 with HYBRID|SSL, TLS, then the logon check; returns its facts and the TLS socket. */
async function logOn(
  server: RunningServer,
  user: string,
  password: string,
): Promise<{ facts: LogonFacts; socket: TLSSocket }> {
  const raw = connect(server.port, server.host);
  await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
  raw.write(
    encodeConnectionRequest({
      routing: { kind: 'cookie', value: 'doctor' },
      negotiation: { type: 'request', flags: 0, requestedProtocols: 0x3 },
    }),
  );
  const confirm = decodeConnectionConfirm(await readTpkt(raw));
  assert.equal(
    confirm.negotiation?.type === 'response' && confirm.negotiation.selectedProtocol,
    0x2,
    'HYBRID',
  );
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false }, () => resolve(secure));
    secure.once('error', reject);
  });
  const credentials = withPassword(parseUser(user), Buffer.from(password, 'utf16le'));
  const facts = await logonWithCredssp(socket, credentials, {
    timeoutMs: 8000,
    serverCertificateDer: new Uint8Array(socket.getPeerCertificate().raw),
  });
  assert.ok(
    credentials.password.every((byte) => byte === 0),
    'the password is wiped',
  );
  return { facts, socket };
}

describe('logon check against the FreeRDP shadow server (NLA, SAM file)', { timeout: 90_000, skip }, () => {
  let shadow: (RunningServer & { readonly logPath: string }) | undefined;
  const sockets: TLSSocket[] = [];
  before(async () => {
    shadow = await startFreerdpShadow({
      address: await addressAllocator.next(),
      sec: 'nla',
      samAccounts: [
        { user: 'doctor', ntHashHex: Buffer.from(md4(Buffer.from(RIGHT, 'utf16le'))).toString('hex') },
        { user: 'member', domain: 'LABDOM', ntHashHex: NT_HASH_OF_PASSWORD },
      ],
    });
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await shadow?.stop();
  });

  /** The server's log lines written while `run` ran. */
  async function logDuring<T>(run: () => Promise<T>): Promise<{ value: T; log: string }> {
    const before = readFileSync(shadow!.logPath, 'utf8').length;
    const value = await run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { value, log: readFileSync(shadow!.logPath, 'utf8').slice(before) };
  }

  test('right password: accepted; the connection stays open for the MCS sequence', async () => {
    const { value, log } = await logDuring(() => logOn(shadow!, 'doctor', RIGHT));
    sockets.push(value.socket);
    assert.deepEqual(value.facts, {
      user: 'doctor',
      step: 'done',
      status: 'accepted',
      fullLogon: false,
      credsspVersion: value.facts.credsspVersion,
    });
    assert.ok(value.facts.credsspVersion! >= 2);
    assert.equal(value.socket.destroyed, false);
    assert.doesNotMatch(log, /authentication failure/);
  });

  test('DOMAIN\\user with the well-known hash of "password": accepted', async () => {
    const { socket, facts } = await logOn(shadow!, 'LABDOM\\member', 'password');
    sockets.push(socket);
    assert.equal(facts.status, 'accepted');
  });

  test('wrong password: refused (the shadow closes without an errorCode)', async () => {
    const { value, log } = await logDuring(() => logOn(shadow!, 'doctor', 'Wrong-Horse-2'));
    assert.deepEqual(value.facts, {
      user: 'doctor',
      step: 'authenticate',
      status: 'refused',
      fullLogon: false,
      credsspVersion: value.facts.credsspVersion,
    });
    assert.equal(value.socket.destroyed, true);
    assert.match(log, /client authentication failure/);
  });

  test('unknown user: refused the same way', async () => {
    const { value, log } = await logDuring(() => logOn(shadow!, 'nobody', RIGHT));
    assert.equal(value.facts.status, 'refused');
    assert.equal(value.facts.errorCode, undefined);
    assert.match(log, /Could not find user in SAM database/);
  });

  describe('xfreerdp +auth-only agrees on the same server', { skip: missingBinaries('xfreerdp') }, () => {
    let display: XDisplay | undefined;
    let home: string | undefined;
    before(async () => {
      display = await startXvfb();
      home = makeWorkDir('xfreerdp-logon');
    });
    after(async () => {
      await display?.stop();
      if (home) removeDir(home);
    });
    const xfreerdp = (user: string, password: string) =>
      runPeer(
        'xfreerdp',
        [
          `/v:${shadow!.host}:${PORT}`,
          '+auth-only',
          `/u:${user}`,
          `/p:${password}`,
          '/cert:ignore',
          '/sec:nla',
          '/log-level:INFO',
        ],
        { ...process.env, DISPLAY: display!.display, HOME: home! },
      );
    test('right password accepted, wrong refused', async () => {
      const right = await xfreerdp('doctor', RIGHT);
      const wrong = await xfreerdp('doctor', 'Wrong-Horse-2');
      assert.match(right, /Authentication only, exit status 0/, right);
      assert.doesNotMatch(wrong, /Authentication only, exit status 0/, wrong);
    });
  });
});
