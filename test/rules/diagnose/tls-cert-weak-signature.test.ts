import { rule } from '../../../src/rules/diagnose/tls-cert-weak-signature.js';
import { certificate, healthy, ISSUING_CA } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'SHA-256', observations: healthy() },
    {
      name: 'a self-signed SHA-1 certificate is not judged',
      observations: healthy({
        certificate: certificate(
          { selfSigned: true, signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' },
          { chainTail: [] },
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'leaf signed with SHA-1',
      observations: healthy({
        certificate: certificate({ signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' }),
      }),
      findings: [
        {
          severity: 'warning',
          evidence: [{ label: 'leaf certificate signature', value: 'sha1WithRSAEncryption' }],
        },
      ],
    },
    {
      name: 'intermediate signed with MD5',
      observations: healthy({
        certificate: certificate(
          {},
          {
            chainTail: [{ ...ISSUING_CA, signatureAlgorithm: 'md5WithRSAEncryption', signatureHash: 'md5' }],
          },
        ),
      }),
      findings: [{ evidence: [{ label: 'chain certificate 1 signature', value: 'md5WithRSAEncryption' }] }],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
