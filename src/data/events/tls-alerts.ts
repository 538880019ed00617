/**
 * TLS alert descriptions in Schannel 36887/36888 AlertDesc (RFC 8446 6.2). Version 1; source:
 * ../shared/reference/event-ids.json "tls_alert_codes".
 */
export const TLS_ALERT_TABLE_VERSION = 1;

export const TLS_ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

/** Alerts that mean "no common protocol version or cipher suite". */
export const NO_COMMON_CIPHER_ALERTS: readonly number[] = [40, 70, 71];

export function tlsAlertName(code: number): string {
  return TLS_ALERTS[code] ?? `unknown alert ${code}`;
}
