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

/** UTF-16LE text without its trailing NUL terminators. */
export function decodeUtf16(bytes: Uint8Array, start: number, end: number): string {
  let stop = end - ((end - start) & 1);
  while (stop - 2 >= start && bytes[stop - 1] === 0 && bytes[stop - 2] === 0) stop -= 2;
  // Short strings (names, most values) are faster built directly than through TextDecoder.
  if (stop - start <= 128) {
    let text = '';
    for (let i = start; i < stop; i += 2) text += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
    return text;
  }
  return utf16.decode(bytes.subarray(start, stop));
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hex(value: bigint | number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with 7 fraction digits. */
export function filetimeToIso(ticks: bigint): string {
  const EPOCH_DIFFERENCE = 116444736000000000n;
  const sinceUnix = ticks - EPOCH_DIFFERENCE;
  let seconds = sinceUnix / 10000000n;
  let fraction = sinceUnix % 10000000n;
  if (fraction < 0n) {
    fraction += 10000000n;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return '';
  const whole = date.toISOString().slice(0, 19);
  return `${whole}.${fraction.toString().padStart(7, '0')}Z`;
}

function systemtimeToIso(data: DataView, offset: number): string {
  const year = data.getUint16(offset, true);
  const month = data.getUint16(offset + 2, true);
  const day = data.getUint16(offset + 6, true);
  const hour = data.getUint16(offset + 8, true);
  const minute = data.getUint16(offset + 10, true);
  const second = data.getUint16(offset + 12, true);
  const millis = data.getUint16(offset + 14, true);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(millis, 3)}0000Z`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}: the first three groups little-endian. */
export function guidToString(bytes: Uint8Array, offset = 0): string {
  const h = (i: number) => HEX_BYTE[bytes[offset + i]!]!;
  return (
    `{${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-` +
    `${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}}`
  );
}

/** MS-DTYP 2.4.2.2 SID: revision, sub-authority count, 48-bit big-endian authority, sub-authorities. */
function sidToString(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const count = bytes[1]!;
  if (bytes.length < 8 + 4 * count) return undefined;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[i]!;
  const data = view(bytes);
  const parts = [`S-${bytes[0]}-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(data.getUint32(8 + 4 * i, true)));
  return parts.join('-');
}

function hexBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** One fixed-size scalar at `offset` of `bytes` as text, or undefined when it does not fit. */
function scalarText(type: number, bytes: Uint8Array, offset: number, size: number): string | undefined {
  const need = FIXED_SIZE[type];
  if (need !== undefined && size < need) return undefined;
  if (type === ValueType.UINT8) return String(bytes[offset]);
  if (type === ValueType.UINT16) return String(bytes[offset]! | (bytes[offset + 1]! << 8));
  if (type === ValueType.GUID) return guidToString(bytes, offset);
  const data = view(bytes);
  switch (type) {
    case ValueType.INT8:
      return String(data.getInt8(offset));
    case ValueType.UINT8:
      return String(data.getUint8(offset));
    case ValueType.INT16:
      return String(data.getInt16(offset, true));
    case ValueType.UINT16:
      return String(data.getUint16(offset, true));
    case ValueType.INT32:
      return String(data.getInt32(offset, true));
    case ValueType.UINT32:
      return String(data.getUint32(offset, true));
    case ValueType.INT64:
      return String(data.getBigInt64(offset, true));
    case ValueType.UINT64:
      return String(data.getBigUint64(offset, true));
    case ValueType.REAL32:
      return String(data.getFloat32(offset, true));
    case ValueType.REAL64:
      return String(data.getFloat64(offset, true));
    case ValueType.BOOL:
      return data.getUint32(offset, true) !== 0 ? 'true' : 'false';
    case ValueType.GUID:
      return guidToString(bytes, offset);
    case ValueType.FILETIME:
      return filetimeToIso(data.getBigUint64(offset, true));
    case ValueType.SYSTEMTIME:
      return systemtimeToIso(data, offset);
    case ValueType.HEX_INT32:
      return hex(data.getUint32(offset, true), 8);
    case ValueType.HEX_INT64:
      return hex(data.getBigUint64(offset, true), 16);
    default:
      return undefined;
  }
}

/**
 * The text form of a substitution value other than BinXML. Returns undefined for a value whose
 * size does not fit its type (the caller reports it and keeps the hex).
 */
export function valueText(type: number, bytes: Uint8Array): string | undefined {
  const size = bytes.length;
  if (type & ValueType.ARRAY) return arrayItems(type, bytes).join(',');
  switch (type) {
    case ValueType.NULL:
      return '';
    case ValueType.STRING:
      return decodeUtf16(bytes, 0, size);
    case ValueType.ANSI_STRING:
      return latin1.decode(bytes).replace(/\u0000+$/, '');
    case ValueType.BINARY:
    case ValueType.EVT_HANDLE:
      return hexBytes(bytes);
    case ValueType.SIZE_T:
      if (size === 8) return hex(view(bytes).getBigUint64(0, true), 16);
      if (size === 4) return hex(view(bytes).getUint32(0, true), 8);
      return undefined;
    case ValueType.SID:
      return sidToString(bytes);
    case ValueType.EVT_XML:
      return decodeUtf16(bytes, 0, size);
    default:
      return scalarText(type, bytes, 0, size);
  }
}

/** The items of an array value (type with the 0x80 flag); Event Viewer repeats the element per item. */
export function arrayItems(type: number, bytes: Uint8Array): string[] {
  const base = type & ~ValueType.ARRAY;
  if (base === ValueType.STRING) {
    const items = decodeUtf16(bytes, 0, bytes.length).split('\u0000');
    return items.length === 1 && items[0] === '' ? [] : items;
  }
  if (base === ValueType.ANSI_STRING)
    return latin1
      .decode(bytes)
      .replace(/\u0000+$/, '')
      .split('\u0000');
  const width = FIXED_SIZE[base];
  if (!width) return [hexBytes(bytes)];
  const items: string[] = [];
  for (let offset = 0; offset + width <= bytes.length; offset += width)
    items.push(scalarText(base, bytes, offset, width) ?? '');
  return items;
}
