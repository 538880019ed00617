import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type FramerEvent, TpktFramer } from '../../src/wire/tpkt-framer.js';
import { hex, toHex } from '../helpers/bytes.js';

const pduA = hex('03 00 00 07  02 f0 80');
const pduB = hex('03 00 00 0b  06 d0 00 00 12 34 00');
const pduC = hex('03 00 00 09  02 f0 80 7f 66');
const stream = Uint8Array.from([...pduA, ...pduB, ...pduC]);

function pdus(events: readonly FramerEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'pdu' ? [toHex(event.bytes)] : []));
}

function feed(framer: TpktFramer, chunks: readonly Uint8Array[]): FramerEvent[] {
  return chunks.flatMap((chunk) => framer.push(chunk));
}

test('TPKT framer: the same stream split at every offset gives the same PDUs', () => {
  const expected = [toHex(pduA), toHex(pduB), toHex(pduC)];
  for (let cut = 0; cut <= stream.length; cut++) {
    const framer = new TpktFramer();
    const events = feed(framer, [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.deepEqual(pdus(events), expected, `split at ${cut}`);
    assert.equal(framer.pendingBytes, 0);
    assert.equal(framer.end(), undefined);
  }
  for (let first = 0; first <= stream.length; first++) {
    for (let second = first; second <= stream.length; second++) {
      const framer = new TpktFramer();
      const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)];
      assert.deepEqual(pdus(feed(framer, chunks)), expected, `split at ${first} and ${second}`);
    }
  }
});

test('TPKT framer: byte by byte, a PDU is reported only when its last byte arrives', () => {
  const framer = new TpktFramer();
  const seenAt: number[] = [];
  stream.forEach((byte, i) => {
    if (framer.push(Uint8Array.of(byte)).length > 0) seenAt.push(i);
  });
  assert.deepEqual(seenAt, [6, 17, 26]);
});

test('TPKT framer: random chunkings', () => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 6 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
      const chunks = points.slice(1).map((end, i) => stream.subarray(points[i]!, end));
      assert.deepEqual(pdus(feed(new TpktFramer(), chunks)), [toHex(pduA), toHex(pduB), toHex(pduC)]);
    }),
    { numRuns: 300 },
  );
});

test('TPKT framer: too large, split at every offset, is reported once at the same stream offset', () => {
  const big = hex('03 00 01 00'); // announces 256 bytes
  const bytes = Uint8Array.from([...pduA, ...big]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const framer = new TpktFramer({ maxPduSize: 255 });
    const events = feed(framer, [bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(pdus(events), [toHex(pduA)]);
    // Pushes after the failure repeat the same event object; there is only one failure.
    const malformed = [...new Set(events.filter((event) => event.kind === 'malformed'))];
    assert.equal(malformed.length, 1, `split at ${cut}`);
    const event = malformed[0]!;
    assert.ok(event.kind === 'malformed');
    assert.equal(event.streamOffset, 7);
    assert.deepEqual(event.error.toJSON(), {
      structure: 'TPKT',
      kind: 'too-large',
      field: 'length',
      offset: 2,
      detail: '256 is outside 7..255',
    });
    // The stream stays failed: later bytes give the same error, never a PDU.
    assert.equal(framer.failed, true);
    assert.deepEqual(framer.push(pduA), [event]);
  }
});

test('TPKT framer: fast-path or garbage is malformed; a truncated end is not-enough-bytes', () => {
  const framer = new TpktFramer();
  const events = framer.push(Uint8Array.from([...pduA, 0x44, 0x05]));
  assert.equal(events.length, 2);
  const bad = events[1]!;
  assert.ok(bad.kind === 'malformed');
  assert.equal(bad.streamOffset, 7);
  assert.equal(bad.error.kind, 'unexpected-type');
  assert.equal(bad.error.field, 'version');

  const truncated = new TpktFramer();
  assert.deepEqual(truncated.push(pduB.subarray(0, 5)), []);
  assert.equal(truncated.pendingBytes, 5);
  const end = truncated.end();
  assert.ok(end?.kind === 'malformed');
  assert.equal(end.streamOffset, 0);
  assert.deepEqual(end.error.toJSON(), {
    structure: 'TPKT',
    kind: 'not-enough-bytes',
    field: 'stream',
    offset: 0,
    detail: 'stream ended inside a PDU with 5 byte(s) received',
  });
});

test('TPKT framer: a length below 7 is invalid-field', () => {
  const events = new TpktFramer().push(hex('03 00 00 04'));
  const event = events[0];
  assert.ok(event?.kind === 'malformed');
  assert.equal(event.error.kind, 'invalid-field');
});
