import { rule } from '../../../src/rules/diagnose/network-unstable.js';
import { connected, healthy, tcp, tcpFailure } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const address = [connected('192.0.2.10', 40)];
const samples = (...times: (number | 'lost')[]) =>
  times.map((time) =>
    time === 'lost' ? { outcome: 'filtered' as const } : { outcome: 'connected' as const, connectMs: time },
  );

ruleTester(rule, {
  valid: [
    { name: 'steady connects', observations: healthy() },
    {
      name: 'slow but steady (high latency is not jitter)',
      observations: healthy({ tcp: tcp(address, samples(300, 310, 305, 298, 302)) }),
    },
  ],
  invalid: [
    {
      name: 'one connect of five lost',
      observations: healthy({ tcp: tcp(address, samples(40, 'lost', 42, 41, 39)) }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'connects failed', value: 1 },
            { label: 'connects attempted', value: 5 },
          ],
        },
      ],
    },
    {
      name: 'connect times jump around',
      observations: healthy({ tcp: tcp(address, samples(20, 400, 25, 380, 30)) }),
      findings: [
        {
          evidence: [
            { label: 'jitter (ms)', value: 365 },
            { label: 'connects failed', value: 0 },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'too few samples',
      observations: healthy({ tcp: tcp(address, samples(40, 41)) }),
      reason: 'at least 3',
    },
    {
      name: 'tcp failed',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'refused', 'ECONNREFUSED')]) }),
      reason: 'failed',
    },
  ],
});
