import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  AvId,
  avFlags,
  avString,
  avTimestamp,
  DEFAULT_NEGOTIATE_FLAGS,
  decodeAvPairs,
  decodeNtlmChallenge,
  decodeNtlmNegotiate,
  describeTargetInfo,
  encodeNtlmChallenge,
  encodeNtlmNegotiate,
  findNtlmMessage,
  formatNtlmVersion,
  type NtlmChallenge,
  NtlmFlag,
  type NtlmNegotiate,
} from '../../src/wire/ntlm.js';
import { flagNames } from '../../src/wire/rdp-neg.js';
import { hex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const challengeBytes = hex(`
  4e 54 4c 4d 53 53 50 00   # Signature "NTLMSSP\\0"
  02 00 00 00               # MessageType CHALLENGE
  06 00 06 00 38 00 00 00   # TargetNameFields: 6 bytes at 56
  05 82 8a 02               # NegotiateFlags 0x028a8205
  01 23 45 67 89 ab cd ef   # ServerChallenge
  00 00 00 00 00 00 00 00   # Reserved
  24 00 24 00 3e 00 00 00   # TargetInfoFields: 36 bytes at 62
  06 01 b1 1d 00 00 00 0f   # Version 6.1.7601, revision 15
  52 00 44 00 50 00         # TargetName "RDP"
  02 00 06 00 52 00 44 00 50 00   # MsvAvNbDomainName "RDP"
  01 00 06 00 52 00 44 00 50 00   # MsvAvNbComputerName "RDP"
  07 00 08 00 e0 34 b0 58 28 3d da 01   # MsvAvTimestamp 2024-01-02T03:04:05.678Z
  00 00 00 00               # MsvAvEOL
`);

const challenge: NtlmChallenge = {
  flags: 0x028a8205,
  targetName: 'RDP',
  serverChallenge: hex('01 23 45 67 89 ab cd ef'),
  reserved: new Uint8Array(8),
  targetInfo: [
    { id: AvId.MsvAvNbDomainName, value: hex('52 00 44 00 50 00') },
    { id: AvId.MsvAvNbComputerName, value: hex('52 00 44 00 50 00') },
    { id: AvId.MsvAvTimestamp, value: hex('e0 34 b0 58 28 3d da 01') },
  ],
  version: { major: 6, minor: 1, build: 7601, revision: 15 },
};

byteTable<NtlmChallenge>(
  'NTLM CHALLENGE',
  [{ name: 'FreeRDP-like challenge', value: challenge, bytes: challengeBytes }],
  {
    encode: encodeNtlmChallenge,
    decode: (bytes) => decodeNtlmChallenge(bytes),
  },
);

byteTable<NtlmNegotiate>(
  'NTLM NEGOTIATE',
  [
    {
      name: 'default CredSSP flags with VERSION 10.0.17763',
      value: {
        flags: DEFAULT_NEGOTIATE_FLAGS,
        domain: '',
        workstation: '',
        version: { major: 10, minor: 0, build: 17763, revision: 15 },
      },
      bytes: hex(`
        4e 54 4c 4d 53 53 50 00   # Signature
        01 00 00 00               # MessageType NEGOTIATE
        35 82 08 e2               # NegotiateFlags 0xe2088235
        00 00 00 00 00 00 00 00   # DomainNameFields (empty)
        00 00 00 00 00 00 00 00   # WorkstationFields (empty)
        0a 00 63 45 00 00 00 0f   # Version 10.0.17763 rev 15
      `),
    },
    {
      name: 'OEM domain and workstation, no VERSION',
      value: { flags: 0x00003207, domain: 'DOM', workstation: 'WS' },
      bytes: hex(`
        4e 54 4c 4d 53 53 50 00   # Signature
        01 00 00 00               # NEGOTIATE
        07 32 00 00               # flags: UNICODE OEM REQUEST_TARGET NTLM OEM_DOMAIN OEM_WORKSTATION
        03 00 03 00 20 00 00 00   # DomainNameFields: 3 at 32
        02 00 02 00 23 00 00 00   # WorkstationFields: 2 at 35
        44 4f 4d                  # "DOM"
        57 53                     # "WS"
      `),
    },
  ],
  { encode: encodeNtlmNegotiate, decode: (bytes) => decodeNtlmNegotiate(bytes) },
);

test('NTLM: target info named, flags named, version formatted', () => {
  const info = describeTargetInfo(decodeNtlmChallenge(challengeBytes).targetInfo);
  assert.deepEqual(info, {
    nbDomainName: 'RDP',
    nbComputerName: 'RDP',
    timestampFiletime: 133486382456780000n,
    timestamp: new Date('2024-01-02T03:04:05.678Z'),
    otherIds: [],
  });
  assert.equal(formatNtlmVersion(challenge.version!), '6.1.7601');
  assert.deepEqual(flagNames(0x028a8205 | 0x08000000, NtlmFlag), [
    'NEGOTIATE_UNICODE',
    'REQUEST_TARGET',
    'NEGOTIATE_NTLM',
    'NEGOTIATE_ALWAYS_SIGN',
    'TARGET_TYPE_SERVER',
    'NEGOTIATE_EXTENDED_SESSIONSECURITY',
    'NEGOTIATE_TARGET_INFO',
    'NEGOTIATE_VERSION',
    'unknown 0x8000000',
  ]);
  const all = describeTargetInfo([
    avString(AvId.MsvAvDnsComputerName, 'host.example'),
    avString(AvId.MsvAvDnsDomainName, 'example'),
    avString(AvId.MsvAvDnsTreeName, 'forest'),
    avFlags(2),
    avTimestamp(new Date('2030-05-06T07:08:09.010Z')),
    { id: 0x0a, value: new Uint8Array(16) },
  ]);
  assert.equal(all.dnsComputerName, 'host.example');
  assert.equal(all.dnsDomainName, 'example');
  assert.equal(all.dnsTreeName, 'forest');
  assert.equal(all.flags, 2);
  assert.equal(all.timestamp?.toISOString(), '2030-05-06T07:08:09.010Z');
  assert.deepEqual(all.otherIds, [0x0a]);
});

test('NTLM: AV pairs stop at MsvAvEOL and keep unknown ids', () => {
  assert.deepEqual(decodeAvPairs(hex('2a 00 01 00 ff  00 00 00 00  99 99')), [
    { id: 0x2a, value: hex('ff') },
  ]);
});

test('NTLM: found inside an SPNEGO wrapper', () => {
  const wrapped = Uint8Array.from([0xa1, 0x81, 0x90, 0x30, ...challengeBytes]);
  assert.deepEqual(decodeNtlmChallenge(findNtlmMessage(wrapped)!), challenge);
  assert.equal(findNtlmMessage(hex('00 01 02')), undefined);
});

test('NTLM: errors', () => {
  const badSignature = Uint8Array.from(challengeBytes);
  badSignature[0] = 0x4f;
  expectDecodeError(() => decodeNtlmChallenge(badSignature), {
    structure: 'NTLM.Challenge',
    kind: 'unexpected-type',
    field: 'Signature',
    offset: 0,
    detail: 'not "NTLMSSP\\0"',
  });
  expectDecodeError(() => decodeNtlmChallenge(challengeBytes.subarray(0, 61)), {
    structure: 'NTLM.Challenge',
    kind: 'not-enough-bytes',
    field: 'TargetNameFields.BufferOffset',
    offset: 16,
    detail: '56+6 beyond 61',
  });
  expectDecodeError(() => decodeNtlmChallenge(challengeBytes.subarray(0, 90)), {
    structure: 'NTLM.Challenge',
    kind: 'not-enough-bytes',
    field: 'TargetInfoFields.BufferOffset',
    offset: 44,
    detail: '62+36 beyond 90',
  });
  const oddName = Uint8Array.from(challengeBytes);
  oddName[12] = 5;
  expectDecodeError(() => decodeNtlmChallenge(oddName), {
    structure: 'NTLM.Challenge',
    kind: 'invalid-field',
    field: 'TargetName',
    offset: 56,
    detail: 'odd UTF-16 length 5',
  });
  expectDecodeError(() => decodeNtlmNegotiate(challengeBytes), {
    structure: 'NTLM.Negotiate',
    kind: 'unexpected-type',
    field: 'MessageType',
    offset: 8,
    detail: 'expected 1, got 2',
  });
  // An AV pair whose length runs past the list: the offset is inside the whole message.
  const longPair = Uint8Array.from(challengeBytes);
  longPair[62 + 2] = 0x40;
  expectDecodeError(() => decodeNtlmChallenge(longPair), {
    structure: 'NTLM.AvPairs',
    kind: 'not-enough-bytes',
    field: 'AvPair[0x2]',
    offset: 66,
    detail: 'need 64 byte(s), 32 left',
  });
  expectDecodeError(() => describeTargetInfo([{ id: AvId.MsvAvTimestamp, value: hex('01 02 03') }]), {
    structure: 'NTLM.AvPair',
    kind: 'not-enough-bytes',
    field: 'MsvAvTimestamp',
    offset: 0,
    detail: 'need 4 byte(s), 3 left',
  });
});

fuzzDecoder('NTLM CHALLENGE', (bytes) => describeTargetInfo(decodeNtlmChallenge(bytes).targetInfo), [
  challengeBytes,
]);
fuzzDecoder('NTLM NEGOTIATE', (bytes) => decodeNtlmNegotiate(bytes), [
  encodeNtlmNegotiate({ flags: DEFAULT_NEGOTIATE_FLAGS, domain: 'D', workstation: 'W' }),
]);

test('NTLM CHALLENGE: decode(encode(v)) is v', () => {
  const version = fc.record(
    {
      major: fc.integer({ min: 0, max: 255 }),
      minor: fc.integer({ min: 0, max: 255 }),
      build: fc.integer({ min: 0, max: 0xffff }),
      revision: fc.integer({ min: 0, max: 255 }),
    },
    { noNullPrototype: true },
  );
  const pair = fc.record(
    { id: fc.integer({ min: 1, max: 0xffff }), value: fc.uint8Array({ maxLength: 40 }) },
    { noNullPrototype: true },
  );
  const value = fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.string({ maxLength: 20 }).map((s) => s.replace(/[\ud800-\udfff]/g, 'x')),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.array(pair, { maxLength: 6 }),
      fc.option(version, { nil: undefined }),
    )
    .map(([flags, targetName, serverChallenge, targetInfo, v]): NtlmChallenge => {
      const base = { targetName, serverChallenge, reserved: new Uint8Array(8), targetInfo };
      return v
        ? { flags: (flags | NtlmFlag.NEGOTIATE_VERSION) >>> 0, ...base, version: v }
        : { flags: (flags & ~NtlmFlag.NEGOTIATE_VERSION) >>> 0, ...base };
    });
  fc.assert(
    fc.property(value, (v) => assert.deepStrictEqual(decodeNtlmChallenge(encodeNtlmChallenge(v)), v)),
    { numRuns: 400 },
  );
});
