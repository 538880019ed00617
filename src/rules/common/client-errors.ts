/**
 * Client error codes the diagnose rules cite. mstsc codes: IMsTscAxEvents::OnDisconnected discReason
 * and ExtendedDisconnectReasonCode (src/data/disconnect-reasons.ts, extended-disconnect-reasons.ts),
 * each with Microsoft's wording as `message` where the table has it.
 * FreeRDP: which ERRCONNECT_* name a failure produces is what xfreerdp was seen to print
 * (src/data/freerdp-observed.ts); the names are FreeRDP's include/freerdp/error.h.
 */
import { DISCONNECT_REASONS } from '../../data/disconnect-reasons.js';
import { EXTENDED_DISCONNECT_REASONS } from '../../data/extended-disconnect-reasons.js';
import {
  FREERDP_CLASS,
  FREERDP_CONNECT_ERRORS,
  FREERDP_ERROR_INFO_NAMES,
  freerdpErrorValue,
} from '../../data/freerdp-errors.js';
import {
  FREERDP_OBSERVED_WITH,
  type FreerdpSituation,
  freerdpObservation,
} from '../../data/freerdp-observed.js';
import type { ClientError } from '../types.js';

/** An mstsc error with Microsoft's wording of the code (and of the extended reason) where the tables have it. */
function mstsc(code: string, note: string, extended?: string): ClientError {
  const wording = (table: typeof DISCONNECT_REASONS, value: string | undefined) =>
    value === undefined ? undefined : table.find((entry) => entry.value === Number(value))?.description;
  const described = [wording(DISCONNECT_REASONS, code), wording(EXTENDED_DISCONNECT_REASONS, extended)];
  const message = described.every((text) => text === undefined)
    ? undefined
    : described.filter((text) => text !== undefined).join(' ');
  return {
    client: 'mstsc',
    code,
    ...(extended !== undefined ? { extended } : {}),
    ...(message !== undefined ? { message } : {}),
    note,
  };
}

/**
 * What xfreerdp prints in a situation, as observed (src/data/freerdp-observed.ts). A situation
 * where it prints no error (it keeps waiting) is said as such, with no code to look up.
 */
export function freerdpObserved(situation: FreerdpSituation): ClientError[] {
  const seen = freerdpObservation(situation);
  if (seen.errors.length === 0) {
    return [
      {
        client: 'freerdp',
        code: 'no error (keeps waiting)',
        note: `${FREERDP_OBSERVED_WITH}: ${seen.printed}`,
      },
    ];
  }
  const alternatives =
    seen.errors.length > 1 ? `; one of ${seen.errors.join(', ')}, depending on ${seen.variesWith}` : '';
  return seen.errors.map((code) => ({
    client: 'freerdp',
    code,
    note: `seen with ${FREERDP_OBSERVED_WITH}${alternatives}`,
  }));
}

export const MSTSC_DNS_LOOKUP_FAILED: ClientError = mstsc('0x104', 'disconnectReasonDNSLookupFailed');
export const MSTSC_HOST_NOT_FOUND: ClientError = mstsc('0x208', 'disconnectReasonHostNotFound');
export const MSTSC_SOCKET_CONNECT_FAILED: ClientError = mstsc(
  '0x204',
  'disconnectReasonSocketConnectFailed: the TCP connect did not succeed',
);
export const MSTSC_CONNECTION_TIMED_OUT: ClientError = mstsc('0x108', 'disconnectReasonConnectionTimedOut');
export const MSTSC_SOCKET_CLOSED: ClientError = mstsc(
  '0x904',
  'disconnectReasonAtClientWinsockFDCLOSE: the server (or a middlebox) closed the connection',
);
export const MSTSC_SOCKET_CLOSED_DENIED: ClientError = mstsc(
  '0x904',
  'socket closed after the server denied the connection (exDiscReasonServerDeniedConnection)',
  '0x7',
);
export const MSTSC_RECV_FAILED: ClientError = mstsc(
  '0x404',
  'disconnectReasonSocketRecvFailed: connection reset while receiving',
);
export const MSTSC_CERT_EXPIRED: ClientError = mstsc(
  '0x1B07',
  'SSL_ERR_CERT_EXPIRED, only when the client refuses to continue; by default mstsc shows a certificate warning the user may accept',
);
export const MSTSC_CERT_WARNING: ClientError = {
  client: 'mstsc',
  code: 'certificate warning',
  note: '"The identity of the remote computer cannot be verified"; with "authentication level:i:1" the client refuses to connect instead',
};
export const MSTSC_CREDSSP_ORACLE: ClientError = {
  client: 'mstsc',
  code: 'CredSSP encryption oracle',
  note: '"An authentication error has occurred. The function requested is not supported ... This could be due to CredSSP encryption oracle remediation."',
};
export const MSTSC_LOGON_FAILURE: ClientError = mstsc('0x807', 'SSL_ERR_LOGON_FAILURE');
export const MSTSC_NO_AUTHORITY: ClientError = mstsc(
  '0x1807',
  'SSL_ERR_NO_AUTHENTICATING_AUTHORITY: no domain controller could be used for Kerberos',
);
export const MSTSC_INVALID_ENCRYPTION: ClientError = mstsc('0x506', 'disconnectReasonInvalidEncryption');

export const FREERDP_DNS_NAME_NOT_FOUND: ClientError = {
  client: 'freerdp',
  code: 'ERRCONNECT_DNS_NAME_NOT_FOUND',
};
export const FREERDP_CONNECT_FAILED: ClientError = { client: 'freerdp', code: 'ERRCONNECT_CONNECT_FAILED' };
export const FREERDP_TRANSPORT_FAILED: ClientError = {
  client: 'freerdp',
  code: 'ERRCONNECT_CONNECT_TRANSPORT_FAILED',
};
export const FREERDP_NEGO_FAILED: ClientError = {
  client: 'freerdp',
  code: 'ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED',
};
export const FREERDP_TLS_FAILED: ClientError = { client: 'freerdp', code: 'ERRCONNECT_TLS_CONNECT_FAILED' };
export const FREERDP_AUTH_FAILED: ClientError = {
  client: 'freerdp',
  code: 'ERRCONNECT_AUTHENTICATION_FAILED',
};
export const FREERDP_LOGON_FAILURE: ClientError = { client: 'freerdp', code: 'ERRCONNECT_LOGON_FAILURE' };
export const FREERDP_CERT_PROMPT: ClientError = {
  client: 'freerdp',
  code: 'certificate prompt',
  note: 'FreeRDP asks whether to trust the certificate; non-interactive runs fail unless /cert:ignore or /cert:tofu is given',
};

/** xfreerdp 2.11 against a refused port: its non-blocking connect misses the RST; the first write fails. */
export const FREERDP_REFUSED: readonly ClientError[] = freerdpObserved('tcp-refused');
/** xfreerdp 2.11 against a listener that closes the connection before answering. */
export const FREERDP_LISTENER_CLOSED: readonly ClientError[] = freerdpObserved('listener-closes');
/** xfreerdp 2.11 against a listener that resets the connection: timing decides which error. */
export const FREERDP_LISTENER_RESET: readonly ClientError[] = freerdpObserved('listener-resets');
/** xfreerdp 2.11 against a listener that accepts and never answers: no error, it waits. */
export const FREERDP_LISTENER_SILENT: readonly ClientError[] = freerdpObserved('listener-silent');
/** xfreerdp 2.11 when the server drops the connection on its ClientHello. */
export const FREERDP_TLS_ABORTED: readonly ClientError[] = freerdpObserved('tls-aborted');

// --- the connection sequence after the security layer, and the logon check -------------------

/** mstsc's NLA logon errors (SSL_ERR_*, the 0x_07 class of disconnect-reasons.ts). */
export const MSTSC_NO_SUCH_USER: ClientError = mstsc('0xA07', 'SSL_ERR_NO_SUCH_USER');
export const MSTSC_ACCOUNT_DISABLED: ClientError = mstsc('0xB07', 'SSL_ERR_ACCOUNT_DISABLED');
export const MSTSC_ACCOUNT_RESTRICTION: ClientError = mstsc('0xC07', 'SSL_ERR_ACCOUNT_RESTRICTION');
export const MSTSC_ACCOUNT_LOCKED_OUT: ClientError = mstsc('0xD07', 'SSL_ERR_ACCOUNT_LOCKED_OUT');
export const MSTSC_ACCOUNT_EXPIRED: ClientError = mstsc('0xE07', 'SSL_ERR_ACCOUNT_EXPIRED');
export const MSTSC_PASSWORD_EXPIRED: ClientError = mstsc('0xF07', 'SSL_ERR_PASSWORD_EXPIRED');
export const MSTSC_PASSWORD_MUST_CHANGE: ClientError = mstsc('0x1207', 'SSL_ERR_PASSWORD_MUST_CHANGE');
export const MSTSC_FRESH_CREDENTIALS_REQUIRED: ClientError = mstsc(
  '0x2107',
  'SSL_ERR_FRESH_CRED_REQUIRED_BY_SERVER',
);

/**
 * What mstsc reports after the server's Set Error Info PDU: the errorInfo passes through as the
 * extended reason (extended-disconnect-reasons.ts). A denial of the connection (0x7) reaches the
 * user as the socket close that follows it, 0x904; any other as disconnectReasonByServer (0x3),
 * which the table documents as "check the extended reason".
 */
export function mstscAfterErrorInfo(errorInfo: number): ClientError {
  const extended = `0x${errorInfo.toString(16)}`;
  return errorInfo === 0x7
    ? MSTSC_SOCKET_CLOSED_DENIED
    : mstsc(
        '0x3',
        "disconnectReasonByServer (expected, not observed here): the extended code is the server's errorInfo",
        extended,
      );
}

/** How xfreerdp prints the server's errorInfo: FreeRDP's ERRINFO_* name in its class 1 ([0x0001xxxx]). */
export function freerdpAfterErrorInfo(errorInfo: number): ClientError {
  const name = FREERDP_ERROR_INFO_NAMES.find(([, value]) => value === errorInfo)?.[0];
  const printed = `[0x${freerdpErrorValue(FREERDP_CLASS.errorInfo, errorInfo).toString(16).padStart(8, '0')}]`;
  return {
    client: 'freerdp',
    code: name ?? printed,
    note: `printed as ${name ? `${name} ${printed}` : printed}: xfreerdp reports the server's error info as the reason it disconnected`,
  };
}

/** A FreeRDP ERRCONNECT_* error by name; the name must be one of include/freerdp/error.h's. */
export function freerdpConnectError(name: string): ClientError {
  // INVARIANT: a rule cites only codes the FreeRDP table holds (a typo fails at load, in every test).
  if (!FREERDP_CONNECT_ERRORS.some((entry) => entry.name === name))
    throw new Error(`no FreeRDP connect error ${name}`);
  return { client: 'freerdp', code: name };
}
