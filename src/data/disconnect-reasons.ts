import type { ErrorCodeEntry, ErrorCodeTable } from './error-code.js';

/**
 * mstsc / Remote Desktop ActiveX disconnect reasons: the `discReason` of
 * IMsTscAxEvents::OnDisconnected, shown by mstsc as "Error code: 0x904" and logged in decimal by
 * event 1026 of Microsoft-Windows-TerminalServices-RDPClient/Operational ("Reason= 2308").
 *
 * Source: Microsoft Learn, IMsTscAxEvents::OnDisconnected
 * (https://learn.microsoft.com/en-us/windows/win32/termserv/imstscaxevents-ondisconnected,
 * MicrosoftDocs/win32 desktop-src/TermServ), read 2025. Confidence: high (every documented value).
 * `description` is the page's own wording (English, read 2026-12), kept for the codes the diagnose
 * rules cite; 0x204 and 0x404 as the sibling page words them
 * (https://learn.microsoft.com/en-us/previous-versions/windows/desktop/rdp/onconnectionterminated).
 * The low byte hints at the class: 0x_04 network, 0x_06 security layer, 0x_07 NLA/CredSSP
 * authentication, 0x_08 mixed (an observation from the table, not documented by Microsoft).
 */
export const DISCONNECT_REASONS: readonly ErrorCodeEntry[] = [
  { value: 0x0, name: 'disconnectReasonNoInfo', meaning: 'No information available.', phase: 'session' },
  {
    value: 0x1,
    name: 'disconnectReasonLocalNotError',
    meaning: 'Local (user/app) disconnect; not an error.',
    phase: 'session',
  },
  {
    value: 0x2,
    name: 'disconnectReasonRemoteByUser',
    meaning: 'Remote disconnect by user; not an error.',
    phase: 'session',
  },
  {
    value: 0x3,
    name: 'disconnectReasonByServer',
    meaning: 'Server disconnected the session; not an error by itself (check extended reason).',
    phase: 'session',
  },
  {
    value: 0x104,
    name: 'disconnectReasonDNSLookupFailed',
    meaning: 'DNS name lookup failed.',
    description: 'DNS name lookup failure.',
    phase: 'dns',
  },
  { value: 0x106, name: 'disconnectReasonOutOfMemory', meaning: 'Client out of memory.', phase: 'client' },
  {
    value: 0x108,
    name: 'disconnectReasonConnectionTimedOut',
    meaning: 'Connection attempt timed out.',
    description: 'Connection timed out.',
    phase: 'tcp',
  },
  {
    value: 0x204,
    name: 'disconnectReasonSocketConnectFailed',
    meaning: 'Winsock connect() failed (host unreachable, port closed/filtered, refused).',
    description: 'Windows Sockets connect failed.',
    phase: 'tcp',
  },
  { value: 0x206, name: 'disconnectReasonOutOfMemory2', meaning: 'Client out of memory.', phase: 'client' },
  {
    value: 0x208,
    name: 'disconnectReasonHostNotFound',
    meaning: 'Host not found.',
    description: 'Host not found error.',
    phase: 'dns',
  },
  {
    value: 0x304,
    name: 'disconnectReasonWinsockSendFailed',
    meaning: 'Winsock send() failed (connection broken while sending).',
    phase: 'tcp',
  },
  { value: 0x306, name: 'disconnectReasonOutOfMemory3', meaning: 'Client out of memory.', phase: 'client' },
  {
    value: 0x308,
    name: 'disconnectReasonInvalidIPAddr',
    meaning: 'Specified IP address is invalid.',
    phase: 'client',
  },
  {
    value: 0x404,
    name: 'disconnectReasonSocketRecvFailed',
    meaning: 'Winsock recv() failed (connection reset/broken while receiving).',
    description: 'Windows Sockets recv call failed.',
    phase: 'tcp',
  },
  {
    value: 0x406,
    name: 'disconnectReasonInvalidSecurityData',
    meaning: 'Security data received is invalid.',
    phase: 'rdp-security',
  },
  { value: 0x408, name: 'disconnectReasonInternalError', meaning: 'Client internal error.', phase: 'client' },
  {
    value: 0x506,
    name: 'disconnectReasonInvalidEncryption',
    meaning: 'Specified encryption method is invalid.',
    description: 'The encryption method specified is not valid.',
    phase: 'rdp-security',
  },
  { value: 0x508, name: 'disconnectReasonDNSLookupFailed2', meaning: 'DNS lookup failed.', phase: 'dns' },
  {
    value: 0x604,
    name: 'disconnectReasonGetHostByNameFailed',
    meaning: 'gethostbyname() failed (name resolution).',
    phase: 'dns',
  },
  {
    value: 0x606,
    name: 'disconnectReasonInvalidServerSecurityInfo',
    meaning: 'Server security data is invalid.',
    phase: 'rdp-security',
  },
  { value: 0x608, name: 'disconnectReasonTimerError', meaning: 'Internal timer error.', phase: 'client' },
  { value: 0x704, name: 'disconnectReasonTimeoutOccurred', meaning: 'A timeout occurred.', phase: 'tcp' },
  {
    value: 0x706,
    name: 'disconnectReasonServerCertificateUnpackErr',
    meaning: 'Could not unpack/parse the server certificate.',
    phase: 'rdp-security',
  },
  { value: 0x804, name: 'disconnectReasonInvalidIP', meaning: 'Bad IP address specified.', phase: 'client' },
  {
    value: 0x807,
    name: 'SSL_ERR_LOGON_FAILURE',
    meaning: 'Logon failed (bad user name/password during NLA/CredSSP).',
    phase: 'credssp',
  },
  {
    value: 0x808,
    name: 'disconnectReasonLicensingFailed',
    meaning: 'License negotiation failed.',
    phase: 'licensing',
  },
  {
    value: 0x904,
    name: 'disconnectReasonAtClientWinsockFDCLOSE',
    meaning:
      "Socket closed: the client's TCP connection was closed (FD_CLOSE) - peer/server or a middlebox ended the connection.",
    description: 'Socket closed.',
    phase: 'tcp',
  },
  {
    value: 0x906,
    name: 'disconnectReasonInternalSecurityError',
    meaning: 'Internal security error.',
    phase: 'rdp-security',
  },
  {
    value: 0x908,
    name: 'disconnectReasonLicensingTimeout',
    meaning: 'Licensing timed out.',
    phase: 'licensing',
  },
  {
    value: 0xa06,
    name: 'disconnectReasonInternalSecurityError2',
    meaning: 'Internal security error.',
    phase: 'rdp-security',
  },
  {
    value: 0xa07,
    name: 'SSL_ERR_NO_SUCH_USER',
    meaning: 'The specified user has no account.',
    phase: 'credssp',
  },
  {
    value: 0xb06,
    name: 'disconnectReasonEncryptionError',
    meaning: 'Encryption error.',
    phase: 'rdp-security',
  },
  { value: 0xb07, name: 'SSL_ERR_ACCOUNT_DISABLED', meaning: 'Account is disabled.', phase: 'credssp' },
  {
    value: 0xc06,
    name: 'disconnectReasonDecryptionError',
    meaning: 'Decryption error.',
    phase: 'rdp-security',
  },
  {
    value: 0xc07,
    name: 'SSL_ERR_ACCOUNT_RESTRICTION',
    meaning: 'Account restriction (e.g. logon hours/workstation/blank password).',
    phase: 'credssp',
  },
  {
    value: 0xc08,
    name: 'disconnectReasonClientDecompressionError',
    meaning: 'Decompression error.',
    phase: 'client',
  },
  { value: 0xd07, name: 'SSL_ERR_ACCOUNT_LOCKED_OUT', meaning: 'Account is locked out.', phase: 'credssp' },
  { value: 0xe07, name: 'SSL_ERR_ACCOUNT_EXPIRED', meaning: 'Account has expired.', phase: 'credssp' },
  { value: 0xf07, name: 'SSL_ERR_PASSWORD_EXPIRED', meaning: 'Password has expired.', phase: 'credssp' },
  {
    value: 0x1207,
    name: 'SSL_ERR_PASSWORD_MUST_CHANGE',
    meaning: 'Password must be changed before first logon.',
    phase: 'credssp',
  },
  {
    value: 0x1607,
    name: 'SSL_ERR_DELEGATION_POLICY',
    meaning:
      'Credential delegation policy does not allow delegating credentials to this server (CredSSP delegation GPO).',
    phase: 'credssp',
  },
  {
    value: 0x1707,
    name: 'SSL_ERR_POLICY_NTLM_ONLY',
    meaning:
      'Delegation not allowed without mutual authentication (only NTLM was available, server identity not verified).',
    phase: 'credssp',
  },
  {
    value: 0x1807,
    name: 'SSL_ERR_NO_AUTHENTICATING_AUTHORITY',
    meaning: 'No authority (KDC/DC) could be contacted: wrong domain, domain unreachable or trust failure.',
    phase: 'credssp',
  },
  {
    value: 0x1b07,
    name: 'SSL_ERR_CERT_EXPIRED',
    meaning: 'Received certificate has expired.',
    phase: 'credssp',
  },
  { value: 0x1c07, name: 'SSL_ERR_SMARTCARD_WRONG_PIN', meaning: 'Wrong smart card PIN.', phase: 'credssp' },
  {
    value: 0x2107,
    name: 'SSL_ERR_FRESH_CRED_REQUIRED_BY_SERVER',
    meaning: 'Server policy refuses saved credentials; user must type credentials.',
    phase: 'credssp',
  },
  {
    value: 0x2207,
    name: 'SSL_ERR_SMARTCARD_CARD_BLOCKED',
    meaning: 'Smart card is blocked.',
    phase: 'credssp',
  },
];

export const DISCONNECT_REASON_TABLE: ErrorCodeTable = {
  id: 'disconnect-reason',
  title: 'mstsc disconnect reason (discReason)',
  source: 'https://learn.microsoft.com/en-us/windows/win32/termserv/imstscaxevents-ondisconnected',
  version: 'Microsoft Learn, read 2025',
  confidence: 'high',
  hexDigits: 0,
  entries: DISCONNECT_REASONS,
};
