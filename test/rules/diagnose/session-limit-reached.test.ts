import { rule } from '../../../src/rules/diagnose/session-limit-reached.js';
import { healthy, sessionErrorInfo, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    {
      name: 'another connection taking the session over (0x5) is no limit',
      observations: healthy({ session: sessionErrorInfo(0x5, 'ERRINFO_DISCONNECTED_BY_OTHERCONNECTION') }),
    },
  ],
  invalid: [
    {
      name: 'ERRINFO_IDLE_TIMEOUT',
      observations: healthy({ session: sessionErrorInfo(0x3, 'ERRINFO_IDLE_TIMEOUT', 'finalization') }),
      findings: [
        {
          severity: 'error',
          title:
            'The server ended the connection on a session time limit after Demand Active, during finalization (ERRINFO_IDLE_TIMEOUT)',
          evidence: [{ label: 'meaning', value: 'Idle session time limit expired.', source: 'session' }],
        },
      ],
    },
    {
      name: 'ERRINFO_LOGON_TIMEOUT (the active-session limit)',
      observations: healthy({ session: sessionErrorInfo(0x4, 'ERRINFO_LOGON_TIMEOUT') }),
      findings: [
        { title: /ERRINFO_LOGON_TIMEOUT/, evidence: [{ label: 'Set Error Info', value: /^0x00000004/ }] },
      ],
    },
  ],
  notEvaluated: [
    { name: 'the session stage did not run', observations: healthy({ session: undefined }) },
    { name: 'the session stage was skipped', observations: healthy({ session: skipped('session', 'NLA') }) },
  ],
});
