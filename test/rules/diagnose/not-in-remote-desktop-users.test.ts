import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rule } from '../../../src/rules/diagnose/not-in-remote-desktop-users.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { healthy, sessionErrorInfo, sessionLogonAccepted } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const INSUFFICIENT = 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES';
const afterLogon = sessionLogonAccepted({
  outcome: 'error-info',
  phase: 'licensing',
  errorInfo: { code: 0x9, name: INSUFFICIENT, phase: 'licensing' },
  demandActive: undefined,
});

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    { name: 'the logon check got through', observations: healthy({ session: sessionLogonAccepted() }) },
  ],
  invalid: [
    {
      name: 'ERRINFO 0x9 after the logon check accepted the credentials',
      observations: healthy({ session: afterLogon }),
      findings: [
        {
          severity: 'error',
          title: `The server denied EXAMPLE\\alice remote logon during licensing (after the credentials were accepted) (${INSUFFICIENT})`,
          evidence: [
            { label: 'Set Error Info', value: `0x00000009 ${INSUFFICIENT}` },
            { label: 'user', value: 'EXAMPLE\\alice', source: 'session' },
          ],
        },
      ],
    },
    {
      name: 'HYBRID_EX: the Early User Authorization Result says AUTHZ_ACCESS_DENIED',
      observations: healthy({
        session: sessionLogonAccepted({
          outcome: 'credentials-refused',
          phase: 'early-user-authorization',
          earlyUserAuthorization: { result: 5, name: 'AUTHZ_ACCESS_DENIED' },
          demandActive: undefined,
        }),
      }),
      findings: [
        {
          severity: 'error',
          title:
            'The server denied EXAMPLE\\alice remote logon right after the credentials were accepted (AUTHZ_ACCESS_DENIED)',
          evidence: [
            { label: 'Early User Authorization Result', value: '0x00000005 AUTHZ_ACCESS_DENIED' },
            { label: 'user', value: 'EXAMPLE\\alice' },
          ],
        },
      ],
    },
    {
      name: 'ERRINFO 0x9 without credentials: no account to name',
      observations: healthy({ session: sessionErrorInfo(0x9, INSUFFICIENT) }),
      findings: [{ title: /^The server denied the account remote logon/ }],
    },
  ],
  notEvaluated: [{ name: 'the session stage did not run', observations: healthy({ session: undefined }) }],
});

it('not-in-remote-desktop-users: the fix adds the account the logon check used', () => {
  const [finding] = evaluateRules([rule], healthy({ session: afterLogon })).findings;
  assert.ok(finding);
  assert.equal(finding.fixes[0]?.title, 'Add EXAMPLE\\alice to Remote Desktop Users');
  assert.match(finding.fixes[0]?.script?.code ?? '', /^\$member = 'EXAMPLE\\alice'$/m);
});
