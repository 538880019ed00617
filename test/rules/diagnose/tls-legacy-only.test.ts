import { rule } from '../../../src/rules/diagnose/tls-legacy-only.js';
import { healthy, posture, skipped, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'TLS 1.2 and 1.3 accepted', observations: healthy() },
    {
      name: 'negotiated TLS 1.2 without enumeration',
      observations: healthy({ tlsPosture: undefined, tls: tls({ version: 'TLSv1.2' }) }),
    },
    {
      name: 'TLS 1.0 chosen but only 1.0 was offered',
      observations: healthy({
        tlsPosture: undefined,
        tls: tls({ version: 'TLSv1', offeredVersions: ['TLSv1'] }),
      }),
    },
  ],
  invalid: [
    {
      name: 'the enumeration found only TLS 1.0',
      observations: healthy({ tlsPosture: posture(['TLSv1']) }),
      findings: [{ severity: 'error', evidence: [{ label: 'TLS versions accepted', value: 'TLSv1' }] }],
    },
    {
      name: 'the server answered a TLS 1.0-1.3 hello with TLS 1.0',
      observations: healthy({ tlsPosture: undefined, tls: tls({ version: 'TLSv1' }) }),
      findings: [
        {
          severity: 'error',
          evidence: [
            { label: 'version the server chose', value: 'TLSv1' },
            { label: 'versions offered', value: /TLSv1.2/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'neither TLS nor enumeration ran',
      observations: healthy({ tlsPosture: undefined, tls: skipped('tls', 'negotiation failed') }),
    },
  ],
});
