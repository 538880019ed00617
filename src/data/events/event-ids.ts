/**
 * RDP-relevant Windows events: provider, channel and EventData field order.
 * Version 1; source: ../shared/reference/event-ids.json (each entry's own sources: Microsoft
 * Learn Schannel events, windows-itpro-docs auditing events 4624/4625/4825, nasbench
 * EVTX-ETW-Resources manifests) and the corpus' evtxexport renderings for the field order.
 * LsaSrv 6041: the LsaSrv message table ("A CredSSP authentication to %1 failed to negotiate a
 * common protocol version. The remote host offered version %2 which is not permitted by
 * Encryption Oracle Remediation.").
 */
export const EVENT_TABLE_VERSION = 1;

export const Provider = {
  SECURITY: 'Microsoft-Windows-Security-Auditing',
  SCHANNEL: 'Schannel',
  RCM: 'Microsoft-Windows-TerminalServices-RemoteConnectionManager',
  TERM_SERVICE: 'TermService',
  RDPCORETS: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS',
  LSM: 'Microsoft-Windows-TerminalServices-LocalSessionManager',
  LSASRV: 'LsaSrv',
} as const;

export interface EventFacts {
  readonly provider: string;
  readonly eventId: number;
  readonly meaning: string;
  /** EventData field names in template order (used to name Get-WinEvent's positional Properties). */
  readonly fields?: readonly string[];
}

export const EVENTS: readonly EventFacts[] = [
  {
    provider: Provider.SECURITY,
    eventId: 4624,
    meaning: 'An account was successfully logged on',
    fields: [
      'SubjectUserSid',
      'SubjectUserName',
      'SubjectDomainName',
      'SubjectLogonId',
      'TargetUserSid',
      'TargetUserName',
      'TargetDomainName',
      'TargetLogonId',
      'LogonType',
      'LogonProcessName',
      'AuthenticationPackageName',
      'WorkstationName',
      'LogonGuid',
      'TransmittedServices',
      'LmPackageName',
      'KeyLength',
      'ProcessId',
      'ProcessName',
      'IpAddress',
      'IpPort',
    ],
  },
  {
    provider: Provider.SECURITY,
    eventId: 4625,
    meaning: 'An account failed to log on',
    fields: [
      'SubjectUserSid',
      'SubjectUserName',
      'SubjectDomainName',
      'SubjectLogonId',
      'TargetUserSid',
      'TargetUserName',
      'TargetDomainName',
      'Status',
      'FailureReason',
      'SubStatus',
      'LogonType',
      'LogonProcessName',
      'AuthenticationPackageName',
      'WorkstationName',
      'TransmittedServices',
      'LmPackageName',
      'KeyLength',
      'ProcessId',
      'ProcessName',
      'IpAddress',
      'IpPort',
    ],
  },
  {
    provider: Provider.SECURITY,
    eventId: 4740,
    meaning: 'A user account was locked out',
    fields: [
      'TargetUserName',
      'TargetDomainName',
      'TargetSid',
      'SubjectUserSid',
      'SubjectUserName',
      'SubjectDomainName',
      'SubjectLogonId',
    ],
  },
  {
    provider: Provider.SECURITY,
    eventId: 4825,
    meaning: 'A user was denied the access to Remote Desktop',
    fields: ['AccountName', 'AccountDomain', 'LogonID', 'ClientAddress'],
  },
  {
    provider: Provider.SCHANNEL,
    eventId: 36870,
    meaning: 'The TLS server credential private key could not be accessed',
    fields: ['Type', 'ErrorCode', 'ErrorStatus'],
  },
  {
    provider: Provider.SCHANNEL,
    eventId: 36871,
    meaning: 'A fatal error occurred while creating a TLS credential',
    fields: ['Type', 'ErrorState'],
  },
  {
    provider: Provider.SCHANNEL,
    eventId: 36874,
    meaning: 'No cipher suite offered by the client is supported by the server',
    fields: ['Protocol'],
  },
  {
    provider: Provider.SCHANNEL,
    eventId: 36886,
    meaning: 'No suitable default server credential exists on this system',
  },
  {
    provider: Provider.SCHANNEL,
    eventId: 36888,
    meaning: 'A fatal TLS alert was generated and sent to the remote endpoint',
    fields: ['AlertDesc', 'ErrorState'],
  },
  { provider: Provider.RCM, eventId: 261, meaning: 'Listener received a connection' },
  {
    provider: Provider.RCM,
    eventId: 1149,
    meaning: 'User authentication succeeded (NLA)',
    fields: ['Param1', 'Param2', 'Param3'],
  },
  {
    provider: Provider.RCM,
    eventId: 1051,
    meaning: 'Configured listener certificate not found; default certificate used',
  },
  {
    provider: Provider.RCM,
    eventId: 1055,
    meaning: "Configured certificate's private key cannot be accessed",
  },
  { provider: Provider.RCM, eventId: 1057, meaning: 'Failed to create a new self-signed certificate' },
  { provider: Provider.RCM, eventId: 1058, meaning: 'Failed to replace the expired self-signed certificate' },
  {
    provider: Provider.RCM,
    eventId: 1059,
    meaning: 'Listener certificate configuration was invalid and was reset',
  },
  { provider: Provider.RCM, eventId: 1065, meaning: 'Expired template-based certificate cannot be replaced' },
  {
    provider: Provider.RDPCORETS,
    eventId: 131,
    meaning: 'The server accepted a new TCP/UDP connection',
    fields: ['ConnType', 'ClientIP'],
  },
  {
    provider: Provider.RDPCORETS,
    eventId: 140,
    meaning: 'A connection failed: user name or password not correct',
    fields: ['IPString'],
  },
  { provider: Provider.RDPCORETS, eventId: 102, meaning: 'The server terminated the main RDP connection' },
  { provider: Provider.RDPCORETS, eventId: 103, meaning: 'The disconnect reason', fields: ['ReasonCode'] },
  {
    provider: Provider.LSM,
    eventId: 21,
    meaning: 'Session logon succeeded',
    fields: ['User', 'SessionID', 'Address'],
  },
  {
    provider: Provider.LSM,
    eventId: 25,
    meaning: 'Session reconnection succeeded',
    fields: ['User', 'SessionID', 'Address'],
  },
  {
    provider: Provider.LSASRV,
    eventId: 6041,
    meaning: 'CredSSP version not permitted by Encryption Oracle Remediation',
  },
];

/** Providers whose System-log events carry a classic event source name instead. */
const ALIASES: Record<string, string> = { TermService: Provider.RCM };

export function isProvider(actual: string, wanted: string): boolean {
  return actual === wanted || ALIASES[actual] === wanted;
}

export function eventFacts(provider: string, eventId: number): EventFacts | undefined {
  return EVENTS.find((facts) => facts.eventId === eventId && isProvider(provider, facts.provider));
}
