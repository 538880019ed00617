import { rule } from '../../../src/rules/diagnose/clock-skew.js';
import { at, credssp, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const MINUTE = 60_000;

ruleTester(rule, {
  valid: [
    { name: 'clocks agree', observations: healthy() },
    {
      name: 'four minutes apart is within tolerance',
      observations: healthy({ credssp: credssp({}, { serverTime: at(4 * MINUTE) }) }),
    },
  ],
  invalid: [
    {
      name: 'server 7 minutes ahead',
      observations: healthy({
        credssp: credssp({}, { serverTime: at(7 * MINUTE), localTimeAtReceipt: at(0) }),
      }),
      findings: [
        {
          severity: 'warning',
          title: "The server's clock is 7 minutes ahead of ours",
          evidence: [{ label: 'difference (minutes)', value: 7 }],
        },
      ],
    },
    {
      name: 'server an hour behind',
      observations: healthy({
        credssp: credssp({}, { serverTime: at(-60 * MINUTE), localTimeAtReceipt: at(0) }),
      }),
      findings: [{ title: /60 minutes behind/ }],
    },
  ],
  notEvaluated: [
    {
      name: 'no timestamp',
      observations: healthy({ credssp: credssp({}, { serverTime: undefined }) }),
      reason: 'no NTLM timestamp',
    },
  ],
});
