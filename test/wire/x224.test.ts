import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type ConnectionConfirm,
  type ConnectionRequest,
  decodeConnectionConfirm,
  decodeConnectionRequest,
  decodeX224Data,
  encodeConnectionConfirm,
  encodeConnectionRequest,
  encodeX224Data,
  peekTpduCode,
} from '../../src/wire/x224.js';
import { hex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const correlationId = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

byteTable<ConnectionRequest>(
  'X.224 CR',
  [
    {
      name: 'cookie and RDP_NEG_REQ (MS-RDPBCGR 4.1.1)',
      value: {
        routing: { kind: 'cookie', value: 'eltons' },
        negotiation: { type: 'request', flags: 0, requestedProtocols: 0 },
        srcRef: 0,
      },
      bytes: hex(`
        03 00 00 2c                 # TPKT, length 44
        27                          # LI 39 = 6 + 25 cookie + 8 neg
        e0                          # CR
        00 00                       # DST-REF
        00 00                       # SRC-REF
        00                          # class 0
        43 6f 6f 6b 69 65 3a 20     # "Cookie: "
        6d 73 74 73 68 61 73 68 3d  # "mstshash="
        65 6c 74 6f 6e 73 0d 0a     # "eltons" CRLF
        01 00 08 00 00 00 00 00     # RDP_NEG_REQ, PROTOCOL_RDP
      `),
    },
    {
      name: 'routing token and SSL|HYBRID|HYBRID_EX request',
      value: {
        routing: { kind: 'token', value: 'msts=1.2' },
        negotiation: { type: 'request', flags: 0, requestedProtocols: 0x0b },
        srcRef: 0x1234,
      },
      bytes: hex(`
        03 00 00 1d                 # TPKT, length 29
        18                          # LI 24 = 6 + 10 token + 8 neg
        e0 00 00                    # CR, DST-REF
        12 34                       # SRC-REF
        00                          # class 0
        6d 73 74 73 3d 31 2e 32     # "msts=1.2"
        0d 0a                       # CRLF
        01 00 08 00 0b 00 00 00     # RDP_NEG_REQ, SSL|HYBRID|HYBRID_EX
      `),
    },
    {
      name: 'correlation info (flag CORRELATION_INFO_PRESENT)',
      value: {
        routing: { kind: 'none' },
        negotiation: { type: 'request', flags: 0x08, requestedProtocols: 0x03 },
        correlation: { correlationId },
        srcRef: 0,
      },
      bytes: hex(`
        03 00 00 37                                      # TPKT, length 55
        32                                               # LI 50 = 6 + 8 + 36
        e0 00 00 00 00 00                                # CR, refs, class
        01 08 08 00 03 00 00 00                          # RDP_NEG_REQ, flags 0x08, SSL|HYBRID
        06 00 24 00                                      # CORRELATION_INFO, length 36
        a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af  # correlationId
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  # reserved
      `),
    },
    {
      name: 'pre-negotiation client: cookie only (suricata RDP-003 style)',
      value: { routing: { kind: 'cookie', value: 'A70067' }, srcRef: 0 },
      bytes: hex(`
        03 00 00 24                       # TPKT, length 36
        1f                                # LI 31 = 6 + 25
        e0 00 00 00 00 00                 # CR, refs, class
        43 6f 6f 6b 69 65 3a 20           # "Cookie: "
        6d 73 74 73 68 61 73 68 3d        # "mstshash="
        41 37 30 30 36 37 0d 0a           # "A70067" CRLF
      `),
    },
    {
      name: 'nothing at all',
      value: { routing: { kind: 'none' }, srcRef: 0 },
      bytes: hex('03 00 00 0b  06 e0 00 00 00 00 00'),
    },
  ],
  { encode: encodeConnectionRequest, decode: decodeConnectionRequest },
);

byteTable<ConnectionConfirm>(
  'X.224 CC',
  [
    {
      name: 'RDP_NEG_RSP selecting HYBRID',
      value: {
        srcRef: 0x1234,
        dstRef: 0,
        classOptions: 0,
        negotiation: { type: 'response', flags: 0x01, selectedProtocol: 0x02 },
      },
      bytes: hex(`
        03 00 00 13              # TPKT, length 19
        0e                       # LI 14
        d0                       # CC
        00 00                    # DST-REF
        12 34                    # SRC-REF
        00                       # class 0
        02 01 08 00 02 00 00 00  # RDP_NEG_RSP, EXTENDED_CLIENT_DATA_SUPPORTED, HYBRID
      `),
    },
    {
      name: 'RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER',
      value: {
        srcRef: 0x1234,
        dstRef: 0,
        classOptions: 0,
        negotiation: { type: 'failure', flags: 0, failureCode: 2 },
      },
      bytes: hex('03 00 00 13  0e d0 00 00 12 34 00  03 00 08 00 02 00 00 00'),
    },
    {
      name: 'pre-negotiation server: no RDP_NEG data',
      value: { srcRef: 0x1234, dstRef: 0, classOptions: 0 },
      bytes: hex('03 00 00 0b  06 d0 00 00 12 34 00'),
    },
  ],
  { encode: encodeConnectionConfirm, decode: decodeConnectionConfirm },
);

test('X.224 CR: errors point at the byte of the whole PDU', () => {
  expectDecodeError(() => decodeConnectionRequest(hex('03 00 00 0b 06 d0 00 00 00 00 00')), {
    structure: 'X224.ConnectionRequest',
    kind: 'unexpected-type',
    field: 'code',
    offset: 5,
    detail: 'expected 0xe0, got 0xd0',
  });
  expectDecodeError(() => decodeConnectionRequest(hex('03 00 00 0b 07 e0 00 00 00 00 00')), {
    structure: 'X224.ConnectionRequest',
    kind: 'not-enough-bytes',
    field: 'LI',
    offset: 4,
    detail: 'LI says 8 bytes, TPDU has 7',
  });
  expectDecodeError(() => decodeConnectionRequest(hex('03 00 00 0b 05 e0 00 00 00 00 00')), {
    structure: 'X224.ConnectionRequest',
    kind: 'invalid-field',
    field: 'LI',
    offset: 4,
    detail: 'length indicator 5 is below 6 or reserved',
  });
  expectDecodeError(() => decodeConnectionRequest(hex('03 00 00 0d 08 e0 00 00 00 00 00 41 42')), {
    structure: 'X224.ConnectionRequest',
    kind: 'invalid-field',
    field: 'routingToken',
    offset: 11,
    detail: 'no CRLF terminator',
  });
  // A bad RDP_NEG_REQ after a cookie: the offset counts the cookie (this once pointed past it).
  expectDecodeError(
    () =>
      decodeConnectionRequest(hex('03 00 00 16  11 e0 00 00 00 00 00  41 0d 0a  01 00 09 00 00 00 00 00')),
    {
      structure: 'X224.ConnectionRequest',
      kind: 'invalid-field',
      field: 'length',
      offset: 16,
      detail: 'expected 8, got 9',
    },
  );
});

test('X.224 CC: errors', () => {
  expectDecodeError(
    () => decodeConnectionConfirm(hex('03 00 00 13 0e d0 00 00 12 34 00 01 00 08 00 00 00 00 00')),
    {
      structure: 'X224.ConnectionConfirm',
      kind: 'unexpected-type',
      field: 'rdpNegData.type',
      offset: 11,
      detail: 'server sent RDP_NEG_REQ',
    },
  );
  expectDecodeError(() => decodeConnectionConfirm(hex('03 00 00 0f 0a d0 00 00 12 34 00 02 00 08 00')), {
    structure: 'X224.ConnectionConfirm',
    kind: 'not-enough-bytes',
    field: 'value',
    offset: 15,
    detail: 'need 4 byte(s), 0 left',
  });
});

test('X.224 Data: wrap, unwrap, peek and errors', () => {
  const frame = hex(`
    03 00 00 09  # TPKT, length 9
    02 f0 80     # LI 2, DT, EOT
    7f 66        # user data
  `);
  assert.deepEqual(encodeX224Data(hex('7f 66')), frame);
  assert.deepEqual(decodeX224Data(frame), hex('7f 66'));
  assert.equal(peekTpduCode(frame), 0xf0);
  assert.equal(peekTpduCode(hex('03 00 00')), undefined);
  expectDecodeError(() => decodeX224Data(hex('03 00 00 09 02 80 80 7f 66')), {
    structure: 'X224.Data',
    kind: 'unexpected-type',
    field: 'code',
    offset: 5,
    detail: 'expected 0xf0, got 0x80',
  });
  expectDecodeError(() => decodeX224Data(hex('03 00 00 09 03 f0 80 7f 66')), {
    structure: 'X224.Data',
    kind: 'invalid-field',
    field: 'LI',
    offset: 4,
    detail: 'expected 2, got 3',
  });
});

fuzzDecoder('X.224 CR', decodeConnectionRequest, [
  hex(
    '03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f 6e 73 0d 0a 01 00 08 00 00 00 00 00',
  ),
  hex('03 00 00 0b 06 e0 00 00 00 00 00'),
]);
fuzzDecoder('X.224 CC', decodeConnectionConfirm, [
  hex('03 00 00 13 0e d0 00 00 12 34 00 02 01 08 00 02 00 00 00'),
]);
fuzzDecoder('X.224 Data', decodeX224Data, [hex('03 00 00 09 02 f0 80 7f 66')]);

test('X.224 CR/CC: decode(encode(v)) is v', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const text = fc.stringMatching(/^[A-Za-z0-9=.\\ -]{1,40}$/);
  const routing = fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('cookie' as const), value: text }, { noNullPrototype: true }),
    // A token cannot start with "Cookie: mstshash=" nor with the 0x01 of RDP_NEG_REQ.
    fc.record(
      { kind: fc.constant('token' as const), value: text.map((t) => `t${t}`) },
      { noNullPrototype: true },
    ),
  );
  const request = fc
    .tuple(
      routing,
      fc.option(fc.tuple(fc.integer({ min: 0, max: 0xf7 }), u32)),
      fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 })),
      fc.integer({ min: 0, max: 0xffff }),
    )
    .map(([routingInfo, negotiation, correlation, srcRef]): ConnectionRequest => {
      if (!negotiation) return { routing: routingInfo, srcRef };
      const flags = correlation ? negotiation[0] | 0x08 : negotiation[0] & ~0x08;
      const base = {
        routing: routingInfo,
        negotiation: { type: 'request' as const, flags, requestedProtocols: negotiation[1] },
      };
      return correlation
        ? { ...base, correlation: { correlationId: correlation }, srcRef }
        : { ...base, srcRef };
    });
  fc.assert(
    fc.property(request, (value) =>
      assert.deepStrictEqual(decodeConnectionRequest(encodeConnectionRequest(value)), value),
    ),
    { numRuns: 400 },
  );
});
