import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Alert protocol body (RFC 5246 7.2, RFC 8446 6): two bytes.
 *
 *   +--------+-------------+
 *   | level  | description |
 *   +--------+-------------+
 */
export const TLS_ALERT_SIZE = 2;

export const AlertLevel = { WARNING: 1, FATAL: 2 } as const;

/** AlertDescription values: RFC 8446 6 plus the legacy ones of SSL 3.0 - TLS 1.2 and later RFCs. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  too_many_cids_requested: 52,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  general_error: 117,
  no_application_protocol: 120,
  ech_required: 121,
} as const;
export type AlertDescriptionName = keyof typeof AlertDescription;

const NAMES = new Map<number, AlertDescriptionName>(
  Object.entries(AlertDescription).map(([name, code]) => [code, name as AlertDescriptionName]),
);

export interface TlsAlert {
  readonly level: number;
  readonly description: number;
}

/** The alert's name, or `unknown alert N` (kept as evidence rather than dropped). */
export function alertDescriptionName(description: number): string {
  return NAMES.get(description) ?? `unknown alert ${description}`;
}

export function alertLevelName(level: number): string {
  if (level === AlertLevel.WARNING) return 'warning';
  if (level === AlertLevel.FATAL) return 'fatal';
  return `unknown level ${level}`;
}

export function encodeTlsAlert(alert: TlsAlert): Uint8Array {
  return new ByteWriter(TLS_ALERT_SIZE).u8(alert.level).u8(alert.description).finish();
}

/**
 * Decodes an alert record's fragment. Unknown levels and descriptions are kept; only the length
 * is checked, since a peer's odd alert is itself what we want to report.
 */
export function decodeTlsAlert(bytes: Uint8Array, base = 0): TlsAlert {
  const reader = new ByteReader(bytes, 'TLSAlert', base);
  const level = reader.u8('level');
  const description = reader.u8('description');
  reader.expectEnd();
  return { level, description };
}
