import { DecodeError } from './errors.js';
import type { FrameLength } from './framing.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Handshake message framing (RFC 5246 7.4, RFC 8446 4). Messages are laid end to end in the
 * handshake content type; one message may span several records and one record may carry several.
 *
 *   +--------+--------+--------+--------+-------------
 *   | type   | length (u24, BE)         | body ...
 *   +--------+--------+--------+--------+-------------
 */
export const HANDSHAKE_HEADER_SIZE = 4;
/** Larger than any sane certificate chain; bounds what a hostile length can make us buffer. */
export const HANDSHAKE_MAX_BODY = 256 * 1024;

/** HandshakeType (IANA TLS HandshakeType registry). */
export const HandshakeType = {
  HELLO_REQUEST: 0,
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  HELLO_VERIFY_REQUEST: 3,
  NEW_SESSION_TICKET: 4,
  END_OF_EARLY_DATA: 5,
  ENCRYPTED_EXTENSIONS: 8,
  CERTIFICATE: 11,
  SERVER_KEY_EXCHANGE: 12,
  CERTIFICATE_REQUEST: 13,
  SERVER_HELLO_DONE: 14,
  CERTIFICATE_VERIFY: 15,
  CLIENT_KEY_EXCHANGE: 16,
  FINISHED: 20,
  CERTIFICATE_URL: 21,
  CERTIFICATE_STATUS: 22,
  SUPPLEMENTAL_DATA: 23,
  KEY_UPDATE: 24,
  MESSAGE_HASH: 254,
} as const;

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
}

export function encodeHandshake(message: HandshakeMessage): Uint8Array {
  return new ByteWriter(HANDSHAKE_HEADER_SIZE + message.body.length)
    .u8(message.type)
    .u24be(message.body.length)
    .bytes(message.body)
    .finish();
}

/** Decodes exactly one handshake message occupying the whole buffer. */
export function decodeHandshake(bytes: Uint8Array, base = 0): HandshakeMessage {
  const reader = new ByteReader(bytes, 'Handshake', base);
  const type = reader.u8('type');
  const length = reader.u24be('length');
  if (length > HANDSHAKE_MAX_BODY) reader.fail('too-large', 'length', `${length} > ${HANDSHAKE_MAX_BODY}`, 1);
  const body = reader.bytesView(length, 'body');
  reader.expectEnd();
  return { type, body };
}

/** How long the handshake message at the start of `bytes` is (header included). */
export function handshakeFrameLength(bytes: Uint8Array, maxBody = HANDSHAKE_MAX_BODY): FrameLength {
  if (bytes.length < HANDSHAKE_HEADER_SIZE) return { kind: 'need-more', atLeast: HANDSHAKE_HEADER_SIZE };
  const length = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  if (length > maxBody) {
    return {
      kind: 'malformed',
      error: new DecodeError({
        structure: 'Handshake',
        kind: 'too-large',
        field: 'length',
        offset: 1,
        detail: `${length} > ${maxBody}`,
      }),
    };
  }
  return { kind: 'length', length: HANDSHAKE_HEADER_SIZE + length };
}

/**
 * Reassembles handshake messages from the fragments of consecutive handshake records. Bounded:
 * it never holds more than one message of at most `maxBody` bytes plus one record.
 */
export class HandshakeReassembler {
  private pending: Uint8Array = new Uint8Array(0);
  /** Stream offset of `pending[0]`, for error offsets. */
  private consumed = 0;

  constructor(private readonly maxBody = HANDSHAKE_MAX_BODY) {}

  /** Bytes of an incomplete message still waiting for the next record. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Adds one record's fragment; returns the messages it completed. Throws DecodeError on a bad length. */
  push(fragment: Uint8Array): HandshakeMessage[] {
    const joined = new Uint8Array(this.pending.length + fragment.length);
    joined.set(this.pending);
    joined.set(fragment, this.pending.length);
    const messages: HandshakeMessage[] = [];
    let offset = 0;
    for (;;) {
      const frame = handshakeFrameLength(joined.subarray(offset), this.maxBody);
      if (frame.kind === 'malformed') {
        throw new DecodeError({
          ...frame.error.toJSON(),
          offset: frame.error.offset + this.consumed + offset,
        });
      }
      if (frame.kind === 'need-more' || offset + frame.length > joined.length) break;
      messages.push(decodeHandshake(joined.slice(offset, offset + frame.length), this.consumed + offset));
      offset += frame.length;
    }
    this.pending = joined.slice(offset);
    this.consumed += offset;
    return messages;
  }
}
