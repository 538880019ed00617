import { rule } from '../../../src/rules/diagnose/nla-not-required.js';
import { healthy, negotiation, negotiationOnly, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'NLA required', observations: healthy() },
    {
      name: 'TLS required and NLA required',
      observations: healthy({ negotiation: negotiation(probe('rdp', { failure: 1 })) }),
    },
  ],
  invalid: [
    {
      name: 'a TLS-only request is admitted (xrdp-like)',
      observations: healthy({ negotiation: negotiation(probe('ssl', { selected: 1 })) }),
      findings: [
        { severity: 'warning', evidence: [{ label: /'ssl' request/, value: 'selected PROTOCOL_SSL' }] },
      ],
    },
    {
      name: 'Standard RDP Security is admitted too',
      observations: healthy({
        negotiation: negotiation(probe('ssl', { selected: 1 }), probe('rdp', { selected: 0 })),
      }),
      findings: [{ evidence: [{ label: /'rdp' request/, value: 'selected PROTOCOL_RDP' }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'no weaker request made',
      observations: healthy({ negotiation: negotiationOnly(probe('modern', { selected: 8 })) }),
    },
  ],
});
