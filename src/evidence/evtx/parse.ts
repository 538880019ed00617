import { closeSync, openSync, readSync } from 'node:fs';

import type { Damage, EventRecord } from '../types.js';
import { CHUNK_SIZE, decodeChunk, decodeChunkEvents, type EvtxRecord, type FastPathStats } from './chunk.js';
import { decodeFileHeader, type EvtxFileHeader, FILE_HEADER_BLOCK_SIZE } from './file-header.js';

export interface EvtxParseResult {
  readonly header: EvtxFileHeader;
  readonly damage: Damage[];
  readonly records: number;
}

function headerDamage(header: EvtxFileHeader, damage: Damage[]): void {
  if (!header.checksumValid)
    damage.push({ kind: 'bad-header-checksum', offset: 124, detail: 'file header CRC-32 mismatch' });
}

/**
 * Parses an EVTX file held in memory, calling `onRecord` for each readable record. Throws a
 * DecodeError only when the file header is not an EVTX header; all other damage is returned.
 */
export function parseEvtx(bytes: Uint8Array, onRecord: (record: EvtxRecord) => void): EvtxParseResult {
  const header = decodeFileHeader(bytes);
  const damage: Damage[] = [];
  headerDamage(header, damage);
  let records = 0;
  for (let offset = FILE_HEADER_BLOCK_SIZE, index = 0; offset < bytes.length; offset += CHUNK_SIZE, index++) {
    const chunk = bytes.subarray(offset, offset + CHUNK_SIZE);
    for (const record of decodeChunk(chunk, offset, damage, index < header.chunkCount)) {
      records++;
      onRecord(record);
    }
  }
  return { header, damage, records };
}

/**
 * Streams an EVTX file chunk by chunk (one 64 KiB buffer, reused), so memory stays bounded
 * whatever the file size. Same contract as parseEvtx; I/O errors are thrown as they are.
 */
export async function readEvtxFile(
  path: string,
  onRecord: (record: EvtxRecord) => void,
): Promise<EvtxParseResult> {
  // Synchronous reads of one chunk at a time: bounded memory, and much less overhead per chunk
  // than the promise API for the many small files an admin copies off a server.
  const fd = openSync(path, 'r');
  try {
    const headerBytes = new Uint8Array(FILE_HEADER_BLOCK_SIZE);
    const headerRead = readSync(fd, headerBytes, 0, FILE_HEADER_BLOCK_SIZE, 0);
    const header = decodeFileHeader(headerBytes.subarray(0, headerRead));
    const damage: Damage[] = [];
    headerDamage(header, damage);
    let records = 0;
    // A Buffer (a Uint8Array) so the decoder's native string reads need no view of their own.
    const chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
    for (let offset = FILE_HEADER_BLOCK_SIZE, index = 0; ; offset += CHUNK_SIZE, index++) {
      const bytesRead = readSync(fd, chunk, 0, CHUNK_SIZE, offset);
      if (bytesRead === 0) break;
      for (const record of decodeChunk(
        chunk.subarray(0, bytesRead),
        offset,
        damage,
        index < header.chunkCount,
      )) {
        records++;
        onRecord(record);
      }
      if (bytesRead < CHUNK_SIZE) break;
    }
    return { header, damage, records };
  } finally {
    closeSync(fd);
  }
}

/**
 * parseEvtx for callers that need each record's event record only (what eventRecordFromXml
 * gives for its <Event>): the same records, order and damage, most of them without an XML tree.
 */
export function parseEvtxEvents(
  bytes: Uint8Array,
  onEvent: (event: EventRecord) => void,
  stats?: FastPathStats,
): EvtxParseResult {
  const header = decodeFileHeader(bytes);
  const damage: Damage[] = [];
  headerDamage(header, damage);
  let records = 0;
  for (let offset = FILE_HEADER_BLOCK_SIZE, index = 0; offset < bytes.length; offset += CHUNK_SIZE, index++) {
    const chunk = bytes.subarray(offset, offset + CHUNK_SIZE);
    records += decodeChunkEvents(chunk, offset, damage, index < header.chunkCount, onEvent, stats);
  }
  return { header, damage, records };
}

/** readEvtxFile giving each record's event record (see parseEvtxEvents). */
export async function readEvtxEvents(
  path: string,
  onEvent: (event: EventRecord) => void,
  stats?: FastPathStats,
): Promise<EvtxParseResult> {
  const fd = openSync(path, 'r');
  try {
    const headerBytes = new Uint8Array(FILE_HEADER_BLOCK_SIZE);
    const headerRead = readSync(fd, headerBytes, 0, FILE_HEADER_BLOCK_SIZE, 0);
    const header = decodeFileHeader(headerBytes.subarray(0, headerRead));
    const damage: Damage[] = [];
    headerDamage(header, damage);
    let records = 0;
    const chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
    for (let offset = FILE_HEADER_BLOCK_SIZE, index = 0; ; offset += CHUNK_SIZE, index++) {
      const bytesRead = readSync(fd, chunk, 0, CHUNK_SIZE, offset);
      if (bytesRead === 0) break;
      records += decodeChunkEvents(
        chunk.subarray(0, bytesRead),
        offset,
        damage,
        index < header.chunkCount,
        onEvent,
        stats,
      );
      if (bytesRead < CHUNK_SIZE) break;
    }
    return { header, damage, records };
  } finally {
    closeSync(fd);
  }
}
