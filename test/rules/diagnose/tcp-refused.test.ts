import { rule } from '../../../src/rules/diagnose/tcp-refused.js';
import { connected, healthy, skipped, tcp, tcpFailure } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'connected', observations: healthy() },
    {
      name: 'filtered is another finding',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'filtered', 'ETIMEDOUT')]) }),
    },
  ],
  invalid: [
    {
      name: 'the only address refuses',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'refused', 'ECONNREFUSED')]) }),
      findings: [
        {
          severity: 'error',
          evidence: [
            { label: 'connect to 192.0.2.10', value: 'refused (ECONNREFUSED)', source: 'tcp' },
            { label: 'port', value: 3389 },
          ],
        },
      ],
    },
    {
      name: 'IPv6 refuses while IPv4 connects',
      observations: healthy({
        tcp: tcp([tcpFailure('2001:db8::10', 'refused', 'ECONNREFUSED'), connected('192.0.2.10')]),
      }),
      findings: [
        {
          severity: 'warning',
          title: /2001:db8::10.*another address connected/,
          evidence: [{ label: 'connect to 192.0.2.10', value: 'connected' }],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'DNS failed first',
      observations: healthy({ tcp: skipped('tcp', 'no address to connect to') }),
      reason: 'no address',
    },
  ],
});
