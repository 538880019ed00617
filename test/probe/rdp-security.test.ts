import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { labCertificate } from '../../src/lab/certificates.js';
import { interpretConnectResponse } from '../../src/probe/stages/rdp-security.js';
import { CERT_CHAIN_VERSION_2 } from '../../src/wire/gcc.js';
import { encodeServerConnectResponse } from '../../src/wire/mcs.js';

/** A Connect-Response whose Server Security Data carries `certificates` as an X.509 chain. */
function responseWithChain(certificates: Uint8Array[]): Uint8Array {
  return encodeServerConnectResponse({
    nodeId: 31219,
    tag: 1,
    result: 0,
    serverData: {
      core: { version: 0x00080004, clientRequestedProtocols: 0 },
      security: {
        encryptionMethod: 0x2,
        encryptionLevel: 3,
        serverRandom: new Uint8Array(32).fill(7),
        certificate: {
          kind: 'x509',
          version: CERT_CHAIN_VERSION_2,
          certificates,
          padding: new Uint8Array(8 + 4 * certificates.length),
        },
      },
      network: { mcsChannelId: 1003, channelIds: [] },
      other: [],
    },
  });
}

test('an X.509 chain in Server Security Data: chain length, permanence and the leaf key size', async () => {
  for (const [profile, bits] of [
    ['good', 2048],
    ['weak-key', 1024],
  ] as const) {
    const made = await labCertificate(profile, ['rdp.example']);
    const der = new Uint8Array(new X509Certificate(made.certificatePem).raw);
    const observation = interpretConnectResponse(
      { kind: 'pdu', bytes: responseWithChain([der]), ms: 3 },
      X509Certificate,
    );
    assert.equal(observation.outcome, 'connect-response');
    assert.deepEqual(observation.serverCertificate, {
      type: 'x509',
      chainLength: 1,
      permanent: true,
      rsaKeyBits: bits,
    });
  }
});

test('an X.509 chain whose leaf is not a certificate: reported without a key size, no crash', () => {
  const observation = interpretConnectResponse(
    {
      kind: 'pdu',
      bytes: responseWithChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])]),
      ms: 3,
    },
    X509Certificate,
  );
  assert.equal(observation.outcome, 'connect-response');
  assert.deepEqual(observation.serverCertificate, { type: 'x509', chainLength: 1, permanent: true });
});
