import { rule } from '../../../src/rules/diagnose/tls-no-common-cipher.js';
import { healthy, posture, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const handshakeFailure = tls(
  {
    outcome: 'alert',
    version: undefined,
    cipher: undefined,
    chainDer: [],
    alert: { level: 'fatal', code: 40, name: 'handshake_failure', from: 'server' },
  },
  'failed',
);

ruleTester(rule, {
  valid: [
    { name: 'handshake completes', observations: healthy() },
    {
      name: 'the enumeration found a working version',
      observations: healthy({ tls: handshakeFailure, tlsPosture: posture(['TLSv1.2']) }),
    },
  ],
  invalid: [
    {
      name: 'handshake_failure to a full hello',
      observations: healthy({ tls: handshakeFailure, tlsPosture: undefined }),
      findings: [
        { severity: 'error', evidence: [{ label: 'alert from server', value: 'handshake_failure (40)' }] },
      ],
    },
  ],
  notEvaluated: [{ name: 'TLS did not run', observations: healthy({ tls: undefined }) }],
});
