import type { ErrorCodeEntry, ErrorCodeTable } from './error-code.js';

/**
 * MS-RDPBCGR 2.2.1.2.2 RDP_NEG_FAILURE `failureCode`: the server's answer in the X.224 Connection
 * Confirm when it cannot accept any security protocol the client asked for. FreeRDP logs these by
 * name; mstsc turns them into its own dialogs.
 *
 * Source: [MS-RDPBCGR] 2.2.1.2.2
 * (https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rdpbcgr/1b3920e7-0116-4345-bc45-f2c4ad012761),
 * cross-checked with IronRDP ironrdp-pdu nego.rs and FreeRDP nego.h (2025). Confidence: high.
 */
export const NEG_FAILURE_CODES: readonly ErrorCodeEntry[] = [
  {
    value: 0x1,
    name: 'SSL_REQUIRED_BY_SERVER',
    meaning:
      'The server insists on TLS (or CredSSP) but the client offered only Standard RDP Security; when the client offered only CredSSP, the server supports TLS but not NLA.',
    phase: 'negotiation',
  },
  {
    value: 0x2,
    name: 'SSL_NOT_ALLOWED_BY_SERVER',
    meaning: 'The server is set to Standard RDP Security only (SecurityLayer 0) and refuses TLS and CredSSP.',
    phase: 'negotiation',
  },
  {
    value: 0x3,
    name: 'SSL_CERT_NOT_ON_SERVER',
    meaning: 'The server has no usable certificate for its listener, so it cannot start TLS.',
    phase: 'negotiation',
  },
  {
    value: 0x4,
    name: 'INCONSISTENT_FLAGS',
    meaning: 'The protocols the client asked for contradict the security already in force on the connection.',
    phase: 'negotiation',
  },
  {
    value: 0x5,
    name: 'HYBRID_REQUIRED_BY_SERVER',
    meaning: 'The server requires Network Level Authentication (CredSSP) and the client did not offer it.',
    phase: 'negotiation',
  },
  {
    value: 0x6,
    name: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
    meaning: 'The server requires TLS with a client certificate, which the client did not offer.',
    phase: 'negotiation',
  },
];

export const NEG_FAILURE_TABLE: ErrorCodeTable = {
  id: 'neg-failure',
  title: 'negotiation failure (MS-RDPBCGR RDP_NEG_FAILURE)',
  source:
    'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rdpbcgr/1b3920e7-0116-4345-bc45-f2c4ad012761',
  version: 'MS-RDPBCGR 2.2.1.2.2, read 2025',
  confidence: 'high',
  hexDigits: 8,
  entries: NEG_FAILURE_CODES,
};
