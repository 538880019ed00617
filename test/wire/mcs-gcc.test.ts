import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type ClientData,
  decodeClientDataBlocks,
  decodeServerDataBlocks,
  encodeClientDataBlocks,
  encodeServerDataBlocks,
  encryptionLevelName,
  encryptionMethodName,
  rdpVersionName,
  type ServerData,
} from '../../src/wire/gcc.js';
import {
  type ClientConnectInitial,
  decodeClientConnectInitial,
  decodeServerConnectResponse,
  encodeClientConnectInitial,
  encodeServerConnectResponse,
  mcsResultName,
  type ServerConnectResponse,
} from '../../src/wire/mcs.js';
import { hex, toHex } from '../helpers/bytes.js';
import { bytesOf, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const zeros = (count: number) => '00'.repeat(count);

const connectInitialBytes = hex(`
  03 00 01 52                   # TPKT, length 338
  02 f0 80                      # X.224 Data
  7f 65 82 01 46                # MCS Connect-Initial, 326 bytes (long form as Windows sends)
  04 01 01                      # callingDomainSelector
  04 01 01                      # calledDomainSelector
  01 01 ff                      # upwardFlag TRUE
  30 1a 02 01 22 02 01 02 02 01 00 02 01 01 02 01 00 02 01 01 02 03 00 ff ff 02 01 02  # target
  30 19 02 01 01 02 01 01 02 01 01 02 01 01 02 01 00 02 01 01 02 02 04 20 02 01 02     # minimum
  30 20 02 03 00 ff ff 02 03 00 fc 17 02 03 00 ff ff 02 01 01 02 01 00 02 01 01 02 03 00 ff ff 02 01 02  # maximum
  04 81 e1                      # userData OCTET STRING, 225 bytes
  00 05 00 14 7c 00 01          # T.124 object identifier
  80 d8                         # connectPDU length 216
  00 08 00 10 00 01 c0 00       # conferenceCreateRequest, name "1", one h221NonStandard set
  44 75 63 61                   # "Duca"
  80 ca                         # user data length 202
  01 c0 92 00                   # CS_CORE, 146 bytes
  04 00 08 00                   # version RDP 5.0-8.1
  00 04 00 03                   # 1024 x 768
  01 ca                         # colorDepth RNS_UD_COLOR_8BPP
  03 aa                         # SASSequence
  09 04 00 00                   # keyboardLayout en-US
  b0 1d 00 00                   # clientBuild 7600
  54 00 45 00 53 00 54 00 ${zeros(24)}  # clientName "TEST"
  04 00 00 00                   # keyboardType
  00 00 00 00                   # keyboardSubType
  0c 00 00 00                   # keyboardFunctionKey
  ${zeros(64)}                  # imeFileName
  01 ca                         # postBeta2ColorDepth
  01 00                         # clientProductId
  00 00 00 00                   # serialNumber
  18 00                         # highColorDepth 24
  07 00                         # supportedColorDepths
  01 00                         # earlyCapabilityFlags
  02 c0 0c 00 1b 00 00 00 00 00 00 00            # CS_SECURITY: 40|128|56 bit, ext 0
  03 c0 20 00 02 00 00 00                        # CS_NET: 2 channels
  72 64 70 64 72 00 00 00 00 00 80 80            # "rdpdr", options 0x80800000
  63 6c 69 70 72 64 72 00 00 00 a0 c0            # "cliprdr", options 0xc0a00000
  04 c0 0c 00 0d 00 00 00 00 00 00 00            # CS_CLUSTER: flags 0x0d, session 0
`);

const clientData: ClientData = {
  core: {
    version: 0x00080004,
    desktopWidth: 1024,
    desktopHeight: 768,
    colorDepth: 0xca01,
    sasSequence: 0xaa03,
    keyboardLayout: 0x409,
    clientBuild: 7600,
    clientName: 'TEST',
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
  security: { encryptionMethods: 0x1b, extEncryptionMethods: 0 },
  channels: [
    { name: 'rdpdr', options: 0x80800000 },
    { name: 'cliprdr', options: 0xc0a00000 },
  ],
  cluster: { flags: 0x0d, redirectedSessionId: 0 },
  other: [],
};

const defaultTarget = {
  maxChannelIds: 34,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 65535,
  protocolVersion: 2,
};

test('MCS Connect-Initial + GCC request: decode the hand-written frame', () => {
  const decoded: ClientConnectInitial = decodeClientConnectInitial(connectInitialBytes);
  assert.deepStrictEqual(decoded.clientData, clientData);
  assert.deepStrictEqual(decoded.mcs.targetParameters, defaultTarget);
  assert.equal(decoded.mcs.upwardFlag, true);
  assert.deepStrictEqual(decoded.mcs.minimumParameters.maxMcsPduSize, 1056);
  assert.deepStrictEqual(decoded.mcs.maximumParameters.maxUserIds, 64535);
});

test('MCS Connect-Initial + GCC request: the encoder writes the same bytes (minimal lengths)', () => {
  // The only difference the encoder may make is the minimal BER length 82 01 46 -> same here,
  // since 326 needs two octets either way.
  assert.equal(toHex(encodeClientConnectInitial(clientData)), toHex(connectInitialBytes));
});

const connectResponseBytes = hex(`
  03 00 00 68                   # TPKT, length 104
  02 f0 80                      # X.224 Data
  7f 66 5e                      # MCS Connect-Response, 94 bytes
  0a 01 00                      # result rt-successful
  02 01 00                      # calledConnectId 0
  30 1a 02 01 22 02 01 03 02 01 00 02 01 01 02 01 00 02 01 01 02 03 00 ff f8 02 01 02  # domainParameters
  04 3a                         # userData, 58 bytes
  00 05 00 14 7c 00 01          # T.124 object identifier
  32                            # connectPDU length 50
  14                            # conferenceCreateResponse
  76 0a                         # nodeID 0x760a + 1001 = 31219
  01 01                         # tag: 1 octet, value 1
  00                            # result success
  01 c0 00                      # one h221NonStandard set
  4d 63 44 6e                   # "McDn"
  24                            # user data length 36
  01 0c 0c 00 04 00 08 00 00 00 00 00   # SC_CORE: RDP 5.0-8.1, clientRequestedProtocols 0
  03 0c 0c 00 eb 03 01 00 ec 03 00 00   # SC_NET: MCS channel 1003, one channel 1004, pad
  02 0c 0c 00 00 00 00 00 00 00 00 00   # SC_SECURITY: no encryption
`);

const connectResponse: ServerConnectResponse = {
  mcs: {
    result: 0,
    calledConnectId: 0,
    domainParameters: { ...defaultTarget, maxUserIds: 3, maxMcsPduSize: 65528 },
    userData: connectResponseBytes.slice(46),
  },
  conference: {
    nodeId: 31219,
    tag: 1,
    result: 0,
    serverData: {
      core: { version: 0x00080004, clientRequestedProtocols: 0 },
      network: { mcsChannelId: 1003, channelIds: [1004] },
      security: { encryptionMethod: 0, encryptionLevel: 0 },
      other: [],
    },
  },
};

test('MCS Connect-Response + GCC response: decode and encode the hand-written frame', () => {
  assert.deepStrictEqual(decodeServerConnectResponse(connectResponseBytes), connectResponse);
  const encoded = encodeServerConnectResponse(connectResponse.conference!, {
    domainParameters: connectResponse.mcs.domainParameters,
  });
  assert.equal(toHex(encoded), toHex(connectResponseBytes));
});

const random32 = bytesOf(32, (i) => 0x80 + i);
const modulus = bytesOf(16, (i) => (i < 8 ? 0x11 * (i + 1) : 0));
const proprietarySecurityBlock = hex(`
  02 0c 74 00                   # SC_SECURITY, 116 bytes
  02 00 00 00                   # encryptionMethod 128BIT
  03 00 00 00                   # encryptionLevel HIGH
  20 00 00 00                   # serverRandomLen 32
  40 00 00 00                   # serverCertLen 64
  ${toHex(random32)}            # serverRandom
  01 00 00 80                   # dwVersion CERT_CHAIN_VERSION_1 | temporary
  01 00 00 00                   # dwSigAlgId SIGNATURE_ALG_RSA
  01 00 00 00                   # dwKeyAlgId KEY_EXCHANGE_ALG_RSA
  06 00                         # wPublicKeyBlobType BB_RSA_KEY_BLOB
  24 00                         # wPublicKeyBlobLen 36
  52 53 41 31                   # magic "RSA1"
  10 00 00 00                   # keylen 16
  40 00 00 00                   # bitlen 64
  07 00 00 00                   # datalen 7
  01 00 01 00                   # pubExp 65537
  ${toHex(modulus)}             # modulus (8 bytes + 8 padding)
  08 00                         # wSignatureBlobType BB_RSA_SIGNATURE_BLOB
  08 00                         # wSignatureBlobLen 8
  f0 f1 f2 f3 f4 f5 f6 f7       # SignatureBlob
`);
const coreBlock = hex('01 0c 10 00  05 00 08 00  0b 00 00 00  0f 00 00 00'); // version 10.0, req 0xb, early 0xf

test('GCC server security: proprietary certificate', () => {
  const data: ServerData = {
    core: { version: 0x00080005, clientRequestedProtocols: 0x0b, earlyCapabilityFlags: 0x0f },
    security: {
      encryptionMethod: 2,
      encryptionLevel: 3,
      serverRandom: random32,
      certificate: {
        kind: 'proprietary',
        version: 0x80000001,
        signatureAlgorithm: 1,
        keyAlgorithm: 1,
        publicKeyBlobType: 6,
        publicKey: { magic: 0x31415352, bitlen: 64, datalen: 7, exponent: 65537, modulus },
        signatureBlobType: 8,
        signature: hex('f0 f1 f2 f3 f4 f5 f6 f7'),
      },
    },
    other: [],
  };
  const bytes = Uint8Array.from([...coreBlock, ...proprietarySecurityBlock]);
  assert.deepStrictEqual(decodeServerDataBlocks(bytes), data);
  assert.equal(toHex(encodeServerDataBlocks(data)), toHex(bytes));
});

test('GCC server security: X.509 chain, unknown blocks kept', () => {
  const bytes = hex(`
    01 0c 08 00 04 00 08 00       # SC_CORE, version only (8 bytes)
    02 0c 3d 00                   # SC_SECURITY, 61 bytes
    01 00 00 00                   # encryptionMethod 40BIT
    02 00 00 00                   # encryptionLevel CLIENT_COMPATIBLE
    04 00 00 00                   # serverRandomLen 4
    25 00 00 00                   # serverCertLen 37
    aa bb cc dd                   # serverRandom
    02 00 00 00                   # dwVersion CERT_CHAIN_VERSION_2
    02 00 00 00                   # NumCertBlobs 2
    03 00 00 00 30 01 00          # cert 1 (3 bytes)
    02 00 00 00 30 00             # cert 2 (2 bytes)
    ${zeros(16)}                  # padding 8 + 4 * 2
    08 0c 08 00 01 02 03 04       # SC_MULTITRANSPORT, kept raw
  `);
  const data: ServerData = {
    core: { version: 0x00080004 },
    security: {
      encryptionMethod: 1,
      encryptionLevel: 2,
      serverRandom: hex('aa bb cc dd'),
      certificate: {
        kind: 'x509',
        version: 2,
        certificates: [hex('30 01 00'), hex('30 00')],
        padding: new Uint8Array(16),
      },
    },
    other: [{ type: 0x0c08, body: hex('01 02 03 04') }],
  };
  assert.deepStrictEqual(decodeServerDataBlocks(bytes), data);
  assert.equal(toHex(encodeServerDataBlocks(data)), toHex(bytes));
});

test('GCC and MCS names', () => {
  assert.equal(rdpVersionName(0x00080004), 'RDP 5.0, 5.1, 5.2, 6.0, 6.1, 7.0, 7.1, 8.0, 8.1');
  assert.equal(rdpVersionName(0x00080005), 'RDP 10.0');
  assert.equal(rdpVersionName(0x00090000), 'unknown RDP version 0x00090000');
  assert.equal(encryptionMethodName(2), '128BIT');
  assert.equal(encryptionMethodName(8), '56BIT');
  assert.equal(encryptionMethodName(0x20), 'unknown encryption method 0x00000020');
  assert.equal(encryptionLevelName(3), 'HIGH');
  assert.equal(encryptionLevelName(9), 'unknown encryption level 9');
  assert.equal(mcsResultName(8), 'rt-parameters-unacceptable');
});

test('MCS and GCC: errors', () => {
  const badMagic = Uint8Array.from([...coreBlock, ...proprietarySecurityBlock]);
  badMagic[16 + 4 + 16 + 32 + 16] = 0x00; // first byte of "RSA1"
  expectDecodeError(() => decodeServerDataBlocks(badMagic), {
    structure: 'RSA_PUBLIC_KEY',
    kind: 'invalid-field',
    field: 'magic',
    offset: 84,
    detail: 'expected 0x31415352 "RSA1", got 0x31415300',
  });
  expectDecodeError(() => decodeServerDataBlocks(hex('03 0c 08 00 eb 03 00 00')), {
    structure: 'GCC.ServerData',
    kind: 'invalid-field',
    field: 'SC_CORE',
    offset: 0,
    detail: 'server core data block missing',
  });
  expectDecodeError(() => decodeServerDataBlocks(hex('01 0c 03 00')), {
    structure: 'GCC.ServerData',
    kind: 'invalid-field',
    field: 'TS_UD_HEADER.length',
    offset: 2,
    detail: '3 is below the 4-byte header',
  });
  expectDecodeError(() => decodeServerDataBlocks(hex('01 0c 08 00 04 00 08 00  01 0c 08 00 04 00 08 00')), {
    structure: 'GCC.ServerData',
    kind: 'invalid-field',
    field: 'TS_UD_HEADER.type',
    offset: 8,
    detail: 'duplicate block 0x0c01',
  });
  expectDecodeError(() => decodeClientDataBlocks(hex(`01 c0 84 00 ${zeros(128)}  03 c0 08 00 20 00 00 00`)), {
    structure: 'GCC.ClientData',
    kind: 'too-large',
    field: 'channelCount',
    offset: 136,
    detail: '32 channels, at most 31',
  });
  // Error offsets inside the GCC data point at the byte of the whole TPKT frame.
  const badKey = Uint8Array.from(connectResponseBytes);
  badKey[63] = 0x4e; // "McDn" -> "NcDn"
  expectDecodeError(() => decodeServerConnectResponse(badKey), {
    structure: 'GCC.ConferenceCreateResponse',
    kind: 'invalid-field',
    field: 'h221NonStandard',
    offset: 63,
    detail: 'expected 4d63446e, got 4e63446e',
  });
  const badChoice = Uint8Array.from(connectResponseBytes);
  badChoice[54] = 0x10;
  expectDecodeError(() => decodeServerConnectResponse(badChoice), {
    structure: 'GCC.ConferenceCreateResponse',
    kind: 'unexpected-type',
    field: 'choice',
    offset: 54,
    detail: 'expected 0x14 conferenceCreateResponse, got 0x10',
  });
  expectDecodeError(() => decodeServerConnectResponse(hex('03 00 00 0c 02 f0 80 7f 65 02 0a 00')), {
    structure: 'MCS.ConnectResponse',
    kind: 'unexpected-type',
    field: 'Connect-Response.tag',
    offset: 7,
    detail: 'expected 0x7f66, got 0x7f65',
  });
});

test('MCS Connect-Response with a failure result and no user data', () => {
  const bytes = hex(`
    03 00 00 2e  02 f0 80           # TPKT 46, X.224 Data
    7f 66 24                        # Connect-Response, 36 bytes
    0a 01 08                        # result rt-parameters-unacceptable
    02 01 00                        # calledConnectId
    30 1a 02 01 22 02 01 03 02 01 00 02 01 01 02 01 00 02 01 01 02 03 00 ff f8 02 01 02
    04 00                           # empty userData
  `);
  const decoded = decodeServerConnectResponse(bytes);
  assert.equal(decoded.mcs.result, 8);
  assert.equal(decoded.conference, undefined);
});

fuzzDecoder('MCS Connect-Initial', decodeClientConnectInitial, [connectInitialBytes], 400);
fuzzDecoder('MCS Connect-Response', decodeServerConnectResponse, [connectResponseBytes], 400);
fuzzDecoder('GCC server blocks', (bytes) => decodeServerDataBlocks(bytes), [
  Uint8Array.from([...coreBlock, ...proprietarySecurityBlock]),
]);

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const shortText = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9 -]{0,${max}}$`));

test('GCC client and server blocks: decode(encode(v)) is v', () => {
  const optionalTail = fc.nat({ max: 15 }).chain((count) =>
    fc
      .tuple(
        u16,
        u16,
        u32,
        u16,
        u16,
        u16,
        shortText(31),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        u32,
        u32,
        u32,
        u16,
        u32,
        u32,
      )
      .map((values) => {
        const names = [
          'postBeta2ColorDepth',
          'clientProductId',
          'serialNumber',
          'highColorDepth',
          'supportedColorDepths',
          'earlyCapabilityFlags',
          'clientDigProductId',
          'connectionType',
          'pad1octet',
          'serverSelectedProtocol',
          'desktopPhysicalWidth',
          'desktopPhysicalHeight',
          'desktopOrientation',
          'desktopScaleFactor',
          'deviceScaleFactor',
        ];
        return Object.fromEntries(names.slice(0, count).map((name, i) => [name, values[i]]));
      }),
  );
  const client = fc
    .tuple(
      fc.record(
        {
          version: u32,
          desktopWidth: u16,
          desktopHeight: u16,
          colorDepth: u16,
          sasSequence: u16,
          keyboardLayout: u32,
          clientBuild: u32,
          clientName: shortText(15),
          keyboardType: u32,
          keyboardSubType: u32,
          keyboardFunctionKey: u32,
          imeFileName: shortText(31),
        },
        { noNullPrototype: true },
      ),
      optionalTail,
      fc.option(fc.record({ encryptionMethods: u32, extEncryptionMethods: u32 }, { noNullPrototype: true }), {
        nil: undefined,
      }),
      fc.option(
        fc.array(fc.record({ name: shortText(7), options: u32 }, { noNullPrototype: true }), {
          maxLength: 31,
        }),
        { nil: undefined },
      ),
      fc.option(fc.record({ flags: u32, redirectedSessionId: u32 }, { noNullPrototype: true }), {
        nil: undefined,
      }),
    )
    .map(([core, tail, security, channels, cluster]): ClientData => ({
      core: { ...core, ...tail },
      ...(security ? { security } : {}),
      ...(channels ? { channels } : {}),
      ...(cluster ? { cluster } : {}),
      other: [],
    }));
  fc.assert(
    fc.property(client, (value) =>
      assert.deepStrictEqual(decodeClientDataBlocks(encodeClientDataBlocks(value)), value),
    ),
    { numRuns: 300 },
  );

  const server = fc
    .tuple(
      u32,
      fc.option(fc.tuple(u32, fc.option(u32, { nil: undefined })), { nil: undefined }),
      fc.option(
        fc.tuple(
          u32,
          u32,
          fc.uint8Array({ maxLength: 64 }),
          fc.option(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 4 }), { nil: undefined }),
        ),
        { nil: undefined },
      ),
      fc.option(fc.tuple(u16, fc.array(u16, { maxLength: 31 })), { nil: undefined }),
    )
    .map(([version, coreTail, security, network]): ServerData => {
      const core = !coreTail
        ? { version }
        : coreTail[1] === undefined
          ? { version, clientRequestedProtocols: coreTail[0] }
          : { version, clientRequestedProtocols: coreTail[0], earlyCapabilityFlags: coreTail[1] };
      const certificates = security?.[3];
      return {
        core,
        ...(security
          ? {
              security: {
                encryptionMethod: security[0],
                encryptionLevel: security[1],
                serverRandom: security[2],
                ...(certificates
                  ? {
                      certificate: {
                        kind: 'x509' as const,
                        version: 2,
                        certificates,
                        padding: new Uint8Array(8 + 4 * certificates.length),
                      },
                    }
                  : {}),
              },
            }
          : {}),
        ...(network ? { network: { mcsChannelId: network[0], channelIds: network[1] } } : {}),
        other: [],
      };
    });
  fc.assert(
    fc.property(server, (value) =>
      assert.deepStrictEqual(decodeServerDataBlocks(encodeServerDataBlocks(value)), value),
    ),
    { numRuns: 300 },
  );
});
