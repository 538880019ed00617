import { rule } from '../../../src/rules/diagnose/rdp-weak-encryption.js';
import { healthy, rdpSecurity } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: '128-bit, level High, 2048-bit X.509', observations: healthy({ rdpSecurity: rdpSecurity() }) },
    {
      // Windows' default MinEncryptionLevel: the issue's false alarm.
      name: '128-bit at level Client Compatible',
      observations: healthy({
        rdpSecurity: rdpSecurity({ encryptionLevel: 2, encryptionLevelName: 'CLIENT_COMPATIBLE' }),
      }),
    },
    {
      name: 'FIPS (3DES) at level FIPS',
      observations: healthy({
        rdpSecurity: rdpSecurity({
          encryptionMethod: 0x10,
          encryptionMethodName: 'ENCRYPTION_METHOD_FIPS',
          encryptionLevel: 4,
          encryptionLevelName: 'FIPS',
        }),
      }),
    },
    {
      // Its missing server authentication is standard-rdp-security-allowed's finding, not weak encryption.
      name: 'the 512-bit proprietary certificate at 128-bit High',
      observations: healthy({
        rdpSecurity: rdpSecurity({ serverCertificate: { type: 'proprietary', rsaKeyBits: 512 } }),
      }),
    },
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
          title: 'Standard RDP Security uses 40-bit RC4 at level LOW',
          evidence: [
            { label: 'encryption method', value: 'ENCRYPTION_METHOD_40BIT' },
            { label: 'encryption level', value: 'LOW' },
          ],
        },
      ],
    },
    {
      name: '56-bit chosen at level Client Compatible',
      observations: healthy({
        rdpSecurity: rdpSecurity({
          encryptionMethod: 0x08,
          encryptionMethodName: 'ENCRYPTION_METHOD_56BIT',
          encryptionLevel: 2,
          encryptionLevelName: 'CLIENT_COMPATIBLE',
        }),
      }),
      findings: [{ title: 'Standard RDP Security uses 56-bit RC4 at level CLIENT_COMPATIBLE' }],
    },
    {
      name: '128-bit at level Low: the server-to-client direction is not encrypted',
      observations: healthy({
        rdpSecurity: rdpSecurity({ encryptionLevel: 1, encryptionLevelName: 'LOW' }),
      }),
      findings: [
        {
          title: "Standard RDP Security at level LOW leaves the server's traffic unencrypted",
          evidence: [
            { label: 'encryption method', value: 'ENCRYPTION_METHOD_128BIT' },
            { label: 'encryption level', value: 'LOW' },
          ],
        },
      ],
    },
    {
      name: 'no encryption at level None',
      observations: healthy({
        rdpSecurity: rdpSecurity({
          encryptionMethod: 0x00,
          encryptionMethodName: 'ENCRYPTION_METHOD_NONE',
          encryptionLevel: 0,
          encryptionLevelName: 'NONE',
        }),
      }),
      findings: [{ title: 'Standard RDP Security uses no encryption at level NONE' }],
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
