import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * TS_INFO_PACKET (MS-RDPBCGR 2.2.1.11.1.1), the Client Info PDU's body after its security header
 * (flags SEC_INFO_PKT, added by the caller). Little-endian:
 *
 *   CodePage u32 | flags u32 | cbDomain u16 | cbUserName u16 | cbPassword u16
 *   | cbAlternateShell u16 | cbWorkingDir u16
 *   | Domain | UserName | Password | AlternateShell | WorkingDir   each + NUL terminator
 *   | extraInfo (TS_EXTENDED_INFO_PACKET, optional)
 *
 * The cb* sizes exclude the terminator; strings are UTF-16LE with INFO_UNICODE (2-byte NUL),
 * else ANSI in the code page (1-byte NUL; read here as Latin-1).
 *
 * TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1), always UTF-16LE, sizes INCLUDE the terminator:
 *
 *   clientAddressFamily u16 | cbClientAddress u16 | clientAddress | cbClientDir u16 | clientDir
 *   | clientTimeZone (172, TS_TIME_ZONE_INFORMATION) | clientSessionId u32 | performanceFlags u32
 *   | cbAutoReconnectCookie u16 | autoReconnectCookie | (reserved1, reserved2, dynamic DST ...)
 *
 * Everything from clientTimeZone on is optional in wire order.
 */

/** TS_INFO_PACKET flags (2.2.1.11.1.1). */
export const InfoFlag = {
  INFO_MOUSE: 0x00000001,
  INFO_DISABLECTRLALTDEL: 0x00000002,
  INFO_AUTOLOGON: 0x00000008,
  INFO_UNICODE: 0x00000010,
  INFO_MAXIMIZESHELL: 0x00000020,
  INFO_LOGONNOTIFY: 0x00000040,
  INFO_COMPRESSION: 0x00000080,
  INFO_ENABLEWINDOWSKEY: 0x00000100,
  INFO_REMOTECONSOLEAUDIO: 0x00002000,
  INFO_FORCE_ENCRYPTED_CS_PDU: 0x00004000,
  INFO_RAIL: 0x00008000,
  INFO_LOGONERRORS: 0x00010000,
  INFO_MOUSE_HAS_WHEEL: 0x00020000,
  INFO_PASSWORD_IS_SC_PIN: 0x00040000,
  INFO_NOAUDIOPLAYBACK: 0x00080000,
  INFO_USING_SAVED_CREDS: 0x00100000,
  INFO_AUDIOCAPTURE: 0x00200000,
  INFO_VIDEO_DISABLE: 0x00400000,
  INFO_RESERVED1: 0x00800000,
  INFO_RESERVED2: 0x01000000,
  INFO_HIDEF_RAIL_SUPPORTED: 0x02000000,
} as const;
/** Bits 9-12 of flags hold the bulk compression type (CompressionTypeMask). */
export const INFO_COMPRESSION_TYPE_MASK = 0x00001e00;

/** performanceFlags (2.2.1.11.1.1.1). */
export const PerformanceFlag = {
  PERF_DISABLE_WALLPAPER: 0x00000001,
  PERF_DISABLE_FULLWINDOWDRAG: 0x00000002,
  PERF_DISABLE_MENUANIMATIONS: 0x00000004,
  PERF_DISABLE_THEMING: 0x00000008,
  PERF_RESERVED1: 0x00000010,
  PERF_DISABLE_CURSOR_SHADOW: 0x00000020,
  PERF_DISABLE_CURSORSETTINGS: 0x00000040,
  PERF_ENABLE_FONT_SMOOTHING: 0x00000080,
  PERF_ENABLE_DESKTOP_COMPOSITION: 0x00000100,
  PERF_RESERVED2: 0x80000000,
} as const;

/** clientAddressFamily values. */
export const ClientAddressFamily = { AF_INET: 0x0002, AF_INET6: 0x0017 } as const;

export const TIME_ZONE_INFORMATION_SIZE = 172;
/** Each TS_INFO_PACKET string's cb may not exceed 512 bytes (2.2.1.11.1.1). */
export const MAX_INFO_STRING_BYTES = 512;
/** clientAddress is at most 80 bytes with its terminator, clientDir 512. */
export const MAX_CLIENT_ADDRESS_BYTES = 80;
export const MAX_CLIENT_DIR_BYTES = 512;
/** ARC_CS_PRIVATE_PACKET is 28 bytes; allow some slack, never an unbounded cookie. */
export const MAX_AUTO_RECONNECT_COOKIE_BYTES = 128;

export interface ClientInfoExtended {
  readonly clientAddressFamily: number;
  readonly clientAddress: string;
  readonly clientDir: string;
  /** TS_TIME_ZONE_INFORMATION as 172 raw bytes; the encoder writes zeros (UTC, no names) when absent. */
  readonly timeZone?: Uint8Array;
  readonly clientSessionId: number;
  readonly performanceFlags: number;
  readonly autoReconnectCookie?: Uint8Array;
  /** Whatever follows the cookie (reserved1/2, dynamic DST fields), kept raw. */
  readonly trailing?: Uint8Array;
}

export interface ClientInfo {
  readonly codePage: number;
  readonly flags: number;
  readonly domain: string;
  readonly userName: string;
  readonly password: string;
  readonly alternateShell: string;
  readonly workingDir: string;
  readonly extended?: ClientInfoExtended;
}

const MAIN_STRING_FIELDS = ['domain', 'userName', 'password', 'alternateShell', 'workingDir'] as const;
const CB_FIELD_NAMES = ['cbDomain', 'cbUserName', 'cbPassword', 'cbAlternateShell', 'cbWorkingDir'] as const;
const WIRE_FIELD_NAMES = ['Domain', 'UserName', 'Password', 'AlternateShell', 'WorkingDir'] as const;

function encodeText(text: string, unicode: boolean): Uint8Array {
  return Uint8Array.from(Buffer.from(text, unicode ? 'utf16le' : 'latin1'));
}

function decodeText(bytes: Uint8Array, unicode: boolean): string {
  return Buffer.from(bytes).toString(unicode ? 'utf16le' : 'latin1');
}

/** UTF-16LE up to the first NUL (sizes here include the terminator). */
function utf16UpToNul(bytes: Uint8Array): string {
  let end = 0;
  while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  return Buffer.from(bytes.subarray(0, end)).toString('utf16le');
}

function utf16WithTerminator(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${text}\0`, 'utf16le'));
}

export function encodeClientInfo(info: ClientInfo): Uint8Array {
  const unicode = (info.flags & InfoFlag.INFO_UNICODE) !== 0;
  const terminator = new Uint8Array(unicode ? 2 : 1);
  const strings = MAIN_STRING_FIELDS.map((field) => {
    const bytes = encodeText(info[field], unicode);
    if (bytes.length > MAX_INFO_STRING_BYTES) throw new RangeError(`Client Info ${field} exceeds 512 bytes`);
    return bytes;
  });
  const writer = new ByteWriter(256).u32le(info.codePage).u32le(info.flags);
  for (const bytes of strings) writer.u16le(bytes.length);
  for (const bytes of strings) writer.bytes(bytes).bytes(terminator);
  if (info.extended) writer.bytes(encodeExtendedInfo(info.extended));
  return writer.finish();
}

function encodeExtendedInfo(extended: ClientInfoExtended): Uint8Array {
  const address = utf16WithTerminator(extended.clientAddress);
  const dir = utf16WithTerminator(extended.clientDir);
  if (address.length > MAX_CLIENT_ADDRESS_BYTES) throw new RangeError('clientAddress exceeds 80 bytes');
  if (dir.length > MAX_CLIENT_DIR_BYTES) throw new RangeError('clientDir exceeds 512 bytes');
  const timeZone = extended.timeZone ?? new Uint8Array(TIME_ZONE_INFORMATION_SIZE);
  if (timeZone.length !== TIME_ZONE_INFORMATION_SIZE) throw new RangeError('timeZone must be 172 bytes');
  const cookie = extended.autoReconnectCookie ?? new Uint8Array(0);
  if (cookie.length > MAX_AUTO_RECONNECT_COOKIE_BYTES) throw new RangeError('autoReconnectCookie too long');
  const writer = new ByteWriter(256 + address.length + dir.length)
    .u16le(extended.clientAddressFamily)
    .u16le(address.length)
    .bytes(address)
    .u16le(dir.length)
    .bytes(dir)
    .bytes(timeZone)
    .u32le(extended.clientSessionId)
    .u32le(extended.performanceFlags)
    .u16le(cookie.length)
    .bytes(cookie);
  if (extended.trailing) writer.bytes(extended.trailing);
  return writer.finish();
}

/** Decodes a TS_INFO_PACKET occupying the whole buffer; `base` is its offset in the frame. */
export function decodeClientInfo(bytes: Uint8Array, base = 0): ClientInfo {
  const reader = new ByteReader(bytes, 'TS_INFO_PACKET', base);
  const codePage = reader.u32le('CodePage');
  const flags = reader.u32le('flags');
  const unicode = (flags & InfoFlag.INFO_UNICODE) !== 0;
  const sizes = CB_FIELD_NAMES.map((name) => {
    const at = reader.offset;
    const size = reader.u16le(name);
    if (size > MAX_INFO_STRING_BYTES)
      reader.fail('invalid-field', name, `${size} exceeds ${MAX_INFO_STRING_BYTES}`, at);
    if (unicode && size % 2 !== 0) reader.fail('invalid-field', name, `${size} is odd for UTF-16`, at);
    return size;
  });
  const values = WIRE_FIELD_NAMES.map((name, i) => {
    const text = decodeText(reader.bytesView(sizes[i]!, name), unicode);
    reader.skip(unicode ? 2 : 1, `${name}.terminator`);
    return text;
  });
  const [domain, userName, password, alternateShell, workingDir] = values as [
    string,
    string,
    string,
    string,
    string,
  ];
  const info: ClientInfo = { codePage, flags, domain, userName, password, alternateShell, workingDir };
  // RDP 4.0 clients end here; everyone else sends the extended packet.
  if (reader.remaining === 0) return info;
  return { ...info, extended: readExtendedInfo(reader) };
}

function readBoundedUtf16(reader: ByteReader, sizeField: string, field: string, max: number): string {
  const at = reader.offset;
  const size = reader.u16le(sizeField);
  if (size > max) reader.fail('invalid-field', sizeField, `${size} exceeds ${max}`, at);
  if (size % 2 !== 0) reader.fail('invalid-field', sizeField, `${size} is odd for UTF-16`, at);
  return utf16UpToNul(reader.bytesView(size, field));
}

function readExtendedInfo(reader: ByteReader): ClientInfoExtended {
  const clientAddressFamily = reader.u16le('clientAddressFamily');
  const clientAddress = readBoundedUtf16(
    reader,
    'cbClientAddress',
    'clientAddress',
    MAX_CLIENT_ADDRESS_BYTES,
  );
  const clientDir = readBoundedUtf16(reader, 'cbClientDir', 'clientDir', MAX_CLIENT_DIR_BYTES);
  const head = { clientAddressFamily, clientAddress, clientDir };
  // The optional tail: a client may stop after clientDir (then session id and flags are 0).
  if (reader.remaining === 0) return { ...head, clientSessionId: 0, performanceFlags: 0 };
  const timeZone = Uint8Array.from(reader.bytesView(TIME_ZONE_INFORMATION_SIZE, 'clientTimeZone'));
  const clientSessionId = reader.u32le('clientSessionId');
  const performanceFlags = reader.u32le('performanceFlags');
  const extended: ClientInfoExtended = { ...head, timeZone, clientSessionId, performanceFlags };
  if (reader.remaining === 0) return extended;
  const cookieAt = reader.offset;
  const cookieSize = reader.u16le('cbAutoReconnectCookie');
  if (cookieSize > MAX_AUTO_RECONNECT_COOKIE_BYTES)
    reader.fail(
      'invalid-field',
      'cbAutoReconnectCookie',
      `${cookieSize} exceeds ${MAX_AUTO_RECONNECT_COOKIE_BYTES}`,
      cookieAt,
    );
  const cookie = Uint8Array.from(reader.bytesView(cookieSize, 'autoReconnectCookie'));
  const trailing = reader.rest();
  return {
    ...extended,
    ...(cookieSize > 0 ? { autoReconnectCookie: cookie } : {}),
    ...(trailing.length > 0 ? { trailing: Uint8Array.from(trailing) } : {}),
  };
}

/** Whether a Client Info carries credentials (the lab counts these; the probe must send none). */
export function clientInfoHasCredentials(info: ClientInfo): boolean {
  return info.userName.length > 0 || info.password.length > 0;
}
