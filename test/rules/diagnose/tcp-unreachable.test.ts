import { rule } from '../../../src/rules/diagnose/tcp-unreachable.js';
import { healthy, tcp, tcpFailure } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'connected', observations: healthy() }],
  invalid: [
    {
      name: 'no route to the host',
      observations: healthy({ tcp: tcp([tcpFailure('10.20.30.40', 'unreachable', 'EHOSTUNREACH')]) }),
      findings: [
        {
          severity: 'error',
          evidence: [{ label: 'connect to 10.20.30.40', value: 'unreachable (EHOSTUNREACH)' }],
        },
      ],
    },
  ],
  notEvaluated: [{ name: 'tcp did not run', observations: healthy({ tcp: undefined }) }],
});
