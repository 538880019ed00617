import { rule } from '../../../src/rules/diagnose/firewall-rejects.js';
import { connected, healthy, skipped, tcp, tcpFailure } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** What `iptables -j REJECT --reject-with icmp-admin-prohibited` gives a Linux client (seen in a namespace). */
const rejected = (address: string, failedAfterMs = 4) => ({
  ...tcpFailure(address, 'unreachable', 'EHOSTUNREACH'),
  failedAfterMs,
});

ruleTester(rule, {
  valid: [
    { name: 'the port connects', observations: healthy() },
    {
      name: 'a slow host-unreachable is a missing host or route, not a firewall (tcp-unreachable)',
      observations: healthy({ tcp: tcp([rejected('192.0.2.10', 3050)]) }),
    },
    {
      name: 'a refused port is tcp-refused (a REJECT with tcp-reset looks the same and cannot be told apart)',
      observations: healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'refused', 'ECONNREFUSED')]) }),
    },
  ],
  invalid: [
    {
      name: 'an ICMP prohibited answer within a round trip',
      observations: healthy({
        tcp: tcp([rejected('192.0.2.10')]),
        negotiation: skipped('negotiation', 'TCP port 3389 is not reachable'),
      }),
      findings: [
        {
          severity: 'error',
          title: 'A firewall rejects connections to the RDP port',
          evidence: [
            { label: 'connect to 192.0.2.10', value: /rejected \(EHOSTUNREACH\) after 4 ms/, source: 'tcp' },
          ],
        },
      ],
    },
    {
      name: 'a local firewall (EPERM) rejects at once',
      observations: healthy({
        tcp: tcp([{ ...tcpFailure('192.0.2.10', 'error', 'EPERM'), failedAfterMs: 0 }]),
      }),
      findings: [{ severity: 'error' }],
    },
    {
      name: 'one address rejected, another connected: a warning',
      observations: healthy({ tcp: tcp([rejected('2001:db8::10'), connected('192.0.2.10')]) }),
      findings: [{ severity: 'warning', title: /on 2001:db8::10, but another address connected/ }],
    },
  ],
  notEvaluated: [{ name: 'no TCP stage', observations: healthy({ tcp: skipped('tcp', 'DNS failed') }) }],
});
