import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTpkt, encodeTpkt, tpktFrameLength } from '../../src/wire/tpkt.js';
import { hex } from '../helpers/bytes.js';
import { expectDecodeError, fuzzDecoder } from './codec-helpers.js';

test('TPKT: bytes of a 7-byte frame', () => {
  const bytes = hex(`
    03        # version
    00        # reserved
    00 07     # length 7, header included
    02 f0 80  # payload (an X.224 data header)
  `);
  assert.deepEqual(encodeTpkt(hex('02 f0 80')), bytes);
  assert.deepEqual(decodeTpkt(bytes), { payload: hex('02 f0 80') });
  assert.deepEqual(tpktFrameLength(bytes), { kind: 'length', length: 7 });
});

test('TPKT: decode errors', () => {
  expectDecodeError(() => decodeTpkt(hex('04 00 00 07 02 f0 80')), {
    structure: 'TPKT',
    kind: 'unexpected-type',
    field: 'version',
    offset: 0,
    detail: 'expected 0x03, got 0x04',
  });
  expectDecodeError(() => decodeTpkt(hex('03 00 00 06 02 f0')), {
    structure: 'TPKT',
    kind: 'invalid-field',
    field: 'length',
    offset: 2,
    detail: '6 is below 7',
  });
  expectDecodeError(() => decodeTpkt(hex('03 00 00 08 02 f0 80')), {
    structure: 'TPKT',
    kind: 'not-enough-bytes',
    field: 'length',
    offset: 2,
    detail: 'header says 8, buffer has 7',
  });
  expectDecodeError(() => decodeTpkt(hex('03 00 00 07 02 f0 80 00')), {
    structure: 'TPKT',
    kind: 'invalid-field',
    field: 'length',
    offset: 2,
    detail: 'header says 7, buffer has 8',
  });
  expectDecodeError(() => decodeTpkt(hex('03 00')), {
    structure: 'TPKT',
    kind: 'not-enough-bytes',
    field: 'length',
    offset: 2,
    detail: 'need 2 byte(s), 0 left',
  });
});

test('TPKT: frame length answers need-more, length and malformed', () => {
  assert.deepEqual(tpktFrameLength(new Uint8Array(0)), { kind: 'need-more', atLeast: 4 });
  assert.deepEqual(tpktFrameLength(hex('03 00 01')), { kind: 'need-more', atLeast: 4 });
  assert.deepEqual(tpktFrameLength(hex('03 00 01 00')), { kind: 'length', length: 256 });
  const tooLarge = tpktFrameLength(hex('03 00 01 00'), 255);
  assert.equal(tooLarge.kind, 'malformed');
  assert.deepEqual(tooLarge.kind === 'malformed' && tooLarge.error.toJSON(), {
    structure: 'TPKT',
    kind: 'too-large',
    field: 'length',
    offset: 2,
    detail: '256 is outside 7..255',
  });
  const fastPath = tpktFrameLength(hex('44'));
  assert.deepEqual(fastPath.kind === 'malformed' && fastPath.error.toJSON(), {
    structure: 'TPKT',
    kind: 'unexpected-type',
    field: 'version',
    offset: 0,
    detail: 'expected 0x03, got 0x44',
  });
});

fuzzDecoder('TPKT', (bytes) => decodeTpkt(bytes), [hex('03 00 00 07 02 f0 80')]);

test('TPKT: decode(encode(payload)) is the payload', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 3, maxLength: 600 }), (payload) => {
      assert.deepStrictEqual(decodeTpkt(encodeTpkt(payload)).payload, payload);
    }),
    { numRuns: 300 },
  );
});
