import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { derInteger, readDer, readDerInteger } from '../../src/wire/der.js';
import { ByteReader } from '../../src/wire/reader.js';
import {
  decodeTsRequest,
  encodeTsRequest,
  type TsRequest,
  tsRequestFrameLength,
} from '../../src/wire/ts-request.js';
import { hex } from '../helpers/bytes.js';
import { bytesOf, byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const nonce = bytesOf(32, (i) => i);
const auth200 = bytesOf(200, (i) => (i * 7) & 0xff);

byteTable<TsRequest>(
  'TSRequest',
  [
    {
      name: 'version 6 with one NTLM token',
      value: { version: 6, negoTokens: [hex('4e 54 4c 4d')] },
      bytes: hex(`
        30 13              # TSRequest SEQUENCE, 19 bytes
        a0 03 02 01 06     # [0] version INTEGER 6
        a1 0c              # [1] negoTokens
          30 0a            #   NegoData SEQUENCE OF
            30 08          #     NegoDataItem SEQUENCE
              a0 06        #       [0] negoToken
                04 04      #         OCTET STRING, 4 bytes
                4e 54 4c 4d
      `),
    },
    {
      name: 'version 3 errorCode STATUS_LOGON_FAILURE (negative 4-octet INTEGER)',
      value: { version: 3, errorCode: 0xc000006d },
      bytes: hex(`
        30 0d                     # SEQUENCE, 13 bytes
        a0 03 02 01 03            # [0] version 3
        a4 06 02 04 c0 00 00 6d   # [4] errorCode 0xc000006d
      `),
    },
    {
      name: 'version 2 with no optional fields',
      value: { version: 2 },
      bytes: hex('30 05  a0 03 02 01 02'),
    },
    {
      name: 'pubKeyAuth, long-form authInfo and clientNonce',
      value: { version: 5, authInfo: auth200, pubKeyAuth: hex('01 02'), clientNonce: nonce },
      bytes: hex(`
        30 81 fd                  # SEQUENCE, 253 bytes (long form)
        a0 03 02 01 05            # [0] version 5
        a2 81 cb 04 81 c8         # [2] authInfo OCTET STRING of 200
        ${Buffer.from(auth200).toString('hex')}
        a3 04 04 02 01 02         # [3] pubKeyAuth
        a5 22 04 20               # [5] clientNonce, 32 bytes
        ${Buffer.from(nonce).toString('hex')}
      `),
    },
    {
      name: 'an empty negoTokens list and a positive errorCode',
      value: { version: 6, negoTokens: [], errorCode: 0x80 },
      bytes: hex('30 0f  a0 03 02 01 06  a1 02 30 00  a4 04 02 02 00 80'),
    },
  ],
  { encode: encodeTsRequest, decode: (bytes) => decodeTsRequest(bytes) },
);

test('TSRequest: an unknown later field is skipped', () => {
  assert.deepEqual(decodeTsRequest(hex('30 0a  a0 03 02 01 07  a9 03 02 01 01')), { version: 7 });
});

test('TSRequest and DER: errors', () => {
  expectDecodeError(() => decodeTsRequest(hex('31 05 a0 03 02 01 02')), {
    structure: 'TSRequest',
    kind: 'unexpected-type',
    field: 'TSRequest.tag',
    offset: 0,
    detail: 'expected 0x30, got 0x31',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 80 a0 03 02 01 02 00 00')), {
    structure: 'TSRequest',
    kind: 'invalid-field',
    field: 'TSRequest.length',
    offset: 1,
    detail: 'indefinite length is not DER',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 85 00 00 00 00 05')), {
    structure: 'TSRequest',
    kind: 'too-large',
    field: 'TSRequest.length',
    offset: 1,
    detail: '5 length octets, at most 4',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 84 7f ff ff ff a0')), {
    structure: 'TSRequest',
    kind: 'not-enough-bytes',
    field: 'TSRequest',
    offset: 6,
    detail: 'need 2147483647 byte(s), 1 left',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 0b  a0 03 02 01 06  a3 03 04 01 00  a4')), {
    structure: 'TSRequest',
    kind: 'not-enough-bytes',
    field: 'errorCode.length',
    offset: 13,
    detail: 'need 1 byte(s), 0 left',
  });
  // Out of order: [3] then [1].
  expectDecodeError(() => decodeTsRequest(hex('30 0e  a0 03 02 01 06  a3 03 04 01 00  a1 02 30 00')), {
    structure: 'TSRequest',
    kind: 'unexpected-type',
    field: 'field.tag',
    offset: 12,
    detail: 'unexpected tag 0xa1',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 05  a0 03 02 00 00')), {
    structure: 'TSRequest',
    kind: 'invalid-field',
    field: 'version',
    offset: 6,
    detail: 'empty INTEGER',
  });
  expectDecodeError(() => decodeTsRequest(hex('30 05  a0 03 02 01 00')), {
    structure: 'TSRequest',
    kind: 'unsupported-version',
    field: 'version',
    offset: 2,
    detail: 'CredSSP version 0',
  });
  expectDecodeError(() => readDerInteger(new ByteReader(hex('02 07 01 02 03 04 05 06 07'), 'DER'), 'n'), {
    structure: 'DER',
    kind: 'too-large',
    field: 'n',
    offset: 2,
    detail: '7-octet INTEGER',
  });
});

test("DER INTEGER: minimal two's complement both ways", () => {
  const cases: Array<[number, string]> = [
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [65535, '020300ffff'],
  ];
  for (const [value, bytes] of cases) {
    assert.equal(Buffer.from(derInteger(value)).toString('hex'), bytes, String(value));
    assert.equal(readDerInteger(new ByteReader(hex(bytes), 'DER'), 'n'), value);
  }
  // BER long-form length that DER would write short is accepted (T.125 peers send it).
  assert.equal(readDer(new ByteReader(hex('04 81 01 aa'), 'DER'), 0x04, 'x').u8('x'), 0xaa);
});

test('TSRequest frame length: need-more, length, malformed', () => {
  assert.deepEqual(tsRequestFrameLength(hex('')), { kind: 'need-more', atLeast: 2 });
  assert.deepEqual(tsRequestFrameLength(hex('30')), { kind: 'need-more', atLeast: 2 });
  assert.deepEqual(tsRequestFrameLength(hex('30 82 01')), { kind: 'need-more', atLeast: 4 });
  assert.deepEqual(tsRequestFrameLength(hex('30 82 01 00')), { kind: 'length', length: 260 });
  assert.deepEqual(tsRequestFrameLength(hex('30 05 a0')), { kind: 'length', length: 7 });
  const large = tsRequestFrameLength(hex('30 83 10 00 00'));
  assert.deepEqual(large.kind === 'malformed' && large.error.toJSON(), {
    structure: 'TSRequest',
    kind: 'too-large',
    field: 'TSRequest.length',
    offset: 1,
    detail: '1048581 exceeds 65536',
  });
  const tls = tsRequestFrameLength(hex('16 03 01'));
  assert.equal(tls.kind === 'malformed' && tls.error.kind, 'unexpected-type');
});

fuzzDecoder('TSRequest', (bytes) => decodeTsRequest(bytes), [
  hex('30 13 a0 03 02 01 06 a1 0c 30 0a 30 08 a0 06 04 04 4e 54 4c 4d'),
  hex('30 0d a0 03 02 01 03 a4 06 02 04 c0 00 00 6d'),
]);

test('TSRequest: decode(encode(v)) is v', () => {
  const bytes = fc.uint8Array({ maxLength: 300 });
  const request = fc.record(
    {
      version: fc.integer({ min: 1, max: 255 }),
      negoTokens: fc.array(bytes, { maxLength: 3 }),
      authInfo: bytes,
      pubKeyAuth: bytes,
      errorCode: fc.integer({ min: 0, max: 0xffffffff }),
      clientNonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    },
    { requiredKeys: ['version'], noNullPrototype: true },
  );
  fc.assert(
    fc.property(request, (value) => assert.deepStrictEqual(decodeTsRequest(encodeTsRequest(value)), value)),
    { numRuns: 400 },
  );
});
