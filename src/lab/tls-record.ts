import { AlertLevel, encodeTlsAlert } from '../wire/tls-alert.js';
import { HandshakeType } from '../wire/tls-handshake.js';
import { ContentType, encodeTlsRecord, TLS_RECORD_HEADER_SIZE, TlsVersion } from '../wire/tls-record.js';

/** Whether the first bytes of a client's TLS stream are a ClientHello record. */
export function peekClientHello(bytes: Uint8Array): 'need-more' | 'client-hello' | 'other' {
  if (bytes.length >= 1 && bytes[0] !== ContentType.HANDSHAKE) return 'other';
  if (bytes.length < TLS_RECORD_HEADER_SIZE + 1) return 'need-more';
  return bytes[TLS_RECORD_HEADER_SIZE] === HandshakeType.CLIENT_HELLO ? 'client-hello' : 'other';
}

/** One plaintext fatal alert record (TLS 1.2 record version, which TLS 1.3 keeps as legacy). */
export function fatalAlertRecord(description: number): Uint8Array {
  return encodeTlsRecord({
    contentType: ContentType.ALERT,
    version: TlsVersion.TLS_1_2,
    fragment: encodeTlsAlert({ level: AlertLevel.FATAL, description }),
  });
}
