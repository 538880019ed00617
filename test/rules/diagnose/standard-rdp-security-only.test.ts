import { rule } from '../../../src/rules/diagnose/standard-rdp-security-only.js';
import { healthy, negotiation, negotiationOnly, probe, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'TLS and CredSSP offered', observations: healthy() },
    {
      name: 'RDP selected only for a CredSSP-only request (a server without CredSSP, like xrdp)',
      observations: healthy({ negotiation: negotiation(probe('hybrid', { selected: 0 })) }),
    },
    {
      name: 'legacy allowed but not the only option',
      observations: healthy({ negotiation: negotiation(probe('rdp', { selected: 0 })) }),
    },
  ],
  invalid: [
    {
      name: 'SecurityLayer=0 answers SSL_NOT_ALLOWED_BY_SERVER',
      observations: healthy({
        negotiation: negotiationOnly(probe('modern', { failure: 2 }), probe('rdp', { selected: 0 })),
      }),
      findings: [
        {
          severity: 'warning',
          evidence: [{ label: /'modern' request/, value: /SSL_NOT_ALLOWED_BY_SERVER/ }],
        },
      ],
    },
    {
      name: 'xrdp with security_layer=rdp selects PROTOCOL_RDP although TLS was offered',
      observations: healthy({
        negotiation: negotiationOnly(probe('modern', { selected: 0 }), probe('rdp', { selected: 0 })),
      }),
      findings: [{ severity: 'warning', evidence: [{ label: /'modern' request/ }] }],
    },
    {
      name: 'a pre-negotiation server',
      observations: healthy({
        negotiation: negotiationOnly(probe('modern', { outcome: 'no-negotiation-data' })),
      }),
      findings: [{ evidence: [{ label: /'modern'/, value: /without negotiation data/ }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'negotiation skipped',
      observations: healthy({ negotiation: skipped('negotiation', 'tcp failed') }),
    },
  ],
});
