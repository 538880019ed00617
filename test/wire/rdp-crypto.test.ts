import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, publicEncrypt, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { labCertificate } from '../../src/lab/certificates.js';
import { DecodeError } from '../../src/wire/errors.js';
import { EncryptionMethod } from '../../src/wire/gcc.js';
import { Rc4 } from '../../src/wire/rc4.js';
import {
  deriveSessionKeys,
  fipsExpandKey,
  KEY_UPDATE_INTERVAL,
  macSignature,
  rsaDecryptLittleEndian,
  rsaEncryptLittleEndian,
  rsaPublicKeyFromX509,
  serverPublicKey,
  StandardSecurity,
  updateSessionKey,
} from '../../src/wire/rdp-crypto.js';
import { hex, toHex } from '../helpers/bytes.js';
import { expectDecodeError, fuzzDecoder } from './codec-helpers.js';

// Vectors: computed once by an independent Python 3 program written from the formulas of
// MS-RDPBCGR 5.3.5.1, 5.3.5.2, 5.3.6.1, 5.3.6.2 and 5.3.7.1 (hashlib, and the `cryptography`
// package's ARC4 and TripleDES-CBC), not from this code. Inputs are arbitrary but fixed.
const clientRandom = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 1) & 0xff);
const serverRandom = Uint8Array.from({ length: 32 }, (_, i) => (0xa0 + i * 3) & 0xff);
const packet1 = Uint8Array.from(Buffer.from('hello, client info', 'latin1'));
const packet2 = Uint8Array.from({ length: 40 }, (_, i) => i);

test('client and server randoms are the vectors inputs', () => {
  assert.equal(toHex(clientRandom), '01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da');
  assert.equal(toHex(serverRandom), 'a0a3a6a9acafb2b5b8bbbec1c4c7cacdd0d3d6d9dcdfe2e5e8ebeef1f4f7fafd');
});

const keyVectors = [
  {
    method: EncryptionMethod['128BIT'],
    name: '128-bit',
    macKey: '45aa9228d0e16d7befd0e161a7b7b86f',
    clientEncryptKey: '3756174a450d6df997528f384181aa5e',
    clientDecryptKey: 'a4310265bc772fcdb1b81396f1d0cd0b',
  },
  {
    method: EncryptionMethod['40BIT'],
    name: '40-bit (salt 0xD1269E)',
    macKey: 'd1269e28d0e16d7b',
    clientEncryptKey: 'd1269e4a450d6df9',
    clientDecryptKey: 'd1269e65bc772fcd',
  },
  {
    method: EncryptionMethod['56BIT'],
    name: '56-bit (salt 0xD1)',
    macKey: 'd1aa9228d0e16d7b',
    clientEncryptKey: 'd156174a450d6df9',
    clientDecryptKey: 'd1310265bc772fcd',
  },
  {
    method: EncryptionMethod.FIPS,
    name: 'FIPS',
    macKey: '5e5f621fdbe2dd57c18c39ac6f412c2afc2ffe34',
    clientEncryptKey: '79310b0e7a40075d61513d3b6d5b736e32525d0e3e733e7c',
    clientDecryptKey: '2a7c5e5b6d512f54706204326e3d10672a0b400d0b253715',
  },
];

for (const vector of keyVectors) {
  test(`deriveSessionKeys ${vector.name} (5.3.5)`, () => {
    const keys = deriveSessionKeys(clientRandom, serverRandom, vector.method);
    assert.equal(keys.method, vector.method);
    assert.equal(toHex(keys.macKey), vector.macKey);
    assert.equal(toHex(keys.clientEncryptKey), vector.clientEncryptKey);
    assert.equal(toHex(keys.clientDecryptKey), vector.clientDecryptKey);
  });
}

test('deriveSessionKeys refuses a short server random and an unknown method', () => {
  expectDecodeError(
    () => deriveSessionKeys(clientRandom, serverRandom.subarray(0, 31), EncryptionMethod['128BIT']),
    {
      structure: 'StandardSecurity',
      kind: 'invalid-field',
      field: 'serverRandom',
      offset: 0,
    },
  );
  expectDecodeError(() => deriveSessionKeys(clientRandom, serverRandom, 0x4), {
    structure: 'StandardSecurity',
    kind: 'unexpected-type',
    field: 'encryptionMethod',
    offset: 0,
  });
  expectDecodeError(() => deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod.NONE), {
    structure: 'StandardSecurity',
    kind: 'unexpected-type',
    field: 'encryptionMethod',
    offset: 0,
  });
});

const packetVectors = [
  {
    method: EncryptionMethod['128BIT'],
    name: '128-bit',
    signature1: 'f145b84f3fdeb2ff',
    cipher1: 'bfc2731c73113551317a1ea107f3fc8bd328',
    saltedSignature2: 'e03b71a41b6ac9ec',
    cipher2: '21b699fd649b865b7309d1cbb628cc758d627e9f9a6256d58e1afafea64606d4aa43beadeb104bd4',
  },
  {
    method: EncryptionMethod['40BIT'],
    name: '40-bit',
    signature1: '2443a27123e91ba5',
    cipher1: '6e41eb79375defb774c9ffd4629a08ad9498',
    saltedSignature2: 'daeee651f0ec075d',
    cipher2: 'ce422e6ee782ced4b0e84f65e912f348b71bb8be96fdb2d04bc3e3db91ee3d6b75ca6ec6227a0745',
  },
];

for (const vector of packetVectors) {
  test(`StandardSecurity ${vector.name}: MAC, salted MAC (SEC_SECURE_CHECKSUM) and RC4 stream`, () => {
    const keys = deriveSessionKeys(clientRandom, serverRandom, vector.method);
    const client = StandardSecurity.forClient(keys);
    const first = client.encrypt(packet1);
    assert.equal(toHex(first.signature), vector.signature1);
    assert.equal(toHex(first.data), vector.cipher1);
    assert.equal(first.padLength, undefined);
    const second = client.encrypt(packet2, { secureChecksum: true });
    assert.equal(toHex(second.signature), vector.saltedSignature2);
    assert.equal(toHex(second.data), vector.cipher2);
    assert.equal(client.encryptedCount, 2);

    const server = StandardSecurity.forServer(keys);
    assert.deepStrictEqual(server.decrypt(first.signature, first.data), packet1);
    assert.deepStrictEqual(
      server.decrypt(second.signature, second.data, undefined, { secureChecksum: true }),
      packet2,
    );
    assert.equal(server.decryptedCount, 2);
  });
}

test('StandardSecurity FIPS: HMAC-SHA1 with the packet count, zero padding, 3DES-CBC chained across packets', () => {
  const keys = deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod.FIPS);
  const client = StandardSecurity.forClient(keys);
  assert.equal(client.isFips, true);
  const first = client.encrypt(packet1);
  assert.equal(toHex(first.signature), '2350c24f171ee4fc');
  assert.equal(toHex(first.data), '1b6e22dae6c65461a6a02e1bb71e5116edfe654ec27dbced');
  assert.equal(first.padLength, 6);
  const second = client.encrypt(packet2);
  assert.equal(toHex(second.signature), '8f3998e1fab6ce3d');
  assert.equal(
    toHex(second.data),
    '62618a3cbce947ea25e72371f740005ad23b3aafeace1cb1a9f31f67fe9457e72e2c64e324e60abc',
  );
  assert.equal(second.padLength, 0);

  const server = StandardSecurity.forServer(keys);
  assert.deepStrictEqual(server.decrypt(first.signature, first.data, first.padLength), packet1);
  assert.deepStrictEqual(server.decrypt(second.signature, second.data, second.padLength), packet2);
});

test('the server encrypts with the client decrypt key (mirror)', () => {
  const keys = deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod['128BIT']);
  const server = StandardSecurity.forServer(keys);
  const packet = server.encrypt(packet1);
  assert.deepStrictEqual(packet.data, new Rc4(keys.clientDecryptKey).process(packet1));
  assert.deepStrictEqual(packet.signature, macSignature(keys.macKey, packet1));
  assert.deepStrictEqual(StandardSecurity.forClient(keys).decrypt(packet.signature, packet.data), packet1);
});

test('updateSessionKey (5.3.7.1) matches the reference, twice in a row and for 40-bit', () => {
  const initial = hex('3756174a450d6df997528f384181aa5e');
  const once = updateSessionKey(initial, initial, EncryptionMethod['128BIT']);
  assert.equal(toHex(once), 'f581b6e542c4ad9b0e66d1d289f21df0');
  assert.equal(
    toHex(updateSessionKey(initial, once, EncryptionMethod['128BIT'])),
    'b250babeb12fb0baec951d5a91919f71',
  );
  const initial40 = hex('d1269e4a450d6df9');
  assert.equal(toHex(updateSessionKey(initial40, initial40, EncryptionMethod['40BIT'])), 'd1269e91f5b3504d');
});

test('the RC4 key changes after 4096 packets, on both sides alike', () => {
  const keys = deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod['128BIT']);
  const client = StandardSecurity.forClient(keys);
  const server = StandardSecurity.forServer(keys);
  const tiny = Uint8Array.of(1, 2, 3);
  for (let i = 0; i < KEY_UPDATE_INTERVAL; i++) {
    const packet = client.encrypt(tiny);
    server.decrypt(packet.signature, packet.data);
  }
  const updated = client.encrypt(packet1);
  // Packet 4097 is the first one under the new key, with a fresh key stream.
  assert.deepStrictEqual(updated.data, new Rc4(hex('f581b6e542c4ad9b0e66d1d289f21df0')).process(packet1));
  assert.deepStrictEqual(server.decrypt(updated.signature, updated.data), packet1);
});

test('a wrong MAC is a DecodeError on dataSignature', () => {
  for (const method of [EncryptionMethod['128BIT'], EncryptionMethod['56BIT'], EncryptionMethod.FIPS]) {
    const keys = deriveSessionKeys(clientRandom, serverRandom, method);
    const packet = StandardSecurity.forClient(keys).encrypt(packet2);
    const forged = Uint8Array.from(packet.signature);
    forged[0] = forged[0]! ^ 1;
    expectDecodeError(() => StandardSecurity.forServer(keys).decrypt(forged, packet.data, packet.padLength), {
      structure: 'StandardSecurity',
      kind: 'invalid-field',
      field: 'dataSignature',
      offset: 0,
    });
  }
});

test('salted and plain MACs are not interchangeable', () => {
  const keys = deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod['128BIT']);
  const packet = StandardSecurity.forClient(keys).encrypt(packet1, { secureChecksum: true });
  assert.throws(() => StandardSecurity.forServer(keys).decrypt(packet.signature, packet.data), DecodeError);
});

test('FIPS decrypt refuses a length that is not a multiple of 8 and an impossible padding', () => {
  const keys = deriveSessionKeys(clientRandom, serverRandom, EncryptionMethod.FIPS);
  expectDecodeError(() => StandardSecurity.forServer(keys).decrypt(new Uint8Array(8), new Uint8Array(7)), {
    structure: 'StandardSecurity',
    kind: 'invalid-field',
    field: 'data',
    offset: 0,
  });
  expectDecodeError(() => StandardSecurity.forServer(keys).decrypt(new Uint8Array(8), new Uint8Array(8), 8), {
    structure: 'StandardSecurity',
    kind: 'invalid-field',
    field: 'padLength',
    offset: 0,
  });
});

test('client -> server and server -> client round trips for every method (property)', () => {
  const methods = [
    EncryptionMethod['40BIT'],
    EncryptionMethod['56BIT'],
    EncryptionMethod['128BIT'],
    EncryptionMethod.FIPS,
  ];
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.constantFrom(...methods),
      fc.array(fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()), { maxLength: 6 }),
      (cr, sr, method, packets) => {
        const keys = deriveSessionKeys(cr, sr, method);
        const client = StandardSecurity.forClient(keys);
        const server = StandardSecurity.forServer(keys);
        for (const [plain, secureChecksum] of packets) {
          const up = client.encrypt(plain, { secureChecksum });
          assert.deepStrictEqual(
            server.decrypt(up.signature, up.data, up.padLength, { secureChecksum }),
            plain,
          );
          const down = server.encrypt(plain, { secureChecksum });
          assert.deepStrictEqual(
            client.decrypt(down.signature, down.data, down.padLength, { secureChecksum }),
            plain,
          );
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('fipsExpandKey spreads 168 bits with odd parity in every byte', () => {
  // By hand: the stream (LSB of each byte first) of 0x01 0x02 has bit 0 and bit 9 set. Byte 0
  // takes stream bits 1..6 (none set) -> 0x00 -> odd parity 0x01; byte 1 takes stream bits 8..13
  // into its bits 1..6, so stream bit 9 lands in bit 2 -> 0x04, already odd.
  const expanded = fipsExpandKey(Uint8Array.from({ length: 21 }, (_, i) => i + 1));
  assert.equal(expanded[0], 0x01);
  assert.equal(expanded[1], 0x04);
  for (const byte of expanded) {
    let ones = 0;
    for (let bit = 0; bit < 8; bit++) ones += (byte >> bit) & 1;
    assert.equal(ones % 2, 1);
  }
  assert.throws(() => fipsExpandKey(new Uint8Array(20)), RangeError);
});

// ---- RSA -------------------------------------------------------------------------------------

const rsaKey = generateKeyPairSync('rsa', { modulusLength: 512, publicExponent: 0x10001 });
const rsaJwk = rsaKey.privateKey.export({ format: 'jwk' });
const modulusBE = Buffer.from(rsaJwk.n!, 'base64url');
const privateExponentBE = Buffer.from(rsaJwk.d!, 'base64url');
const modulusLE = Uint8Array.from(modulusBE).reverse();
const privateExponentLE = Uint8Array.from(privateExponentBE).reverse();

test('rsaEncryptLittleEndian equals OpenSSL raw RSA on the byte-reversed input (5.3.4.1)', () => {
  const random = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i);
  const ours = rsaEncryptLittleEndian(random, modulusLE, 0x10001);
  assert.equal(ours.length, 64);
  const input = Buffer.alloc(64);
  Buffer.from(random).reverse().copy(input, 32);
  const openssl = publicEncrypt({ key: rsaKey.publicKey, padding: constants.RSA_NO_PADDING }, input);
  assert.equal(toHex(ours), toHex(Uint8Array.from(openssl).reverse()));
  assert.deepStrictEqual(rsaDecryptLittleEndian(ours, modulusLE, privateExponentLE).subarray(0, 32), random);
});

test('RSA takes a modulus with the wire padding and sizes the result without it', () => {
  const padded = new Uint8Array(72);
  padded.set(modulusLE);
  const random = Uint8Array.from({ length: 32 }, (_, i) => i);
  const encrypted = rsaEncryptLittleEndian(random, padded, 0x10001);
  assert.equal(encrypted.length, 64);
  assert.deepStrictEqual(encrypted, rsaEncryptLittleEndian(random, modulusLE, 0x10001));
  // The Security Exchange sends it with 8 more zero bytes: decryption ignores them.
  const onWire = new Uint8Array(72);
  onWire.set(encrypted);
  assert.deepStrictEqual(rsaDecryptLittleEndian(onWire, padded, privateExponentLE).subarray(0, 32), random);
});

test('RSA refuses an input not smaller than the modulus', () => {
  assert.throws(() => rsaEncryptLittleEndian(new Uint8Array(64).fill(0xff), modulusLE, 3), RangeError);
});

test('rsaPublicKeyFromX509 reads the key of a real certificate', async () => {
  const lab = await labCertificate('good', ['127.0.0.1']);
  const certificate = new X509Certificate(lab.certificatePem);
  const jwk = certificate.publicKey.export({ format: 'jwk' });
  const key = rsaPublicKeyFromX509(new Uint8Array(certificate.raw));
  assert.equal(toHex(key.modulusLE), toHex(Uint8Array.from(Buffer.from(jwk.n!, 'base64url')).reverse()));
  assert.equal(
    key.exponent,
    Buffer.from(jwk.e!, 'base64url').readUIntBE(0, Buffer.from(jwk.e!, 'base64url').length),
  );
  const viaChain = serverPublicKey({
    kind: 'x509',
    version: 2,
    certificates: [new Uint8Array(certificate.raw)],
    padding: new Uint8Array(12),
  });
  assert.deepStrictEqual(viaChain, key);
});

test('rsaPublicKeyFromX509: structured errors', () => {
  expectDecodeError(() => rsaPublicKeyFromX509(hex('31 00')), {
    structure: 'X509.RsaPublicKey',
    kind: 'unexpected-type',
    field: 'Certificate.tag',
    offset: 0,
  });
  expectDecodeError(() => rsaPublicKeyFromX509(hex('30 02 30 00')), {
    structure: 'X509.RsaPublicKey',
    kind: 'not-enough-bytes',
    field: 'serialNumber.tag',
    offset: 4,
  });
  expectDecodeError(
    () => serverPublicKey({ kind: 'x509', version: 2, certificates: [], padding: new Uint8Array(8) }),
    { structure: 'ServerCertificate', kind: 'invalid-field', field: 'CertBlobArray', offset: 0 },
  );
});

// A minimal certificate by hand: tbsCertificate with serialNumber 1, four empty SEQUENCEs
// (signature, issuer, validity, subject) and a SubjectPublicKeyInfo holding modulus 0xc501, e = 3.
const minimalCertificate = hex(`
  30 1e                       # Certificate
    30 1c                     # tbsCertificate (no [0] version)
      02 01 01                # serialNumber
      30 00 30 00 30 00 30 00 # signature, issuer, validity, subject
      30 0f                   # subjectPublicKeyInfo
        30 00                 # algorithm (not looked at)
        03 0b 00              # subjectPublicKey BIT STRING, 0 unused bits
          30 08               # RSAPublicKey
            02 03 00 c5 01    # modulus (a leading zero keeps it positive)
            02 01 03          # publicExponent
`);

test('rsaPublicKeyFromX509 reads a hand-made minimal certificate', () => {
  assert.deepStrictEqual(rsaPublicKeyFromX509(minimalCertificate), {
    modulusLE: Uint8Array.of(0x01, 0xc5),
    exponent: 3,
  });
});

fuzzDecoder('rsaPublicKeyFromX509', (bytes) => rsaPublicKeyFromX509(bytes), [minimalCertificate]);

// ---- bytes from a real client --------------------------------------------------------------------

// xfreerdp 2.11 sending its (encrypted) Client Info PDU to xrdp 0.9.21.1 with security_layer=rdp,
// captured on loopback. The client random was recovered with xrdp's private key at capture time
// (the key itself stays out of the repository). FreeRDP salts its MACs (SEC_SECURE_CHECKSUM), so
// these check the key derivation, RC4/3DES and both MAC kinds against an independent client.
// (xrdp itself then refused the salted MAC: it verifies plain MACs only.)
const xfreerdpClientInfo = [
  {
    name: '128-bit (crypt_level=high)',
    method: EncryptionMethod['128BIT'],
    serverRandom: hex('a52d53c62dbe410a79fd1c0bc93f2f54f049a099d88b7d62dff3417a64be7d55'),
    clientRandom: hex('4acb75fe00efca3a7832f5b0a109c1163d9245ef7432a519a9f21fae10208c43'),
    securityHeader: hex('4808000084943d25dfb1864c'),
    body: hex(`
    1315696ede6f2cddd89160461d014f50b0789a0aa7f1bfe709b570f8ee09fdd0
    349b3089e23fd9b48678089c63af26b8a2216471b2184a532746064ca95d7253
    6b77ea71249720cc6dc44d455dd75b458abc3a0a488142c6343e4906a9e79e10
    164f1171598922c3299f1d95fd4c91b1940f8b928ed9dc9f19e9d7bc1b375087
    5e35fe868be259ff8f4f5fb78bababf1656f5636c51c1aa6aa93a5f3d2d1a805
    8e6cdbf2ac7682b6b1c1434c46a358b2478279b14b251621bd9f36cf4d32424b
    9776a70726f78d59d869464014e649c769d688cddd83ba36d821770db60e0262
    35879519f23bd7c90420c5d42eb201e90acc712badf636daf8c1af8dfed6c615
    c0e1e35c882c5b5a8e65e5ad8a35d55b019da4beaea71edbdfe8652390b91571
    5e7322a27ab8f2530aa7857105c7e5d983e0998755bd186d2dae2f6af416
    `),
  },
  {
    name: '40-bit (crypt_level=low)',
    method: EncryptionMethod['40BIT'],
    serverRandom: hex('b37ff13499a6340957d5b790f8799df2d190a2a90c038100c1d6ad4b309d3ce1'),
    clientRandom: hex('ec183b16e9b23e2def815f013d8daff8c7995230e746e015d85143e7980830b7'),
    securityHeader: hex('48080000845c59b42d54345b'),
    body: hex(`
    0c3323f409d76af52e1febfe75e816cf5388efc1d07d672cc21e432d91899ec5
    be998c4005edb046d7eee6853a7ace7e0de289f6564dd4a3f901eb992db3fa0b
    7095c16d5bd653c839ea76a4c19835445c98e162d9fbb96f65ffa336a70a0380
    aa682aed8aaf4e34d8f6dc26ab2ce5df2061c551f6fd02322c21ecd73c808ef2
    26474e0a15c61dc630f752fbe4c1e843fd4d96081e948a79b48bc6af74c337f0
    235e916c9b58075117b06bf5cfed4082942a2201d2469d43d9db6692eadf4a55
    960d8e62320230124f246af988cad0cba154700db0b7e3fdbbd2376cde6ccd23
    e663b2797158b001cc08541d530a8eb8b79674593c212c5d9a4d54a46adb982f
    7b80d2102f2e07dfdc5193c3c35083141dd37f56ba45d832809ff8fc4267811f
    1dc270fa07edb76e5fec9b9b9f55f082b0445d7bbd2bc6f004129e4565a7
    `),
  },
  {
    name: 'FIPS (crypt_level=fips)',
    method: EncryptionMethod.FIPS,
    serverRandom: hex('777e0247cd23df689b5ec6db2a18a3a25b1f59d87fff44d84f96267cc1bcd680'),
    clientRandom: hex('869bcdb9677ed4e2ab6fe154d2b612beb94ad91a19f8c6887423345666e12fb6'),
    securityHeader: hex('4808000010000102fba65314294c1dfd'),
    body: hex(`
    dedec1bfc5d27c2e2860c3c794b817571a012eb43490ceacdc8f8539c27b0ff5
    852b32598817a3fcc9f087e74374fde4d8a8fd12f6ff8052a9da9e15857e3c3f
    2f56150c9855f3b5c53724070476ae028990c1af9a7c18b2e4a285c3fd230499
    6c2db5c65bda40927ed7426d90807940218937ffc154bd12a76ac9ad8cf4e55a
    65923b529df86f74c29b721e1fe55f64a0df8729c17213da979720d414c8ccfd
    4a352e67e3eb8785743ccf6a4488fc4bafdfd9264ed3cec227f020a47db37c95
    615dd9323df9dea965445022ac8770290569284592f2b6464c8bf14b133fdcaf
    ee1c7ce7f29bbb66df4f2680e47a5ccc80844fd5c9af650ea3ce36f07ea8d737
    e2faeb2a668b6084a6cb20cce0905acf57504e55e59901657a03e8e74113a2ed
    dd9c866d333bc58cccc403e0aa81378f05587055ebfcb2001fd3f47e665a22b0
    `),
  },
];

for (const capture of xfreerdpClientInfo) {
  test(`xfreerdp's Client Info decrypts and its MAC verifies: ${capture.name}`, () => {
    const keys = deriveSessionKeys(capture.clientRandom, capture.serverRandom, capture.method);
    const header = capture.securityHeader;
    const flags = header[0]! | (header[1]! << 8);
    assert.equal(flags, 0x0848, 'SEC_INFO_PKT | SEC_ENCRYPT | SEC_SECURE_CHECKSUM');
    const server = StandardSecurity.forServer(keys);
    const plain =
      capture.method === EncryptionMethod.FIPS
        ? server.decrypt(header.subarray(8, 16), capture.body, header[7])
        : server.decrypt(header.subarray(4, 12), capture.body, undefined, { secureChecksum: true });
    // TS_INFO_PACKET: the user name "probeuser" in UTF-16LE follows the fixed fields.
    assert.ok(Buffer.from(plain).includes(Buffer.from('probeuser', 'utf16le')));
    assert.equal(Buffer.from(plain).readUInt32LE(4) & 0x00000010, 0x10, 'INFO_UNICODE');
  });
}
