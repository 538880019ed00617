import type { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * A small bounded reader and writer for ASN.1 DER (X.690), enough for CredSSP's TSRequest and the
 * BER of MCS (T.125) connect PDUs.
 *
 *   +-----------+--------------------------------+---------------------+
 *   | tag (1-3) | length: 0xxxxxxx or 1nnn + n   | contents (length)   |
 *   +-----------+--------------------------------+---------------------+
 *
 * Only definite lengths are accepted, with at most 4 length octets; the length is then checked
 * against what is left, so no allocation or loop is ever sized by an untrusted length.
 * Long-form lengths that could have been short are accepted, because T.125 peers (Windows
 * among them) send `82 01 2a` where DER would send `81 2a`; the writer always emits minimal form.
 */
export const DER_MAX_LENGTH_OCTETS = 4;

/** Tag numbers as one integer of their octets: 0x30 for SEQUENCE, 0x7f65 for [APPLICATION 101]. */
export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OBJECT_IDENTIFIER: 0x06,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
} as const;

/** The tag of an explicit context-specific, constructed field `[n]` (n <= 30). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

export interface DerHeader {
  readonly tag: number;
  /** Bytes of tag plus length octets. */
  readonly headerLength: number;
  readonly contentLength: number;
}

/** Reads a tag (single octet, or high-tag-number form with up to two more octets). */
function readTag(reader: ByteReader, field: string): number {
  const start = reader.offset;
  const first = reader.u8(`${field}.tag`);
  if ((first & 0x1f) !== 0x1f) return first;
  let tag = first;
  for (let i = 0; i < 2; i++) {
    const next = reader.u8(`${field}.tag`);
    tag = tag * 256 + next;
    if ((next & 0x80) === 0) return tag;
  }
  return reader.fail('unsupported-version', `${field}.tag`, 'tag number longer than two octets', start);
}

function readLength(reader: ByteReader, field: string): number {
  const start = reader.offset;
  const first = reader.u8(`${field}.length`);
  if (first < 0x80) return first;
  const octets = first & 0x7f;
  if (octets === 0)
    return reader.fail('invalid-field', `${field}.length`, 'indefinite length is not DER', start);
  if (octets > DER_MAX_LENGTH_OCTETS) {
    return reader.fail(
      'too-large',
      `${field}.length`,
      `${octets} length octets, at most ${DER_MAX_LENGTH_OCTETS}`,
      start,
    );
  }
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + reader.u8(`${field}.length`);
  return length;
}

/** Reads a tag and length without touching the contents. */
export function readDerHeader(reader: ByteReader, field: string): DerHeader {
  const start = reader.offset;
  const tag = readTag(reader, field);
  const contentLength = readLength(reader, field);
  return { tag, headerLength: reader.offset - start, contentLength };
}

/** Reads one TLV with the expected tag and returns a reader bounded to its contents. */
export function readDer(reader: ByteReader, expectedTag: number, field: string): ByteReader {
  const start = reader.offset;
  const header = readDerHeader(reader, field);
  if (header.tag !== expectedTag) {
    reader.fail(
      'unexpected-type',
      `${field}.tag`,
      `expected 0x${hexTag(expectedTag)}, got 0x${hexTag(header.tag)}`,
      start,
    );
  }
  return reader.sub(header.contentLength, field);
}

/** Reads any TLV: its tag and a reader over its contents. */
export function readAnyDer(
  reader: ByteReader,
  field: string,
): { readonly tag: number; readonly contents: ByteReader } {
  const header = readDerHeader(reader, field);
  return { tag: header.tag, contents: reader.sub(header.contentLength, field) };
}

/** The first tag octet of the next TLV, or undefined at the end of the reader. */
export function peekDerTag(reader: ByteReader, field: string): number | undefined {
  return reader.remaining === 0 ? undefined : reader.peekU8(`${field}.tag`);
}

/** Largest INTEGER content accepted: 6 octets keeps every value a safe JavaScript integer. */
export const DER_MAX_INTEGER_OCTETS = 6;

/** A two's-complement INTEGER (or ENUMERATED) of at most 6 octets. */
export function readDerInteger(reader: ByteReader, field: string, tag: number = DerTag.INTEGER): number {
  const contents = readDer(reader, tag, field);
  const length = contents.length;
  if (length === 0) contents.fail('invalid-field', field, 'empty INTEGER', 0);
  if (length > DER_MAX_INTEGER_OCTETS) contents.fail('too-large', field, `${length}-octet INTEGER`, 0);
  const first = contents.u8(field);
  let value = first & 0x80 ? first - 256 : first;
  while (contents.remaining > 0) value = value * 256 + contents.u8(field);
  return value;
}

export function readDerOctetString(reader: ByteReader, field: string): Uint8Array {
  const contents = readDer(reader, DerTag.OCTET_STRING, field);
  return contents.rest().slice();
}

export function readDerBoolean(reader: ByteReader, field: string): boolean {
  const contents = readDer(reader, DerTag.BOOLEAN, field);
  if (contents.length !== 1) contents.fail('invalid-field', field, `BOOLEAN of ${contents.length} octets`, 0);
  return contents.u8(field) !== 0;
}

/** Arcs of an OBJECT IDENTIFIER at most: real ones have about a dozen. */
export const DER_MAX_OID_ARCS = 64;

/** An OBJECT IDENTIFIER in dotted form ("1.2.840.113549.1.1.11"). */
export function readDerObjectIdentifier(reader: ByteReader, field: string): string {
  const contents = readDer(reader, DerTag.OBJECT_IDENTIFIER, field);
  if (contents.length === 0) contents.fail('invalid-field', field, 'empty OBJECT IDENTIFIER', 0);
  const arcs: number[] = [];
  while (contents.remaining > 0) {
    const start = contents.offset;
    let arc = 0;
    for (;;) {
      const octet = contents.u8(field);
      // A leading 0x80 pads an arc: not DER.
      if (arc === 0 && octet === 0x80) contents.fail('invalid-field', field, 'padded arc', start);
      arc = arc * 128 + (octet & 0x7f);
      if (!Number.isSafeInteger(arc)) contents.fail('too-large', field, 'arc beyond 2^53', start);
      if ((octet & 0x80) === 0) break;
    }
    if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
    else arcs.push(arc);
    if (arcs.length > DER_MAX_OID_ARCS)
      contents.fail('too-large', field, `more than ${DER_MAX_OID_ARCS} arcs`, start);
  }
  return arcs.join('.');
}

/** A BIT STRING: its octets and how many bits of the last one are unused. */
export function readDerBitString(
  reader: ByteReader,
  field: string,
): { readonly unusedBits: number; readonly bytes: Uint8Array } {
  const contents = readDer(reader, DerTag.BIT_STRING, field);
  const unusedBits = contents.u8(field);
  if (unusedBits > 7 || (unusedBits > 0 && contents.remaining === 0))
    contents.fail('invalid-field', field, `${unusedBits} unused bits`, 0);
  return { unusedBits, bytes: contents.rest().slice() };
}

// ---- writer -------------------------------------------------------------------------------

function tagBytes(tag: number): number[] {
  const out: number[] = [];
  let rest = tag;
  do {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return out;
}

/** Minimal definite length octets. */
export function derLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff)
    throw new RangeError(`DER length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  let rest = length;
  while (rest > 0) {
    octets.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  }
  return Uint8Array.from([0x80 | octets.length, ...octets]);
}

/** One TLV from a tag and contents (contents may be several already-encoded TLVs). */
export function derTlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const size = contents.reduce((sum, part) => sum + part.length, 0);
  const writer = new ByteWriter(size + 8);
  for (const octet of tagBytes(tag)) writer.u8(octet);
  writer.bytes(derLength(size));
  for (const part of contents) writer.bytes(part);
  return writer.finish();
}

/** Minimal two's-complement INTEGER (or ENUMERATED with its tag). */
export function derInteger(value: number, tag: number = DerTag.INTEGER): Uint8Array {
  if (!Number.isSafeInteger(value) || Math.abs(value) >= 2 ** 47)
    throw new RangeError(`DER INTEGER ${value}`);
  const octets: number[] = [];
  let rest = value;
  for (;;) {
    const low = ((rest % 256) + 256) % 256;
    octets.unshift(low);
    rest = (rest - low) / 256;
    // Stop once the remaining value is pure sign extension of the octet just written.
    if ((rest === 0 && (low & 0x80) === 0) || (rest === -1 && (low & 0x80) !== 0)) break;
  }
  return derTlv(tag, Uint8Array.from(octets));
}

export function derOctetString(value: Uint8Array): Uint8Array {
  return derTlv(DerTag.OCTET_STRING, value);
}

export function derBoolean(value: boolean): Uint8Array {
  return derTlv(DerTag.BOOLEAN, Uint8Array.of(value ? 0xff : 0x00));
}

export function derSequence(...contents: Uint8Array[]): Uint8Array {
  return derTlv(DerTag.SEQUENCE, ...contents);
}

export function derObjectIdentifier(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const [first, second] = arcs;
  if (
    arcs.length < 2 ||
    !arcs.every((arc) => Number.isSafeInteger(arc) && arc >= 0) ||
    first! > 2 ||
    (first! < 2 && second! >= 40)
  )
    throw new RangeError(`OBJECT IDENTIFIER ${oid}`);
  const octets: number[] = [];
  for (const arc of [first! * 40 + second!, ...arcs.slice(2)]) {
    const groups: number[] = [];
    let rest = arc;
    do {
      groups.unshift(rest % 128);
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    groups.forEach((group, index) => octets.push(index < groups.length - 1 ? group | 0x80 : group));
  }
  return derTlv(DerTag.OBJECT_IDENTIFIER, Uint8Array.from(octets));
}

export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  if (
    !Number.isInteger(unusedBits) ||
    unusedBits < 0 ||
    unusedBits > 7 ||
    (unusedBits > 0 && bytes.length === 0)
  )
    throw new RangeError(`BIT STRING with ${unusedBits} unused bits`);
  return derTlv(DerTag.BIT_STRING, Uint8Array.of(unusedBits), bytes);
}

/** An explicit context-specific field `[n] inner`. */
export function derExplicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(contextTag(n), inner);
}

function hexTag(tag: number): string {
  return tag.toString(16).padStart(2, '0');
}
