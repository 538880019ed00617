import { rule } from '../../../src/rules/diagnose/tls-cert-weak-key.js';
import { certificate, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'RSA 2048', observations: healthy() },
    {
      name: 'ECDSA P-256',
      observations: healthy({ certificate: certificate({ keyType: 'ec', keyBits: 256, curve: 'P-256' }) }),
    },
  ],
  invalid: [
    {
      name: 'RSA 1024',
      observations: healthy({ certificate: certificate({ keyBits: 1024 }) }),
      findings: [
        { severity: 'warning', evidence: [{ label: 'leaf certificate key', value: 'RSA 1024-bit' }] },
      ],
    },
    {
      name: 'RSA 512: Schannel clients refuse it',
      observations: healthy({ certificate: certificate({ keyBits: 512 }) }),
      findings: [{ severity: 'error', title: /512 bits/ }],
    },
    {
      name: 'EC P-192',
      observations: healthy({ certificate: certificate({ keyType: 'ec', keyBits: 192, curve: 'P-192' }) }),
      findings: [
        { severity: 'warning', evidence: [{ label: 'leaf certificate key', value: 'EC 192-bit (P-192)' }] },
      ],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
