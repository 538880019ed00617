import { rule } from '../../../src/rules/diagnose/not-rdp.js';
import { healthy, negotiation, probe } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'an RDP answer', observations: healthy() }],
  invalid: [
    {
      name: 'an HTTP server answers',
      observations: healthy({
        negotiation: negotiation(
          probe('modern', { outcome: 'not-rdp', serviceGuess: 'http', answerPreview: '485454502f312e31' }),
        ),
      }),
      findings: [
        {
          severity: 'error',
          title: 'An HTTP service, not RDP, answers on this port',
          evidence: [{ label: 'first bytes (hex)', value: '485454502f312e31' }],
        },
      ],
    },
    {
      name: 'an RDP-shaped answer that does not decode',
      observations: healthy({ negotiation: negotiation(probe('modern', { outcome: 'malformed' })) }),
      findings: [{ title: /does not decode/ }],
    },
  ],
  notEvaluated: [{ name: 'negotiation did not run', observations: healthy({ negotiation: undefined }) }],
});
