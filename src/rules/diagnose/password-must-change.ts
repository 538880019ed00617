import { freerdpConnectError, MSTSC_PASSWORD_MUST_CHANGE } from '../common/client-errors.js';
import { changeOwnPasswordFix, psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

export const rule = defineLogonRule(
  {
    id: 'password-must-change',
    title: 'The password must be changed before the next logon',
    severity: 'error',
    docs: {
      explanation:
        'The logon check\'s CredSSP logon was refused with STATUS_PASSWORD_MUST_CHANGE (0xC0000224): the account is marked "User must change password at next logon" (pwdLastSet 0). NLA has no way to change a password, so Remote Desktop logons of the account fail until the password is changed elsewhere or the mark is removed.',
      falseAlarm:
        'A new account or a reset password is marked on purpose: the change is expected, the way to make it is the question.',
    },
    clientErrors: [MSTSC_PASSWORD_MUST_CHANGE, freerdpConnectError('ERRCONNECT_PASSWORD_MUST_CHANGE')],
  },
  (account) => {
    const name = psQuoted(account);
    return [
      changeOwnPasswordFix(account),
      {
        title: `Remove the "must change password" mark of ${account}`,
        risk: 'medium',
        where: 'server',
        steps: [
          'Only when the password is known to be good: the user keeps it. The second line is for a local account.',
        ],
        script: {
          language: 'powershell',
          code: [
            `if (Get-Command -Name Set-ADUser -ErrorAction SilentlyContinue) { Set-ADUser -Identity ${name} -ChangePasswordAtLogon $false }`,
            `else { net user ${name} /logonpasswordchg:no }`,
          ].join('\n'),
        },
        weakensSecurity:
          'The user keeps a password an administrator (or the account policy) wanted replaced.',
      },
    ];
  },
  (user) => `The password of ${user} must be changed before the next logon (STATUS_PASSWORD_MUST_CHANGE)`,
);
