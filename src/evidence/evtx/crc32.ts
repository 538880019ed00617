import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum EVTX headers and chunks use.
 * node:zlib has crc32 from Node 20.15 / 22.2; older Node 20 releases use the table below.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32Table(bytes: Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `bytes`, continuing from `initial` (the CRC of the bytes before them). */
export function crc32(bytes: Uint8Array, initial = 0): number {
  return native ? native(bytes, initial) >>> 0 : crc32Table(bytes, initial);
}
