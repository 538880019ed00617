import type { FrameLength } from '../wire/framing.js';
import { ContentType, tlsRecordFrameLength } from '../wire/tls-record.js';
import { TPKT_HEADER_SIZE, tpktFrameLength } from '../wire/tpkt.js';
import { tsRequestFrameLength } from '../wire/ts-request.js';
import type { StallProgress } from './types.js';

/** When the bytes of an unfinished answer came, in ms from our request (see Conversation). */
export interface ArrivalTimes {
  readonly firstByteMs?: number;
  readonly lastByteMs?: number;
}

/** The answers a stage waits for, each with the check that its bytes so far can start one. */
export type ExpectedAnswer = 'x224-confirm' | 'mcs-connect-response' | 'tls-handshake' | 'ts-request';

/** X.224 TPDU codes (ITU-T X.224 13.1, the high nibble): Connection Confirm, Data. */
const X224_CONNECTION_CONFIRM = 0xd0;
const X224_DATA = 0xf0;
/** A Connection Confirm's TPDU is its one-byte length indicator plus at most 254 bytes. */
const X224_CONFIRM_MAX_LENGTH = TPKT_HEADER_SIZE + 1 + 254;
/** MCS Connect-Response: BER application tag 102 (T.125 annex A), 0x7f 0x66. */
const MCS_CONNECT_RESPONSE_TAG = [0x7f, 0x66] as const;

/**
 * Pure: how far an answer cut off by the timeout had got. Whether the bytes are a valid prefix is
 * checked only as far as they go (the framing header, then the first type byte): observation, not
 * judgement; a rule decides what a slow valid answer means.
 */
export function stallProgress(
  expected: ExpectedAnswer,
  received: Uint8Array,
  times: ArrivalTimes = {},
  /** Bytes received when `received` holds only the first of them (the TLS stage). */
  bytesReceived = received.length,
): StallProgress {
  const frame = frameOf(expected, received);
  const timing = {
    ...(bytesReceived > 0 && times.firstByteMs !== undefined
      ? { firstByteMs: Math.round(times.firstByteMs) }
      : {}),
    ...(bytesReceived > 0 && times.lastByteMs !== undefined
      ? { lastByteMs: Math.round(times.lastByteMs) }
      : {}),
  };
  if (bytesReceived === 0) return { bytesReceived: 0, validSoFar: true, ...timing };
  const saneLength =
    frame.kind !== 'length' || expected !== 'x224-confirm' || frame.length <= X224_CONFIRM_MAX_LENGTH;
  const validSoFar = frame.kind !== 'malformed' && saneLength && typeMatches(expected, received);
  return {
    bytesReceived,
    validSoFar,
    ...timing,
    ...(validSoFar && frame.kind === 'length' ? { expectedBytes: frame.length } : {}),
  };
}

function frameOf(expected: ExpectedAnswer, bytes: Uint8Array): FrameLength {
  if (bytes.length === 0) return { kind: 'need-more', atLeast: 1 };
  switch (expected) {
    case 'x224-confirm':
    case 'mcs-connect-response':
      return tpktFrameLength(bytes);
    case 'tls-handshake':
      return tlsRecordFrameLength(bytes);
    case 'ts-request':
      return tsRequestFrameLength(bytes);
  }
}

/** The type bytes past the framing header, as far as they came. */
function typeMatches(expected: ExpectedAnswer, bytes: Uint8Array): boolean {
  switch (expected) {
    case 'x224-confirm': {
      // TPKT (4 bytes), then the X.224 length indicator, then the TPDU code.
      const code = bytes[TPKT_HEADER_SIZE + 1];
      return code === undefined || (code & 0xf0) === X224_CONNECTION_CONFIRM;
    }
    case 'mcs-connect-response': {
      // TPKT, X.224 Data (LI 2, 0xf0, EOT 0x80), then the MCS PDU's tag.
      const code = bytes[TPKT_HEADER_SIZE + 1];
      if (code !== undefined && code !== X224_DATA) return false;
      return MCS_CONNECT_RESPONSE_TAG.every((byte, index) => {
        const value = bytes[TPKT_HEADER_SIZE + 3 + index];
        return value === undefined || value === byte;
      });
    }
    case 'tls-handshake': {
      // A server's first record is its handshake flight, or an alert.
      const type = bytes[0];
      return type === ContentType.HANDSHAKE || type === ContentType.ALERT;
    }
    case 'ts-request':
      // tsRequestFrameLength already insists on the DER SEQUENCE tag.
      return true;
  }
}
