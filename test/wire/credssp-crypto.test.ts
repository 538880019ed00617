import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { labCertificate } from '../../src/lab/certificates.js';
import {
  clientPubKeyAuthPlain,
  decodeTsCredentials,
  encodeTsPasswordCredentials,
  sealCredsspField,
  serverPubKeyAuthPlain,
  subjectPublicKeyFromCertificate,
  unsealCredsspField,
  usesHashBinding,
} from '../../src/wire/credssp-crypto.js';
import { NtlmSealing } from '../../src/wire/ntlm-crypto.js';
import { hex, toHex } from '../helpers/bytes.js';
import { expectDecodeError, fuzzDecoder } from './codec-helpers.js';

// ---- SubjectPublicKey -----------------------------------------------------------------------

test('SubjectPublicKey of a real certificate is its RSAPublicKey (as Node exports it)', async () => {
  const certificate = await labCertificate('good', ['127.0.0.1']);
  const x509 = new X509Certificate(certificate.certificatePem);
  const expected = x509.publicKey.export({ type: 'pkcs1', format: 'der' });
  assert.equal(toHex(subjectPublicKeyFromCertificate(x509.raw)), expected.toString('hex'));
});

/** A skeleton certificate: every field empty except the key (RFC 5280 4.1 order). */
const skeleton = (version: string, unusedBits = '00') =>
  hex(`
  30 1b                     # Certificate
    30 14                   # tbsCertificate (0x19 with the version)
      ${version}            # [0] version (optional)
      02 01 01              # serialNumber
      30 00                 # signature
      30 00                 # issuer
      30 00                 # validity
      30 00                 # subject
      30 07                 # subjectPublicKeyInfo
        30 00               #   algorithm
        03 03 ${unusedBits} aa bb   #   subjectPublicKey BIT STRING
    30 00                   # signatureAlgorithm
    03 01 00                # signatureValue
`);

test('SubjectPublicKey: with and without the optional version field', () => {
  const withVersion = skeleton('a0 03 02 01 02');
  withVersion[1] = 0x20;
  withVersion[3] = 0x19;
  assert.equal(toHex(subjectPublicKeyFromCertificate(withVersion)), 'aabb');
  assert.equal(toHex(subjectPublicKeyFromCertificate(skeleton(''))), 'aabb');
});

test('SubjectPublicKey: structured errors', () => {
  expectDecodeError(() => subjectPublicKeyFromCertificate(skeleton('', '04')), {
    structure: 'X509.Certificate',
    kind: 'invalid-field',
    field: 'subjectPublicKey',
    offset: 19,
    detail: '4 unused bits',
  });
  expectDecodeError(() => subjectPublicKeyFromCertificate(hex('31 00')), {
    structure: 'X509.Certificate',
    kind: 'unexpected-type',
    field: 'Certificate.tag',
    offset: 0,
    detail: 'expected 0x30, got 0x31',
  });
});

fuzzDecoder('SubjectPublicKey', (bytes) => subjectPublicKeyFromCertificate(bytes), [skeleton('')]);

// ---- pubKeyAuth bindings (MS-CSSP 3.1.5) ----------------------------------------------------

test('CredSSP 2-4 bind the key itself; the server answers with its first byte plus one', () => {
  assert.equal(usesHashBinding(6, 4), false);
  assert.equal(usesHashBinding(6, 2), false);
  const key = hex('30 82 01 0a');
  assert.equal(toHex(clientPubKeyAuthPlain(false, key)), '3082010a');
  assert.equal(toHex(serverPubKeyAuthPlain(false, key)), '3182010a');
  assert.equal(toHex(serverPubKeyAuthPlain(false, hex('ff 01'))), '0001', 'the byte wraps');
  assert.equal(toHex(key), '3082010a', 'the key itself is not changed');
});

test('CredSSP 5-6 bind SHA-256(magic, nonce, key), one magic per direction', () => {
  assert.equal(usesHashBinding(6, 5), true);
  const key = hex('30 82 01 0a');
  const nonce = new Uint8Array(32).fill(0x42);
  const sha = (magic: string) =>
    createHash('sha256').update(Buffer.from(magic, 'latin1')).update(nonce).update(key).digest('hex');
  assert.equal(
    toHex(clientPubKeyAuthPlain(true, key, nonce)),
    sha('CredSSP Client-To-Server Binding Hash\0'),
  );
  assert.equal(
    toHex(serverPubKeyAuthPlain(true, key, nonce)),
    sha('CredSSP Server-To-Client Binding Hash\0'),
  );
  assert.throws(() => clientPubKeyAuthPlain(true, key), RangeError);
  assert.throws(() => clientPubKeyAuthPlain(true, key, new Uint8Array(31)), RangeError);
});

test('sealed TSRequest fields: signature first, unsealed by the peer; a short field is a DecodeError', () => {
  const key = new Uint8Array(16).fill(9);
  const client = new NtlmSealing(key, 0xe2888235, 'client');
  const server = new NtlmSealing(key, 0xe2888235, 'server');
  const sealed = sealCredsspField(client, hex('01 02 03 04'));
  assert.equal(sealed.length, 16 + 4);
  assert.equal(toHex(sealed.subarray(0, 4)), '01000000', 'NTLMSSP_MESSAGE_SIGNATURE version 1');
  assert.equal(toHex(unsealCredsspField(server, sealed, 'pubKeyAuth')), '01020304');
  expectDecodeError(() => unsealCredsspField(server, new Uint8Array(15), 'pubKeyAuth'), {
    structure: 'TSRequest',
    kind: 'not-enough-bytes',
    field: 'pubKeyAuth',
    offset: 0,
    detail: '15 bytes, the signature alone is 16',
  });
});

// ---- TSCredentials (MS-CSSP 2.2.1.2) --------------------------------------------------------

const credentialsBytes = hex(`
  30 1b                     # TSCredentials
    a0 03 02 01 01          #   credType [0] INTEGER 1 (password)
    a1 14 04 12             #   credentials [1] OCTET STRING
      30 10                 #     TSPasswordCreds
        a0 02 04 00         #       domainName [0] ""
        a1 04 04 02 55 00   #       userName [1] "U"
        a2 04 04 02 50 00   #       password [2] "P"
`);

test('TSCredentials with TSPasswordCreds: encode and decode', () => {
  const encoded = encodeTsPasswordCredentials({
    domain: new Uint8Array(0),
    userName: Buffer.from('U', 'utf16le'),
    password: Buffer.from('P', 'utf16le'),
  });
  assert.equal(toHex(encoded), toHex(credentialsBytes));
  const decoded = decodeTsCredentials(credentialsBytes);
  assert.ok('password' in decoded);
  assert.equal(decoded.credType, 1);
  assert.equal(toHex(decoded.password.domain), '');
  assert.equal(toHex(decoded.password.userName), '5500');
  assert.equal(toHex(decoded.password.password), '5000');
});

test('TSCredentials: the decoded password is a view, so wiping the buffer wipes it', () => {
  const bytes = Uint8Array.from(credentialsBytes);
  const decoded = decodeTsCredentials(bytes);
  assert.ok('password' in decoded);
  bytes.fill(0);
  assert.equal(toHex(decoded.password.password), '0000');
});

test('TSCredentials: long fields take long-form lengths', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      (domain, userName, password) => {
        const decoded = decodeTsCredentials(encodeTsPasswordCredentials({ domain, userName, password }));
        assert.ok('password' in decoded);
        assert.deepEqual(
          [decoded.password.domain, decoded.password.userName, decoded.password.password].map(toHex),
          [domain, userName, password].map(toHex),
        );
      },
    ),
    { numRuns: 100 },
  );
});

test('TSCredentials: another credType is kept raw; structured errors', () => {
  const smartcard = hex('30 09 a0 03 02 01 02 a1 02 04 00');
  assert.deepEqual(decodeTsCredentials(smartcard), { credType: 2, raw: new Uint8Array(0) });
  expectDecodeError(() => decodeTsCredentials(credentialsBytes.subarray(0, 20)), {
    structure: 'TSCredentials',
    kind: 'not-enough-bytes',
    field: 'TSCredentials',
    offset: 2,
    detail: 'need 27 byte(s), 18 left',
  });
});

fuzzDecoder('TSCredentials', (bytes) => decodeTsCredentials(bytes), [credentialsBytes]);
