import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeNegMessage,
  encodeCorrelationInfo,
  encodeNegMessage,
  failureCodeName,
  flagNames,
  NegFailureCode,
  type NegMessage,
  NegRequestFlag,
  NegResponseFlag,
  Protocol,
  protocolNames,
  readCorrelationInfo,
} from '../../src/wire/rdp-neg.js';
import { ByteReader } from '../../src/wire/reader.js';
import { hex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

/** Test-only builder: type, flags, length 8 (LE), 32-bit value (LE), written out by hand. */
function negBytes(type: number, flags: number, value: number): Uint8Array {
  const v = value >>> 0;
  return Uint8Array.of(type, flags, 0x08, 0x00, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

const codec = { encode: encodeNegMessage, decode: (bytes: Uint8Array) => decodeNegMessage(bytes) };

byteTable<NegMessage>(
  'RDP_NEG_REQ',
  [
    {
      name: 'SSL | HYBRID, no flags',
      value: { type: 'request', flags: 0, requestedProtocols: 0x3 },
      bytes: hex(`
        01           # type RDP_NEG_REQ
        00           # flags
        08 00        # length 8
        03 00 00 00  # requestedProtocols SSL | HYBRID
      `),
    },
    ...Object.entries(Protocol).map(([name, bit]) => ({
      name: `protocol ${name}`,
      value: { type: 'request' as const, flags: 0, requestedProtocols: bit },
      bytes: negBytes(0x01, 0, bit),
    })),
    ...Object.entries(NegRequestFlag).map(([name, bit]) => ({
      name: `request flag ${name}`,
      value: { type: 'request' as const, flags: bit, requestedProtocols: 0x0b },
      bytes: negBytes(0x01, bit, 0x0b),
    })),
  ],
  codec,
);

byteTable<NegMessage>(
  'RDP_NEG_RSP',
  [
    {
      name: 'HYBRID_EX with flags 0x1f (zeek-rdp-no-cookie-mstshash)',
      value: { type: 'response', flags: 0x1f, selectedProtocol: 0x8 },
      bytes: hex(`
        02           # type RDP_NEG_RSP
        1f           # flags: all five response flags
        08 00        # length 8
        08 00 00 00  # selectedProtocol HYBRID_EX
      `),
    },
    ...Object.entries(NegResponseFlag).map(([name, bit]) => ({
      name: `response flag ${name}`,
      value: { type: 'response' as const, flags: bit, selectedProtocol: 0x2 },
      bytes: negBytes(0x02, bit, 0x2),
    })),
  ],
  codec,
);

byteTable<NegMessage>(
  'RDP_NEG_FAILURE',
  [
    ...Object.entries(NegFailureCode).map(([name, code]) => ({
      name: `failure ${name}`,
      value: { type: 'failure' as const, flags: 0, failureCode: code },
      bytes: negBytes(0x03, 0, code),
    })),
    {
      name: 'unknown failure code 0x0a',
      value: { type: 'failure', flags: 0, failureCode: 0x0a },
      bytes: hex('03 00 08 00 0a 00 00 00'),
    },
  ],
  codec,
);

test('names: protocols, failure codes and flags keep unknown values', () => {
  assert.deepEqual(protocolNames(0), ['RDP']);
  assert.deepEqual(protocolNames(0x0b), ['SSL', 'HYBRID', 'HYBRID_EX']);
  assert.deepEqual(protocolNames(0x40), ['unknown 0x00000040']);
  assert.equal(failureCodeName(2), 'SSL_NOT_ALLOWED_BY_SERVER');
  assert.equal(failureCodeName(0x0a), 'unknown failure code 0x0000000a');
  assert.deepEqual(flagNames(0x1f, NegResponseFlag), [
    'EXTENDED_CLIENT_DATA_SUPPORTED',
    'DYNVC_GFX_PROTOCOL_SUPPORTED',
    'NEGRSP_FLAG_RESERVED',
    'RESTRICTED_ADMIN_MODE_SUPPORTED',
    'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED',
  ]);
  assert.deepEqual(flagNames(0x41, NegRequestFlag), ['RESTRICTED_ADMIN_MODE_REQUIRED', 'unknown 0x40']);
  // Bit 31 is shown unsigned (this once printed "unknown 0x-80000000").
  assert.deepEqual(flagNames(0x80000000, NegRequestFlag), ['unknown 0x80000000']);
});

test('RDP_NEG: errors', () => {
  expectDecodeError(() => decodeNegMessage(hex('02 00 09 00 00 00 00 00')), {
    structure: 'RDP_NEG',
    kind: 'invalid-field',
    field: 'length',
    offset: 2,
    detail: 'expected 8, got 9',
  });
  expectDecodeError(() => decodeNegMessage(hex('05 00 08 00 00 00 00 00')), {
    structure: 'RDP_NEG',
    kind: 'unexpected-type',
    field: 'type',
    offset: 0,
    detail: 'unknown negotiation type 0x5',
  });
  expectDecodeError(() => decodeNegMessage(hex('02 00 08 00 00 00')), {
    structure: 'RDP_NEG',
    kind: 'not-enough-bytes',
    field: 'value',
    offset: 4,
    detail: 'need 4 byte(s), 2 left',
  });
  expectDecodeError(() => decodeNegMessage(hex('02 00 08 00 00 00 00 00 ff')), {
    structure: 'RDP_NEG',
    kind: 'invalid-field',
    field: 'trailing',
    offset: 8,
    detail: '1 unexpected trailing byte(s)',
  });
});

test('RDP_NEG_CORRELATION_INFO: bytes and errors', () => {
  const id = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const bytes = hex(`
    06                                               # type RDP_NEG_CORRELATION_INFO
    00                                               # flags
    24 00                                            # length 36
    01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10  # correlationId
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  # reserved
  `);
  assert.deepEqual(encodeCorrelationInfo({ correlationId: id }), bytes);
  assert.deepEqual(readCorrelationInfo(new ByteReader(bytes, 'X')), { correlationId: id });
  const badLength = Uint8Array.from(bytes);
  badLength[2] = 0x20;
  expectDecodeError(() => readCorrelationInfo(new ByteReader(badLength, 'X')), {
    structure: 'X',
    kind: 'invalid-field',
    field: 'correlation.length',
    offset: 2,
    detail: 'expected 36, got 32',
  });
});

fuzzDecoder('RDP_NEG', (bytes) => decodeNegMessage(bytes), [negBytes(1, 0, 3), negBytes(3, 0, 2)]);

test('RDP_NEG: decode(encode(v)) is v', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const u8 = fc.integer({ min: 0, max: 0xff });
  const message: fc.Arbitrary<NegMessage> = fc.oneof(
    fc.record(
      { type: fc.constant('request' as const), flags: u8, requestedProtocols: u32 },
      { noNullPrototype: true },
    ),
    fc.record(
      { type: fc.constant('response' as const), flags: u8, selectedProtocol: u32 },
      { noNullPrototype: true },
    ),
    fc.record(
      { type: fc.constant('failure' as const), flags: u8, failureCode: u32 },
      { noNullPrototype: true },
    ),
  );
  fc.assert(
    fc.property(message, (value) => assert.deepStrictEqual(decodeNegMessage(encodeNegMessage(value)), value)),
    { numRuns: 300 },
  );
});
