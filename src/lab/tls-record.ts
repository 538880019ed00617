/**
 * The two TLS record facts the lab needs before (or instead of) a real handshake
 * (RFC 8446 5.1 TLSPlaintext, 6 Alert; RFC 5246 7.4 Handshake):
 *
 *   0       1       2       3       4       5
 *   +-------+-------+-------+-------+-------+----------------+
 *   | type  | legacy_version| length (BE)   | handshake type | ...
 *   +-------+-------+-------+-------+-------+----------------+
 */
export const TLS_RECORD_HEADER_SIZE = 5;
export const TlsContentType = { ALERT: 21, HANDSHAKE: 22 } as const;
export const HANDSHAKE_CLIENT_HELLO = 1;
/** TLS 1.2's record version, which TLS 1.3 keeps as legacy_record_version. */
const RECORD_VERSION_TLS12 = 0x0303;
const ALERT_BODY_SIZE = 2;
const ALERT_LEVEL = { warning: 1, fatal: 2 } as const;

/** Whether the first bytes of a client's TLS stream are a ClientHello record. */
export function peekClientHello(bytes: Uint8Array): 'need-more' | 'client-hello' | 'other' {
  if (bytes.length >= 1 && bytes[0] !== TlsContentType.HANDSHAKE) return 'other';
  if (bytes.length < TLS_RECORD_HEADER_SIZE + 1) return 'need-more';
  return bytes[TLS_RECORD_HEADER_SIZE] === HANDSHAKE_CLIENT_HELLO ? 'client-hello' : 'other';
}

export interface TlsAlert {
  readonly level: keyof typeof ALERT_LEVEL;
  /** RFC 8446 6.2 AlertDescription, e.g. 40 handshake_failure. */
  readonly description: number;
}

/** One plaintext alert record: header plus level and description. */
export function encodeTlsAlertRecord(alert: TlsAlert): Uint8Array {
  return Uint8Array.of(
    TlsContentType.ALERT,
    RECORD_VERSION_TLS12 >> 8,
    RECORD_VERSION_TLS12 & 0xff,
    0,
    ALERT_BODY_SIZE,
    ALERT_LEVEL[alert.level],
    alert.description,
  );
}
