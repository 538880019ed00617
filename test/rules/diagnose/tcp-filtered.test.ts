import { rule } from '../../../src/rules/diagnose/tcp-filtered.js';
import { healthy, skipped, tcp, tcpFailure } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'connected', observations: healthy() },
    {
      name: 'refused is another finding',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'refused', 'ECONNREFUSED')]) }),
    },
  ],
  invalid: [
    {
      name: 'no answer until the timeout',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'filtered', 'ETIMEDOUT')]) }),
      findings: [
        {
          severity: 'error',
          title: 'The RDP port does not answer (filtered)',
          evidence: [{ label: 'connect to 192.0.2.10', value: /filtered/ }],
        },
      ],
    },
  ],
  notEvaluated: [{ name: 'skipped', observations: healthy({ tcp: skipped('tcp', 'dns failed') }) }],
});
