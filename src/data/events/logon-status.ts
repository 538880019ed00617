/**
 * NTSTATUS codes in Security 4625 Status/SubStatus (and 4776). Version 1; source:
 * ../shared/reference/event-ids.json, from MicrosoftDocs/windows-itpro-docs
 * windows/security/threat-protection/auditing/event-4625.md.
 */
export const LOGON_STATUS_TABLE_VERSION = 1;

export interface LogonStatus {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

export const STATUS_LOGON_TYPE_NOT_GRANTED = 0xc000015b;
export const STATUS_ACCOUNT_LOCKED_OUT = 0xc0000234;

export const LOGON_STATUSES: readonly LogonStatus[] = [
  {
    code: 0xc000005e,
    name: 'STATUS_NO_LOGON_SERVERS',
    meaning: 'No logon servers (domain controllers) available',
  },
  { code: 0xc0000064, name: 'STATUS_NO_SUCH_USER', meaning: 'User name does not exist' },
  { code: 0xc000006a, name: 'STATUS_WRONG_PASSWORD', meaning: 'Correct user name, wrong password' },
  {
    code: 0xc000006d,
    name: 'STATUS_LOGON_FAILURE',
    meaning: 'Bad user name or authentication information (see SubStatus)',
  },
  {
    code: 0xc000006e,
    name: 'STATUS_ACCOUNT_RESTRICTION',
    meaning: 'Account restriction (e.g. blank password not allowed remotely)',
  },
  { code: 0xc000006f, name: 'STATUS_INVALID_LOGON_HOURS', meaning: 'Outside the authorised logon hours' },
  { code: 0xc0000070, name: 'STATUS_INVALID_WORKSTATION', meaning: 'Logon from an unauthorised workstation' },
  { code: 0xc0000071, name: 'STATUS_PASSWORD_EXPIRED', meaning: 'Password expired' },
  { code: 0xc0000072, name: 'STATUS_ACCOUNT_DISABLED', meaning: 'Account disabled' },
  { code: 0xc00000dc, name: 'STATUS_INVALID_SERVER_STATE', meaning: 'SAM server in the wrong state' },
  {
    code: 0xc0000133,
    name: 'STATUS_TIME_DIFFERENCE_AT_DC',
    meaning: 'Clock skew between the domain controller and this computer too large',
  },
  {
    code: STATUS_LOGON_TYPE_NOT_GRANTED,
    name: 'STATUS_LOGON_TYPE_NOT_GRANTED',
    meaning: 'The user lacks the logon right for this logon type',
  },
  {
    code: 0xc000018c,
    name: 'STATUS_TRUSTED_DOMAIN_FAILURE',
    meaning: 'Trust relationship between domains failed',
  },
  { code: 0xc0000192, name: 'STATUS_NETLOGON_NOT_STARTED', meaning: 'Netlogon service not started' },
  { code: 0xc0000193, name: 'STATUS_ACCOUNT_EXPIRED', meaning: 'Account expired' },
  {
    code: 0xc0000224,
    name: 'STATUS_PASSWORD_MUST_CHANGE',
    meaning: 'Password must be changed at next logon',
  },
  { code: 0xc0000225, name: 'STATUS_NOT_FOUND', meaning: 'Documented as a Windows bug, not a risk' },
  { code: STATUS_ACCOUNT_LOCKED_OUT, name: 'STATUS_ACCOUNT_LOCKED_OUT', meaning: 'Account locked out' },
  { code: 0xc00002ee, name: 'STATUS_UNFINISHED_CONTEXT_DELETED', meaning: 'An error occurred during logon' },
  {
    code: 0xc0000413,
    name: 'STATUS_AUTHENTICATION_FIREWALL_FAILED',
    meaning: 'Account not allowed to authenticate to this machine',
  },
  {
    code: 0xc0000371,
    name: 'STATUS_NO_SECRETS',
    meaning: 'Local account store has no secret for the account',
  },
];

/** Parses "0xc000006d" (any case) to a number; undefined for anything else. */
export function parseStatus(text: string | undefined): number | undefined {
  if (!text || !/^0x[0-9a-f]{1,8}$/i.test(text.trim())) return undefined;
  return Number.parseInt(text.trim().slice(2), 16) >>> 0;
}

export function logonStatus(code: number | undefined): LogonStatus | undefined {
  return code === undefined ? undefined : LOGON_STATUSES.find((status) => status.code === code);
}

export function formatStatus(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}
