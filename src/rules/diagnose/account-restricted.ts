import { freerdpConnectError, MSTSC_ACCOUNT_RESTRICTION } from '../common/client-errors.js';
import { psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'account-restricted',
    title: 'An account restriction blocks the logon',
    severity: 'error',
    docs: {
      explanation:
        'The logon check\'s CredSSP logon was refused with STATUS_ACCOUNT_RESTRICTION (0xC000006E), STATUS_INVALID_LOGON_HOURS (0xC000006F) or STATUS_INVALID_WORKSTATION (0xC0000070): the password was right, but the account may not log on this way now. The commonest case is a local account with a blank password (LimitBlankPasswordUse allows blank passwords only at the console); the others are logon hours and the "Log On To" workstation list of a domain account.',
      falseAlarm:
        'Logon hours and workstation lists are deliberate restrictions: lift one only for an account that should connect.',
    },
    clientErrors: [MSTSC_ACCOUNT_RESTRICTION, freerdpConnectError('ERRCONNECT_ACCOUNT_RESTRICTION')],
  },
  (account) => {
    const name = psQuoted(account);
    return [
      {
        title: `Read the restrictions of ${account}: blank password, logon hours, workstations`,
        risk: 'low',
        where: 'server',
        steps: [
          'A local account without a password cannot log on over the network while LimitBlankPasswordUse is 1 (the default).',
          'For a domain account: Account > Logon Hours and Log On To in Active Directory Users and Computers.',
        ],
        script: {
          language: 'powershell',
          code: [
            `Get-LocalUser -Name ${name} -ErrorAction SilentlyContinue | Select-Object Name, PasswordRequired, PasswordLastSet`,
            "Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa' -Name LimitBlankPasswordUse -ErrorAction SilentlyContinue",
            `if (Get-Command -Name Get-ADUser -ErrorAction SilentlyContinue) { Get-ADUser -Identity ${name} -Properties LogonWorkstations, LogonHours | Select-Object Name, LogonWorkstations }`,
          ].join('\n'),
        },
      },
      {
        title: `Give the local account ${account} a password`,
        risk: 'low',
        where: 'server',
        steps: ['Blank passwords are refused over the network by design; keep LimitBlankPasswordUse on.'],
        script: {
          language: 'powershell',
          code: `Set-LocalUser -Name ${name} -Password (Read-Host -AsSecureString -Prompt 'New password')`,
        },
      },
    ];
  },
  (user, described) =>
    `An account restriction blocks the logon of ${user}${described ? `: ${described.name}${described.meaning ? ` (${described.meaning.replace(/\.$/, '')})` : ''}` : ''}`,
);
