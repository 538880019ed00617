import { DecodeError } from './errors.js';
import type { FrameLength } from './framing.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * TPKT (RFC 1006 / T.123 section 8), the 4-byte frame around every slow-path RDP PDU.
 *
 *   0        1        2        3
 *   +--------+--------+--------+--------+
 *   | ver=3  | rsvd=0 |  length (BE)    |   length counts these 4 bytes too
 *   +--------+--------+--------+--------+
 */
export const TPKT_VERSION = 0x03;
export const TPKT_HEADER_SIZE = 4;
/** The smallest legal TPKT: header plus a 3-byte X.224 data header. */
export const TPKT_MIN_LENGTH = 7;
export const TPKT_MAX_LENGTH = 0xffff;

export interface Tpkt {
  readonly payload: Uint8Array;
}

export function encodeTpkt(payload: Uint8Array): Uint8Array {
  const length = TPKT_HEADER_SIZE + payload.length;
  if (length > TPKT_MAX_LENGTH) throw new RangeError(`TPKT payload too large: ${payload.length}`);
  return new ByteWriter(length).u8(TPKT_VERSION).u8(0).u16be(length).bytes(payload).finish();
}

/** Decodes exactly one TPKT occupying the whole buffer. */
export function decodeTpkt(bytes: Uint8Array, base = 0): Tpkt {
  const reader = new ByteReader(bytes, 'TPKT', base);
  const version = reader.u8('version');
  if (version !== TPKT_VERSION) {
    reader.fail('unexpected-type', 'version', `expected 0x03, got 0x${hex2(version)}`, 0);
  }
  reader.u8('reserved');
  const length = reader.u16be('length');
  if (length < TPKT_MIN_LENGTH)
    reader.fail('invalid-field', 'length', `${length} is below ${TPKT_MIN_LENGTH}`, 2);
  if (length !== bytes.length) {
    reader.fail(
      length > bytes.length ? 'not-enough-bytes' : 'invalid-field',
      'length',
      `header says ${length}, buffer has ${bytes.length}`,
      2,
    );
  }
  return { payload: reader.rest() };
}

/** How long the TPKT at the start of `bytes` is, without decoding it. */
export function tpktFrameLength(bytes: Uint8Array, maxLength = TPKT_MAX_LENGTH): FrameLength {
  if (bytes.length < 1) return { kind: 'need-more', atLeast: TPKT_HEADER_SIZE };
  if (bytes[0] !== TPKT_VERSION) {
    return {
      kind: 'malformed',
      error: new DecodeError({
        structure: 'TPKT',
        kind: 'unexpected-type',
        field: 'version',
        offset: 0,
        detail: `expected 0x03, got 0x${hex2(bytes[0]!)}`,
      }),
    };
  }
  if (bytes.length < TPKT_HEADER_SIZE) return { kind: 'need-more', atLeast: TPKT_HEADER_SIZE };
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length < TPKT_MIN_LENGTH || length > maxLength) {
    return {
      kind: 'malformed',
      error: new DecodeError({
        structure: 'TPKT',
        kind: length > maxLength ? 'too-large' : 'invalid-field',
        field: 'length',
        offset: 2,
        detail: `${length} is outside ${TPKT_MIN_LENGTH}..${maxLength}`,
      }),
    };
  }
  return { kind: 'length', length };
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
