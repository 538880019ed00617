import { freerdpConnectError, MSTSC_PASSWORD_EXPIRED } from '../common/client-errors.js';
import { changeOwnPasswordFix, psQuoted } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

const NEW_PASSWORD = "(Read-Host -AsSecureString -Prompt 'New password')";

export const rule = defineLogonRule(
  {
    id: 'password-expired',
    title: 'The password has expired',
    severity: 'error',
    docs: {
      explanation:
        "The logon check's CredSSP logon was refused with STATUS_PASSWORD_EXPIRED (0xC0000071): the password was right but older than the maximum password age. With NLA the client cannot offer the password change a console logon would, so every Remote Desktop logon of the account fails until the password is changed some other way.",
      falseAlarm: 'None: the password must be changed. Only the way to change it is a choice.',
    },
    clientErrors: [
      MSTSC_PASSWORD_EXPIRED,
      freerdpConnectError('ERRCONNECT_PASSWORD_EXPIRED'),
      freerdpConnectError('ERRCONNECT_PASSWORD_CERTAINLY_EXPIRED'),
    ],
  },
  (account) => {
    const name = psQuoted(account);
    return [
      changeOwnPasswordFix(account),
      {
        title: `Reset the password of ${account} (administrator)`,
        risk: 'medium',
        where: 'server',
        steps: [
          'Do not tick "User must change password at next logon" afterwards: with NLA that fails the same way (password-must-change).',
          'The second line is for a local account.',
        ],
        script: {
          language: 'powershell',
          code: [
            `if (Get-Command -Name Set-ADAccountPassword -ErrorAction SilentlyContinue) { Set-ADAccountPassword -Identity ${name} -Reset -NewPassword ${NEW_PASSWORD} }`,
            `else { Set-LocalUser -Name ${name} -Password ${NEW_PASSWORD} }`,
          ].join('\n'),
        },
      },
    ];
  },
  (user) => `The password of ${user} has expired (STATUS_PASSWORD_EXPIRED)`,
);
