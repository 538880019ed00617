/**
 * An EVTX log read chunk by chunk, one 64 KiB buffer per file whatever its size: each call gives
 * the next chunk's event records. The bytes come from a file (positioned reads) or a stream (an
 * entry of a zip, inflated as it is read), so a log is never held whole. A time window skips
 * whole chunks by their records' written times, and records before their Binary XML is decoded.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Damage, EventRecord } from '../types.js';
import {
  CHUNK_SIZE,
  chunkWrittenRange,
  decodeChunkEvents,
  type FastPathStats,
  type WrittenTimeWindow,
} from './chunk.js';
import { decodeFileHeader, type EvtxFileHeader, FILE_HEADER_BLOCK_SIZE } from './file-header.js';

/** Bytes by position; reads come in increasing positions (a stream can only skip forward). */
export interface ByteSource {
  /** Fills `target` from `position` on and gives how many bytes it put there (fewer only at the end). */
  read(target: Buffer, position: number): number | Promise<number>;
  /** Closes the file while the reader waits; the next read opens it again. */
  suspend?(): void;
  close(): void;
}

/** A file read by position; opened now (so a missing file fails here), reopened after a suspend. */
export function fileBytes(path: string): ByteSource {
  let fd: number | undefined = openSync(path, 'r');
  let closed = false;
  const release = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    // Synchronous: much less overhead per chunk than the promise API, and memory stays one chunk.
    read(target, position) {
      if (closed) return 0;
      fd ??= openSync(path, 'r');
      return readSync(fd, target, 0, target.length, position);
    },
    suspend: release,
    close() {
      release();
      closed = true;
    },
  };
}

/** A stream read in order (a zip entry); positions skipped are read and dropped. */
export function streamBytes(stream: Readable): ByteSource {
  const pieces = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let consumed = 0;
  let ended = false;
  return {
    async read(target, position) {
      let filled = 0;
      while (filled < target.length) {
        if (pending.length === 0) {
          if (ended) break;
          const next = await pieces.next();
          if (next.done) {
            ended = true;
            break;
          }
          pending = next.value;
        }
        // Drop what lies before `position` (a skipped range), then copy.
        const drop = Math.min(pending.length, Math.max(0, position - consumed));
        pending = pending.subarray(drop);
        consumed += drop;
        if (consumed < position) continue;
        const take = Math.min(pending.length, target.length - filled);
        pending.copy(target, filled, 0, take);
        pending = pending.subarray(take);
        consumed += take;
        filled += take;
      }
      return filled;
    },
    close: () => stream.destroy(),
  };
}

/** Records wanted: TimeCreated at or after `since` and at or before `until` (ms since 1970). */
export interface TimeWindow {
  readonly since?: number;
  readonly until?: number;
}

/**
 * How far a record's written time may lie after its TimeCreated and still be wanted by --until.
 * Records are written moments after they are created, forwarded ones hours later: a day is safe.
 */
export const UNTIL_WRITTEN_MARGIN_MS = 24 * 60 * 60 * 1000;

export function inWindow(time: string, window: TimeWindow): boolean {
  const at = Date.parse(time);
  // A record without a time cannot be placed in a window.
  if (Number.isNaN(at)) return false;
  return (
    (window.since === undefined || at >= window.since) && (window.until === undefined || at <= window.until)
  );
}

export interface EvtxCursorResult {
  readonly header: EvtxFileHeader;
  readonly damage: Damage[];
  /** Records read and given (in the window, when there is one). */
  readonly records: number;
  /** Records left out by the window, read or skipped unread. */
  readonly outsideWindow: number;
}

export class EvtxCursor {
  private header: EvtxFileHeader | undefined;
  private readonly damage: Damage[] = [];
  private readonly chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
  private offset = FILE_HEADER_BLOCK_SIZE;
  private index = 0;
  private ended = false;
  /** Records decoded, those of them the exact window test left out, records of chunks skipped unread. */
  private decoded = 0;
  private filtered = 0;
  private inSkippedChunks = 0;
  private readonly written: WrittenTimeWindow | undefined;

  constructor(
    private readonly source: ByteSource,
    private readonly window?: TimeWindow,
    private readonly stats?: FastPathStats,
  ) {
    this.written =
      window && (window.since !== undefined || window.until !== undefined)
        ? {
            sinceMs: window.since ?? Number.NEGATIVE_INFINITY,
            untilMs:
              window.until === undefined ? Number.POSITIVE_INFINITY : window.until + UNTIL_WRITTEN_MARGIN_MS,
            skipped: 0,
          }
        : undefined;
  }

  /** Bytes consumed so far (for progress). */
  get position(): number {
    return this.offset;
  }

  /** Reads the file header; throws a DecodeError when the file is not EVTX. */
  async open(): Promise<EvtxFileHeader> {
    if (this.header) return this.header;
    const bytes = Buffer.alloc(FILE_HEADER_BLOCK_SIZE);
    const read = await this.source.read(bytes, 0);
    this.header = decodeFileHeader(bytes.subarray(0, read));
    if (!this.header.checksumValid)
      this.damage.push({ kind: 'bad-header-checksum', offset: 124, detail: 'file header CRC-32 mismatch' });
    return this.header;
  }

  /** The next chunk's records (never an empty list), or undefined when the file is done. */
  async next(): Promise<EventRecord[] | undefined> {
    const header = await this.open();
    const batch: EventRecord[] = [];
    const push = (event: EventRecord) => {
      if (this.window && !inWindow(event.time, this.window)) this.filtered++;
      else batch.push(event);
    };
    while (batch.length === 0 && !this.ended) {
      const bytesRead = await this.source.read(this.chunk, this.offset);
      if (bytesRead === 0) {
        this.ended = true;
        break;
      }
      const bytes = this.chunk.subarray(0, bytesRead);
      const range = this.written ? chunkWrittenRange(bytes) : undefined;
      if (range && (range.last < this.written!.sinceMs || range.first > this.written!.untilMs)) {
        this.inSkippedChunks += range.records;
      } else {
        this.decoded += decodeChunkEvents(
          bytes,
          this.offset,
          this.damage,
          this.index < header.chunkCount,
          push,
          this.stats,
          this.written,
        );
      }
      this.offset += bytesRead;
      this.index++;
      if (bytesRead < CHUNK_SIZE) this.ended = true;
    }
    if (this.ended) this.source.close();
    return batch.length > 0 ? batch : undefined;
  }

  suspend(): void {
    this.source.suspend?.();
  }

  close(): void {
    this.ended = true;
    this.source.close();
  }

  result(): EvtxCursorResult {
    return {
      header: this.header!,
      damage: this.damage,
      records: this.decoded - this.filtered,
      outsideWindow: this.filtered + this.inSkippedChunks + (this.written?.skipped ?? 0),
    };
  }
}
