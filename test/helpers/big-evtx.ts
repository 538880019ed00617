import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from '../../src/evidence/evtx/crc32.js';

/**
 * Builds a large, valid EVTX file for the scale tests by repeating the valid chunks of a real
 * one (the TypeScript twin of ../shared/tools/make-big-evtx.py, which a fresh clone lacks).
 *
 * Layout (libyal's EVTX format document):
 *   file header (4096-byte block): 8 first chunk number, 16 last chunk number,
 *     24 next record id, 42 chunk count (uint16), 120 flags, 124 CRC-32 of bytes 0-119.
 *   chunk (65536 bytes): 8/16 first/last record number, 24/32 first/last record id,
 *     48 free space offset, 52 CRC-32 of the records (512 .. free space offset),
 *     120 flags, 124 CRC-32 of header bytes 0-119 and 128-511.
 *   record: 0 signature 2a 2a 00 00, 4 size, 8 record id (uint64), 16 written time,
 *     24 Binary XML, size again at its end.
 * The record id is also in the Binary XML, as the System/EventRecordID substitution value that
 * readers report; the Python tool leaves that one alone, this shifts it too.
 */
const FILE_HEADER_SIZE = 4096;
const CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;
const RECORD_SIGNATURE = 0x00002a2a;
/** BinXml tokens, less their "has more data" flag (0x40). */
const BINXML_HAS_MORE_DATA = 0x40;
const BINXML_FRAGMENT_HEADER = 0x0f;
const BINXML_TEMPLATE_INSTANCE = 0x0c;
const BINXML_UINT64 = 0x0a;
const CHUNK_FLAG_NO_CRC32 = 4;
/** The header's chunk count is a uint16. */
export const MAX_BIG_EVTX_CHUNKS = 0xffff;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Offsets of the records of a chunk, or undefined when they do not tile 512 .. free space. */
function recordOffsets(chunk: Uint8Array): number[] | undefined {
  const data = view(chunk);
  const freeSpaceOffset = data.getUint32(48, true);
  if (freeSpaceOffset < CHUNK_HEADER_SIZE || freeSpaceOffset > CHUNK_SIZE) return undefined;
  const offsets: number[] = [];
  let offset = CHUNK_HEADER_SIZE;
  while (offset < freeSpaceOffset) {
    if (offset + RECORD_HEADER_SIZE > freeSpaceOffset) return undefined;
    const size = data.getUint32(offset + 4, true);
    if (
      data.getUint32(offset, true) !== RECORD_SIGNATURE ||
      size < RECORD_HEADER_SIZE + 4 ||
      offset + size > freeSpaceOffset ||
      data.getUint32(offset + size - 4, true) !== size
    )
      return undefined;
    offsets.push(offset);
    offset += size;
  }
  return offsets;
}

/**
 * Where the record's EventRecordID value sits: the one UInt64 substitution value of its
 * template instance equal to the record header's id, or undefined (no template instance, or
 * no such value, or more than one). The instance (MS-EVEN6 BinXml TemplateInstance): token (1),
 * unknown (1), template id (4), definition offset (4); when the definition is inline: next
 * offset (4), GUID (16), body size (4), body. Then the value count (4), descriptors (size 2,
 * type 1, padding 1) and the values back to back.
 */
function eventRecordIdValueOffset(chunk: Uint8Array, recordOffset: number): number | undefined {
  const data = view(chunk);
  const end = recordOffset + data.getUint32(recordOffset + 4, true) - 4;
  const recordId = data.getBigUint64(recordOffset + 8, true);
  let pos = recordOffset + RECORD_HEADER_SIZE;
  while (pos + 4 <= end && (chunk[pos]! & ~BINXML_HAS_MORE_DATA) === BINXML_FRAGMENT_HEADER) pos += 4;
  if (pos + 10 > end || (chunk[pos]! & ~BINXML_HAS_MORE_DATA) !== BINXML_TEMPLATE_INSTANCE) return undefined;
  const definitionOffset = data.getUint32(pos + 6, true);
  pos += 10;
  if (definitionOffset === pos) {
    if (pos + 24 > end) return undefined;
    pos += 24 + data.getUint32(pos + 20, true);
  }
  if (pos + 4 > end) return undefined;
  const count = data.getUint32(pos, true);
  const descriptors = pos + 4;
  let value = descriptors + 4 * count;
  let found: number | undefined;
  for (let index = 0; index < count && value <= end; index++) {
    const size = data.getUint16(descriptors + 4 * index, true);
    const type = chunk[descriptors + 4 * index + 2];
    if (
      type === BINXML_UINT64 &&
      size === 8 &&
      value + 8 <= end &&
      data.getBigUint64(value, true) === recordId
    ) {
      if (found !== undefined) return undefined;
      found = value;
    }
    value += size;
  }
  return found;
}

function chunkHeaderCrc(chunk: Uint8Array): number {
  return crc32(chunk.subarray(128, CHUNK_HEADER_SIZE), crc32(chunk.subarray(0, 120)));
}

function chunkRecordsCrc(chunk: Uint8Array): number {
  return crc32(chunk.subarray(CHUNK_HEADER_SIZE, view(chunk).getUint32(48, true)));
}

interface SourceChunk {
  readonly bytes: Uint8Array;
  readonly records: number;
  /** The uint64 record numbers and ids to shift: the chunk header's, each record's, in its XML. */
  readonly idOffsets: readonly number[];
}

/**
 * The chunks worth repeating: counted by the header, signed, with matching checksums (when the
 * chunk has them) and records that tile the used space exactly, so every record reads back.
 */
function validChunks(source: Uint8Array): SourceChunk[] {
  const chunkCount = view(source).getUint16(42, true);
  const chunks: SourceChunk[] = [];
  for (let index = 0; index < chunkCount; index++) {
    const start = FILE_HEADER_SIZE + index * CHUNK_SIZE;
    const bytes = source.subarray(start, start + CHUNK_SIZE);
    if (bytes.length < CHUNK_SIZE || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== 'ElfChnk\0')
      continue;
    const offsets = recordOffsets(bytes);
    if (!offsets || offsets.length === 0) continue;
    const data = view(bytes);
    // The header's first and last record ids name the first and last record.
    if (
      data.getBigUint64(24, true) !== data.getBigUint64(offsets[0]! + 8, true) ||
      data.getBigUint64(32, true) !== data.getBigUint64(offsets.at(-1)! + 8, true)
    )
      continue;
    const checked = (data.getUint32(120, true) & CHUNK_FLAG_NO_CRC32) === 0;
    if (
      checked &&
      (chunkHeaderCrc(bytes) !== data.getUint32(124, true) ||
        chunkRecordsCrc(bytes) !== data.getUint32(52, true))
    )
      continue;
    // First/last record number and first/last record id, then each record's id (twice).
    const idOffsets = [8, 16, 24, 32];
    for (const offset of offsets) {
      idOffsets.push(offset + 8);
      const valueOffset = eventRecordIdValueOffset(bytes, offset);
      if (valueOffset !== undefined) idOffsets.push(valueOffset);
    }
    chunks.push({ bytes, records: offsets.length, idOffsets });
  }
  return chunks;
}

/**
 * Writes `chunks` chunks to `out`: the source's valid chunks over and over, each copy's record
 * numbers and ids shifted past the previous copy's so they stay unique and increasing, with
 * both chunk CRC-32s and the file header's recomputed. Written one chunk at a time, so memory
 * holds the source and one chunk whatever the output's size. Returns the records written.
 */
export function writeBigEvtx(source: string, chunks: number, out: string): number {
  if (!Number.isInteger(chunks) || chunks < 1 || chunks > MAX_BIG_EVTX_CHUNKS)
    throw new RangeError(`chunks must be 1..${MAX_BIG_EVTX_CHUNKS} (the header's count is 16-bit)`);
  const sourceBytes = new Uint8Array(readFileSync(source));
  if (Buffer.from(sourceBytes.subarray(0, 8)).toString('latin1') !== 'ElfFile\0')
    throw new Error(`${source}: not an EVTX file`);
  const sourceChunks = validChunks(sourceBytes);
  if (sourceChunks.length === 0) throw new Error(`${source}: no valid chunk to repeat`);
  const firstRecordId = view(sourceChunks[0]!.bytes).getBigUint64(24, true);
  const lastRecordId = view(sourceChunks.at(-1)!.bytes).getBigUint64(32, true);
  const idsPerCopy = lastRecordId - firstRecordId + 1n;

  const header = Uint8Array.from(sourceBytes.subarray(0, FILE_HEADER_SIZE));
  const chunk = new Uint8Array(CHUNK_SIZE);
  const chunkView = view(chunk);
  const shiftUint64 = (offset: number, shift: bigint) =>
    chunkView.setBigUint64(offset, chunkView.getBigUint64(offset, true) + shift, true);
  let records = 0;
  let nextRecordId = firstRecordId;
  const fd = openSync(out, 'w');
  try {
    // A placeholder: the real header, which needs the last record id, is written at the end.
    writeSync(fd, header, 0, FILE_HEADER_SIZE, 0);
    for (let index = 0; index < chunks; index++) {
      const sourceChunk = sourceChunks[index % sourceChunks.length]!;
      const shift = BigInt(Math.floor(index / sourceChunks.length)) * idsPerCopy;
      chunk.set(sourceChunk.bytes);
      for (const offset of sourceChunk.idOffsets) shiftUint64(offset, shift);
      nextRecordId = chunkView.getBigUint64(32, true) + 1n;
      records += sourceChunk.records;
      chunkView.setUint32(52, chunkRecordsCrc(chunk), true);
      chunkView.setUint32(124, chunkHeaderCrc(chunk), true);
      writeSync(fd, chunk, 0, CHUNK_SIZE, FILE_HEADER_SIZE + index * CHUNK_SIZE);
    }
    const headerView = view(header);
    headerView.setBigUint64(8, 0n, true);
    headerView.setBigUint64(16, BigInt(chunks - 1), true);
    headerView.setBigUint64(24, nextRecordId, true);
    headerView.setUint16(42, chunks, true);
    headerView.setUint32(120, 0, true); // clean: neither dirty nor full
    headerView.setUint32(124, crc32(header.subarray(0, 120)), true);
    writeSync(fd, header, 0, FILE_HEADER_SIZE, 0);
  } finally {
    closeSync(fd);
  }
  return records;
}
