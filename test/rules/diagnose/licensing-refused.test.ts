import { rule } from '../../../src/rules/diagnose/licensing-refused.js';
import { healthy, session, sessionErrorInfo, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'STATUS_VALID_CLIENT at once', observations: healthy() },
    {
      name: 'a license issued after a full exchange',
      observations: healthy({
        session: session({
          licensing: {
            serverRequestedLicense: true,
            messages: ['LICENSE_REQUEST', 'PLATFORM_CHALLENGE', 'NEW_LICENSE'],
            outcome: 'license-issued',
          },
        }),
      }),
    },
    {
      name: 'ERRINFO just outside the licensing range (0x10B is client-side only)',
      observations: healthy({ session: sessionErrorInfo(0x10b, 'unknown error info 0x0000010b') }),
    },
  ],
  invalid: [
    {
      name: 'ERRINFO_LICENSE_NO_LICENSE_SERVER during licensing',
      observations: healthy({
        session: sessionErrorInfo(0x101, 'ERRINFO_LICENSE_NO_LICENSE_SERVER', 'licensing'),
      }),
      findings: [
        {
          severity: 'error',
          title:
            'Remote Desktop licensing refused the connection (ERRINFO_LICENSE_NO_LICENSE_SERVER: No RD License Server could be found.)',
          evidence: [
            {
              label: 'Set Error Info',
              value: '0x00000101 ERRINFO_LICENSE_NO_LICENSE_SERVER',
              source: 'session',
            },
            { label: 'came', value: 'during licensing' },
          ],
        },
      ],
    },
    {
      name: 'the last licensing code, ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS',
      observations: healthy({
        session: sessionErrorInfo(0x10a, 'ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS', 'licensing'),
      }),
      findings: [{ title: /ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS/ }],
    },
    {
      name: 'a licensing Error Alert other than STATUS_VALID_CLIENT, with its state transition',
      observations: healthy({
        session: session({
          outcome: 'licensing-error',
          phase: 'licensing',
          phasesCompleted: ['mcs-connect', 'erect-domain', 'attach-user', 'channel-join', 'client-info'],
          demandActive: undefined,
          licensing: {
            serverRequestedLicense: true,
            messages: ['LICENSE_REQUEST', 'ERROR_ALERT'],
            outcome: 'error-alert',
            errorCode: 0x2,
            errorName: 'ERR_NO_LICENSE',
            stateTransition: 0x1,
            stateTransitionName: 'ST_TOTAL_ABORT',
          },
        }),
      }),
      findings: [
        {
          title: 'Remote Desktop licensing refused the connection (ERR_NO_LICENSE)',
          evidence: [
            { label: 'licensing Error Alert', value: 'ERR_NO_LICENSE (0x2)' },
            { label: 'state transition', value: 'ST_TOTAL_ABORT' },
            { label: 'licensing messages from the server', value: 'LICENSE_REQUEST, ERROR_ALERT' },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'the session stage was skipped', observations: healthy({ session: skipped('session', 'NLA') }) },
  ],
});
