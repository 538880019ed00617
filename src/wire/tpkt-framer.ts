import { DecodeError } from './errors.js';
import { TPKT_MAX_LENGTH, tpktFrameLength } from './tpkt.js';

/**
 * Reassembles TPKT PDUs from a TCP byte stream delivered in arbitrary chunks. It answers only
 * "where does each PDU end" (tpkt.ts tpktFrameLength); decoding is left to the caller.
 * Fast-path PDUs (first byte not 0x03) are out of scope and reported as malformed.
 *
 * Once the stream is malformed it stays malformed: the byte boundary of the next PDU is lost,
 * so every later push reports the same error instead of guessing.
 */
export type FramerEvent =
  | { readonly kind: 'pdu'; readonly bytes: Uint8Array }
  | { readonly kind: 'malformed'; readonly error: DecodeError; readonly streamOffset: number };

export interface TpktFramerOptions {
  /** Largest PDU accepted; a header announcing more is reported as `too-large`. */
  readonly maxPduSize?: number;
}

export class TpktFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  /** Stream offset of buffer[0], so errors point at the byte of the whole stream. */
  private consumed = 0;
  private failure: FramerEvent | undefined;
  readonly maxPduSize: number;

  constructor(options: TpktFramerOptions = {}) {
    this.maxPduSize = Math.min(options.maxPduSize ?? TPKT_MAX_LENGTH, TPKT_MAX_LENGTH);
  }

  /** Bytes received but not yet part of a complete PDU. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Adds a chunk and returns every PDU it completes, in order, then a malformed event if any. */
  push(chunk: Uint8Array): FramerEvent[] {
    if (this.failure) return [this.failure];
    if (chunk.length > 0) {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const events: FramerEvent[] = [];
    let start = 0;
    for (;;) {
      const frame = tpktFrameLength(this.buffer.subarray(start), this.maxPduSize);
      if (frame.kind === 'need-more') break;
      if (frame.kind === 'malformed') {
        this.failure = { kind: 'malformed', error: frame.error, streamOffset: this.consumed + start };
        events.push(this.failure);
        break;
      }
      if (this.buffer.length - start < frame.length) break;
      events.push({ kind: 'pdu', bytes: this.buffer.slice(start, start + frame.length) });
      start += frame.length;
    }
    // INVARIANT: at most one partial PDU (bounded by maxPduSize) is kept between pushes.
    this.buffer = this.buffer.slice(start);
    this.consumed += start;
    return events;
  }

  /**
   * Called when the peer closed the stream: a partial PDU left over is a truncated PDU
   * (not-enough-bytes at the stream offset where it started).
   */
  end(): FramerEvent | undefined {
    if (this.failure) return this.failure;
    if (this.buffer.length === 0) return undefined;
    const error = new DecodeError({
      structure: 'TPKT',
      kind: 'not-enough-bytes',
      field: 'stream',
      offset: 0,
      detail: `stream ended inside a PDU with ${this.buffer.length} byte(s) received`,
    });
    this.failure = { kind: 'malformed', error, streamOffset: this.consumed };
    return this.failure;
  }
}
