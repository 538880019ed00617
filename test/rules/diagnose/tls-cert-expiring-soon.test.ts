import { rule } from '../../../src/rules/diagnose/tls-cert-expiring-soon.js';
import { at, certificate, DAY, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: '200 days left', observations: healthy() },
    {
      name: 'already expired is the other finding',
      observations: healthy({ certificate: certificate({ notAfter: at(-DAY) }) }),
    },
  ],
  invalid: [
    {
      name: 'CA certificate with 12 days left',
      observations: healthy({ certificate: certificate({ notAfter: at(12 * DAY + 3600_000) }) }),
      findings: [
        {
          severity: 'warning',
          title: "The server's certificate expires in 12 days",
          evidence: [{ label: 'days left', value: 12 }],
        },
      ],
    },
    {
      name: 'self-signed, which Windows renews itself',
      observations: healthy({ certificate: certificate({ notAfter: at(5 * DAY), selfSigned: true }) }),
      findings: [{ severity: 'info' }],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
