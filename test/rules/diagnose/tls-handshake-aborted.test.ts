import { rule } from '../../../src/rules/diagnose/tls-handshake-aborted.js';
import { healthy, posture, skipped, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const aborted = tls(
  {
    outcome: 'aborted',
    version: undefined,
    cipher: undefined,
    chainDer: [],
    serverBytesBeforeClose: 0,
    error: { code: 'ECONNRESET', message: 'socket hang up' },
  },
  'failed',
);

ruleTester(rule, {
  valid: [
    { name: 'handshake completes', observations: healthy() },
    {
      name: 'the enumeration completed a handshake, so the key is readable',
      observations: healthy({ tls: aborted, tlsPosture: posture(['TLSv1.2']) }),
    },
  ],
  invalid: [
    {
      name: 'reset without an alert (unreadable private key)',
      observations: healthy({ tls: aborted, tlsPosture: undefined }),
      findings: [
        {
          severity: 'error',
          evidence: [
            { label: 'handshake outcome', value: 'aborted' },
            { label: 'server bytes before close', value: 0 },
            { label: 'socket error', value: /ECONNRESET/ },
          ],
        },
      ],
    },
    {
      name: 'and every enumerated version failed too',
      observations: healthy({ tls: aborted, tlsPosture: posture([]) }),
      findings: [{ evidence: [{ label: 'TLS versions accepted in enumeration', value: 'none' }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'TLS skipped (server refused TLS)',
      observations: healthy({ tls: skipped('tls', 'negotiation selected PROTOCOL_RDP') }),
      reason: 'PROTOCOL_RDP',
    },
  ],
});
