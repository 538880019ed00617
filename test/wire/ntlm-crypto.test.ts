import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { md4 } from '../../src/wire/md4.js';
import {
  AvId,
  avString,
  decodeNtlmAuthenticate,
  encodeNtlmAuthenticate,
  type NtlmAuthenticate,
  NtlmFlag,
} from '../../src/wire/ntlm.js';
import {
  clientAvPairs,
  computeNtlmv2Response,
  decodeNtlmv2ClientChallenge,
  decryptRandomSessionKey,
  encodeNtlmv2ClientChallenge,
  encryptRandomSessionKey,
  MSV_AV_FLAG_MIC_PRESENT,
  type Ntlmv2ClientChallenge,
  NtlmSealing,
  ntHash,
  ntowfv2,
  ntowfv2FromHash,
  sealKey,
  signKey,
  verifyNtlmv2Response,
} from '../../src/wire/ntlm-crypto.js';
import { hex, toHex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

// ---- MD4 (RFC 1320 appendix A.5 test suite) -------------------------------------------------

const MD4_SUITE: ReadonlyArray<readonly [string, string]> = [
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
  [
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
    'e33b4ddc9c38f2199c3e7b164fcc0536',
  ],
];

for (const [message, digest] of MD4_SUITE) {
  test(`MD4 (RFC 1320 A.5): ${JSON.stringify(message.slice(0, 20))} (${message.length} bytes)`, () => {
    assert.equal(toHex(md4(Buffer.from(message, 'latin1'))), digest);
  });
}

test('MD4 leaves its input untouched (the caller owns and wipes the password)', () => {
  const input = Buffer.from('Password', 'utf16le');
  const copy = Buffer.from(input);
  md4(input);
  assert.deepEqual(input, copy);
});

// ---- MS-NLMP 4.2.4 NTLMv2 Authentication ----------------------------------------------------

/** The example's inputs (MS-NLMP 4.2.1 common values, 4.2.4 target info). */
const USER = 'User';
const DOMAIN = 'Domain';
const PASSWORD = Buffer.from('Password', 'utf16le');
const SERVER_CHALLENGE = hex('01 23 45 67 89 ab cd ef');
const CLIENT_CHALLENGE = hex('aa aa aa aa aa aa aa aa');
const RANDOM_SESSION_KEY = hex('55 55 55 55 55 55 55 55 55 55 55 55 55 55 55 55');
const TIME = 0n;
const TARGET_INFO = [
  avString(AvId.MsvAvNbDomainName, 'Domain'),
  avString(AvId.MsvAvNbComputerName, 'Server'),
];
/** Challenge flags of 4.2.4 (0xe28a8233). */
const FLAGS_424 = 0xe28a8233;

test('MS-NLMP 4.2.4.1.1 NTOWFv2', () => {
  assert.equal(toHex(ntowfv2(PASSWORD, USER, DOMAIN)), '0c868a403bfd7a93a3001ef22ef02e3f');
  // The same through the NT hash a SAM file stores.
  assert.equal(toHex(ntowfv2FromHash(ntHash(PASSWORD), USER, DOMAIN)), '0c868a403bfd7a93a3001ef22ef02e3f');
});

const temp424 = hex(`
  01 01 00 00 00 00 00 00                  # RespType, HiRespType, Reserved1, Reserved2
  00 00 00 00 00 00 00 00                  # TimeStamp 0
  aa aa aa aa aa aa aa aa                  # ChallengeFromClient
  00 00 00 00                              # Reserved3
  02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00   # MsvAvNbDomainName "Domain"
  01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00   # MsvAvNbComputerName "Server"
  00 00 00 00                              # MsvAvEOL
  00 00 00 00                              # Z(4)
`);

byteTable<Ntlmv2ClientChallenge>(
  'NTLMv2_CLIENT_CHALLENGE (MS-NLMP 4.2.4.1.3 temp)',
  [
    {
      name: 'the 4.2.4 example',
      value: { timestamp: TIME, clientChallenge: CLIENT_CHALLENGE, avPairs: TARGET_INFO },
      bytes: temp424,
    },
  ],
  {
    encode: (value) => encodeNtlmv2ClientChallenge(value.timestamp, value.clientChallenge, value.avPairs),
    decode: (bytes) => decodeNtlmv2ClientChallenge(bytes),
  },
);

test('MS-NLMP 4.2.4.2 responses and session base key, 4.2.4.2.3 encrypted session key', () => {
  const responseKeyNT = ntowfv2(PASSWORD, USER, DOMAIN);
  const response = computeNtlmv2Response({
    responseKeyNT,
    serverChallenge: SERVER_CHALLENGE,
    clientChallenge: CLIENT_CHALLENGE,
    timestamp: TIME,
    avPairs: TARGET_INFO,
  });
  assert.equal(toHex(response.lmChallengeResponse), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  assert.equal(toHex(response.ntChallengeResponse.subarray(0, 16)), '68cd0ab851e51c96aabc927bebef6a1c');
  assert.equal(toHex(response.ntChallengeResponse.subarray(16)), toHex(temp424));
  assert.equal(toHex(response.sessionBaseKey), '8de40ccadbc14a82f15cb0ad0de95ca3');
  const encrypted = encryptRandomSessionKey(response.sessionBaseKey, RANDOM_SESSION_KEY);
  assert.equal(toHex(encrypted), 'c5dad2544fc9799094ce1ce90bc9d03e');
  assert.equal(toHex(decryptRandomSessionKey(response.sessionBaseKey, encrypted)), toHex(RANDOM_SESSION_KEY));
});

test('an NTLMv2 response with a timestamp sends Z(24) as its LM response', () => {
  const response = computeNtlmv2Response({
    responseKeyNT: ntowfv2(PASSWORD, USER, DOMAIN),
    serverChallenge: SERVER_CHALLENGE,
    clientChallenge: CLIENT_CHALLENGE,
    timestamp: TIME,
    avPairs: TARGET_INFO,
    omitLmResponse: true,
  });
  assert.equal(toHex(response.lmChallengeResponse), '00'.repeat(24));
});

test('the server side verifies the 4.2.4 proof and refuses a wrong password or user', () => {
  const ntChallengeResponse = hex(`68cd0ab851e51c96aabc927bebef6a1c ${toHex(temp424)}`);
  const verified = verifyNtlmv2Response({
    responseKeyNT: ntowfv2(PASSWORD, USER, DOMAIN),
    serverChallenge: SERVER_CHALLENGE,
    ntChallengeResponse,
  });
  assert.equal(verified && toHex(verified), '8de40ccadbc14a82f15cb0ad0de95ca3');
  for (const [password, user] of [
    ['password', USER],
    ['Password', 'Other'],
  ] as const) {
    const result = verifyNtlmv2Response({
      responseKeyNT: ntowfv2(Buffer.from(password, 'utf16le'), user, DOMAIN),
      serverChallenge: SERVER_CHALLENGE,
      ntChallengeResponse,
    });
    assert.equal(result, undefined);
  }
  assert.equal(
    verifyNtlmv2Response({
      responseKeyNT: new Uint8Array(16),
      serverChallenge: SERVER_CHALLENGE,
      ntChallengeResponse: new Uint8Array(16),
    }),
    undefined,
    'a response too short to carry a blob',
  );
});

test('MS-NLMP 4.2.4.4 GSS_WrapEx: sealed "Plaintext" and its signature', () => {
  const sealing = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS_424, 'client');
  const { signature, sealed } = sealing.seal(Buffer.from('Plaintext', 'utf16le'));
  assert.equal(toHex(sealed), '54e50165bf1936dc996020c1811b0f06fb5f');
  assert.equal(toHex(signature), '010000007fb38ec5c55d497600000000');
});

test('sealing: the peer unseals a sequence of messages; a changed byte or a replay is refused', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(
        FLAGS_424,
        FLAGS_424 & ~NtlmFlag.NEGOTIATE_128,
        FLAGS_424 & ~(NtlmFlag.NEGOTIATE_128 | NtlmFlag.NEGOTIATE_56),
      ),
      (key, messages, flags) => {
        const client = new NtlmSealing(key, flags, 'client');
        const server = new NtlmSealing(key, flags, 'server');
        for (const message of messages) {
          const { signature, sealed } = client.seal(message);
          assert.deepEqual(server.unseal(signature, sealed), message);
          const back = server.seal(message);
          assert.deepEqual(client.unseal(back.signature, back.sealed), message);
        }
      },
    ),
    { numRuns: 100 },
  );
  const client = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS_424, 'client');
  const server = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS_424, 'server');
  const first = client.seal(hex('01 02 03'));
  const tampered = Uint8Array.from(first.sealed);
  tampered[0]! ^= 1;
  expectDecodeError(() => server.unseal(first.signature, tampered), {
    structure: 'NTLM.MessageSignature',
    kind: 'invalid-field',
    field: 'Checksum',
    offset: 4,
    detail: 'the signature does not match the sealed message',
  });
});

test('SIGNKEY and SEALKEY differ per direction, and SEALKEY shrinks the key for 56/40 bits', () => {
  assert.notEqual(toHex(signKey(RANDOM_SESSION_KEY, 'client')), toHex(signKey(RANDOM_SESSION_KEY, 'server')));
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const truncated = Uint8Array.from(key);
  truncated.fill(0xee, 7);
  // Only the first 7 bytes count for 56-bit, the first 5 for 40-bit.
  const flags56 = NtlmFlag.NEGOTIATE_56;
  assert.equal(toHex(sealKey(key, flags56, 'client')), toHex(sealKey(truncated, flags56, 'client')));
  assert.notEqual(
    toHex(sealKey(key, NtlmFlag.NEGOTIATE_128, 'client')),
    toHex(sealKey(truncated, NtlmFlag.NEGOTIATE_128, 'client')),
  );
  truncated.fill(0xee, 5);
  assert.equal(toHex(sealKey(key, 0, 'client')), toHex(sealKey(truncated, 0, 'client')));
});

test('the client AV pairs add the MIC flag, zero channel bindings and the target name', () => {
  const pairs = clientAvPairs([...TARGET_INFO, { id: AvId.MsvAvFlags, value: hex('01 00 00 00') }], {
    withMic: true,
    targetName: 'TERMSRV/host',
  });
  assert.deepEqual(
    pairs.map((pair) => pair.id),
    [
      AvId.MsvAvNbDomainName,
      AvId.MsvAvNbComputerName,
      AvId.MsvAvFlags,
      AvId.MsvAvChannelBindings,
      AvId.MsvAvTargetName,
    ],
  );
  assert.equal(toHex(pairs[2]!.value), toHex(Uint8Array.of(1 | MSV_AV_FLAG_MIC_PRESENT, 0, 0, 0)));
  assert.equal(toHex(pairs[3]!.value), '00'.repeat(16));
  assert.equal(Buffer.from(pairs[4]!.value).toString('utf16le'), 'TERMSRV/host');
});

// ---- AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3) -------------------------------------------------

const withMic: NtlmAuthenticate = {
  flags: 0x02000205,
  lmChallengeResponse: hex('a1 a2'),
  ntChallengeResponse: hex('b1 b2 b3 b4'),
  domain: 'D',
  userName: 'U',
  workstation: '',
  encryptedRandomSessionKey: hex('c1 c2'),
  version: { major: 10, minor: 0, build: 19041, revision: 15 },
  mic: new Uint8Array(16).fill(0x11),
};

const withMicBytes = hex(`
  4e 54 4c 4d 53 53 50 00   # Signature
  03 00 00 00               # MessageType AUTHENTICATE
  02 00 02 00 58 00 00 00   # LmChallengeResponseFields: 2 at 88
  04 00 04 00 5a 00 00 00   # NtChallengeResponseFields: 4 at 90
  02 00 02 00 5e 00 00 00   # DomainNameFields: 2 at 94
  02 00 02 00 60 00 00 00   # UserNameFields: 2 at 96
  00 00 00 00 00 00 00 00   # WorkstationFields: empty
  02 00 02 00 62 00 00 00   # EncryptedRandomSessionKeyFields: 2 at 98
  05 02 00 02               # NegotiateFlags 0x02000205
  0a 00 61 4a 00 00 00 0f   # Version 10.0.19041, revision 15
  11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11   # MIC
  a1 a2                     # LmChallengeResponse
  b1 b2 b3 b4               # NtChallengeResponse
  44 00                     # DomainName "D"
  55 00                     # UserName "U"
  c1 c2                     # EncryptedRandomSessionKey
`);

const plain: NtlmAuthenticate = {
  flags: 0x00000205,
  lmChallengeResponse: new Uint8Array(0),
  ntChallengeResponse: hex('b1'),
  domain: '',
  userName: 'U',
  workstation: 'W',
  encryptedRandomSessionKey: new Uint8Array(0),
};

const plainBytes = hex(`
  4e 54 4c 4d 53 53 50 00   # Signature
  03 00 00 00               # MessageType AUTHENTICATE
  00 00 00 00 00 00 00 00   # LmChallengeResponseFields: empty
  01 00 01 00 40 00 00 00   # NtChallengeResponseFields: 1 at 64
  00 00 00 00 00 00 00 00   # DomainNameFields: empty
  02 00 02 00 41 00 00 00   # UserNameFields: 2 at 65
  02 00 02 00 43 00 00 00   # WorkstationFields: 2 at 67
  00 00 00 00 00 00 00 00   # EncryptedRandomSessionKeyFields: empty
  05 02 00 00               # NegotiateFlags 0x00000205 (no VERSION, no MIC)
  b1                        # NtChallengeResponse
  55 00                     # UserName "U"
  57 00                     # Workstation "W"
`);

byteTable<NtlmAuthenticate>(
  'NTLM AUTHENTICATE',
  [
    { name: 'with VERSION and MIC', value: withMic, bytes: withMicBytes },
    { name: 'without VERSION or MIC', value: plain, bytes: plainBytes },
  ],
  { encode: encodeNtlmAuthenticate, decode: (bytes) => decodeNtlmAuthenticate(bytes) },
);

test('NTLM AUTHENTICATE: structured errors', () => {
  const wrongType = Uint8Array.from(plainBytes);
  wrongType[8] = 2;
  expectDecodeError(() => decodeNtlmAuthenticate(wrongType), {
    structure: 'NTLM.Authenticate',
    kind: 'unexpected-type',
    field: 'MessageType',
    offset: 8,
    detail: 'expected 3, got 2',
  });
  expectDecodeError(() => decodeNtlmAuthenticate(plainBytes.subarray(0, 66)), {
    structure: 'NTLM.Authenticate',
    kind: 'not-enough-bytes',
    field: 'UserNameFields.BufferOffset',
    offset: 40,
    detail: '65+2 beyond 66',
  });
  const oddName = Uint8Array.from(plainBytes);
  oddName[36] = 1; // UserNameFields.Len = 1
  expectDecodeError(() => decodeNtlmAuthenticate(oddName, 100), {
    structure: 'NTLM.Authenticate',
    kind: 'invalid-field',
    field: 'UserNameFields',
    offset: 165,
    detail: 'odd UTF-16 length 1',
  });
  expectDecodeError(() => decodeNtlmAuthenticate(plainBytes.subarray(0, 30)), {
    structure: 'NTLM.Authenticate',
    kind: 'not-enough-bytes',
    field: 'DomainNameFields.MaxLen',
    offset: 30,
  });
});

test('NTLM AUTHENTICATE: the encoder refuses a MIC of the wrong size or without VERSION', () => {
  assert.throws(() => encodeNtlmAuthenticate({ ...withMic, mic: new Uint8Array(15) }), RangeError);
  assert.throws(() => encodeNtlmAuthenticate({ ...plain, mic: new Uint8Array(16) }), RangeError);
});

const authenticateArbitrary: fc.Arbitrary<NtlmAuthenticate> = fc
  .record({
    flags: fc.integer({ min: 0, max: 0xffffffff }).map((flags) => flags & ~NtlmFlag.NEGOTIATE_VERSION),
    lmChallengeResponse: fc.uint8Array({ maxLength: 24 }),
    ntChallengeResponse: fc.uint8Array({ maxLength: 64 }),
    domain: fc.string({ maxLength: 8 }),
    userName: fc.string({ maxLength: 8 }),
    workstation: fc.string({ maxLength: 8 }),
    encryptedRandomSessionKey: fc.uint8Array({ maxLength: 16 }),
    withVersion: fc.boolean(),
    mic: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
  })
  .map(({ withVersion, mic, flags, ...rest }) => {
    // Lone surrogates do not survive UTF-16 round trips through Buffer; keep well-formed text.
    const clean = (text: string) => Buffer.from(text, 'utf16le').toString('utf16le');
    const base = {
      ...rest,
      domain: clean(rest.domain),
      userName: clean(rest.userName),
      workstation: clean(rest.workstation),
    };
    const hasPayload =
      [rest.lmChallengeResponse, rest.ntChallengeResponse, rest.encryptedRandomSessionKey].some(
        (b) => b.length > 0,
      ) || base.domain + base.userName + base.workstation !== '';
    if (!withVersion && mic === undefined) return { ...base, flags: flags >>> 0 };
    const version = { major: 10, minor: 0, build: 19041, revision: 15 };
    const flagsWithVersion = (flags | NtlmFlag.NEGOTIATE_VERSION) >>> 0;
    // A MIC is recognised by where the payload starts, so it needs some payload to be seen.
    return mic !== undefined && hasPayload
      ? { ...base, flags: flagsWithVersion, version, mic }
      : { ...base, flags: flagsWithVersion, version };
  });

test('NTLM AUTHENTICATE: decode(encode(message)) is the message', () => {
  fc.assert(
    fc.property(authenticateArbitrary, (message) => {
      assert.deepEqual(decodeNtlmAuthenticate(encodeNtlmAuthenticate(message)), message);
    }),
    { numRuns: 300 },
  );
});

fuzzDecoder('NTLM AUTHENTICATE', (bytes) => decodeNtlmAuthenticate(bytes), [withMicBytes, plainBytes]);
fuzzDecoder('NTLMv2_CLIENT_CHALLENGE', (bytes) => decodeNtlmv2ClientChallenge(bytes), [temp424]);
