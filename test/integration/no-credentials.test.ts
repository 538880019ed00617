/**
 * Without --user, no credential leaves rdp-doctor: a full diagnosis of each real server in the
 * suite (xrdp under TLS, negotiate and Standard RDP Security; FreeRDP's shadow server under NLA,
 * TLS and Standard RDP Security) is watched at the socket: every byte the client writes in the
 * clear (the X.224 requests, CredSSP's TSRequests and the connection sequence over TLS, which
 * Node's TLS socket takes before encrypting) is searched for an NTLM AUTHENTICATE, and every
 * Client Info PDU in it is decoded and must carry an empty user name and password. A Client Info
 * under Standard RDP Security is encrypted; the lab, which decrypts it, counts those (see the
 * every-scenario loop in diagnose.test.ts).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { diagnose } from '../../src/diagnosis.js';
import { parseUser, withPassword } from '../../src/probe/credentials.js';
import { clientInfoHasCredentials, decodeClientInfo } from '../../src/wire/client-info.js';
import { md4 } from '../../src/wire/md4.js';
import { decodeMcsFrameWithOffset } from '../../src/wire/mcs.js';
import { NTLM_SIGNATURE, NtlmMessageType } from '../../src/wire/ntlm.js';
import { decodeSecurityHeader, SecurityFlag } from '../../src/wire/security-header.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startXrdp,
} from '../testbed/index.js';

interface Watched {
  /** NTLM messages of type AUTHENTICATE found in anything written. */
  authenticates: number;
  /** Client Info PDUs read in the clear, and those of them with a user name or password. */
  clientInfos: number;
  credentialedClientInfos: number;
  /** Client Info PDUs that were encrypted (Standard RDP Security): not readable here. */
  encryptedClientInfos: number;
}

/** Every chunk any socket of this process writes, while `run` runs. */
async function watchWrites(run: () => Promise<unknown>): Promise<Watched> {
  const watched: Watched = {
    authenticates: 0,
    clientInfos: 0,
    credentialedClientInfos: 0,
    encryptedClientInfos: 0,
  };
  const original = net.Socket.prototype.write;
  const inspect = (chunk: unknown) => {
    if (!(chunk instanceof Uint8Array)) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = bytes.indexOf(NTLM_SIGNATURE); at >= 0; at = bytes.indexOf(NTLM_SIGNATURE, at + 1)) {
      if (bytes.length >= at + 12 && bytes.readUInt32LE(at + 8) === NtlmMessageType.AUTHENTICATE)
        watched.authenticates++;
    }
    if (bytes[0] !== 0x03) return;
    try {
      const { pdu } = decodeMcsFrameWithOffset(bytes);
      if (pdu.type !== 'send-data-request') return;
      const { header, bodyOffset } = decodeSecurityHeader(pdu.userData, 'basic');
      if ((header.flags & SecurityFlag.SEC_INFO_PKT) === 0) return;
      if (header.flags & SecurityFlag.SEC_ENCRYPT) {
        watched.encryptedClientInfos++;
        return;
      }
      watched.clientInfos++;
      if (clientInfoHasCredentials(decodeClientInfo(pdu.userData, bodyOffset)))
        watched.credentialedClientInfos++;
    } catch {
      // Not an MCS frame (an X.224 request): nothing to check beyond the NTLM search.
    }
  };
  net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
    inspect(chunk);
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof original;
  try {
    await run();
  } finally {
    net.Socket.prototype.write = original;
  }
  return watched;
}

const SERVERS: ReadonlyArray<{
  readonly name: string;
  readonly binaries: readonly string[];
  readonly start: (address: string) => Promise<RunningServer>;
  /** Whether the sequence runs in the clear to us (over TLS), so its Client Info is readable. */
  readonly clientInfoReadable: boolean;
}> = [
  {
    name: 'xrdp security_layer=tls',
    binaries: ['xrdp'],
    start: (address) => startXrdp({ address, securityLayer: 'tls' }),
    clientInfoReadable: true,
  },
  {
    name: 'xrdp security_layer=negotiate',
    binaries: ['xrdp'],
    start: (address) => startXrdp({ address, securityLayer: 'negotiate' }),
    clientInfoReadable: true,
  },
  {
    name: 'xrdp security_layer=rdp crypt_level=high',
    binaries: ['xrdp'],
    start: (address) => startXrdp({ address, securityLayer: 'rdp', cryptLevel: 'high' }),
    clientInfoReadable: false,
  },
  {
    name: 'FreeRDP shadow /sec:nla',
    binaries: ['freerdp-shadow-cli', 'Xvfb'],
    start: (address) => startFreerdpShadow({ address, sec: 'nla' }),
    clientInfoReadable: false,
  },
  {
    name: 'FreeRDP shadow /sec:tls',
    binaries: ['freerdp-shadow-cli', 'Xvfb'],
    start: (address) => startFreerdpShadow({ address, sec: 'tls' }),
    clientInfoReadable: true,
  },
];

for (const server of SERVERS) {
  describe(
    `no credentials without --user: ${server.name}`,
    { timeout: 90_000, skip: missingBinaries(...server.binaries) },
    () => {
      let running: RunningServer;
      before(async () => {
        running = await server.start(await addressAllocator.next());
      });
      after(() => running?.stop());

      test('a full diagnosis sends no NTLM AUTHENTICATE and no Client Info with a user name or password', async () => {
        let credentialsSent: boolean | undefined;
        const watched = await watchWrites(async () => {
          const diagnosis = await diagnose({ host: running.host, port: running.port }, { timeoutMs: 4000 });
          credentialsSent = diagnosis.observations.session?.observation?.credentialsSent;
        });
        assert.equal(watched.authenticates, 0);
        assert.equal(watched.credentialedClientInfos, 0);
        assert.notEqual(credentialsSent, true);
        // The watch itself must have seen the sequence where it runs in the clear to us.
        if (server.clientInfoReadable) assert.equal(watched.clientInfos, 1, JSON.stringify(watched));
        else if (server.name.startsWith('xrdp')) assert.equal(watched.encryptedClientInfos, 1);
      });
    },
  );
}

describe(
  'the watch can fail: with --user it sees the one AUTHENTICATE',
  { timeout: 90_000, skip: missingBinaries('freerdp-shadow-cli', 'Xvfb') },
  () => {
    const password = 'Correct-Horse-1';
    let running: RunningServer;
    before(async () => {
      running = await startFreerdpShadow({
        address: await addressAllocator.next(),
        sec: 'nla',
        samAccounts: [
          { user: 'good', ntHashHex: Buffer.from(md4(Buffer.from(password, 'utf16le'))).toString('hex') },
        ],
      });
    });
    after(() => running?.stop());

    test('one logon check, one AUTHENTICATE, and the password nowhere in the clear', async () => {
      const written: Buffer[] = [];
      const watched = await watchWrites(async () => {
        const tap = net.Socket.prototype.write;
        net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
          if (chunk instanceof Uint8Array) written.push(Buffer.from(chunk));
          return (tap as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
        } as typeof tap;
        try {
          await diagnose(
            { host: running.host, port: running.port },
            {
              timeoutMs: 4000,
              quick: true,
              session: {
                credentials: withPassword(parseUser('good'), Buffer.from(password, 'utf16le')),
                fullLogon: false,
              },
            },
          );
        } finally {
          net.Socket.prototype.write = tap;
        }
      });
      assert.equal(watched.authenticates, 1);
      const all = Buffer.concat(written);
      for (const form of [Buffer.from(password, 'utf8'), Buffer.from(password, 'utf16le')])
        assert.equal(all.indexOf(form), -1, 'the password went out in the clear');
    });
  },
);
