import { freerdpConnectError, MSTSC_ACCOUNT_EXPIRED } from '../common/client-errors.js';
import { psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'account-expired',
    title: 'The account has expired',
    severity: 'error',
    docs: {
      explanation:
        "The logon check's CredSSP logon was refused with STATUS_ACCOUNT_EXPIRED (0xC0000193): the account's expiry date (accountExpires in Active Directory, AccountExpires of a local user) has passed. The password is not the problem; no logon of the account succeeds until the date is moved.",
      falseAlarm:
        'Contractor and temporary accounts expire on purpose: extend one only when its owner should still have access.',
    },
    clientErrors: [MSTSC_ACCOUNT_EXPIRED, freerdpConnectError('ERRCONNECT_ACCOUNT_EXPIRED')],
  },
  (account) => {
    const name = psQuoted(account);
    return [
      {
        title: `Read the expiry date of ${account}`,
        risk: 'low',
        where: 'server',
        steps: ['The date says whether the expiry was planned.'],
        script: {
          language: 'powershell',
          code: [
            `Get-LocalUser -Name ${name} -ErrorAction SilentlyContinue | Select-Object Name, AccountExpires`,
            `if (Get-Command -Name Get-ADUser -ErrorAction SilentlyContinue) { Get-ADUser -Identity ${name} -Properties AccountExpirationDate | Select-Object Name, AccountExpirationDate }`,
          ].join('\n'),
        },
      },
      {
        title: `Move the expiry date of the domain account ${account}`,
        risk: 'medium',
        where: 'server',
        steps: [
          'Put the new date in the script (or Account > Account expires in Active Directory Users and Computers).',
        ],
        script: {
          language: 'powershell',
          code: `Set-ADAccountExpiration -Identity ${name} -DateTime '<new expiry date, yyyy-MM-dd>'`,
        },
      },
      {
        title: `Move the expiry date of the local account ${account}`,
        risk: 'medium',
        where: 'server',
        steps: ['Put the new date in the script.'],
        script: {
          language: 'powershell',
          code: `Set-LocalUser -Name ${name} -AccountExpires '<new expiry date, yyyy-MM-dd>'`,
        },
      },
    ];
  },
  (user) => `The account ${user} has expired (STATUS_ACCOUNT_EXPIRED)`,
);
