/**
 * Reads zip archives from people we do not know (collector bundles an admin copied around) with
 * caps: entry count, sizes, compression ratio (zip bombs), and no entry named outside the archive.
 * An archive that breaks a cap is refused whole. Entries are read as streams (analyze never
 * writes them to disk); extractZip, for the collector's tests, writes none under its own name.
 */
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Entry, ZipFile } from 'yauzl';

export interface ZipLimits {
  readonly maxEntries: number;
  /** Uncompressed bytes of one entry. */
  readonly maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  readonly maxTotalBytes: number;
  /** Uncompressed : compressed, for entries above ratioFloorBytes (tiny files compress absurdly well). */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
}

/**
 * A bundle holds one JSON document and a handful of .evtx logs. Real logs compress up to ~85:1 (the
 * corpus's most repetitive one); deflate's own limit is ~1032:1, where bombs sit. Entries are read as
 * streams, never held or unpacked, so the size caps bound only how long a bundle can take: a domain
 * controller's Security log of several GiB still fits.
 */
export const BUNDLE_ZIP_LIMITS: ZipLimits = {
  maxEntries: 64,
  maxEntryBytes: 16 * 1024 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

export type ZipProblem =
  | 'not-zip'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'archive-too-large'
  | 'ratio-too-high'
  | 'unsafe-name'
  | 'size-mismatch';

export class ZipSafetyError extends Error {
  constructor(
    readonly code: ZipProblem,
    message: string,
    /** The entry concerned, when one is. */
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'ZipSafetyError';
  }
}

export interface ExtractedEntry {
  /** The entry's name in the archive, '/'-separated. */
  readonly name: string;
  /** Where its bytes were written (a file of our own naming in the target folder). */
  readonly file: string;
  readonly bytes: number;
}

export interface ZipExtraction {
  readonly extracted: ExtractedEntry[];
  /** Wanted entries that could not be decoded (encrypted, unknown compression), with why. */
  readonly unreadable: { readonly name: string; readonly reason: string }[];
}

/** Absolute ("/x", "C:x"), leaving the archive ("a/../../x"), or holding a NUL. */
function isUnsafeName(name: string): boolean {
  return (
    name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\0') || name.split('/').includes('..')
  );
}

/** Counts bytes as they pass and stops the stream past `limit` (the header's size may lie). */
function byteCap(limit: number, name: string): Transform & { readonly bytes: () => number } {
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit)
        callback(new ZipSafetyError('size-mismatch', `${name} holds more bytes than its header says`, name));
      else callback(null, chunk);
    },
  });
  return Object.assign(cap, { bytes: () => seen });
}

/** An archive whose entries passed the checks, open for reading entry by entry. */
export interface OpenZip {
  /** The entries `wanted` accepted that can be decoded, in archive order. */
  readonly entries: readonly { readonly name: string; readonly entry: Entry }[];
  /** Wanted entries that cannot be decoded (encrypted, unknown compression), with why. */
  readonly unreadable: { readonly name: string; readonly reason: string }[];
  /**
   * An entry's bytes, inflated as they are read and cut off past the size its header declares
   * (yauzl checks the size and CRC against the header as well: a bad one ends the stream with an error).
   */
  read(entry: Entry, name: string): Promise<Readable>;
  close(): void;
}

/**
 * Checks every entry against the limits and opens the archive for reading the entries `wanted`
 * accepts, nothing written to disk. Throws ZipSafetyError for an archive it refuses.
 */
export async function openZip(
  path: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits = BUNDLE_ZIP_LIMITS,
): Promise<OpenZip> {
  // yauzl loads only when a zip is given.
  const { default: yauzl } = await import('yauzl');
  let zip: ZipFile;
  try {
    // decodeStrings off: names are checked here, so a bad one is our refusal with our code.
    zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, autoClose: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw error;
    throw new ZipSafetyError('not-zip', `not a zip archive (${(error as Error).message})`);
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new ZipSafetyError(
        'too-many-entries',
        `refused: ${zip.entryCount} entries (the limit is ${limits.maxEntries})`,
      );
    const chosen: { entry: Entry; name: string }[] = [];
    let total = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const name = yauzl.getFileNameLowLevel(
          entry.generalPurposeBitFlag,
          entry.fileNameRaw,
          entry.extraFields,
          false,
        );
        if (isUnsafeName(name))
          throw new ZipSafetyError(
            'unsafe-name',
            `refused: entry '${name}' points outside the archive`,
            name,
          );
        if (entry.uncompressedSize > limits.maxEntryBytes)
          throw new ZipSafetyError(
            'entry-too-large',
            `refused: entry '${name}' expands to ${entry.uncompressedSize} bytes (the limit is ${limits.maxEntryBytes})`,
            name,
          );
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes)
          throw new ZipSafetyError(
            'archive-too-large',
            `refused: the entries expand to more than ${limits.maxTotalBytes} bytes`,
          );
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio)
          throw new ZipSafetyError(
            'ratio-too-high',
            `refused as a zip bomb: entry '${name}' expands ${Math.round(ratio)}:1 (the limit is ${limits.maxRatio}:1)`,
            name,
          );
        if (!name.endsWith('/') && wanted(name)) chosen.push({ entry, name });
      }
    } catch (error) {
      if (error instanceof ZipSafetyError || (error as NodeJS.ErrnoException).code) throw error;
      throw new ZipSafetyError('not-zip', `damaged zip archive (${(error as Error).message})`);
    }
    const unreadable: { name: string; reason: string }[] = [];
    const entries = chosen.filter(({ entry, name }) => {
      if (!entry.isEncrypted() && entry.canDecodeFileData()) return true;
      unreadable.push({
        name,
        reason: entry.isEncrypted() ? 'encrypted' : `compression method ${entry.compressionMethod}`,
      });
      return false;
    });
    return {
      entries,
      unreadable,
      async read(entry, name) {
        const cap = byteCap(entry.uncompressedSize, name);
        const stream = await zip.openReadStreamPromise(entry);
        // Errors of either end the capped stream; the reader sees them as a failed read.
        stream.on('error', (error) => cap.destroy(error));
        return stream.pipe(cap);
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/**
 * Checks every entry against the limits, then writes the entries `wanted` accepts into `targetDir`
 * (which the caller creates and removes). Throws ZipSafetyError for an archive it refuses.
 */
export async function extractZip(
  path: string,
  wanted: (name: string) => boolean,
  targetDir: string,
  limits: ZipLimits = BUNDLE_ZIP_LIMITS,
): Promise<ZipExtraction> {
  const zip = await openZip(path, wanted, limits);
  try {
    const extraction: ZipExtraction = { extracted: [], unreadable: [...zip.unreadable] };
    for (const [index, { entry, name }] of zip.entries.entries()) {
      const file = join(targetDir, `entry-${index}`);
      try {
        await pipeline(await zip.read(entry, name), createWriteStream(file));
      } catch (error) {
        // A full disk is this machine's problem, not the archive's.
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw error;
        // The entry's data lied about its size or is corrupt: it is not read, the others are.
        extraction.unreadable.push({ name, reason: (error as Error).message });
        continue;
      }
      extraction.extracted.push({ name, file, bytes: statSync(file).size });
    }
    return extraction;
  } finally {
    zip.close();
  }
}
