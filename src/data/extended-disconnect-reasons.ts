import type { ErrorCodeEntry, ErrorCodeTable } from './error-code.js';

/**
 * The ExtendedDisconnectReasonCode enumeration: mstsc's "Extended error code", read from
 * IMsRdpClient::ExtendedDisconnectReason. Values 0-7, 9-12, 256-266 and the protocol range
 * 0x1000-0x7FFF are the server's MS-RDPBCGR Set Error Info PDU `errorInfo` passed through (see
 * error-info.ts); 8 (FIPS), 267 and 768 exist only on the client side.
 *
 * Source: Microsoft Learn, ExtendedDisconnectReasonCode enumeration
 * (https://learn.microsoft.com/en-us/windows/win32/termserv/extendeddisconnectreasoncode), read
 * 2025. Confidence: high. The en-us page prints exDiscReasonLogoffByUser as 2 in its C listing, a
 * typo: the member table and other locales give 12.
 */
export const EXTENDED_DISCONNECT_REASONS: readonly ErrorCodeEntry[] = [
  { value: 0x0, name: 'exDiscReasonNoInfo', meaning: 'No extra information.', phase: 'session' },
  {
    value: 0x1,
    name: 'exDiscReasonAPIInitiatedDisconnect',
    meaning: 'An application (admin tool/API) disconnected the session.',
    phase: 'session',
  },
  {
    value: 0x2,
    name: 'exDiscReasonAPIInitiatedLogoff',
    meaning: 'An application (admin tool/API) logged the session off.',
    phase: 'session',
  },
  {
    value: 0x3,
    name: 'exDiscReasonServerIdleTimeout',
    meaning: 'Server idle-session time limit reached.',
    phase: 'session',
  },
  {
    value: 0x4,
    name: 'exDiscReasonServerLogonTimeout',
    meaning: 'Server session/logon time limit reached.',
    phase: 'session',
  },
  {
    value: 0x5,
    name: 'exDiscReasonReplacedByOtherConnection',
    meaning: 'Another connection took over this session.',
    phase: 'session',
  },
  { value: 0x6, name: 'exDiscReasonOutOfMemory', meaning: 'Server out of memory.', phase: 'session' },
  {
    value: 0x7,
    name: 'exDiscReasonServerDeniedConnection',
    meaning: 'The server denied (refused) the connection.',
    description: 'The server denied the connection.',
    phase: 'connection-setup',
  },
  {
    value: 0x8,
    name: 'exDiscReasonServerDeniedConnectionFips',
    meaning: 'Server denied the connection for security reasons (FIPS).',
    phase: 'rdp-security',
  },
  {
    value: 0x9,
    name: 'exDiscReasonServerInsufficientPrivileges',
    meaning: 'Server denied the connection: user lacks the right/privilege to log on remotely.',
    phase: 'logon',
  },
  {
    value: 0xa,
    name: 'exDiscReasonServerFreshCredsRequired',
    meaning: 'Server requires freshly typed credentials (saved credentials not accepted).',
    phase: 'logon',
  },
  {
    value: 0xb,
    name: 'exDiscReasonRpcInitiatedDisconnectByUser',
    meaning: "Disconnect initiated by user activity (admin tool run in the user's own session).",
    phase: 'session',
  },
  { value: 0xc, name: 'exDiscReasonLogoffByUser', meaning: 'The user logged off.', phase: 'session' },
  {
    value: 0x100,
    name: 'exDiscReasonLicenseInternal',
    meaning: 'Internal licensing error.',
    phase: 'licensing',
  },
  {
    value: 0x101,
    name: 'exDiscReasonLicenseNoLicenseServer',
    meaning: 'No RD license server available.',
    phase: 'licensing',
  },
  {
    value: 0x102,
    name: 'exDiscReasonLicenseNoLicense',
    meaning: 'No client access license available.',
    phase: 'licensing',
  },
  {
    value: 0x103,
    name: 'exDiscReasonLicenseErrClientMsg',
    meaning: 'Server received an invalid licensing message from the client.',
    phase: 'licensing',
  },
  {
    value: 0x104,
    name: 'exDiscReasonLicenseHwidDoesntMatchLicense',
    meaning: 'Hardware ID does not match the stored license.',
    phase: 'licensing',
  },
  {
    value: 0x105,
    name: 'exDiscReasonLicenseErrClientLicense',
    meaning: 'Client license error (invalid format).',
    phase: 'licensing',
  },
  {
    value: 0x106,
    name: 'exDiscReasonLicenseCantFinishProtocol',
    meaning: 'Network problem ended the licensing protocol.',
    phase: 'licensing',
  },
  {
    value: 0x107,
    name: 'exDiscReasonLicenseClientEndedProtocol',
    meaning: 'Client ended the licensing protocol early.',
    phase: 'licensing',
  },
  {
    value: 0x108,
    name: 'exDiscReasonLicenseErrClientEncryption',
    meaning: 'Licensing message incorrectly encrypted.',
    phase: 'licensing',
  },
  {
    value: 0x109,
    name: 'exDiscReasonLicenseCantUpgradeLicense',
    meaning: 'Client license could not be upgraded or renewed.',
    phase: 'licensing',
  },
  {
    value: 0x10a,
    name: 'exDiscReasonLicenseNoRemoteConnections',
    meaning: 'Remote computer is not licensed to accept remote connections.',
    phase: 'licensing',
  },
  {
    value: 0x10b,
    name: 'exDiscReasonLicenseCreatingLicStoreAccDenied',
    meaning: 'Access denied creating the client license store registry key.',
    phase: 'licensing',
  },
  {
    value: 0x300,
    name: 'exDiscReasonRdpEncInvalidCredentials',
    meaning: 'Invalid credentials.',
    phase: 'logon',
  },
  {
    value: 0x1000,
    name: 'exDiscReasonProtocolRangeStart',
    meaning:
      'Start of the protocol-error range (0x1000-0x7FFF); check the server event log. Values in this range equal MS-RDPBCGR ERRINFO protocol codes (0x10C9...).',
    phase: 'connection-setup',
  },
  {
    value: 0x7fff,
    name: 'exDiscReasonProtocolRangeEnd',
    meaning: 'End of the protocol-error range.',
    phase: 'connection-setup',
  },
];

/** The protocol-error range: any value here is an MS-RDPBCGR errorInfo code (error-info.ts). */
export const EXTENDED_PROTOCOL_RANGE = { first: 0x1000, last: 0x7fff } as const;

export const EXTENDED_DISCONNECT_REASON_TABLE: ErrorCodeTable = {
  id: 'extended-disconnect-reason',
  title: 'mstsc extended disconnect reason (ExtendedDisconnectReasonCode)',
  source: 'https://learn.microsoft.com/en-us/windows/win32/termserv/extendeddisconnectreasoncode',
  version: 'Microsoft Learn, read 2025',
  confidence: 'high',
  hexDigits: 0,
  entries: EXTENDED_DISCONNECT_REASONS,
};
