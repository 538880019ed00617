import { rule } from '../../../src/rules/diagnose/listener-closed-early.js';
import { healthy, negotiation, negotiationOnly, probe, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the server answers', observations: healthy() },
    { name: 'only a legacy request is dropped', observations: healthy({ negotiation: negotiation(probe('rdp', { outcome: 'closed' })) }) },
  ],
  invalid: [
    {
      name: "the current client's request is closed",
      observations: healthy({ negotiation: negotiation(probe('modern', { outcome: 'closed' })) }),
      findings: [{ severity: 'error', evidence: [{ label: /'modern' request/, value: 'closed', source: 'negotiation' }] }],
    },
    {
      name: 'silence to every request when there is no modern one',
      observations: healthy({ negotiation: negotiationOnly(probe('ssl', { outcome: 'timeout' }), probe('rdp', { outcome: 'reset' })) }),
      findings: [{ evidence: [{ label: /'ssl'/, value: 'timeout' }, { label: /'rdp'/, value: 'reset' }] }],
    },
  ],
  notEvaluated: [{ name: 'tcp failed so negotiation was skipped', observations: healthy({ negotiation: skipped('negotiation', 'tcp failed') }) }],
});
