/**
 * Client error codes the diagnose rules cite. mstsc codes: IMsTscAxEvents::OnDisconnected discReason
 * and ExtendedDisconnectReasonCode (learn.microsoft.com, see /work/shared/reference/*.json).
 * FreeRDP: ERRCONNECT_* names from FreeRDP's include/freerdp/error.h.
 */
import type { ClientError } from '../types.js';

export const MSTSC_DNS_LOOKUP_FAILED: ClientError = {
  client: 'mstsc',
  code: '0x104',
  note: 'disconnectReasonDNSLookupFailed',
};
export const MSTSC_HOST_NOT_FOUND: ClientError = {
  client: 'mstsc',
  code: '0x208',
  note: 'disconnectReasonHostNotFound',
};
export const MSTSC_SOCKET_CONNECT_FAILED: ClientError = {
  client: 'mstsc',
  code: '0x204',
  note: 'disconnectReasonSocketConnectFailed: the TCP connect did not succeed',
};
export const MSTSC_CONNECTION_TIMED_OUT: ClientError = {
  client: 'mstsc',
  code: '0x108',
  note: 'disconnectReasonConnectionTimedOut',
};
export const MSTSC_SOCKET_CLOSED: ClientError = {
  client: 'mstsc',
  code: '0x904',
  note: 'disconnectReasonAtClientWinsockFDCLOSE: the server (or a middlebox) closed the connection',
};
export const MSTSC_SOCKET_CLOSED_DENIED: ClientError = {
  client: 'mstsc',
  code: '0x904',
  extended: '0x7',
  note: 'socket closed after the server denied the connection (exDiscReasonServerDeniedConnection)',
};
export const MSTSC_RECV_FAILED: ClientError = {
  client: 'mstsc',
  code: '0x404',
  note: 'disconnectReasonSocketRecvFailed: connection reset while receiving',
};
export const MSTSC_CERT_EXPIRED: ClientError = {
  client: 'mstsc',
  code: '0x1B07',
  note: 'SSL_ERR_CERT_EXPIRED, only when the client refuses to continue; by default mstsc shows a certificate warning the user may accept',
};
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
export const MSTSC_LOGON_FAILURE: ClientError = {
  client: 'mstsc',
  code: '0x807',
  note: 'SSL_ERR_LOGON_FAILURE',
};
export const MSTSC_NO_AUTHORITY: ClientError = {
  client: 'mstsc',
  code: '0x1807',
  note: 'SSL_ERR_NO_AUTHENTICATING_AUTHORITY: no domain controller could be used for Kerberos',
};
export const MSTSC_INVALID_ENCRYPTION: ClientError = {
  client: 'mstsc',
  code: '0x506',
  note: 'disconnectReasonInvalidEncryption',
};

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
