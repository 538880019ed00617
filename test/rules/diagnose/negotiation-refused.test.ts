import { rule } from '../../../src/rules/diagnose/negotiation-refused.js';
import { healthy, negotiation, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'policy answers to narrow requests', observations: healthy() },
    {
      name: 'SSL_NOT_ALLOWED is standard-rdp-security-only',
      observations: healthy({ negotiation: negotiation(probe('modern', { failure: 2 })) }),
    },
  ],
  invalid: [
    {
      name: 'client certificate required',
      observations: healthy({ negotiation: negotiation(probe('modern', { failure: 6 })) }),
      findings: [{ severity: 'error', title: /SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER/ }],
    },
    {
      name: 'an unknown code, kept and named',
      observations: healthy({ negotiation: negotiation(probe('modern', { failure: 0x0a })) }),
      findings: [
        {
          severity: 'error',
          title: /unknown failure code 0x0000000a/,
          evidence: [{ label: /'modern'/, value: /unknown failure code 0x0000000a/ }],
        },
      ],
    },
    {
      name: 'an odd code to a narrow request is a warning',
      observations: healthy({ negotiation: negotiation(probe('ssl', { failure: 4 })) }),
      findings: [{ severity: 'warning', title: /'ssl' request: INCONSISTENT_FLAGS/ }],
    },
  ],
  notEvaluated: [{ name: 'no negotiation', observations: healthy({ negotiation: undefined }) }],
});
