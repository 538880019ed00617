import { rule } from '../../../src/rules/diagnose/tls-cert-self-signed.js';
import { certificate, healthy, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'CA-issued', observations: healthy() }],
  invalid: [
    {
      name: "Windows' own certificate",
      observations: healthy({
        certificate: certificate({ selfSigned: true, issuer: 'CN=rdp.example.test' }, { chainTail: [] }),
      }),
      findings: [
        {
          severity: 'info',
          evidence: [
            { label: 'issuer', value: 'CN=rdp.example.test' },
            { label: 'leaf certificate SHA-1 thumbprint', value: /^[0-9A-F]{40}$/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'TLS failed, so no certificate',
      observations: healthy({ certificate: skipped('certificate', 'tls failed') }),
    },
  ],
});
