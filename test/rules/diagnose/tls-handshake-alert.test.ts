import { rule } from '../../../src/rules/diagnose/tls-handshake-alert.js';
import { healthy, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const alert = (code: number, name: string, from: 'server' | 'client') =>
  tls(
    {
      outcome: 'alert',
      version: undefined,
      cipher: undefined,
      chainDer: [],
      alert: { level: 'fatal', code, name, from },
    },
    'failed',
  );

ruleTester(rule, {
  valid: [
    { name: 'handshake completes', observations: healthy() },
    {
      name: 'handshake_failure is tls-no-common-cipher',
      observations: healthy({ tls: alert(40, 'handshake_failure', 'server') }),
    },
  ],
  invalid: [
    {
      name: 'protocol_version from the server',
      observations: healthy({ tls: alert(70, 'protocol_version', 'server') }),
      findings: [
        {
          severity: 'error',
          title: /the server sent protocol_version \(70\)/,
          evidence: [{ label: 'alert from server', value: 'protocol_version (70)' }],
        },
      ],
    },
    {
      name: 'our client refused the server choice',
      observations: healthy({ tls: alert(40, 'handshake_failure', 'client') }),
      findings: [{ title: /our client sent handshake_failure/ }],
    },
  ],
  notEvaluated: [{ name: 'TLS did not run', observations: healthy({ tls: undefined }) }],
});
