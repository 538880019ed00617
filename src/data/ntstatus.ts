import type { ErrorCodeEntry, ErrorCodeTable } from './error-code.js';

/**
 * NTSTATUS values a failed Windows logon reports: the Status/SubStatus of Security events 4625 and
 * 4776, and the `errorCode` a CredSSP server puts in its TSRequest (MS-CSSP 2.2.1, versions 3, 4
 * and 6). They tell which of the "logon failed" reasons it was.
 *
 * Source: Microsoft Learn, "4625(F): An account failed to log on" (MicrosoftDocs/windows-itpro-docs
 * windows/security/threat-protection/auditing/event-4625.md) and event-4776.md, read 2025; the
 * CredSSP ones cross-checked with FreeRDP libfreerdp/core/nla.c. Confidence: high. The list is the
 * set those pages document, not every NTSTATUS.
 */
export const LOGON_NTSTATUS_CODES: readonly ErrorCodeEntry[] = [
  {
    value: 0xc000005e,
    name: 'STATUS_NO_LOGON_SERVERS',
    meaning: 'No domain controller was available to check the logon.',
    phase: 'credssp',
  },
  {
    value: 0xc0000064,
    name: 'STATUS_NO_SUCH_USER',
    meaning: 'The user name does not exist.',
    phase: 'credssp',
  },
  {
    value: 0xc000006a,
    name: 'STATUS_WRONG_PASSWORD',
    meaning: 'The user exists but the password is wrong.',
    phase: 'credssp',
  },
  {
    value: 0xc000006d,
    name: 'STATUS_LOGON_FAILURE',
    meaning: 'Generic logon failure: bad user name or authentication data (the SubStatus says which).',
    phase: 'credssp',
  },
  {
    value: 0xc000006e,
    name: 'STATUS_ACCOUNT_RESTRICTION',
    meaning: 'An account restriction applies (for example a blank password used over the network).',
    phase: 'credssp',
  },
  {
    value: 0xc000006f,
    name: 'STATUS_INVALID_LOGON_HOURS',
    meaning: 'The logon is outside the hours the account may log on.',
    phase: 'credssp',
  },
  {
    value: 0xc0000070,
    name: 'STATUS_INVALID_WORKSTATION',
    meaning: 'The account may not log on from this workstation.',
    phase: 'credssp',
  },
  {
    value: 0xc0000071,
    name: 'STATUS_PASSWORD_EXPIRED',
    meaning: 'The password has expired.',
    phase: 'credssp',
  },
  {
    value: 0xc0000072,
    name: 'STATUS_ACCOUNT_DISABLED',
    meaning: 'The account is disabled.',
    phase: 'credssp',
  },
  {
    value: 0xc00000dc,
    name: 'STATUS_INVALID_SERVER_STATE',
    meaning: 'The SAM server was in the wrong state for the logon.',
    phase: 'credssp',
  },
  {
    value: 0xc0000133,
    name: 'STATUS_TIME_DIFFERENCE_AT_DC',
    meaning: 'The clocks of the computer and the domain controller differ too much.',
    phase: 'credssp',
  },
  {
    value: 0xc000015b,
    name: 'STATUS_LOGON_TYPE_NOT_GRANTED',
    meaning:
      'The account lacks the right for this logon type: "Allow log on through Remote Desktop Services" for a session, or "Access this computer from the network" for NLA (or holds the matching Deny right).',
    phase: 'logon',
  },
  {
    value: 0xc000018c,
    name: 'STATUS_TRUSTED_DOMAIN_FAILURE',
    meaning: 'The trust between the domains failed.',
    phase: 'credssp',
  },
  {
    value: 0xc0000192,
    name: 'STATUS_NETLOGON_NOT_STARTED',
    meaning: 'The Netlogon service is not running.',
    phase: 'credssp',
  },
  {
    value: 0xc0000193,
    name: 'STATUS_ACCOUNT_EXPIRED',
    meaning: 'The account has expired.',
    phase: 'credssp',
  },
  {
    value: 0xc0000224,
    name: 'STATUS_PASSWORD_MUST_CHANGE',
    meaning: 'The password must be changed before the next logon.',
    phase: 'credssp',
  },
  {
    value: 0xc0000225,
    name: 'STATUS_NOT_FOUND',
    meaning: 'Documented as a Windows fault in logon processing rather than a security event.',
    phase: 'credssp',
  },
  {
    value: 0xc0000234,
    name: 'STATUS_ACCOUNT_LOCKED_OUT',
    meaning: 'The account is locked out.',
    phase: 'credssp',
  },
  {
    value: 0xc00002ee,
    name: 'STATUS_UNFINISHED_CONTEXT_DELETED',
    meaning: 'An error interrupted the logon before it completed.',
    phase: 'credssp',
  },
  {
    value: 0xc0000371,
    name: 'STATUS_NO_SECRETS',
    meaning: 'The local account store holds no secret for the account.',
    phase: 'credssp',
  },
  {
    value: 0xc0000413,
    name: 'STATUS_AUTHENTICATION_FIREWALL_FAILED',
    meaning:
      'The account is not allowed to authenticate to this machine (selective authentication across a trust).',
    phase: 'credssp',
  },
];

export const LOGON_NTSTATUS_TABLE: ErrorCodeTable = {
  id: 'ntstatus',
  title: 'Windows logon status (NTSTATUS, events 4625/4776, CredSSP errorCode)',
  source: 'MicrosoftDocs/windows-itpro-docs event-4625.md, event-4776.md',
  version: 'Microsoft Learn, read 2025',
  confidence: 'high',
  hexDigits: 8,
  entries: LOGON_NTSTATUS_CODES,
};
