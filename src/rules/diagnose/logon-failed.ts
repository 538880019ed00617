import {
  FREERDP_LOGON_FAILURE,
  freerdpConnectError,
  MSTSC_LOGON_FAILURE,
  MSTSC_NO_SUCH_USER,
} from '../common/client-errors.js';
import { defineLogonRule, WRONG_CREDENTIALS } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'logon-failed',
    title: 'The server refused the credentials of the logon check',
    severity: 'error',
    docs: {
      explanation:
        "With --user, rdp-doctor ran one CredSSP (NLA) logon and the server refused the credentials: SEC_E_LOGON_DENIED, STATUS_LOGON_FAILURE, STATUS_WRONG_PASSWORD or STATUS_NO_SUCH_USER in its TSRequest (a wrong user name, domain or password), a connection closed right after the NTLM AUTHENTICATE (the same, from servers that send no code), or another logon status no more specific finding covers (named in the title). Clients with the same credentials fail the same way. The attempt counts toward the account's lockout threshold like any failed logon.",
      falseAlarm:
        'A mistyped password or user name given to --user: check the spelling (DOMAIN\\name or name@domain) before changing anything on the server. Servers that allow only Kerberos can refuse NTLM for a good password.',
    },
    clientErrors: [
      MSTSC_LOGON_FAILURE,
      MSTSC_NO_SUCH_USER,
      FREERDP_LOGON_FAILURE,
      freerdpConnectError('ERRCONNECT_WRONG_PASSWORD'),
    ],
  },
  () => [
    {
      title: 'Check the user name form, the domain and the password',
      risk: 'low',
      where: 'client',
      steps: [
        'Use DOMAIN\\name or name@domain.fqdn for a domain account and .\\name (or HOST\\name) for a local one.',
        'Delete stale saved credentials: cmdkey /list, then cmdkey /delete:TERMSRV/<host>.',
      ],
    },
    {
      title: 'Read the failed logons on the server (or the domain controller)',
      risk: 'low',
      where: 'server',
      steps: [
        'Security 4625: SubStatus 0xC000006A is a wrong password, 0xC0000064 an unknown user; 4776 on the domain controller for domain accounts.',
        'rdp-doctor analyze on the Security log names each failure.',
      ],
      script: {
        language: 'powershell',
        code: "Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = 4625, 4776; StartTime = (Get-Date).AddDays(-1) } -MaxEvents 20 -ErrorAction SilentlyContinue | Format-List TimeCreated, Id, Message",
      },
    },
  ],
  (user, described) => {
    if (!described)
      return `The server closed the connection after the credentials of ${user}: the logon was refused`;
    if (WRONG_CREDENTIALS.has(described.code))
      return `The server refused the credentials of ${user}: wrong user name or password (${described.name})`;
    return `The server refused the logon of ${user}: ${described.name}${described.meaning ? ` (${described.meaning.replace(/\.$/, '')})` : ''}`;
  },
);
