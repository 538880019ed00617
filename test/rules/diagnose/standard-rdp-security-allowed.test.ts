import { rule } from '../../../src/rules/diagnose/standard-rdp-security-allowed.js';
import { healthy, negotiation, negotiationOnly, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'PROTOCOL_RDP refused', observations: healthy() },
    {
      name: 'SSL required',
      observations: healthy({ negotiation: negotiation(probe('rdp', { failure: 1 })) }),
    },
    {
      name: 'an RDP-only server is the other finding',
      observations: healthy({
        negotiation: negotiation(probe('modern', { failure: 2 }), probe('rdp', { selected: 0 })),
      }),
    },
  ],
  invalid: [
    {
      name: 'PROTOCOL_RDP selected next to TLS',
      observations: healthy({ negotiation: negotiation(probe('rdp', { selected: 0 })) }),
      findings: [
        {
          severity: 'warning',
          evidence: [{ label: /'rdp' request \(PROTOCOL_RDP\)/, value: 'selected PROTOCOL_RDP' }],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'no rdp request',
      observations: healthy({ negotiation: negotiationOnly(probe('modern', { selected: 8 })) }),
      reason: "'rdp'",
    },
  ],
});
