import { rule } from '../../../src/rules/diagnose/tls-cert-not-yet-valid.js';
import { at, certificate, DAY, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'already valid', observations: healthy() }],
  invalid: [
    {
      name: 'starts tomorrow',
      observations: healthy({ certificate: certificate({ notBefore: at(DAY) }) }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'valid from', value: at(DAY) },
            { label: 'starts in (hours)', value: 24 },
          ],
        },
      ],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
