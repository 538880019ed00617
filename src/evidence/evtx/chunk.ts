import { DecodeError, isDecodeError } from '../../wire/errors.js';
import type { Damage, EventRecord } from '../types.js';
import { ChunkBinXmlDecoder } from './binxml.js';
import { crc32 } from './crc32.js';
import { eventRecordFromXml } from './event.js';
import { filetimeHalvesToIso } from './values.js';
import type { XmlElement } from './xml.js';

/**
 * EVTX chunk (libyal EVTX format 3): 64 KiB, a 512-byte header then event records.
 *
 *   0  signature "ElfChnk\0"          8
 *   8  first event record number      8
 *  16  last event record number       8
 *  24  first event record identifier  8
 *  32  last event record identifier   8
 *  40  header size (128)              4
 *  44  last event record offset       4
 *  48  free space offset              4   end of the records in use
 *  52  event records CRC-32           4   of bytes 512 .. free space offset
 *  56  unknown                       64
 * 120  flags                          4   0x4: no CRC-32 (checksums not set)
 * 124  header CRC-32                  4   of bytes 0-119 and 128-511
 * 128  common string offsets   64 x 4
 * 384  template pointers       32 x 4
 */
export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
const CHUNK_SIGNATURE = 'ElfChnk\u0000';
const FLAG_NO_CRC32 = 0x4;

/**
 * Event record (libyal EVTX format 4):
 *   0 signature 0x2a 0x2a 0x00 0x00 (4), size (4), identifier (8), written FILETIME (8),
 *  24 BinXML event, size - 28 bytes, then a copy of the size (4).
 */
const RECORD_SIGNATURE = 0x00002a2a;
const RECORD_HEADER_SIZE = 24;
const RECORD_MIN_SIZE = 28;

export interface EvtxRecord {
  readonly recordId: number;
  /** Record header FILETIME (libevtx "Written time"), ISO 8601. */
  readonly writtenTime: string;
  /** Absolute file offset of the record. */
  readonly offset: number;
  /** The decoded <Event> element. */
  readonly event: XmlElement;
}

function u32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
    0
  );
}

function recordIdAt(bytes: Uint8Array, offset: number): number {
  return u32(bytes, offset) + u32(bytes, offset + 4) * 0x100000000;
}

/**
 * Whether a plausible, complete record starts at `offset`: signature, a size inside the
 * chunk and the trailing copy of the size.
 */
function recordFits(bytes: Uint8Array, offset: number, limit: number): number {
  if (offset + RECORD_MIN_SIZE > limit || u32(bytes, offset) !== RECORD_SIGNATURE) return 0;
  const size = u32(bytes, offset + 4);
  if (size < RECORD_MIN_SIZE || offset + size > limit || u32(bytes, offset + size - 4) !== size) return 0;
  return size;
}

/**
 * Checks one chunk's header (damage appended to `damage`) and gives the end of its records, or
 * -1 when it holds none worth reading.
 */
function chunkLimit(bytes: Uint8Array, fileOffset: number, damage: Damage[], inUse: boolean): number {
  if (bytes.length < CHUNK_SIZE && inUse) {
    damage.push({
      kind: 'truncated-chunk',
      offset: fileOffset,
      detail: `chunk has ${bytes.length} of ${CHUNK_SIZE} bytes`,
    });
  }
  if (bytes.length < CHUNK_HEADER_SIZE) return -1;
  const signature = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1');
  if (signature !== CHUNK_SIGNATURE) {
    if (!inUse) return -1;
    damage.push({
      kind: 'bad-chunk-magic',
      offset: fileOffset,
      detail: `chunk signature ${JSON.stringify(signature)}`,
    });
    // An empty (all-zero) chunk is unused space, not damage worth reading.
    if (bytes.subarray(0, 8).every((b) => b === 0)) return -1;
  }
  const flags = u32(bytes, 120);
  let freeSpaceOffset = u32(bytes, 48);
  if (freeSpaceOffset < CHUNK_HEADER_SIZE || freeSpaceOffset > CHUNK_SIZE) {
    damage.push({
      kind: 'bad-chunk-header-checksum',
      offset: fileOffset + 48,
      detail: `free space offset ${freeSpaceOffset} out of range; reading the whole chunk`,
    });
    freeSpaceOffset = CHUNK_SIZE;
  }
  const limit = Math.min(freeSpaceOffset, bytes.length);
  if ((flags & FLAG_NO_CRC32) === 0) {
    const headerCrc = crc32(bytes.subarray(128, CHUNK_HEADER_SIZE), crc32(bytes.subarray(0, 120)));
    if (headerCrc !== u32(bytes, 124)) {
      damage.push({
        kind: 'bad-chunk-header-checksum',
        offset: fileOffset,
        detail: 'chunk header CRC-32 mismatch',
      });
    }
    if (
      freeSpaceOffset <= bytes.length &&
      crc32(bytes.subarray(CHUNK_HEADER_SIZE, freeSpaceOffset)) !== u32(bytes, 52)
    ) {
      damage.push({
        kind: 'bad-chunk-data-checksum',
        offset: fileOffset,
        detail: 'event records CRC-32 mismatch',
      });
    }
  }
  return limit;
}

/** Notes a broken record at `offset` and finds the next plausible one; -1 when none is left. */
function resynchronise(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  fileOffset: number,
  damage: Damage[],
): number {
  const declared = u32(bytes, offset + 4);
  damage.push({
    kind: 'bad-record',
    offset: fileOffset + offset,
    detail:
      u32(bytes, offset) !== RECORD_SIGNATURE
        ? 'no record signature'
        : `record size ${declared} invalid (at least ${RECORD_MIN_SIZE}, inside the chunk, repeated at its end)`,
  });
  // Resynchronise on the next record whose signature and both size fields agree.
  let next = offset + 4;
  while (next + RECORD_MIN_SIZE <= limit && recordFits(bytes, next, limit) === 0) next += 4;
  if (next + RECORD_MIN_SIZE > limit) return -1;
  return next;
}

/** The <Event> element of the record at `offset` (its first element); throws a DecodeError. */
function eventElement(
  decoder: ChunkBinXmlDecoder,
  offset: number,
  size: number,
  fileOffset: number,
): XmlElement {
  const nodes = decoder.decode(offset + RECORD_HEADER_SIZE, offset + size - 4);
  const event = nodes.find((node): node is XmlElement => typeof node !== 'string');
  if (!event)
    throw new DecodeError({
      structure: 'EvtxRecord',
      kind: 'invalid-field',
      field: 'event',
      offset: fileOffset + offset,
      detail: 'no element',
    });
  return event;
}

/** FILETIME halves (100 ns ticks since 1601) as milliseconds since 1970. */
export function filetimeHalvesToMs(low: number, high: number): number {
  return (high * 0x100000000 + low) / 10_000 - 11_644_473_600_000;
}

/**
 * The records wanted by time, judged from each record header's written time before anything is
 * decoded. A record is written after it is created, so one written before `sinceMs` was created
 * before it too: skipped. Records written after `untilMs` (already widened by the caller's
 * margin) are skipped as well. The exact TimeCreated test is the caller's, on what is decoded.
 */
export interface WrittenTimeWindow {
  readonly sinceMs: number;
  readonly untilMs: number;
  /** Records left undecoded because of the window (counted here, across chunks). */
  skipped: number;
}

/** Where a chunk's records lie in written time, from its first and last record headers. */
export function chunkWrittenRange(
  bytes: Uint8Array,
): { first: number; last: number; records: number } | undefined {
  if (
    bytes.length < CHUNK_SIZE ||
    Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') !== CHUNK_SIGNATURE
  )
    return undefined;
  const lastOffset = u32(bytes, 44);
  const free = u32(bytes, 48);
  if (lastOffset < CHUNK_HEADER_SIZE || lastOffset + RECORD_HEADER_SIZE > free || free > CHUNK_SIZE)
    return undefined;
  if (recordFits(bytes, CHUNK_HEADER_SIZE, free) === 0 || recordFits(bytes, lastOffset, free) === 0)
    return undefined;
  const firstNumber = recordIdAt(bytes, 8);
  const lastNumber = recordIdAt(bytes, 16);
  if (lastNumber < firstNumber) return undefined;
  return {
    first: filetimeHalvesToMs(u32(bytes, CHUNK_HEADER_SIZE + 16), u32(bytes, CHUNK_HEADER_SIZE + 20)),
    last: filetimeHalvesToMs(u32(bytes, lastOffset + 16), u32(bytes, lastOffset + 20)),
    records: lastNumber - firstNumber + 1,
  };
}

/** How many records decodeChunkEvents reduced directly and how many through the XML tree. */
export interface FastPathStats {
  direct: number;
  viaTree: number;
}

/**
 * decodeChunk for callers that need only each record's event record (eventRecordFromXml of its
 * <Event>): the same records, in the same order, with the same damage, most of them reduced
 * straight from their template instance (ChunkBinXmlDecoder.decodeEvent) without an XML tree.
 * Returns how many records were read.
 */
export function decodeChunkEvents(
  bytes: Uint8Array,
  fileOffset: number,
  damage: Damage[],
  inUse: boolean,
  onEvent: (event: EventRecord) => void,
  stats?: FastPathStats,
  window?: WrittenTimeWindow,
): number {
  const limit = chunkLimit(bytes, fileOffset, damage, inUse);
  if (limit < 0) return 0;
  const decoder = new ChunkBinXmlDecoder(bytes, fileOffset);
  let records = 0;
  let offset = CHUNK_HEADER_SIZE;
  while (offset + RECORD_HEADER_SIZE <= limit) {
    const size = recordFits(bytes, offset, limit);
    if (size === 0) {
      offset = resynchronise(bytes, offset, limit, fileOffset, damage);
      if (offset < 0) break;
      continue;
    }
    if (window) {
      const written = filetimeHalvesToMs(u32(bytes, offset + 16), u32(bytes, offset + 20));
      if (written < window.sinceMs || written > window.untilMs) {
        window.skipped++;
        offset += size;
        continue;
      }
    }
    const recordId = recordIdAt(bytes, offset + 8);
    let event = decoder.decodeEvent(offset + RECORD_HEADER_SIZE, offset + size - 4, recordId);
    if (event !== undefined) {
      if (stats) stats.direct++;
    } else {
      try {
        event = eventRecordFromXml(eventElement(decoder, offset, size, fileOffset), recordId);
        if (stats) stats.viaTree++;
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        damage.push({
          kind: 'unreadable-record',
          offset: fileOffset + offset,
          recordId,
          detail: error.message,
        });
        offset += size;
        continue;
      }
    }
    records++;
    onEvent(event);
    offset += size;
  }
  return records;
}

/**
 * Decodes every readable record of one chunk. Damage is appended to `damage`, never thrown:
 * a bad checksum is noted and the records are still read; a broken record is skipped by
 * scanning for the next record signature whose size fields agree.
 *
 * @param bytes the chunk (a short one when the file is truncated)
 * @param fileOffset where it starts in the file
 */
export function* decodeChunk(
  bytes: Uint8Array,
  fileOffset: number,
  damage: Damage[],
  /** False for chunks past the header's chunk count: unused space unless they hold a valid chunk. */
  inUse = true,
): Generator<EvtxRecord> {
  const limit = chunkLimit(bytes, fileOffset, damage, inUse);
  if (limit < 0) return;
  const decoder = new ChunkBinXmlDecoder(bytes, fileOffset);
  let offset = CHUNK_HEADER_SIZE;
  while (offset + RECORD_HEADER_SIZE <= limit) {
    const size = recordFits(bytes, offset, limit);
    if (size === 0) {
      offset = resynchronise(bytes, offset, limit, fileOffset, damage);
      if (offset < 0) break;
      continue;
    }
    const recordId = recordIdAt(bytes, offset + 8);
    try {
      const event = eventElement(decoder, offset, size, fileOffset);
      yield {
        recordId,
        writtenTime: filetimeHalvesToIso(u32(bytes, offset + 16), u32(bytes, offset + 20)),
        offset: fileOffset + offset,
        event,
      };
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      damage.push({
        kind: 'unreadable-record',
        offset: fileOffset + offset,
        recordId,
        detail: error.message,
      });
    }
    offset += size;
  }
}
