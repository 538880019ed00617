/**
 * BinXML value types and their text forms (libyal EVTX format, "Value types"; MS-EVEN6 2.2.13).
 * Text forms follow Event Viewer's XML: hex integers as 0x%08x / 0x%016x, GUIDs braced upper
 * case, SIDs as S-1-..., binary as upper-case hex, FILETIME/SYSTEMTIME as ISO 8601 UTC.
 */

export const ValueType = {
  NULL: 0x00,
  STRING: 0x01,
  ANSI_STRING: 0x02,
  INT8: 0x03,
  UINT8: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  REAL32: 0x0b,
  REAL64: 0x0c,
  BOOL: 0x0d,
  BINARY: 0x0e,
  GUID: 0x0f,
  SIZE_T: 0x10,
  FILETIME: 0x11,
  SYSTEMTIME: 0x12,
  SID: 0x13,
  HEX_INT32: 0x14,
  HEX_INT64: 0x15,
  EVT_HANDLE: 0x20,
  BINXML: 0x21,
  EVT_XML: 0x23,
  /** Flag: an array of the base type. */
  ARRAY: 0x80,
} as const;

/** Fixed element sizes, used to split arrays of fixed-size types. */
const FIXED_SIZE: Record<number, number> = {
  [ValueType.INT8]: 1,
  [ValueType.UINT8]: 1,
  [ValueType.INT16]: 2,
  [ValueType.UINT16]: 2,
  [ValueType.INT32]: 4,
  [ValueType.UINT32]: 4,
  [ValueType.INT64]: 8,
  [ValueType.UINT64]: 8,
  [ValueType.REAL32]: 4,
  [ValueType.REAL64]: 8,
  [ValueType.BOOL]: 4,
  [ValueType.GUID]: 16,
  [ValueType.FILETIME]: 8,
  [ValueType.SYSTEMTIME]: 16,
  [ValueType.HEX_INT32]: 4,
  [ValueType.HEX_INT64]: 8,
};

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('latin1');
const SURROGATE = /[\uD800-\uDFFF]/;

/** A Buffer view of the same memory (no copy), so native string decoding can read it. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-16LE text without its trailing NUL terminators. */
export function decodeUtf16(bytes: Buffer, start: number, end: number): string {
  let stop = end - ((end - start) & 1);
  while (stop - 2 >= start && bytes[stop - 1] === 0 && bytes[stop - 2] === 0) stop -= 2;
  // Short strings (names, most values) keep every code unit as it is, lone surrogates included
  // (Buffer's UCS-2 copy); long ones read as TextDecoder reads them.
  if (stop <= start) return '';
  const text = bytes.toString('utf16le', start, stop);
  if (stop - start <= 128) return text;
  // TextDecoder drops a leading byte order mark and replaces lone surrogates by U+FFFD; only
  // such text needs it, every other string is the same code units either way.
  if (text.charCodeAt(0) === 0xfeff || SURROGATE.test(text)) return utf16.decode(bytes.subarray(start, stop));
  return text;
}

function u16(bytes: Buffer, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

function i32(bytes: Buffer, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

function u32(bytes: Buffer, offset: number): number {
  return i32(bytes, offset) >>> 0;
}

const HEX_LOWER = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Four bytes read as a little-endian 32-bit value, in 8 lower-case hex digits. A table per byte:
 * Number#toString(16) is slow for values above 2^31, which are not small integers in V8.
 */
function hex32Digits(bytes: Buffer, offset: number): string {
  const h = HEX_LOWER;
  return `${h[bytes[offset + 3]!]}${h[bytes[offset + 2]!]}${h[bytes[offset + 1]!]}${h[bytes[offset]!]}`;
}

/** A 32-bit value as 0x%08x. */
function hex32(bytes: Buffer, offset: number): string {
  return `0x${hex32Digits(bytes, offset)}`;
}

/** A 64-bit value as 0x%016x (the same digits as the BigInt form). */
function hex64(bytes: Buffer, offset: number): string {
  return `0x${hex32Digits(bytes, offset + 4)}${hex32Digits(bytes, offset)}`;
}

/** Unsigned 64-bit decimal; Numbers while exact (high half 0), BigInt beyond. */
function uint64Text(bytes: Buffer, offset: number): string {
  const high = u32(bytes, offset + 4);
  if (high === 0) return String(u32(bytes, offset));
  return String(bytes.readBigUInt64LE(offset));
}

/** Signed 64-bit decimal; Numbers for values that fit in 32 bits, BigInt beyond. */
function int64Text(bytes: Buffer, offset: number): string {
  const high = i32(bytes, offset + 4);
  const low = u32(bytes, offset);
  if (high === 0) return String(low);
  if (high === -1 && low >= 0x80000000) return String(low - 0x100000000);
  return String(bytes.readBigInt64LE(offset));
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const TICKS_PER_SECOND = 10000000;
/** 2^32 mod 10^7: the remainder the high half of a FILETIME contributes per unit. */
const TWO_32_MOD_TICKS = 4967296;
/** Seconds from 1601-01-01 (FILETIME epoch) to 1970-01-01 (exactly 116444736000000000 ticks). */
const EPOCH_DIFFERENCE_SECONDS = 11644473600;

// Consecutive records share their second: the date part is formatted once per second.
let lastSeconds = Number.NaN;
let lastWhole = '';

/**
 * FILETIME (100 ns ticks since 1601-01-01 UTC, as its low and high 32-bit halves) as ISO 8601
 * with 7 fraction digits. Exact without BigInt: the remainder mod 10^7 is computed from the
 * halves in small Numbers, and the quotient (< 2^41) is then an exact division.
 */
export function filetimeHalvesToIso(low: number, high: number): string {
  const fraction =
    ((((high % TICKS_PER_SECOND) * TWO_32_MOD_TICKS) % TICKS_PER_SECOND) + (low % TICKS_PER_SECOND)) %
    TICKS_PER_SECOND;
  // high * 2^32 + low - fraction is a multiple of 10^7; the float error (< 2^12) is far below
  // half a second's worth of ticks, so rounding gives the exact quotient.
  const seconds =
    Math.round((high * 0x100000000 + (low - fraction)) / TICKS_PER_SECOND) - EPOCH_DIFFERENCE_SECONDS;
  if (seconds !== lastSeconds) {
    const date = new Date(seconds * 1000);
    if (Number.isNaN(date.getTime())) return '';
    lastWhole = date.toISOString().slice(0, 19);
    lastSeconds = seconds;
  }
  return `${lastWhole}.${String(fraction).padStart(7, '0')}Z`;
}

/** FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with 7 fraction digits. */
export function filetimeToIso(ticks: bigint): string {
  return filetimeHalvesToIso(Number(ticks & 0xffffffffn), Number((ticks >> 32n) & 0xffffffffn));
}

function systemtimeToIso(bytes: Buffer, offset: number): string {
  const year = u16(bytes, offset);
  const month = u16(bytes, offset + 2);
  const day = u16(bytes, offset + 6);
  const hour = u16(bytes, offset + 8);
  const minute = u16(bytes, offset + 10);
  const second = u16(bytes, offset + 12);
  const millis = u16(bytes, offset + 14);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(millis, 3)}0000Z`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}: the first three groups little-endian. */
export function guidToString(bytes: Uint8Array, offset = 0): string {
  const h = HEX_BYTE;
  const b = bytes;
  const o = offset;
  return (
    `{${h[b[o + 3]!]}${h[b[o + 2]!]}${h[b[o + 1]!]}${h[b[o]!]}-${h[b[o + 5]!]}${h[b[o + 4]!]}-` +
    `${h[b[o + 7]!]}${h[b[o + 6]!]}-${h[b[o + 8]!]}${h[b[o + 9]!]}-${h[b[o + 10]!]}${h[b[o + 11]!]}` +
    `${h[b[o + 12]!]}${h[b[o + 13]!]}${h[b[o + 14]!]}${h[b[o + 15]!]}}`
  );
}

/** MS-DTYP 2.4.2.2 SID: revision, sub-authority count, 48-bit big-endian authority, sub-authorities. */
function sidToString(bytes: Buffer, start: number, end: number): string | undefined {
  const size = end - start;
  if (size < 8) return undefined;
  const count = bytes[start + 1]!;
  if (size < 8 + 4 * count) return undefined;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[start + i]!;
  let text = `S-${bytes[start]}-${authority}`;
  for (let i = 0; i < count; i++) text += `-${u32(bytes, start + 8 + 4 * i)}`;
  return text;
}

function hexBytes(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('hex', start, end).toUpperCase();
}

/** One fixed-size scalar at `offset` of `bytes` as text, or undefined when it does not fit. */
function scalarText(type: number, bytes: Buffer, offset: number, size: number): string | undefined {
  const need = FIXED_SIZE[type];
  if (need !== undefined && size < need) return undefined;
  switch (type) {
    case ValueType.INT8:
      return String((bytes[offset]! << 24) >> 24);
    case ValueType.UINT8:
      return String(bytes[offset]);
    case ValueType.INT16:
      return String((u16(bytes, offset) << 16) >> 16);
    case ValueType.UINT16:
      return String(u16(bytes, offset));
    case ValueType.INT32:
      return String(i32(bytes, offset));
    case ValueType.UINT32:
      return String(u32(bytes, offset));
    case ValueType.INT64:
      return int64Text(bytes, offset);
    case ValueType.UINT64:
      return uint64Text(bytes, offset);
    case ValueType.REAL32:
      return String(bytes.readFloatLE(offset));
    case ValueType.REAL64:
      return String(bytes.readDoubleLE(offset));
    case ValueType.BOOL:
      return u32(bytes, offset) !== 0 ? 'true' : 'false';
    case ValueType.GUID:
      return guidToString(bytes, offset);
    case ValueType.FILETIME:
      return filetimeHalvesToIso(u32(bytes, offset), u32(bytes, offset + 4));
    case ValueType.SYSTEMTIME:
      return systemtimeToIso(bytes, offset);
    case ValueType.HEX_INT32:
      return hex32(bytes, offset);
    case ValueType.HEX_INT64:
      return hex64(bytes, offset);
    default:
      return undefined;
  }
}

/**
 * The text form of a substitution value other than BinXML, read from bytes [start, end).
 * Returns undefined for a value whose size does not fit its type (the caller reports it).
 */
export function valueText(type: number, bytes: Buffer, start: number, end: number): string | undefined {
  const size = end - start;
  if (type & ValueType.ARRAY) return arrayItems(type, bytes, start, end).join(',');
  switch (type) {
    case ValueType.NULL:
      return '';
    case ValueType.STRING:
      return decodeUtf16(bytes, start, end);
    case ValueType.ANSI_STRING:
      return latin1.decode(bytes.subarray(start, end)).replace(/\u0000+$/, '');
    case ValueType.BINARY:
    case ValueType.EVT_HANDLE:
      return hexBytes(bytes, start, end);
    case ValueType.SIZE_T:
      if (size === 8) return hex64(bytes, start);
      if (size === 4) return hex32(bytes, start);
      return undefined;
    case ValueType.SID:
      return sidToString(bytes, start, end);
    case ValueType.EVT_XML:
      return decodeUtf16(bytes, start, end);
    default:
      return scalarText(type, bytes, start, size);
  }
}

/**
 * Whether valueText gives a text for this value (it returns undefined exactly when this is
 * false), without building the text. Not for arrays or BinXML, which always have one.
 */
export function valueFits(type: number, bytes: Buffer, start: number, end: number): boolean {
  const size = end - start;
  switch (type) {
    case ValueType.NULL:
    case ValueType.STRING:
    case ValueType.ANSI_STRING:
    case ValueType.BINARY:
    case ValueType.EVT_HANDLE:
    case ValueType.EVT_XML:
      return true;
    case ValueType.SIZE_T:
      return size === 8 || size === 4;
    case ValueType.SID:
      return size >= 8 && size >= 8 + 4 * bytes[start + 1]!;
    default: {
      // scalarText: every fixed-size type has a text when its bytes fit, other types none.
      const need = FIXED_SIZE[type];
      return need !== undefined && size >= need;
    }
  }
}

/** The items of an array value (type with the 0x80 flag); Event Viewer repeats the element per item. */
export function arrayItems(type: number, bytes: Buffer, start: number, end: number): string[] {
  const base = type & ~ValueType.ARRAY;
  if (base === ValueType.STRING) {
    const items = decodeUtf16(bytes, start, end).split('\u0000');
    return items.length === 1 && items[0] === '' ? [] : items;
  }
  if (base === ValueType.ANSI_STRING)
    return latin1
      .decode(bytes.subarray(start, end))
      .replace(/\u0000+$/, '')
      .split('\u0000');
  const width = FIXED_SIZE[base];
  if (!width) return [hexBytes(bytes, start, end)];
  const items: string[] = [];
  for (let offset = start; offset + width <= end; offset += width)
    items.push(scalarText(base, bytes, offset, width) ?? '');
  return items;
}
