import { DecodeError } from '../../wire/errors.js';
import { crc32 } from './crc32.js';

/**
 * EVTX file header (libyal EVTX format 2.1), the first 4096-byte block:
 *
 *   0  signature "ElfFile\0"        8
 *   8  first chunk number           8
 *  16  last chunk number            8
 *  24  next record identifier       8
 *  32  header size (128)            4
 *  36  minor version (1) / major (3) 2+2
 *  40  header block size (4096)     2
 *  42  number of chunks             2
 *  44  unknown                     76
 * 120  file flags (1 dirty, 2 full) 4
 * 124  CRC-32 of bytes 0-119        4
 */
export const FILE_HEADER_BLOCK_SIZE = 4096;
export const FILE_SIGNATURE = 'ElfFile\u0000';

export interface EvtxFileHeader {
  readonly firstChunkNumber: bigint;
  readonly lastChunkNumber: bigint;
  readonly nextRecordId: bigint;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly chunkCount: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksumValid: boolean;
}

export function hasEvtxSignature(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') === FILE_SIGNATURE
  );
}

export function decodeFileHeader(bytes: Uint8Array): EvtxFileHeader {
  if (bytes.length < 128) {
    throw new DecodeError({
      structure: 'EvtxFileHeader',
      kind: 'not-enough-bytes',
      field: 'header',
      offset: 0,
      detail: `need 128 byte(s), ${bytes.length} left`,
    });
  }
  if (!hasEvtxSignature(bytes)) {
    throw new DecodeError({
      structure: 'EvtxFileHeader',
      kind: 'invalid-field',
      field: 'signature',
      offset: 0,
      detail: 'not "ElfFile": not an EVTX file',
    });
  }
  const data = new DataView(bytes.buffer, bytes.byteOffset, 128);
  const flags = data.getUint32(120, true);
  return {
    firstChunkNumber: data.getBigUint64(8, true),
    lastChunkNumber: data.getBigUint64(16, true),
    nextRecordId: data.getBigUint64(24, true),
    minorVersion: data.getUint16(36, true),
    majorVersion: data.getUint16(38, true),
    chunkCount: data.getUint16(42, true),
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    checksumValid: crc32(bytes.subarray(0, 120)) === data.getUint32(124, true),
  };
}
