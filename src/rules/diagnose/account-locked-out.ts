import { freerdpConnectError, MSTSC_ACCOUNT_LOCKED_OUT } from '../common/client-errors.js';
import { psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'account-locked-out',
    title: 'The account is locked out',
    severity: 'error',
    docs: {
      explanation:
        "The logon check's CredSSP logon was refused with STATUS_ACCOUNT_LOCKED_OUT (0xC0000234): too many bad passwords locked the account, and every logon fails, even with the right password, until the lockout duration passes or an administrator unlocks it. Something (a saved credential, a service, a mapped drive, an attacker) is often still sending the old password.",
      falseAlarm:
        'A lockout caused by password guessing is the policy working: unlock only once the source is found (brute-force-attempts in analyze).',
    },
    clientErrors: [MSTSC_ACCOUNT_LOCKED_OUT, freerdpConnectError('ERRCONNECT_ACCOUNT_LOCKED_OUT')],
  },
  (account) => [
    {
      title: `Unlock the domain account ${account}, then find what keeps sending the old password`,
      risk: 'low',
      where: 'server',
      steps: [
        'Active Directory Users and Computers > the account > Account > Unlock, or the script (RSAT ActiveDirectory module).',
        'Security 4740 on the domain controller names the machine the bad passwords came from.',
      ],
      script: { language: 'powershell', code: `Unlock-ADAccount -Identity ${psQuoted(account)}` },
    },
    {
      title: `Unlock the local account ${account}`,
      risk: 'low',
      where: 'server',
      steps: ['lusrmgr.msc > Users > the account > clear "Account is locked out".'],
      script: {
        language: 'powershell',
        code: [
          `$user = [ADSI]"WinNT://./$(${psQuoted(account)}),user"`,
          'if ($user.IsAccountLocked) { $user.IsAccountLocked = $false; $user.SetInfo() }',
        ].join('\n'),
      },
    },
  ],
  (user) => `The account ${user} is locked out (STATUS_ACCOUNT_LOCKED_OUT)`,
);
