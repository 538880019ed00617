import { rule } from '../../../src/rules/diagnose/rdp-weak-encryption.js';
import { healthy, rdpSecurity } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: '128-bit, level High, 2048-bit X.509', observations: healthy({ rdpSecurity: rdpSecurity() }) },
  ],
  invalid: [
    {
      name: '40-bit at level Low',
      observations: healthy({
        rdpSecurity: rdpSecurity({
          encryptionMethod: 0x01,
          encryptionMethodName: 'ENCRYPTION_METHOD_40BIT',
          encryptionLevel: 1,
          encryptionLevelName: 'LOW',
        }),
      }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'encryption method', value: 'ENCRYPTION_METHOD_40BIT' },
            { label: 'encryption level', value: 'LOW' },
          ],
        },
      ],
    },
    {
      name: 'the proprietary 512-bit certificate',
      observations: healthy({
        rdpSecurity: rdpSecurity({ serverCertificate: { type: 'proprietary', rsaKeyBits: 512 } }),
      }),
      findings: [{ evidence: [{ label: 'server certificate', value: /proprietary 512-bit/ }] }],
    },
    {
      name: 'an X.509 certificate with a 1024-bit key',
      observations: healthy({
        rdpSecurity: rdpSecurity({ serverCertificate: { type: 'x509', rsaKeyBits: 1024 } }),
      }),
      findings: [{ evidence: [{ label: 'server RSA key', value: '1024 bits' }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'the server refuses Standard RDP Security (stage skipped)',
      observations: healthy(),
      reason: 'refuses Standard RDP Security',
    },
  ],
});
