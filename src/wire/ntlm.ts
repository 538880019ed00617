import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * NTLM messages as CredSSP carries them in TSRequest.negoTokens (MS-NLMP 2.2.1). All integers are
 * little-endian. Strings live in a payload after the fixed part and are pointed at by fields:
 *
 *   +-----------+-----------+---------------+
 *   | Len (u16) | Max (u16) | Offset (u32)  |   offset counts from the start of the message
 *   +-----------+-----------+---------------+
 *
 * NEGOTIATE_MESSAGE (2.2.1.1), 32 bytes + VERSION:
 *   0 Signature "NTLMSSP\0" | 8 MessageType=1 | 12 NegotiateFlags | 16 DomainNameFields
 *   | 24 WorkstationFields | 32 Version (if NEGOTIATE_VERSION) | payload
 * CHALLENGE_MESSAGE (2.2.1.2), 48 bytes + VERSION:
 *   0 Signature | 8 MessageType=2 | 12 TargetNameFields | 20 NegotiateFlags | 24 ServerChallenge
 *   | 32 Reserved | 40 TargetInfoFields | 48 Version | 56 payload
 */
export const NTLM_SIGNATURE = Uint8Array.from([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]);
export const NTLM_NEGOTIATE_FIXED_SIZE = 32;
export const NTLM_CHALLENGE_FIXED_SIZE = 48;
export const NTLM_VERSION_SIZE = 8;
export const NTLMSSP_REVISION_W2K3 = 0x0f;
/** Upper bound for one AV pair list; a challenge never carries more than a few hundred bytes. */
export const NTLM_MAX_AV_PAIRS = 64;

export const NtlmMessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

/** NegotiateFlags (MS-NLMP 2.2.2.5), named as the spec names them without the NTLMSSP_ prefix. */
export const NtlmFlag = {
  NEGOTIATE_UNICODE: 0x00000001,
  NEGOTIATE_OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_SIGN: 0x00000010,
  NEGOTIATE_SEAL: 0x00000020,
  NEGOTIATE_DATAGRAM: 0x00000040,
  NEGOTIATE_LM_KEY: 0x00000080,
  NEGOTIATE_NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x00001000,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x00002000,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NEGOTIATE_IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
  NEGOTIATE_VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  NEGOTIATE_KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

/** AV_PAIR ids (MS-NLMP 2.2.2.1). */
export const AvId = {
  MsvAvEOL: 0x0000,
  MsvAvNbComputerName: 0x0001,
  MsvAvNbDomainName: 0x0002,
  MsvAvDnsComputerName: 0x0003,
  MsvAvDnsDomainName: 0x0004,
  MsvAvDnsTreeName: 0x0005,
  MsvAvFlags: 0x0006,
  MsvAvTimestamp: 0x0007,
  MsvAvSingleHost: 0x0008,
  MsvAvTargetName: 0x0009,
  MsvAvChannelBindings: 0x000a,
} as const;

/** The flags a client sends in its NEGOTIATE for CredSSP (what mstsc and FreeRDP set). */
export const DEFAULT_NEGOTIATE_FLAGS =
  (NtlmFlag.NEGOTIATE_56 |
    NtlmFlag.NEGOTIATE_KEY_EXCH |
    NtlmFlag.NEGOTIATE_128 |
    NtlmFlag.NEGOTIATE_VERSION |
    NtlmFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY |
    NtlmFlag.NEGOTIATE_ALWAYS_SIGN |
    NtlmFlag.NEGOTIATE_NTLM |
    NtlmFlag.NEGOTIATE_SEAL |
    NtlmFlag.NEGOTIATE_SIGN |
    NtlmFlag.REQUEST_TARGET |
    NtlmFlag.NEGOTIATE_UNICODE) >>>
  0;

/** VERSION (MS-NLMP 2.2.2.10): informational, but it names the server's Windows build. */
export interface NtlmVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly revision: number;
}

export interface AvPair {
  readonly id: number;
  readonly value: Uint8Array;
}

export interface NtlmNegotiate {
  readonly flags: number;
  /** OEM strings (only meaningful with the OEM_*_SUPPLIED flags); usually empty. */
  readonly domain: string;
  readonly workstation: string;
  readonly version?: NtlmVersion;
}

export interface NtlmChallenge {
  readonly flags: number;
  readonly targetName: string;
  /** 8 bytes. */
  readonly serverChallenge: Uint8Array;
  /** 8 bytes, normally zero. */
  readonly reserved: Uint8Array;
  /** AV pairs without the terminating MsvAvEOL. */
  readonly targetInfo: readonly AvPair[];
  readonly version?: NtlmVersion;
}

/** The target info as named fields, for observations. */
export interface NtlmTargetInfo {
  readonly nbComputerName?: string;
  readonly nbDomainName?: string;
  readonly dnsComputerName?: string;
  readonly dnsDomainName?: string;
  readonly dnsTreeName?: string;
  readonly flags?: number;
  /** The server's clock (MsvAvTimestamp), for clock-skew checks. */
  readonly timestamp?: Date;
  readonly timestampFiletime?: bigint;
  /** Ids seen that this list does not name, kept as evidence. */
  readonly otherIds: readonly number[];
}

// ---- strings and FILETIME -----------------------------------------------------------------

export function utf16le(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'utf16le'));
}

function readUtf16(reader: ByteReader, length: number, field: string): string {
  const at = reader.offset;
  if (length % 2 !== 0) reader.fail('invalid-field', field, `odd UTF-16 length ${length}`, at);
  return Buffer.from(reader.bytesView(length, field)).toString('utf16le');
}

/** 100-ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function filetimeToDate(filetime: bigint): Date {
  return new Date(Number((filetime - FILETIME_UNIX_EPOCH) / 10000n));
}

export function dateToFiletime(date: Date): bigint {
  return BigInt(date.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}

// ---- AV pairs -----------------------------------------------------------------------------

/** Encodes an AV pair list and its MsvAvEOL terminator. */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const writer = new ByteWriter(64);
  for (const pair of pairs) {
    if (pair.id === AvId.MsvAvEOL) throw new RangeError('MsvAvEOL is written by the encoder');
    writer.u16le(pair.id).u16le(pair.value.length).bytes(pair.value);
  }
  return writer.u16le(AvId.MsvAvEOL).u16le(0).finish();
}

/** Decodes an AV pair list up to MsvAvEOL; bytes after it are ignored, as the spec says. */
export function decodeAvPairs(bytes: Uint8Array, base = 0, structure = 'NTLM.AvPairs'): AvPair[] {
  const reader = new ByteReader(bytes, structure, base);
  const pairs: AvPair[] = [];
  for (;;) {
    const at = reader.offset;
    const id = reader.u16le('AvId');
    const length = reader.u16le('AvLen');
    if (id === AvId.MsvAvEOL) {
      if (length !== 0) reader.fail('invalid-field', 'AvLen', `MsvAvEOL with length ${length}`, at + 2);
      return pairs;
    }
    if (pairs.length >= NTLM_MAX_AV_PAIRS)
      reader.fail('too-large', 'AvId', `more than ${NTLM_MAX_AV_PAIRS} pairs`, at);
    pairs.push({ id, value: reader.bytesView(length, `AvPair[0x${id.toString(16)}]`).slice() });
  }
}

export function avString(id: number, text: string): AvPair {
  return { id, value: utf16le(text) };
}

export function avTimestamp(date: Date): AvPair {
  return { id: AvId.MsvAvTimestamp, value: new ByteWriter(8).u64le(dateToFiletime(date)).finish() };
}

export function avFlags(flags: number): AvPair {
  return { id: AvId.MsvAvFlags, value: new ByteWriter(4).u32le(flags).finish() };
}

const STRING_IDS: ReadonlyArray<readonly [number, keyof NtlmTargetInfo]> = [
  [AvId.MsvAvNbComputerName, 'nbComputerName'],
  [AvId.MsvAvNbDomainName, 'nbDomainName'],
  [AvId.MsvAvDnsComputerName, 'dnsComputerName'],
  [AvId.MsvAvDnsDomainName, 'dnsDomainName'],
  [AvId.MsvAvDnsTreeName, 'dnsTreeName'],
];

/** Names the pairs of a target info list; a pair of the wrong size is a DecodeError. */
export function describeTargetInfo(pairs: readonly AvPair[]): NtlmTargetInfo {
  const info: Record<string, unknown> = {};
  const otherIds: number[] = [];
  for (const pair of pairs) {
    const reader = new ByteReader(pair.value, 'NTLM.AvPair');
    const named = STRING_IDS.find(([id]) => id === pair.id);
    if (named) {
      info[named[1]] = readUtf16(reader, pair.value.length, named[1]);
    } else if (pair.id === AvId.MsvAvFlags) {
      info.flags = reader.u32le('MsvAvFlags');
      reader.expectEnd('MsvAvFlags');
    } else if (pair.id === AvId.MsvAvTimestamp) {
      const filetime = reader.u64le('MsvAvTimestamp');
      reader.expectEnd('MsvAvTimestamp');
      info.timestampFiletime = filetime;
      info.timestamp = filetimeToDate(filetime);
    } else {
      otherIds.push(pair.id);
    }
  }
  return { ...(info as Omit<NtlmTargetInfo, 'otherIds'>), otherIds };
}

// ---- VERSION ------------------------------------------------------------------------------

function writeVersion(writer: ByteWriter, version: NtlmVersion): void {
  writer
    .u8(version.major)
    .u8(version.minor)
    .u16le(version.build)
    .bytes(new Uint8Array(3))
    .u8(version.revision);
}

function readVersion(reader: ByteReader): NtlmVersion {
  const major = reader.u8('Version.ProductMajorVersion');
  const minor = reader.u8('Version.ProductMinorVersion');
  const build = reader.u16le('Version.ProductBuild');
  reader.skip(3, 'Version.Reserved');
  const revision = reader.u8('Version.NTLMRevisionCurrent');
  return { major, minor, build, revision };
}

/** "6.1.7601" */
export function formatNtlmVersion(version: NtlmVersion): string {
  return `${version.major}.${version.minor}.${version.build}`;
}

// ---- header and payload fields ------------------------------------------------------------

function readHeader(reader: ByteReader, expectedType: number): void {
  const signature = reader.bytesView(8, 'Signature');
  if (!signature.every((byte, i) => byte === NTLM_SIGNATURE[i])) {
    reader.fail('unexpected-type', 'Signature', 'not "NTLMSSP\\0"', 0);
  }
  const type = reader.u32le('MessageType');
  if (type !== expectedType)
    reader.fail('unexpected-type', 'MessageType', `expected ${expectedType}, got ${type}`, 8);
}

interface FieldRef {
  readonly length: number;
  readonly offset: number;
  readonly at: number;
}

function readFieldRef(reader: ByteReader, field: string): FieldRef {
  const at = reader.offset;
  const length = reader.u16le(`${field}.Len`);
  reader.u16le(`${field}.MaxLen`);
  const offset = reader.u32le(`${field}.BufferOffset`);
  return { length, offset, at };
}

/** The payload bytes a field points at, checked against the whole message. */
function fieldBytes(message: ByteReader, bytes: Uint8Array, ref: FieldRef, field: string): Uint8Array {
  if (ref.length === 0) return new Uint8Array(0);
  if (ref.offset > bytes.length || ref.length > bytes.length - ref.offset) {
    message.fail(
      'not-enough-bytes',
      `${field}.BufferOffset`,
      `${ref.offset}+${ref.length} beyond ${bytes.length}`,
      ref.at + 4,
    );
  }
  return bytes.subarray(ref.offset, ref.offset + ref.length);
}

/** Lays out payload strings after a fixed part and writes their field references. */
class PayloadLayout {
  private readonly parts: Uint8Array[] = [];
  private next: number;

  constructor(fixedSize: number) {
    this.next = fixedSize;
  }

  ref(writer: ByteWriter, value: Uint8Array): void {
    writer
      .u16le(value.length)
      .u16le(value.length)
      .u32le(value.length === 0 ? 0 : this.next);
    if (value.length > 0) {
      this.parts.push(value);
      this.next += value.length;
    }
  }

  write(writer: ByteWriter): void {
    for (const part of this.parts) writer.bytes(part);
  }
}

// ---- NEGOTIATE ----------------------------------------------------------------------------

export function encodeNtlmNegotiate(message: NtlmNegotiate): Uint8Array {
  const hasVersion = message.version !== undefined;
  const fixed = NTLM_NEGOTIATE_FIXED_SIZE + (hasVersion ? NTLM_VERSION_SIZE : 0);
  const flags = (hasVersion ? message.flags | NtlmFlag.NEGOTIATE_VERSION : message.flags) >>> 0;
  const layout = new PayloadLayout(fixed);
  const writer = new ByteWriter(fixed + 32)
    .bytes(NTLM_SIGNATURE)
    .u32le(NtlmMessageType.NEGOTIATE)
    .u32le(flags);
  layout.ref(writer, Buffer.from(message.domain, 'latin1'));
  layout.ref(writer, Buffer.from(message.workstation, 'latin1'));
  if (message.version) writeVersion(writer, message.version);
  layout.write(writer);
  return writer.finish();
}

export function decodeNtlmNegotiate(bytes: Uint8Array, base = 0): NtlmNegotiate {
  const reader = new ByteReader(bytes, 'NTLM.Negotiate', base);
  readHeader(reader, NtlmMessageType.NEGOTIATE);
  const flags = reader.u32le('NegotiateFlags');
  const domainRef = readFieldRef(reader, 'DomainNameFields');
  const workstationRef = readFieldRef(reader, 'WorkstationFields');
  const version = flags & NtlmFlag.NEGOTIATE_VERSION ? readVersion(reader) : undefined;
  const domain = Buffer.from(fieldBytes(reader, bytes, domainRef, 'DomainNameFields')).toString('latin1');
  const workstation = Buffer.from(fieldBytes(reader, bytes, workstationRef, 'WorkstationFields')).toString(
    'latin1',
  );
  return version ? { flags, domain, workstation, version } : { flags, domain, workstation };
}

// ---- CHALLENGE ----------------------------------------------------------------------------

export function encodeNtlmChallenge(message: NtlmChallenge): Uint8Array {
  if (message.serverChallenge.length !== 8) throw new RangeError('serverChallenge must be 8 bytes');
  if (message.reserved.length !== 8) throw new RangeError('reserved must be 8 bytes');
  const hasVersion = message.version !== undefined;
  const fixed = NTLM_CHALLENGE_FIXED_SIZE + (hasVersion ? NTLM_VERSION_SIZE : 0);
  const flags = (hasVersion ? message.flags | NtlmFlag.NEGOTIATE_VERSION : message.flags) >>> 0;
  const layout = new PayloadLayout(fixed);
  const writer = new ByteWriter(fixed + 128).bytes(NTLM_SIGNATURE).u32le(NtlmMessageType.CHALLENGE);
  layout.ref(writer, utf16le(message.targetName));
  writer.u32le(flags).bytes(message.serverChallenge).bytes(message.reserved);
  layout.ref(writer, encodeAvPairs(message.targetInfo));
  if (message.version) writeVersion(writer, message.version);
  layout.write(writer);
  return writer.finish();
}

export function decodeNtlmChallenge(bytes: Uint8Array, base = 0): NtlmChallenge {
  const reader = new ByteReader(bytes, 'NTLM.Challenge', base);
  readHeader(reader, NtlmMessageType.CHALLENGE);
  const targetNameRef = readFieldRef(reader, 'TargetNameFields');
  const flags = reader.u32le('NegotiateFlags');
  const serverChallenge = reader.bytesView(8, 'ServerChallenge').slice();
  const reserved = reader.bytesView(8, 'Reserved').slice();
  const targetInfoRef = readFieldRef(reader, 'TargetInfoFields');
  const version = flags & NtlmFlag.NEGOTIATE_VERSION ? readVersion(reader) : undefined;

  const nameBytes = fieldBytes(reader, bytes, targetNameRef, 'TargetNameFields');
  const nameReader = new ByteReader(nameBytes, 'NTLM.Challenge', base + targetNameRef.offset);
  const targetName = readUtf16(nameReader, nameBytes.length, 'TargetName');
  const infoBytes = fieldBytes(reader, bytes, targetInfoRef, 'TargetInfoFields');
  const targetInfo = infoBytes.length === 0 ? [] : decodeAvPairs(infoBytes, base + targetInfoRef.offset);
  const message = { flags, targetName, serverChallenge, reserved, targetInfo };
  return version ? { ...message, version } : message;
}

/** Finds an NTLM message inside a token that may be SPNEGO-wrapped (the way nmap does it). */
export function findNtlmMessage(token: Uint8Array): Uint8Array | undefined {
  for (let i = 0; i + NTLM_SIGNATURE.length <= token.length; i++) {
    if (NTLM_SIGNATURE.every((byte, j) => token[i + j] === byte)) return token.subarray(i);
  }
  return undefined;
}

// ---- AUTHENTICATE -------------------------------------------------------------------------

/**
 * AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3), 64 bytes + VERSION + MIC:
 *   0 Signature | 8 MessageType=3 | 12 LmChallengeResponseFields | 20 NtChallengeResponseFields
 *   | 28 DomainNameFields | 36 UserNameFields | 44 WorkstationFields
 *   | 52 EncryptedRandomSessionKeyFields | 60 NegotiateFlags | 64 Version (8) | 72 MIC (16) | 88 payload
 * The MIC has no flag of its own: it is there when the payload starts at or after offset 88
 * (the client then also sets MsvAvFlags bit 0x2 in the NTLMv2 response's AV pairs).
 */
export const NTLM_AUTHENTICATE_FIXED_SIZE = 64;
export const NTLM_MIC_SIZE = 16;
/** Where the MIC sits in an AUTHENTICATE that carries one. */
export const NTLM_MIC_OFFSET = NTLM_AUTHENTICATE_FIXED_SIZE + NTLM_VERSION_SIZE;

export interface NtlmAuthenticate {
  readonly flags: number;
  readonly lmChallengeResponse: Uint8Array;
  readonly ntChallengeResponse: Uint8Array;
  /** UTF-16LE strings when NEGOTIATE_UNICODE is set (always, for CredSSP). */
  readonly domain: string;
  readonly userName: string;
  readonly workstation: string;
  readonly encryptedRandomSessionKey: Uint8Array;
  readonly version?: NtlmVersion;
  /** 16 bytes; all zero while the MIC itself is computed (MS-NLMP 3.1.5.1.2). */
  readonly mic?: Uint8Array;
}

export function encodeNtlmAuthenticate(message: NtlmAuthenticate): Uint8Array {
  if (message.mic !== undefined && message.mic.length !== NTLM_MIC_SIZE)
    throw new RangeError(`MIC must be ${NTLM_MIC_SIZE} bytes`);
  if (message.mic !== undefined && message.version === undefined)
    throw new RangeError('a MIC sits after VERSION: give a version too');
  const hasVersion = message.version !== undefined;
  const fixed =
    NTLM_AUTHENTICATE_FIXED_SIZE +
    (hasVersion ? NTLM_VERSION_SIZE : 0) +
    (message.mic !== undefined ? NTLM_MIC_SIZE : 0);
  const flags = (hasVersion ? message.flags | NtlmFlag.NEGOTIATE_VERSION : message.flags) >>> 0;
  const layout = new PayloadLayout(fixed);
  const writer = new ByteWriter(fixed + 512).bytes(NTLM_SIGNATURE).u32le(NtlmMessageType.AUTHENTICATE);
  layout.ref(writer, message.lmChallengeResponse);
  layout.ref(writer, message.ntChallengeResponse);
  layout.ref(writer, utf16le(message.domain));
  layout.ref(writer, utf16le(message.userName));
  layout.ref(writer, utf16le(message.workstation));
  layout.ref(writer, message.encryptedRandomSessionKey);
  writer.u32le(flags);
  if (message.version) writeVersion(writer, message.version);
  if (message.mic) writer.bytes(message.mic);
  layout.write(writer);
  return writer.finish();
}

export function decodeNtlmAuthenticate(bytes: Uint8Array, base = 0): NtlmAuthenticate {
  const reader = new ByteReader(bytes, 'NTLM.Authenticate', base);
  readHeader(reader, NtlmMessageType.AUTHENTICATE);
  const refs = [
    readFieldRef(reader, 'LmChallengeResponseFields'),
    readFieldRef(reader, 'NtChallengeResponseFields'),
    readFieldRef(reader, 'DomainNameFields'),
    readFieldRef(reader, 'UserNameFields'),
    readFieldRef(reader, 'WorkstationFields'),
    readFieldRef(reader, 'EncryptedRandomSessionKeyFields'),
  ] as const;
  const flags = reader.u32le('NegotiateFlags');
  const version = flags & NtlmFlag.NEGOTIATE_VERSION ? readVersion(reader) : undefined;
  const payloadStart = Math.min(
    bytes.length,
    ...refs.filter((ref) => ref.length > 0).map((ref) => ref.offset),
  );
  const mic =
    version !== undefined && payloadStart >= NTLM_MIC_OFFSET + NTLM_MIC_SIZE
      ? reader.bytesView(NTLM_MIC_SIZE, 'MIC').slice()
      : undefined;
  const [lmRef, ntRef, domainRef, userRef, workstationRef, keyRef] = refs;
  const text = (ref: FieldRef, field: string): string => {
    const raw = fieldBytes(reader, bytes, ref, field);
    return readUtf16(new ByteReader(raw, 'NTLM.Authenticate', base + ref.offset), raw.length, field);
  };
  const message: NtlmAuthenticate = {
    flags,
    lmChallengeResponse: fieldBytes(reader, bytes, lmRef, 'LmChallengeResponseFields').slice(),
    ntChallengeResponse: fieldBytes(reader, bytes, ntRef, 'NtChallengeResponseFields').slice(),
    domain: text(domainRef, 'DomainNameFields'),
    userName: text(userRef, 'UserNameFields'),
    workstation: text(workstationRef, 'WorkstationFields'),
    encryptedRandomSessionKey: fieldBytes(reader, bytes, keyRef, 'EncryptedRandomSessionKeyFields').slice(),
  };
  return { ...message, ...(version ? { version } : {}), ...(mic ? { mic } : {}) };
}
