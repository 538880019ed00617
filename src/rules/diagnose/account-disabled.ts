import { freerdpConnectError, MSTSC_ACCOUNT_DISABLED } from '../common/client-errors.js';
import { psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'account-disabled',
    title: 'The account is disabled',
    severity: 'error',
    docs: {
      explanation:
        "The logon check's CredSSP logon was refused with STATUS_ACCOUNT_DISABLED (0xC0000072): the password was checked, but the account is disabled in Active Directory or in the server's local users, so no logon of it succeeds from any client.",
      falseAlarm:
        'Accounts of people who left, and built-in accounts such as Administrator or Guest, are disabled on purpose: enable one only when it should be used.',
    },
    clientErrors: [MSTSC_ACCOUNT_DISABLED, freerdpConnectError('ERRCONNECT_ACCOUNT_DISABLED')],
  },
  (account) => {
    const name = psQuoted(account);
    return [
      {
        title: `Find out why ${account} is disabled`,
        risk: 'low',
        where: 'server',
        steps: ['Someone may have disabled it on purpose: the description and the last change tell.'],
        script: {
          language: 'powershell',
          code: [
            `Get-LocalUser -Name ${name} -ErrorAction SilentlyContinue | Select-Object Name, Enabled, Description`,
            `if (Get-Command -Name Get-ADUser -ErrorAction SilentlyContinue) { Get-ADUser -Identity ${name} -Properties Enabled, whenChanged, Description }`,
          ].join('\n'),
        },
      },
      {
        title: `Enable the domain account ${account}`,
        risk: 'medium',
        where: 'server',
        steps: ['Active Directory Users and Computers > the account > Enable Account, or the script.'],
        script: { language: 'powershell', code: `Enable-ADAccount -Identity ${name}` },
      },
      {
        title: `Enable the local account ${account}`,
        risk: 'medium',
        where: 'server',
        steps: ['lusrmgr.msc > Users > the account > clear "Account is disabled", or the script.'],
        script: { language: 'powershell', code: `Enable-LocalUser -Name ${name}` },
      },
    ];
  },
  (user) => `The account ${user} is disabled (STATUS_ACCOUNT_DISABLED)`,
);
