import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createLabProprietaryKey,
  LAB_LICENSE_MARKER,
  LAB_LICENSING_PREAMBLE_FLAGS,
  LicensingServer,
  type LicensingServerMode,
} from '../../src/lab/licensing-server.js';
import { LicensingClient, PROBE_PLATFORM_ID } from '../../src/probe/stages/licensing.js';
import { DecodeError } from '../../src/wire/errors.js';
import { decodeServerCertificate } from '../../src/wire/gcc.js';
import { deriveLicensingKeys, licensingMac, licensingRc4 } from '../../src/wire/licensing-crypto.js';
import {
  decodeClientHardwareId,
  decodeLicensingPdu,
  decodeNewLicenseInfo,
  decodePlatformChallengeResponseData,
  encodeClientHardwareId,
  encodeLicensingPdu,
  encodeNewLicenseInfo,
  encodePlatformChallengeResponseData,
  LicenseErrorCode,
  licenseErrorCodeName,
  type LicensingPdu,
  StateTransition,
  stateTransitionName,
} from '../../src/wire/licensing.js';
import { serverPublicKey, verifyProprietaryCertificate } from '../../src/wire/rdp-crypto.js';
import { hex, toHex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const random32 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const mac16 = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);

interface Decoded {
  flags: number;
  pdu: LicensingPdu;
}

const codec = {
  encode: (value: Decoded) => encodeLicensingPdu(value.pdu, value.flags),
  decode: (bytes: Uint8Array) => decodeLicensingPdu(bytes),
};

byteTable<Decoded>(
  'licensing PDU',
  [
    {
      name: 'Error Alert STATUS_VALID_CLIENT (MS-RDPBCGR 2.2.1.12.1.3, what xrdp sends)',
      value: {
        flags: 0x03,
        pdu: {
          type: 'error-alert',
          errorCode: LicenseErrorCode.STATUS_VALID_CLIENT,
          stateTransition: StateTransition.ST_NO_TRANSITION,
          errorInfo: new Uint8Array(0),
          errorInfoBlobType: 0x0004,
        },
      },
      bytes: hex(`
        ff           # bMsgType ERROR_ALERT
        03           # flags PREAMBLE_VERSION_3_0
        10 00        # wMsgSize 16
        07 00 00 00  # dwErrorCode STATUS_VALID_CLIENT
        02 00 00 00  # dwStateTransition ST_NO_TRANSITION
        04 00 00 00  # bbErrorInfo: BB_ERROR_BLOB, length 0
      `),
    },
    {
      name: 'Error Alert ERR_NO_LICENSE_SERVER with error info and EXTENDED_ERROR_MSG_SUPPORTED',
      value: {
        flags: 0x83,
        pdu: {
          type: 'error-alert',
          errorCode: LicenseErrorCode.ERR_NO_LICENSE_SERVER,
          stateTransition: StateTransition.ST_TOTAL_ABORT,
          errorInfo: Uint8Array.of(0xaa, 0xbb),
          errorInfoBlobType: 0x0004,
        },
      },
      bytes: hex(`
        ff 83 12 00  # preamble: ERROR_ALERT, v3 | 0x80, 18 bytes
        06 00 00 00  # ERR_NO_LICENSE_SERVER
        01 00 00 00  # ST_TOTAL_ABORT
        04 00 02 00  # BB_ERROR_BLOB, 2 bytes
        aa bb
      `),
    },
    {
      name: 'License Request (MS-RDPELE 2.2.2.1) with a certificate blob and one scope',
      value: {
        flags: 0x83,
        pdu: {
          type: 'license-request',
          serverRandom: random32,
          productInfo: { version: 0x00060000, companyName: 'M', productId: 'A' },
          keyExchangeAlgorithms: [1],
          serverCertificate: Uint8Array.of(0xc1, 0xc2, 0xc3),
          scopes: ['ms'],
        },
      },
      bytes: hex(`
        01 83 52 00  # LICENSE_REQUEST, 82 bytes
        01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10
        11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20  # ServerRandom
        00 00 06 00  # ProductInfo.dwVersion 6.0
        04 00 00 00  4d 00 00 00  # cbCompanyName 4, "M\\0" UTF-16LE
        04 00 00 00  41 00 00 00  # cbProductId 4, "A\\0"
        0d 00 04 00  01 00 00 00  # KeyExchangeList: BB_KEY_EXCHG_ALG_BLOB, [KEY_EXCHANGE_ALG_RSA]
        03 00 03 00  c1 c2 c3     # ServerCertificate: BB_CERTIFICATE_BLOB, 3 bytes
        01 00 00 00               # ScopeCount 1
        0e 00 03 00  6d 73 00     # BB_SCOPE_BLOB "ms\\0"
      `),
    },
    {
      name: 'License Request without a certificate and without scopes',
      value: {
        flags: 0x03,
        pdu: {
          type: 'license-request',
          serverRandom: random32,
          productInfo: { version: 1, companyName: '', productId: '' },
          keyExchangeAlgorithms: [],
          serverCertificate: new Uint8Array(0),
          scopes: [],
        },
      },
      bytes: hex(`
        01 03 40 00  # LICENSE_REQUEST, 64 bytes
        01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10
        11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20
        01 00 00 00  02 00 00 00 00 00  02 00 00 00 00 00  # version, "" and ""
        0d 00 00 00  03 00 00 00  00 00 00 00              # empty lists, no scope
      `),
    },
    {
      name: 'Platform Challenge (MS-RDPELE 2.2.2.4)',
      value: {
        flags: 0x83,
        pdu: {
          type: 'platform-challenge',
          connectFlags: 0,
          encryptedPlatformChallenge: Uint8Array.of(1, 2, 3, 4),
          macData: mac16,
        },
      },
      bytes: hex(`
        02 83 20 00   # PLATFORM_CHALLENGE, 32 bytes
        00 00 00 00   # ConnectFlags
        09 00 04 00 01 02 03 04  # BB_ENCRYPTED_DATA_BLOB
        f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff  # MACData
      `),
    },
    {
      name: 'New License (MS-RDPELE 2.2.2.7)',
      value: {
        flags: 0x83,
        pdu: { type: 'new-license', encryptedLicenseInfo: Uint8Array.of(9), macData: mac16 },
      },
      bytes: hex(`
        03 83 19 00  09 00 01 00 09
        f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff
      `),
    },
    {
      name: 'Upgrade License (MS-RDPELE 2.2.2.6)',
      value: {
        flags: 0x83,
        pdu: { type: 'upgrade-license', encryptedLicenseInfo: new Uint8Array(0), macData: mac16 },
      },
      bytes: hex(`
        04 83 18 00  09 00 00 00
        f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff
      `),
    },
    {
      name: 'New License Request (MS-RDPELE 2.2.2.2)',
      value: {
        flags: 0x03,
        pdu: {
          type: 'new-license-request',
          preferredKeyExchangeAlg: 1,
          platformId: 0x04010000,
          clientRandom: random32,
          encryptedPremasterSecret: Uint8Array.of(0xe1, 0xe2, 0, 0),
          clientUserName: 'u',
          clientMachineName: 'pc',
        },
      },
      bytes: hex(`
        13 03 41 00  # NEW_LICENSE_REQUEST, 65 bytes
        01 00 00 00  # PreferredKeyExchangeAlg KEY_EXCHANGE_ALG_RSA
        00 00 01 04  # PlatformId CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_MICROSOFT
        01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10
        11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20  # ClientRandom
        02 00 04 00  e1 e2 00 00  # BB_RANDOM_BLOB EncryptedPreMasterSecret
        0f 00 02 00  75 00        # BB_CLIENT_USER_NAME_BLOB "u\\0"
        10 00 03 00  70 63 00     # BB_CLIENT_MACHINE_NAME_BLOB "pc\\0"
      `),
    },
    {
      name: 'Platform Challenge Response (MS-RDPELE 2.2.2.5)',
      value: {
        flags: 0x03,
        pdu: {
          type: 'platform-challenge-response',
          encryptedPlatformChallengeResponse: Uint8Array.of(1, 2),
          encryptedHwid: Uint8Array.of(3),
          macData: mac16,
        },
      },
      bytes: hex(`
        15 03 1f 00
        09 00 02 00 01 02   # EncryptedPlatformChallengeResponse
        09 00 01 00 03      # EncryptedHWID
        f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff
      `),
    },
    {
      name: 'License Info (MS-RDPELE 2.2.2.3)',
      value: {
        flags: 0x03,
        pdu: {
          type: 'license-info',
          preferredKeyExchangeAlg: 1,
          platformId: 2,
          clientRandom: random32,
          encryptedPremasterSecret: Uint8Array.of(5),
          licenseInfo: Uint8Array.of(6, 7),
          encryptedHwid: Uint8Array.of(8),
          macData: mac16,
        },
      },
      bytes: hex(`
        12 03 4c 00
        01 00 00 00  02 00 00 00
        01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10
        11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20
        02 00 01 00 05       # BB_RANDOM_BLOB
        01 00 02 00 06 07    # BB_DATA_BLOB LicenseInfo
        09 00 01 00 08       # BB_ENCRYPTED_DATA_BLOB EncryptedHWID
        f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff
      `),
    },
    {
      name: 'an unknown message type is kept',
      value: { flags: 0x03, pdu: { type: 'unknown', messageType: 0x42, body: Uint8Array.of(1, 2, 3) } },
      bytes: hex('42 03 07 00 01 02 03'),
    },
  ],
  codec,
);

test('the decoder ignores the type of an empty blob but keeps it for Error Alerts', () => {
  const { pdu } = decodeLicensingPdu(hex('ff 03 10 00 07 00 00 00 02 00 00 00 00 00 00 00'));
  assert.equal(pdu.type, 'error-alert');
  assert.equal(pdu.type === 'error-alert' && pdu.errorInfoBlobType, 0);
});

test('licensing PDU: structured errors', () => {
  expectDecodeError(() => decodeLicensingPdu(hex('ff 03 03 00')), {
    structure: 'LICENSE_PREAMBLE',
    kind: 'invalid-field',
    field: 'wMsgSize',
    offset: 2,
  });
  expectDecodeError(() => decodeLicensingPdu(hex('ff 03 10 00 07 00 00 00')), {
    structure: 'LICENSE_PREAMBLE',
    kind: 'not-enough-bytes',
    field: 'message',
    offset: 4,
  });
  expectDecodeError(() => decodeLicensingPdu(hex('ff 03 10 00 07 00 00 00 02 00 00 00 04 00 00 00 99')), {
    structure: 'LICENSE_PREAMBLE',
    kind: 'invalid-field',
    field: 'trailing',
    offset: 16,
  });
  // A message that ends before wMsgSize says: extra bytes inside the message.
  expectDecodeError(
    () => decodeLicensingPdu(hex('ff 03 11 00 07 00 00 00 02 00 00 00 04 00 00 00 99'), 100),
    {
      structure: 'ERROR_ALERT',
      kind: 'invalid-field',
      field: 'trailing',
      offset: 116,
    },
  );
  // Odd UTF-16 company name length (cbCompanyName 3) at absolute offset 40 + base.
  const oddName = hex(`
    01 03 41 00
    01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20
    01 00 00 00  03 00 00 00  41 00 00
    02 00 00 00 00 00  0d 00 00 00  03 00 00 00  00 00 00 00
  `);
  expectDecodeError(() => decodeLicensingPdu(oddName), {
    structure: 'LICENSE_REQUEST',
    kind: 'invalid-field',
    field: 'ProductInfo.pbCompanyName',
    offset: 44,
  });
  const manyScopes = hex(`
    01 03 40 00
    01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20
    01 00 00 00  02 00 00 00 00 00  02 00 00 00 00 00
    0d 00 00 00  03 00 00 00  ff ff ff ff
  `);
  expectDecodeError(() => decodeLicensingPdu(manyScopes), {
    structure: 'LICENSE_REQUEST',
    kind: 'too-large',
    field: 'ScopeList.ScopeCount',
    offset: 60,
  });
  const oddAlgorithms = hex(`
    01 03 43 00
    01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20
    01 00 00 00  02 00 00 00 00 00  02 00 00 00 00 00
    0d 00 03 00 01 00 00  03 00 00 00  00 00 00 00
  `);
  expectDecodeError(() => decodeLicensingPdu(oddAlgorithms), {
    structure: 'LICENSE_REQUEST',
    kind: 'invalid-field',
    field: 'KeyExchangeList.wBlobLen',
    offset: 54,
  });
});

test('error code and state transition names, known and unknown', () => {
  assert.equal(licenseErrorCodeName(7), 'STATUS_VALID_CLIENT');
  assert.equal(licenseErrorCodeName(0xb), 'ERR_INVALID_PRODUCTID');
  assert.equal(licenseErrorCodeName(0x99), 'unknown license error code 0x00000099');
  assert.equal(stateTransitionName(2), 'ST_NO_TRANSITION');
  assert.equal(stateTransitionName(9), 'unknown state transition 0x00000009');
});

byteTable(
  'PLATFORM_CHALLENGE_RESPONSE_DATA (MS-RDPELE 2.2.2.5.1)',
  [
    {
      name: 'OTHER platform, detail level DETAIL, challenge "TEST"',
      value: {
        version: 0x0100,
        clientType: 0xff00,
        licenseDetailLevel: 3,
        challenge: hex('54 00 45 00 53 00 54 00 00 00'),
      },
      bytes: hex(`
        00 01  # wVersion 0x0100
        00 ff  # wClientType OTHER_PLATFORMCHALLENGE_TYPE
        03 00  # wLicenseDetailLevel LICENSE_DETAIL_DETAIL
        0a 00  # cbChallenge 10
        54 00 45 00 53 00 54 00 00 00
      `),
    },
  ],
  {
    encode: encodePlatformChallengeResponseData,
    decode: (bytes) => decodePlatformChallengeResponseData(bytes),
  },
);

byteTable(
  'CLIENT_HARDWARE_ID (MS-RDPELE 2.2.2.3.1)',
  [
    {
      name: 'platform id and 16 data bytes',
      value: { platformId: 2, data: Uint8Array.from({ length: 16 }, (_, i) => i) },
      bytes: hex('02 00 00 00  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f'),
    },
  ],
  { encode: encodeClientHardwareId, decode: (bytes) => decodeClientHardwareId(bytes) },
);

byteTable(
  'NEW_LICENSE_INFO (MS-RDPELE 2.2.2.6.1)',
  [
    {
      name: 'scope, company, product and a license blob',
      value: {
        version: 0x00060000,
        scope: 's',
        companyName: 'C',
        productId: 'P',
        licenseInfo: Uint8Array.of(0x30, 0x00),
      },
      bytes: hex(`
        00 00 06 00               # dwVersion
        02 00 00 00  73 00        # cbScope, "s\\0" ANSI
        04 00 00 00  43 00 00 00  # cbCompanyName, "C\\0" UTF-16LE
        04 00 00 00  50 00 00 00  # cbProductId, "P\\0"
        02 00 00 00  30 00        # cbLicenseInfo, pbLicenseInfo
      `),
    },
  ],
  { encode: encodeNewLicenseInfo, decode: (bytes) => decodeNewLicenseInfo(bytes) },
);

test('licensing PDUs round-trip (property)', () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });
  const fixed = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
  const latin1 = fc.string({ maxLength: 12 }).map((s) => s.replace(/[^\u0001-\u00ff]/g, 'x'));
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const pdu: fc.Arbitrary<LicensingPdu> = fc.oneof(
    fc.record({
      type: fc.constant('license-request' as const),
      serverRandom: fixed(32),
      productInfo: fc
        .record({
          version: u32,
          companyName: fc.string({ maxLength: 10 }).map((s) => s.replace(/\0/g, 'x')),
          productId: fc.string({ maxLength: 10 }).map((s) => s.replace(/\0/g, 'x')),
        })
        .map((info) => ({ ...info })),
      keyExchangeAlgorithms: fc.array(u32, { maxLength: 3 }),
      serverCertificate: bytes(40),
      scopes: fc.array(latin1, { maxLength: 3 }),
    }),
    fc.record({
      type: fc.constant('platform-challenge' as const),
      connectFlags: u32,
      encryptedPlatformChallenge: bytes(40),
      macData: fixed(16),
    }),
    fc.record({
      type: fc.constantFrom('new-license' as const, 'upgrade-license' as const),
      encryptedLicenseInfo: bytes(60),
      macData: fixed(16),
    }),
    fc.record({
      type: fc.constant('new-license-request' as const),
      preferredKeyExchangeAlg: u32,
      platformId: u32,
      clientRandom: fixed(32),
      encryptedPremasterSecret: bytes(72),
      clientUserName: latin1,
      clientMachineName: latin1,
    }),
    fc.record({
      type: fc.constant('error-alert' as const),
      errorCode: u32,
      stateTransition: u32,
      errorInfo: bytes(8),
      errorInfoBlobType: fc.integer({ min: 0, max: 0xffff }),
    }),
  );
  fc.assert(
    fc.property(pdu, fc.integer({ min: 0, max: 255 }), (generated, flags) => {
      // fast-check's records have a null prototype; the decoder's objects are plain.
      const value = { ...generated } as LicensingPdu;
      assert.deepStrictEqual(decodeLicensingPdu(encodeLicensingPdu(value, flags)), { flags, pdu: value });
    }),
  );
});

const seeds = [
  hex('ff 03 10 00 07 00 00 00 02 00 00 00 04 00 00 00'),
  encodeLicensingPdu(
    {
      type: 'license-request',
      serverRandom: random32,
      productInfo: { version: 1, companyName: 'Microsoft Corporation', productId: 'A02' },
      keyExchangeAlgorithms: [1],
      serverCertificate: Uint8Array.of(1, 0, 0, 0),
      scopes: ['microsoft.com'],
    },
    3,
  ),
  hex('02 83 20 00 00 00 00 00 09 00 04 00 01 02 03 04 f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff'),
];
fuzzDecoder('decodeLicensingPdu', (bytes) => decodeLicensingPdu(bytes), seeds);
fuzzDecoder('decodeNewLicenseInfo', (bytes) => decodeNewLicenseInfo(bytes), [
  hex('00 00 06 00 02 00 00 00 73 00 04 00 00 00 43 00 00 00 04 00 00 00 50 00 00 00 02 00 00 00 30 00'),
]);
fuzzDecoder('decodePlatformChallengeResponseData', (bytes) => decodePlatformChallengeResponseData(bytes), [
  hex('00 01 00 ff 03 00 02 00 54 00'),
]);

// ---- licensing keys (MS-RDPELE 5.1.2) --------------------------------------------------------

test('deriveLicensingKeys matches the vector of an independent implementation (IronRDP tests)', () => {
  // Values from Devolutions/IronRDP's client_new_license_request tests: a client random, a
  // Windows server's random and a premaster secret, with the master secret, session key blob
  // and licensing encryption key that implementation derives.
  const keys = deriveLicensingKeys(
    hex('4b5b7b43638a08fed17abaf5918577fe3936f6d778ec6acc894a90412cac5a49'),
    hex('5c81f011ebcfd10eb41fb3ba93a2d73909aa99e910d4d795ddad916905266b6a'),
    hex('1428dafbb9ea38ab5ea2f904f7899c983d504577bf17811c3787c24813e8c9204ddff327bdb6987e64dafe1d312f62ca'),
  );
  assert.equal(
    toHex(keys.masterSecret),
    'fedc519adb3ac961040724945d0c43a770e3f30050d7a8723eab7e1be464e5c574aeed1072962a4c65094f6012a912a1',
  );
  assert.equal(
    toHex(keys.sessionKeyBlob),
    'f70375b95fdad0beb42af5c13d98857ad6c5394ce3cb7661aa4ab6157e89213ddf5b2532ee05060d5baa6314afa5460f',
  );
  assert.equal(toHex(keys.macSaltKey), 'f70375b95fdad0beb42af5c13d98857a');
  assert.equal(toHex(keys.licensingEncryptionKey), 'fa44e878d82b3f1d4d00a0a655ce8ab7');
});

test('deriveLicensingKeys refuses a premaster secret of the wrong size', () => {
  expectDecodeError(() => deriveLicensingKeys(random32, random32, new Uint8Array(47)), {
    structure: 'LicensingKeys',
    kind: 'invalid-field',
    field: 'premasterSecret',
    offset: 0,
  });
});

// ---- the client and the lab server talking ----------------------------------------------------

const labKey = createLabProprietaryKey(512);

function counterRandom(seed: number): (length: number) => Uint8Array {
  let next = seed;
  return (length) => Uint8Array.from({ length }, () => (next = (next * 1103515245 + 12345) & 0xff));
}

/** Runs client and server against each other through the real encoder and decoder. */
function converse(mode: LicensingServerMode, options: { certificateInLicenseRequest?: boolean } = {}) {
  const server = new LicensingServer({ mode, certificate: labKey, random: counterRandom(7), ...options });
  const client = new LicensingClient({
    serverPublicKey: serverPublicKey(labKey.certificate),
    clientUserName: 'rdp-doctor',
    clientMachineName: 'PROBE',
    random: counterRandom(99),
  });
  const wire = (pdu: LicensingPdu, flags: number) => decodeLicensingPdu(encodeLicensingPdu(pdu, flags));
  let inbound = wire(server.first(), LAB_LICENSING_PREAMBLE_FLAGS);
  for (let turn = 0; turn < 5; turn++) {
    const step = client.receive(inbound.pdu, inbound.flags);
    if (step.done) return { client, server, facts: step.done };
    assert.ok(step.reply, 'the client answers until licensing is done');
    assert.equal(step.replyFlags, 0x03, 'the reply keeps the server protocol version, without 0x80');
    const answer = server.receive(wire(step.reply, step.replyFlags!).pdu);
    assert.ok(answer.reply);
    inbound = wire(answer.reply, LAB_LICENSING_PREAMBLE_FLAGS);
  }
  throw new Error('licensing did not end');
}

test('valid-client: one Error Alert and licensing is over', () => {
  const { facts, server } = converse('valid-client');
  assert.deepStrictEqual(facts, {
    serverRequestedLicense: false,
    messages: ['ERROR_ALERT'],
    outcome: 'valid-client',
  });
  assert.equal(server.finished, true);
});

test('full exchange: License Request, Platform Challenge, New License', () => {
  const { facts, client, server } = converse('full-exchange');
  assert.deepStrictEqual(facts, {
    serverRequestedLicense: true,
    messages: ['LICENSE_REQUEST', 'PLATFORM_CHALLENGE', 'NEW_LICENSE'],
    outcome: 'license-issued',
  });
  assert.equal(client.licenseMacMatched, true);
  assert.deepStrictEqual(client.license?.licenseInfo, LAB_LICENSE_MARKER);
  const record = server.received();
  assert.equal(record.clientUserName, 'rdp-doctor');
  assert.equal(record.clientMachineName, 'PROBE');
  assert.equal(record.platformId, PROBE_PLATFORM_ID);
  assert.equal(record.challengeAnswered, true);
  assert.equal(record.hardwareId?.platformId, PROBE_PLATFORM_ID);
});

test('full exchange without a certificate in the License Request uses the GCC key', () => {
  const { facts } = converse('full-exchange', { certificateInLicenseRequest: false });
  assert.equal(facts.outcome, 'license-issued');
});

test('an Error Alert after the New License Request names its code and transition', () => {
  const { facts } = converse({ errorCode: LicenseErrorCode.ERR_NO_LICENSE_SERVER, stateTransition: 1 });
  assert.deepStrictEqual(facts, {
    serverRequestedLicense: true,
    messages: ['LICENSE_REQUEST', 'ERROR_ALERT'],
    outcome: 'error-alert',
    errorCode: 6,
    errorName: 'ERR_NO_LICENSE_SERVER',
    stateTransition: 1,
    stateTransitionName: 'ST_TOTAL_ABORT',
  });
});

test('an Error Alert at the start', () => {
  const { facts } = converse({
    errorCode: LicenseErrorCode.ERR_INVALID_CLIENT,
    stateTransition: 1,
    at: 'start',
  });
  assert.equal(facts.outcome, 'error-alert');
  assert.equal(facts.errorName, 'ERR_INVALID_CLIENT');
  assert.deepStrictEqual(facts.messages, ['ERROR_ALERT']);
});

test('facts() is incomplete until the server ends licensing', () => {
  const client = new LicensingClient({
    clientUserName: '',
    clientMachineName: 'PROBE',
    random: counterRandom(1),
  });
  assert.deepStrictEqual(client.facts(), {
    serverRequestedLicense: false,
    messages: [],
    outcome: 'incomplete',
  });
  const server = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(2),
  });
  client.receive(server.first());
  assert.deepStrictEqual(client.facts(), {
    serverRequestedLicense: true,
    messages: ['LICENSE_REQUEST'],
    outcome: 'incomplete',
  });
});

test('the client: a tampered Platform Challenge, a challenge too early, client messages, no key', () => {
  const server = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(3),
  });
  const client = new LicensingClient({
    clientUserName: 'x',
    clientMachineName: 'y',
    random: counterRandom(4),
  });
  const step = client.receive(server.first());
  const challenge = server.receive(step.reply!).reply!;
  assert.equal(challenge.type, 'platform-challenge');
  if (challenge.type !== 'platform-challenge') return;
  const tampered = { ...challenge, macData: new Uint8Array(16) };
  expectDecodeError(() => client.receive(tampered), {
    structure: 'PLATFORM_CHALLENGE',
    kind: 'invalid-field',
    field: 'MACData',
    offset: 0,
  });

  const early = new LicensingClient({
    clientUserName: 'x',
    clientMachineName: 'y',
    random: counterRandom(5),
  });
  expectDecodeError(() => early.receive(challenge), {
    structure: 'LICENSE_PREAMBLE',
    kind: 'unexpected-type',
    field: 'bMsgType',
    offset: 0,
  });
  assert.throws(() => early.receive(step.reply!), DecodeError);

  const keyless = new LicensingClient({
    clientUserName: 'x',
    clientMachineName: 'y',
    random: counterRandom(6),
  });
  const request = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(8),
    certificateInLicenseRequest: false,
  }).first();
  expectDecodeError(() => keyless.receive(request), {
    structure: 'LICENSE_REQUEST',
    kind: 'invalid-field',
    field: 'ServerCertificate',
    offset: 0,
  });
});

test('the client refuses anything after licensing ended', () => {
  const client = new LicensingClient({
    clientUserName: '',
    clientMachineName: 'p',
    random: counterRandom(9),
  });
  const alert = new LicensingServer({
    mode: 'valid-client',
    certificate: labKey,
    random: counterRandom(1),
  }).first();
  client.receive(alert);
  assert.throws(() => client.receive(alert), DecodeError);
});

test('the lab server answers a forged Platform Challenge Response with ERR_INVALID_MAC', () => {
  const server = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(11),
  });
  const client = new LicensingClient({
    clientUserName: 'a',
    clientMachineName: 'b',
    random: counterRandom(12),
  });
  const request = client.receive(server.first()).reply!;
  const challenge = server.receive(request).reply!;
  const response = client.receive(challenge).reply!;
  assert.equal(response.type, 'platform-challenge-response');
  if (response.type !== 'platform-challenge-response') return;
  const answer = server.receive({ ...response, macData: new Uint8Array(16) });
  assert.equal(answer.done, true);
  assert.equal(
    answer.reply?.type === 'error-alert' && answer.reply.errorCode,
    LicenseErrorCode.ERR_INVALID_MAC,
  );
  assert.equal(server.received().challengeAnswered, false);
});

test('the lab server ends licensing with ERR_INVALID_CLIENT on a message out of order', () => {
  const server = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(13),
  });
  server.first();
  const answer = server.receive({
    type: 'platform-challenge-response',
    encryptedPlatformChallengeResponse: new Uint8Array(0),
    encryptedHwid: new Uint8Array(0),
    macData: new Uint8Array(16),
  });
  assert.equal(answer.done, true);
  assert.equal(
    answer.reply?.type === 'error-alert' && answer.reply.errorCode,
    LicenseErrorCode.ERR_INVALID_CLIENT,
  );
});

test('the Platform Challenge Response decrypts to the challenge under the licensing key', () => {
  // Checked from the outside: the server's own view of the keys, recomputed here.
  const server = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(21),
  });
  const clientRandoms = counterRandom(22);
  const taken: Uint8Array[] = [];
  const client = new LicensingClient({
    clientUserName: 'a',
    clientMachineName: 'b',
    hardwareData: new Uint8Array(16).fill(0x5a),
    random: (length) => {
      const bytes = clientRandoms(length);
      taken.push(bytes);
      return bytes;
    },
  });
  const first = server.first();
  assert.equal(first.type, 'license-request');
  if (first.type !== 'license-request') return;
  const request = client.receive(first).reply!;
  const challenge = server.receive(request).reply!;
  const response = client.receive(challenge).reply!;
  if (response.type !== 'platform-challenge-response' || challenge.type !== 'platform-challenge') {
    assert.fail('unexpected messages');
  }
  const [clientRandom, premaster] = taken;
  const keys = deriveLicensingKeys(clientRandom!, first.serverRandom, premaster!);
  const challengeBytes = licensingRc4(keys, challenge.encryptedPlatformChallenge);
  const data = decodePlatformChallengeResponseData(
    licensingRc4(keys, response.encryptedPlatformChallengeResponse),
  );
  assert.deepStrictEqual(data.challenge, challengeBytes);
  assert.equal(data.clientType, 0xff00);
  const hwid = decodeClientHardwareId(licensingRc4(keys, response.encryptedHwid));
  assert.deepStrictEqual(hwid.data, new Uint8Array(16).fill(0x5a));
  const plainResponse = encodePlatformChallengeResponseData(data);
  const mac = licensingMac(keys, Uint8Array.from([...plainResponse, ...encodeClientHardwareId(hwid)]));
  assert.deepStrictEqual(response.macData, mac);
  // The encrypted premaster secret is the modulus size (64) plus 8 zero bytes.
  assert.equal(request.type === 'new-license-request' && request.encryptedPremasterSecret.length, 72);
});

// ---- the lab's proprietary certificate -----------------------------------------------------------

test('the lab certificate is a signed PROPRIETARYSERVERCERTIFICATE that decodes back', () => {
  const certificate = labKey.certificate;
  assert.equal(certificate.publicKey.bitlen, 512);
  assert.equal(certificate.publicKey.modulus.length, 72);
  assert.equal(certificate.signature.length, 72);
  assert.equal(verifyProprietaryCertificate(certificate), true);
  const forged = { ...certificate, publicKey: { ...certificate.publicKey, exponent: 3 } };
  assert.equal(verifyProprietaryCertificate(forged), false);
  assert.equal(createLabProprietaryKey(2048).certificate.publicKey.modulus.length, 264);
});

test('the License Request carries the lab certificate in GCC form', () => {
  const request = new LicensingServer({
    mode: 'full-exchange',
    certificate: labKey,
    random: counterRandom(30),
  }).first();
  assert.equal(request.type, 'license-request');
  if (request.type !== 'license-request') return;
  assert.deepStrictEqual(decodeServerCertificate(request.serverCertificate), labKey.certificate);
});

// ---- bytes from a real server ------------------------------------------------------------------

// xrdp 0.9.21.1 (Debian 12) with security_layer=rdp and crypt_level=fips, answering xfreerdp 2.11
// on loopback; captured with dumpcap and cut out of the MCS Send Data Indications. The
// certificate is xrdp's 512-bit licensing key (public), signed with the Terminal Services key.
const xrdpLicenseRequest = hex(`
  01 02 3e 01  # LICENSE_REQUEST, PREAMBLE_VERSION_2_0, 318 bytes
  7b3c31a6aee874f6b4a50390e7c2c739ba531c30546e9005d005ce4418918381  # ServerRandom
  00000400     # dwVersion 4.0
  2c000000 4d006900630072006f0073006f0066007400200043006f00720070006f0072006100740069006f006e000000
  08000000 320033003600 0000                                  # "236"
  0d00 0400 01000000                                          # [KEY_EXCHANGE_ALG_RSA]
  0300 b800                                                   # BB_CERTIFICATE_BLOB, 184 bytes
  01000000 01000000 01000000 0600 5c00
  5253413148000000000200003f0000000100010001c7c9f78e5a38e429c30095
  2ddd4c3e50450b0d9e2a5d186364c42cf78f29d53fc5352234ffad3ae6e39506
  ae5582e3c8c7b4a847c85071742953896d9ced700000000000000000
  0800 4800
  a8f431b9ab4be6b4f43989d6b1daf61eecb1f0543b5e3e6a71b4f775c8162f24
  00dee982995f330ba9a694afcb11c3f2db0942682956580156db590369db7d37
  0000000000000000
  01000000 0e00 0e00 6d6963726f736f66742e636f6d00              # one scope, "microsoft.com"
`);
// Its Error Alert after the client's New License Request: STATUS_VALID_CLIENT, and an empty
// bbErrorInfo whose wBlobType is 0x1428 (garbage: the spec lets an empty blob carry any type).
const xrdpValidClient = hex('ff 02 10 00 07 00 00 00 02 00 00 00 28 14 00 00');

test('real xrdp License Request decodes, re-encodes to the same bytes, and its certificate verifies', () => {
  const { flags, pdu } = decodeLicensingPdu(xrdpLicenseRequest);
  assert.equal(flags, 0x02);
  assert.equal(pdu.type, 'license-request');
  if (pdu.type !== 'license-request') return;
  assert.deepStrictEqual(pdu.productInfo, {
    version: 0x00040000,
    companyName: 'Microsoft Corporation',
    productId: '236',
  });
  assert.deepStrictEqual(pdu.keyExchangeAlgorithms, [1]);
  assert.deepStrictEqual(pdu.scopes, ['microsoft.com']);
  assert.equal(toHex(encodeLicensingPdu(pdu, flags)), toHex(xrdpLicenseRequest));
  const certificate = decodeServerCertificate(pdu.serverCertificate);
  assert.equal(certificate.kind, 'proprietary');
  if (certificate.kind !== 'proprietary') return;
  assert.equal(certificate.publicKey.bitlen, 512);
  // Checks the published Terminal Services signing key and the signature layout on real data.
  assert.equal(verifyProprietaryCertificate(certificate), true);
});

test('the client answers the real xrdp exchange: New License Request, then valid-client', () => {
  const client = new LicensingClient({
    clientUserName: 'rdp-doctor',
    clientMachineName: 'PROBE',
    random: counterRandom(40),
  });
  const request = decodeLicensingPdu(xrdpLicenseRequest);
  const step = client.receive(request.pdu, request.flags);
  assert.equal(step.replyFlags, 0x02, 'answers in the server protocol version');
  assert.equal(step.reply?.type, 'new-license-request');
  if (step.reply?.type !== 'new-license-request') return;
  assert.equal(step.reply.encryptedPremasterSecret.length, 72);
  assert.deepStrictEqual(step.reply.encryptedPremasterSecret.subarray(64), new Uint8Array(8));
  const alert = decodeLicensingPdu(xrdpValidClient);
  assert.equal(alert.pdu.type === 'error-alert' && alert.pdu.errorInfoBlobType, 0x1428);
  assert.deepStrictEqual(client.receive(alert.pdu, alert.flags).done, {
    serverRequestedLicense: true,
    messages: ['LICENSE_REQUEST', 'ERROR_ALERT'],
    outcome: 'valid-client',
  });
});
