import { rule } from '../../../src/rules/diagnose/nla-required.js';
import { healthy, negotiation, negotiationOnly, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    {
      name: 'TLS-only clients are admitted',
      observations: healthy({
        negotiation: negotiation(probe('ssl', { selected: 1 }), probe('rdp', { selected: 0 })),
      }),
    },
  ],
  invalid: [
    {
      name: 'weaker requests get HYBRID_REQUIRED_BY_SERVER',
      observations: healthy(),
      findings: [
        {
          severity: 'info',
          evidence: [
            { label: /'ssl' request/, value: /HYBRID_REQUIRED_BY_SERVER \(0x5\)/ },
            { label: /'rdp' request/, value: /HYBRID_REQUIRED_BY_SERVER/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'only the modern request was made',
      observations: healthy({ negotiation: negotiationOnly(probe('modern', { selected: 8 })) }),
      reason: 'without CredSSP',
    },
    { name: 'no negotiation', observations: healthy({ negotiation: undefined }) },
  ],
});
