import { rule } from '../../../src/rules/diagnose/tls-cert-expired.js';
import { at, certificate, DAY, failed, healthy, ISSUING_CA } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'valid for months', observations: healthy() }],
  invalid: [
    {
      name: 'leaf expired ten days ago',
      observations: healthy({ certificate: certificate({ notAfter: at(-10 * DAY) }) }),
      findings: [
        {
          severity: 'warning',
          title: "The server's certificate has expired",
          evidence: [
            { label: 'expired for (days)', value: 10 },
            { label: 'leaf certificate valid until', value: at(-10 * DAY) },
          ],
        },
      ],
    },
    {
      name: 'an intermediate expired',
      observations: healthy({
        certificate: certificate({}, { chainTail: [{ ...ISSUING_CA, notAfter: at(-DAY) }] }),
      }),
      findings: [
        { title: /intermediate/, evidence: [{ label: 'chain certificate 1 subject', value: /Issuing CA/ }] },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no certificate stage', observations: healthy({ certificate: undefined }) },
    {
      name: 'certificate did not parse',
      observations: healthy({ certificate: failed('certificate', 'protocol-error') }),
      reason: 'failed',
    },
  ],
});
