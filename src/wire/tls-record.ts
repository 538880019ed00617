import { DecodeError } from './errors.js';
import type { FrameLength } from './framing.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * The TLS record layer header (RFC 5246 6.2.1, RFC 8446 5.1), the same from SSL 3.0 to TLS 1.3.
 *
 *   0        1        2        3        4
 *   +--------+--------+--------+--------+--------+------------------
 *   | type   | version (major, minor) | length (BE)     | fragment ...
 *   +--------+--------+--------+--------+--------+------------------
 */
export const TLS_RECORD_HEADER_SIZE = 5;
/** RFC 5246 6.2.3: a TLSCiphertext fragment may be at most 2^14 + 2048 bytes. */
export const TLS_MAX_RECORD_PAYLOAD = 2 ** 14 + 2048;

/** ContentType (IANA TLS ContentType registry). */
export const ContentType = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
  HEARTBEAT: 24,
  TLS12_CID: 25,
  ACK: 26,
} as const;

/** Protocol versions as they appear on the wire. */
export const TlsVersion = {
  SSL_3_0: 0x0300,
  TLS_1_0: 0x0301,
  TLS_1_1: 0x0302,
  TLS_1_2: 0x0303,
  TLS_1_3: 0x0304,
} as const;

export function tlsVersionName(version: number): string {
  switch (version) {
    case TlsVersion.SSL_3_0:
      return 'SSL 3.0';
    case TlsVersion.TLS_1_0:
      return 'TLS 1.0';
    case TlsVersion.TLS_1_1:
      return 'TLS 1.1';
    case TlsVersion.TLS_1_2:
      return 'TLS 1.2';
    case TlsVersion.TLS_1_3:
      return 'TLS 1.3';
    default:
      return `unknown version 0x${version.toString(16).padStart(4, '0')}`;
  }
}

export interface TlsRecord {
  readonly contentType: number;
  readonly version: number;
  readonly fragment: Uint8Array;
}

export function encodeTlsRecord(record: TlsRecord): Uint8Array {
  if (record.fragment.length > TLS_MAX_RECORD_PAYLOAD) {
    throw new RangeError(`TLS record fragment too large: ${record.fragment.length}`);
  }
  return new ByteWriter(TLS_RECORD_HEADER_SIZE + record.fragment.length)
    .u8(record.contentType)
    .u16be(record.version)
    .u16be(record.fragment.length)
    .bytes(record.fragment)
    .finish();
}

/** Decodes exactly one record occupying the whole buffer. */
export function decodeTlsRecord(bytes: Uint8Array, base = 0): TlsRecord {
  const frame = tlsRecordFrameLength(bytes);
  if (frame.kind === 'malformed') throw rebase(frame.error, base);
  const reader = new ByteReader(bytes, 'TLSRecord', base);
  const contentType = reader.u8('contentType');
  const version = reader.u16be('version');
  const length = reader.u16be('length');
  if (length > bytes.length - TLS_RECORD_HEADER_SIZE) {
    reader.fail('not-enough-bytes', 'fragment', `header says ${length}, ${reader.remaining} left`, 3);
  }
  const fragment = reader.bytesView(length, 'fragment');
  reader.expectEnd();
  return { contentType, version, fragment };
}

/**
 * How long the record at the start of `bytes` is. Checks what a real TLS peer can send: a known
 * content type, major version 3 and a length within 2^14 + 2048. An SSL 2.0 record (high bit set
 * in the first byte) is reported as malformed with that detail, since we never offer SSL 2.0.
 */
export function tlsRecordFrameLength(bytes: Uint8Array, maxPayload = TLS_MAX_RECORD_PAYLOAD): FrameLength {
  if (bytes.length < 1) return { kind: 'need-more', atLeast: TLS_RECORD_HEADER_SIZE };
  const contentType = bytes[0]!;
  if (contentType < ContentType.CHANGE_CIPHER_SPEC || contentType > ContentType.ACK) {
    const detail =
      contentType >= 0x80
        ? `0x${hex2(contentType)} looks like an SSL 2.0 record`
        : `unknown content type ${contentType}`;
    return malformed('unexpected-type', 'contentType', 0, detail);
  }
  if (bytes.length >= 2 && bytes[1] !== 3) {
    return malformed('unsupported-version', 'version', 1, `major version ${bytes[1]} is not 3`);
  }
  if (bytes.length < TLS_RECORD_HEADER_SIZE) return { kind: 'need-more', atLeast: TLS_RECORD_HEADER_SIZE };
  const length = (bytes[3]! << 8) | bytes[4]!;
  if (length > maxPayload) return malformed('too-large', 'length', 3, `${length} > ${maxPayload}`);
  return { kind: 'length', length: TLS_RECORD_HEADER_SIZE + length };
}

export interface RecordSplit {
  readonly records: TlsRecord[];
  /** Bytes after the last whole record (a partial record still to come). */
  readonly rest: Uint8Array;
  /** Set when the bytes stop being TLS records; `records` holds the ones before. */
  readonly error?: DecodeError;
}

/** Splits a byte stream into whole records, at most `maxRecords` of them. */
export function splitTlsRecords(bytes: Uint8Array, maxRecords = 4096): RecordSplit {
  const records: TlsRecord[] = [];
  let offset = 0;
  while (offset < bytes.length && records.length < maxRecords) {
    const frame = tlsRecordFrameLength(bytes.subarray(offset));
    if (frame.kind === 'malformed')
      return { records, rest: bytes.subarray(offset), error: rebase(frame.error, offset) };
    if (frame.kind === 'need-more' || offset + frame.length > bytes.length) break;
    records.push(decodeTlsRecord(bytes.subarray(offset, offset + frame.length), offset));
    offset += frame.length;
  }
  return { records, rest: bytes.subarray(offset) };
}

function malformed(kind: DecodeError['kind'], field: string, offset: number, detail: string): FrameLength {
  return {
    kind: 'malformed',
    error: new DecodeError({ structure: 'TLSRecord', kind, field, offset, detail }),
  };
}

function rebase(error: DecodeError, base: number): DecodeError {
  if (base === 0) return error;
  return new DecodeError({ ...error.toJSON(), offset: error.offset + base });
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
