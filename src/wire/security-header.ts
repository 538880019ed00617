import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Security headers (MS-RDPBCGR 2.2.8.1.1.2) in front of slow-path PDUs inside MCS Send Data.
 *
 *   Basic (2.2.8.1.1.2.1)     flags u16le | flagsHi u16le
 *   Non-FIPS (2.2.8.1.1.2.2)  flags u16le | flagsHi u16le | dataSignature[8]
 *   FIPS (2.2.8.1.1.2.3)      flags u16le | flagsHi u16le | length u16le (=16) | version u8 (=1)
 *                             | padlen u8 | dataSignature[8]
 *
 * Which one is present depends on the negotiated encryption, not on the bytes, so the caller
 * says which kind it expects; decodeSecurityHeaderFor also applies the rule that only a PDU
 * flagged SEC_ENCRYPT (or SEC_REDIRECTION_PKT) carries the signature.
 */
export const BASIC_SECURITY_HEADER_SIZE = 4;
export const NON_FIPS_SECURITY_HEADER_SIZE = 12;
export const FIPS_SECURITY_HEADER_SIZE = 16;
export const DATA_SIGNATURE_SIZE = 8;
/** TS_FIPS_SECURITY_HEADER: length is always 0x10, version TSFIPS_VERSION1. */
const FIPS_HEADER_LENGTH = 0x0010;
export const TSFIPS_VERSION1 = 0x01;
/** 3DES pads to 8-byte blocks, so padlen is at most 7. */
const MAX_FIPS_PAD_LENGTH = 7;

/** Security header flags (2.2.8.1.1.2.1). */
export const SecurityFlag = {
  SEC_EXCHANGE_PKT: 0x0001,
  SEC_TRANSPORT_REQ: 0x0002,
  RDP_SEC_TRANSPORT_RSP: 0x0004,
  SEC_ENCRYPT: 0x0008,
  SEC_RESET_SEQNO: 0x0010,
  SEC_IGNORE_SEQNO: 0x0020,
  SEC_INFO_PKT: 0x0040,
  SEC_LICENSE_PKT: 0x0080,
  SEC_LICENSE_ENCRYPT_CS: 0x0200,
  SEC_LICENSE_ENCRYPT_SC: 0x0200,
  SEC_REDIRECTION_PKT: 0x0400,
  SEC_SECURE_CHECKSUM: 0x0800,
  SEC_AUTODETECT_REQ: 0x1000,
  SEC_AUTODETECT_RSP: 0x2000,
  SEC_HEARTBEAT: 0x4000,
  SEC_FLAGSHI_VALID: 0x8000,
} as const;

/** Names of the set bits, unknown bits as hex; SEC_LICENSE_ENCRYPT_CS/SC share 0x0200. */
export function securityFlagNames(flags: number): string[] {
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(SecurityFlag)) {
    if (name === 'SEC_LICENSE_ENCRYPT_SC') continue;
    if (flags & bit) names.push(name === 'SEC_LICENSE_ENCRYPT_CS' ? 'SEC_LICENSE_ENCRYPT' : name);
    known |= bit;
  }
  const unknown = flags & ~known & 0xffff;
  if (unknown) names.push(`0x${unknown.toString(16).padStart(4, '0')}`);
  return names;
}

export type SecurityHeaderKind = 'basic' | 'non-fips' | 'fips';

export type SecurityHeader =
  | { readonly kind: 'basic'; readonly flags: number; readonly flagsHi: number }
  | {
      readonly kind: 'non-fips';
      readonly flags: number;
      readonly flagsHi: number;
      readonly signature: Uint8Array;
    }
  | {
      readonly kind: 'fips';
      readonly flags: number;
      readonly flagsHi: number;
      readonly padLength: number;
      readonly signature: Uint8Array;
    };

export function securityHeaderSize(kind: SecurityHeaderKind): number {
  if (kind === 'basic') return BASIC_SECURITY_HEADER_SIZE;
  return kind === 'non-fips' ? NON_FIPS_SECURITY_HEADER_SIZE : FIPS_SECURITY_HEADER_SIZE;
}

function checkSignature(signature: Uint8Array): void {
  if (signature.length !== DATA_SIGNATURE_SIZE) throw new RangeError('dataSignature must be 8 bytes');
}

export function encodeSecurityHeader(header: SecurityHeader): Uint8Array {
  const writer = new ByteWriter(securityHeaderSize(header.kind)).u16le(header.flags).u16le(header.flagsHi);
  if (header.kind === 'non-fips') {
    checkSignature(header.signature);
    writer.bytes(header.signature);
  } else if (header.kind === 'fips') {
    checkSignature(header.signature);
    if (header.padLength > MAX_FIPS_PAD_LENGTH)
      throw new RangeError(`FIPS padlen out of range: ${header.padLength}`);
    writer.u16le(FIPS_HEADER_LENGTH).u8(TSFIPS_VERSION1).u8(header.padLength).bytes(header.signature);
  }
  return writer.finish();
}

/** Reads a header of the given kind; bodyOffset is where the PDU after it starts in `bytes`. */
export function decodeSecurityHeader(
  bytes: Uint8Array,
  kind: SecurityHeaderKind,
  base = 0,
): { header: SecurityHeader; bodyOffset: number } {
  const reader = new ByteReader(bytes, 'SecurityHeader', base);
  const flags = reader.u16le('flags');
  const flagsHi = reader.u16le('flagsHi');
  return { header: readSignaturePart(reader, kind, flags, flagsHi), bodyOffset: reader.offset };
}

function readSignaturePart(
  reader: ByteReader,
  kind: SecurityHeaderKind,
  flags: number,
  flagsHi: number,
): SecurityHeader {
  if (kind === 'basic') return { kind, flags, flagsHi };
  if (kind === 'non-fips')
    return {
      kind,
      flags,
      flagsHi,
      signature: Uint8Array.from(reader.bytesView(DATA_SIGNATURE_SIZE, 'dataSignature')),
    };
  const lengthAt = reader.offset;
  const length = reader.u16le('length');
  if (length !== FIPS_HEADER_LENGTH)
    reader.fail('invalid-field', 'length', `expected 16, got ${length}`, lengthAt);
  const versionAt = reader.offset;
  const version = reader.u8('version');
  if (version !== TSFIPS_VERSION1)
    reader.fail('unsupported-version', 'version', `expected 1, got ${version}`, versionAt);
  const padAt = reader.offset;
  const padLength = reader.u8('padlen');
  if (padLength > MAX_FIPS_PAD_LENGTH)
    reader.fail('invalid-field', 'padlen', `${padLength} exceeds ${MAX_FIPS_PAD_LENGTH}`, padAt);
  const signature = Uint8Array.from(reader.bytesView(DATA_SIGNATURE_SIZE, 'dataSignature'));
  return { kind, flags, flagsHi, padLength, signature };
}

/**
 * The header of a PDU in a session whose encryption is `encryption`: with Standard RDP Security
 * the signature part is present only when flags has SEC_ENCRYPT or SEC_REDIRECTION_PKT (an
 * unencrypted licensing PDU keeps the basic header); with 'none' it is always basic.
 */
export function decodeSecurityHeaderFor(
  bytes: Uint8Array,
  encryption: 'none' | 'non-fips' | 'fips',
  base = 0,
): { header: SecurityHeader; bodyOffset: number } {
  const reader = new ByteReader(bytes, 'SecurityHeader', base);
  const flags = reader.u16le('flags');
  const flagsHi = reader.u16le('flagsHi');
  const signed = (flags & (SecurityFlag.SEC_ENCRYPT | SecurityFlag.SEC_REDIRECTION_PKT)) !== 0;
  const kind: SecurityHeaderKind = encryption === 'none' || !signed ? 'basic' : encryption;
  return { header: readSignaturePart(reader, kind, flags, flagsHi), bodyOffset: reader.offset };
}

// ---- Security Exchange PDU (2.2.1.10) -----------------------------------------------------

/**
 *   basic header: flags SEC_EXCHANGE_PKT (| SEC_LICENSE_ENCRYPT_CS), flagsHi 0
 *   TS_SECURITY_PACKET (2.2.1.10.1): length u32le | encryptedClientRandom | 8 zero bytes
 *   `length` counts the random and its 8 bytes of padding.
 */
export const SECURITY_EXCHANGE_PADDING = 8;
/** A 16384-bit modulus would be absurd; 4096 bits (512 bytes) is the most a server uses. */
export const MAX_ENCRYPTED_CLIENT_RANDOM = 512;

export function encodeSecurityExchange(encryptedClientRandom: Uint8Array): Uint8Array {
  if (encryptedClientRandom.length > MAX_ENCRYPTED_CLIENT_RANDOM)
    throw new RangeError(`encrypted client random too long: ${encryptedClientRandom.length}`);
  return new ByteWriter(
    BASIC_SECURITY_HEADER_SIZE + 4 + encryptedClientRandom.length + SECURITY_EXCHANGE_PADDING,
  )
    .u16le(SecurityFlag.SEC_EXCHANGE_PKT)
    .u16le(0)
    .u32le(encryptedClientRandom.length + SECURITY_EXCHANGE_PADDING)
    .bytes(encryptedClientRandom)
    .bytes(new Uint8Array(SECURITY_EXCHANGE_PADDING))
    .finish();
}

/** Returns the encrypted client random (a copy) from a Security Exchange PDU's MCS user data. */
export function decodeSecurityExchange(bytes: Uint8Array, base = 0): Uint8Array {
  const reader = new ByteReader(bytes, 'SecurityExchange', base);
  const flags = reader.u16le('flags');
  if ((flags & SecurityFlag.SEC_EXCHANGE_PKT) === 0)
    reader.fail(
      'unexpected-type',
      'flags',
      `SEC_EXCHANGE_PKT not set (0x${flags.toString(16).padStart(4, '0')})`,
      0,
    );
  reader.u16le('flagsHi');
  const lengthAt = reader.offset;
  const length = reader.u32le('length');
  if (length < SECURITY_EXCHANGE_PADDING || length > MAX_ENCRYPTED_CLIENT_RANDOM + SECURITY_EXCHANGE_PADDING)
    reader.fail(
      'invalid-field',
      'length',
      `${length} is outside ${SECURITY_EXCHANGE_PADDING}..${MAX_ENCRYPTED_CLIENT_RANDOM + SECURITY_EXCHANGE_PADDING}`,
      lengthAt,
    );
  const random = Uint8Array.from(
    reader.bytesView(length - SECURITY_EXCHANGE_PADDING, 'encryptedClientRandom'),
  );
  reader.skip(SECURITY_EXCHANGE_PADDING, 'padding');
  reader.expectEnd();
  return random;
}
