import { rule } from '../../../src/rules/diagnose/logon-error.js';
import { healthy, sessionLogonAccepted, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const loggedOn = sessionLogonAccepted({ outcome: 'logged-on', phase: 'logon' });

ruleTester(rule, {
  valid: [
    { name: 'without --logon there is no Save Session Info to judge', observations: healthy() },
    { name: 'the logon notification came (--logon)', observations: healthy({ session: loggedOn }) },
    {
      name: 'logon errors recorded without the logon-error outcome are not judged (a warning type)',
      observations: healthy({
        session: sessionLogonAccepted({
          outcome: 'logged-on',
          phase: 'logon',
          logonErrors: { type: 0xfffffffe, typeName: 'LOGON_MSG_SESSION_CONTINUE', data: 3 },
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'LOGON_MSG_DISCONNECT_REFUSED with LOGON_FAILED_OTHER',
      observations: healthy({
        session: sessionLogonAccepted({
          outcome: 'logon-error',
          phase: 'logon',
          logonErrors: { type: 0xfffffff9, typeName: 'LOGON_MSG_DISCONNECT_REFUSED', data: 2 },
        }),
      }),
      findings: [
        {
          severity: 'error',
          title: 'The session logon failed: LOGON_MSG_DISCONNECT_REFUSED (data 0x00000002)',
          evidence: [
            {
              label: 'errorNotificationType',
              value: '0xfffffff9 LOGON_MSG_DISCONNECT_REFUSED',
              source: 'session',
            },
            { label: 'errorNotificationData', value: '0x00000002' },
            { label: 'user', value: 'EXAMPLE\\alice' },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'the session stage was skipped', observations: healthy({ session: skipped('session', 'NLA') }) },
  ],
});
