import { freerdpConnectError } from '../common/client-errors.js';
import { GRANT_RDS_LOGON_RIGHT } from '../common/fixes.js';
import { defineLogonRule } from './helpers.js';

const RIGHTS = [
  'SeNetworkLogonRight',
  'SeDenyNetworkLogonRight',
  'SeRemoteInteractiveLogonRight',
  'SeDenyRemoteInteractiveLogonRight',
];

export const rule = defineLogonRule(
  {
    id: 'logon-right-missing',
    title: 'Logon refused: the account lacks the right for this kind of logon',
    severity: 'error',
    docs: {
      explanation:
        'The logon check\'s CredSSP logon was refused with STATUS_LOGON_TYPE_NOT_GRANTED (0xC000015B): the password was right, but the account does not hold the logon right Windows checks. During NLA that is the network logon ("Access this computer from the network", SeNetworkLogonRight) or its Deny right; for the session itself "Allow log on through Remote Desktop Services" (SeRemoteInteractiveLogonRight) or its Deny right.',
      falseAlarm: 'None when the account should be allowed in; it is the intended effect when it should not.',
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: 'remote login not authorized',
        note: 'The connection was denied because the user account is not authorized for remote login',
      },
      freerdpConnectError('ERRCONNECT_LOGON_TYPE_NOT_GRANTED'),
    ],
  },
  () => [
    {
      title: 'Read who holds the network and Remote Desktop logon rights (and their Deny rights)',
      risk: 'low',
      where: 'server',
      steps: [
        'secpol.msc > Local Policies > User Rights Assignment, or the script (SIDs: *S-1-5-32-555 is Remote Desktop Users, *S-1-5-32-544 Administrators).',
        'In a domain, gpresult /h names the GPO that sets each right.',
      ],
      script: {
        language: 'powershell',
        code: [
          "$dir = Join-Path $env:TEMP 'rdp-doctor-secpol'",
          'New-Item -ItemType Directory -Force -Path $dir | Out-Null',
          'secedit /export /cfg "$dir\\current.inf" /areas USER_RIGHTS | Out-Null',
          `Select-String -Path "$dir\\current.inf" -Pattern '^(${RIGHTS.join('|')})\\s*='`,
        ].join('\n'),
      },
    },
    GRANT_RDS_LOGON_RIGHT,
  ],
  (user) => `The account ${user} lacks the logon right for Remote Desktop (STATUS_LOGON_TYPE_NOT_GRANTED)`,
);
