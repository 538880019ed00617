import { rule } from '../../../src/rules/diagnose/broker-refused.js';
import { healthy, sessionErrorInfo, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    {
      name: 'a code past the broker range',
      observations: healthy({ session: sessionErrorInfo(0x413, 'unknown error info 0x00000413') }),
    },
  ],
  invalid: [
    {
      name: 'ERRINFO_CB_DESTINATION_NOT_FOUND',
      observations: healthy({ session: sessionErrorInfo(0x400, 'ERRINFO_CB_DESTINATION_NOT_FOUND') }),
      findings: [
        {
          severity: 'error',
          title:
            /could not place the connection after licensing, before Demand Active \(ERRINFO_CB_DESTINATION_NOT_FOUND\)/,
          evidence: [{ label: 'meaning', value: 'Connection Broker: target endpoint not found.' }],
        },
      ],
    },
    {
      name: 'an unnamed code inside the broker range is still the broker, named as unknown',
      observations: healthy({ session: sessionErrorInfo(0x401, 'whatever the probe said') }),
      findings: [
        {
          title: /\(unknown error info 0x00000401\)/,
          evidence: [{ label: 'Set Error Info', value: 'unknown error info 0x00000401' }],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'the session stage was skipped', observations: healthy({ session: skipped('session', 'NLA') }) },
  ],
});
