import { rule } from '../../../src/rules/diagnose/tls-cert-bad-usage.js';
import { certificate, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'serverAuth and the usual key usages', observations: healthy() },
    {
      name: 'Remote Desktop Authentication EKU',
      observations: healthy({ certificate: certificate({ extendedKeyUsage: ['1.3.6.1.4.1.311.54.1.2'] }) }),
    },
    {
      name: 'no EKU and no KU extension: unrestricted',
      observations: healthy({
        certificate: certificate({
          extendedKeyUsagePresent: false,
          extendedKeyUsage: [],
          keyUsagePresent: false,
          keyUsage: [],
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'client-authentication-only certificate',
      observations: healthy({ certificate: certificate({ extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'] }) }),
      findings: [
        { severity: 'warning', evidence: [{ label: 'extended key usage', value: '1.3.6.1.5.5.7.3.2' }] },
      ],
    },
    {
      name: 'key usage without digitalSignature or keyEncipherment',
      observations: healthy({ certificate: certificate({ keyUsage: ['nonRepudiation'] }) }),
      findings: [{ evidence: [{ label: 'key usage', value: 'nonRepudiation' }] }],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
