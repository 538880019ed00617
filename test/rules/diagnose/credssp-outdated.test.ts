import { rule } from '../../../src/rules/diagnose/credssp-outdated.js';
import { credssp, healthy, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'version 6', observations: healthy() },
    {
      name: 'version 5 (the CVE-2018-0886 revision)',
      observations: healthy({ credssp: credssp({ serverVersion: 5 }) }),
    },
  ],
  invalid: [
    {
      name: 'version 3 (unpatched)',
      observations: healthy({ credssp: credssp({ serverVersion: 3 }) }),
      findings: [
        {
          severity: 'error',
          evidence: [
            { label: 'CredSSP version the server answered', value: 3 },
            { label: 'CredSSP version offered', value: 6 },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'we offered an old version',
      observations: healthy({ credssp: credssp({ clientVersion: 2, serverVersion: 2 }) }),
      reason: 'offered CredSSP version 2',
    },
    {
      name: 'no version in the answer',
      observations: healthy({ credssp: credssp({ serverVersion: undefined, outcome: 'malformed' }) }),
    },
    {
      name: 'NLA not selected',
      observations: healthy({ credssp: skipped('credssp', 'negotiation selected PROTOCOL_SSL') }),
    },
  ],
});
