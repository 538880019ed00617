import { rule } from '../../../src/rules/diagnose/tls-legacy-enabled.js';
import { healthy, posture, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'only TLS 1.2 and 1.3', observations: healthy() },
    {
      name: 'legacy-only is the other finding',
      observations: healthy({ tlsPosture: posture(['TLSv1', 'TLSv1.1']) }),
    },
  ],
  invalid: [
    {
      name: 'TLS 1.0 and 1.1 next to 1.2',
      observations: healthy({ tlsPosture: posture(['TLSv1', 'TLSv1.1', 'TLSv1.2']) }),
      findings: [
        {
          severity: 'warning',
          title: 'The server still accepts SSL 3.0 / TLS 1.0 / TLS 1.1',
          evidence: [{ label: 'legacy versions accepted', value: 'TLSv1, TLSv1.1' }],
        },
      ],
    },
    {
      name: 'SSL 3.0 accepted',
      observations: healthy({ tlsPosture: posture(['SSLv3', 'TLSv1.2']) }),
      findings: [{ title: 'The server still accepts SSL 3.0' }],
    },
  ],
  notEvaluated: [
    { name: 'no enumeration', observations: healthy({ tlsPosture: undefined }), reason: 'TLS enumeration' },
    { name: 'enumeration skipped', observations: healthy({ tlsPosture: skipped('tls', 'not requested') }) },
  ],
});
