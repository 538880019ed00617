import { rule } from '../../../src/rules/diagnose/tls-cert-missing.js';
import { healthy, negotiation, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'TLS selected', observations: healthy() }],
  invalid: [
    {
      name: 'SSL_CERT_NOT_ON_SERVER',
      observations: healthy({
        negotiation: negotiation(probe('modern', { failure: 3 }), probe('hybrid', { failure: 3 })),
      }),
      findings: [
        { severity: 'error', evidence: [{ label: /'modern'/, value: /SSL_CERT_NOT_ON_SERVER \(0x3\)/ }] },
      ],
    },
  ],
  notEvaluated: [{ name: 'no negotiation', observations: healthy({ negotiation: undefined }) }],
});
