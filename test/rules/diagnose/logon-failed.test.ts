import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SSPI_STATUS_CODES } from '../../../src/data/credssp-errors.js';
import { LOGON_NTSTATUS_CODES } from '../../../src/data/ntstatus.js';
import { DIAGNOSE_RULES } from '../../../src/rules/diagnose/index.js';
import { rule } from '../../../src/rules/diagnose/logon-failed.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { LOGON_REFUSED_FINDING_IDS } from '../../../src/rules/finding-ids.js';
import { healthy, sessionLogonAccepted, sessionLogonRefused, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'no --user: no logon check', observations: healthy() },
    { name: 'the credentials were accepted', observations: healthy({ session: sessionLogonAccepted() }) },
    {
      name: 'a lockout has its own finding',
      observations: healthy({ session: sessionLogonRefused(0xc0000234, 'STATUS_ACCOUNT_LOCKED_OUT') }),
    },
    {
      name: 'a missing logon right has its own finding',
      observations: healthy({ session: sessionLogonRefused(0xc000015b) }),
    },
  ],
  invalid: [
    {
      name: 'SEC_E_LOGON_DENIED: wrong user name or password',
      observations: healthy({ session: sessionLogonRefused(0x8009030c, 'SEC_E_LOGON_DENIED') }),
      findings: [
        {
          severity: 'error',
          title:
            'The server refused the credentials of EXAMPLE\\alice: wrong user name or password (SEC_E_LOGON_DENIED)',
          evidence: [
            { label: 'user', value: 'EXAMPLE\\alice', source: 'session' },
            { label: 'server answer', value: /^0x8009030c SEC_E_LOGON_DENIED: / },
            { label: 'connection sequence under', value: 'HYBRID_EX' },
            { label: 'CredSSP version', value: 6 },
          ],
        },
      ],
    },
    {
      name: 'STATUS_WRONG_PASSWORD, given as a signed 32-bit value',
      observations: healthy({ session: sessionLogonRefused(0xc000006a - 2 ** 32) }),
      findings: [{ title: /wrong user name or password \(STATUS_WRONG_PASSWORD\)$/ }],
    },
    {
      name: 'STATUS_NO_SUCH_USER and STATUS_LOGON_FAILURE are wrong credentials too',
      observations: healthy({ session: sessionLogonRefused(0xc0000064) }),
      findings: [{ title: /\(STATUS_NO_SUCH_USER\)$/ }],
    },
    {
      name: 'closed after AUTHENTICATE, no code',
      observations: healthy({ session: sessionLogonRefused(undefined) }),
      findings: [
        {
          title:
            'The server closed the connection after the credentials of EXAMPLE\\alice: the logon was refused',
          evidence: [{ label: 'server answer', value: /without an error code \(step: authenticate\)/ }],
        },
      ],
    },
    {
      name: 'another refusal is named with its meaning (STATUS_NO_LOGON_SERVERS)',
      observations: healthy({ session: sessionLogonRefused(0xc000005e) }),
      findings: [
        {
          title:
            'The server refused the logon of EXAMPLE\\alice: STATUS_NO_LOGON_SERVERS (No domain controller was available to check the logon)',
        },
      ],
    },
    {
      name: 'a code no table holds keeps the name the probe recorded, or says unknown',
      observations: healthy({ session: sessionLogonRefused(0xc0001234) }),
      findings: [{ title: /: unknown status 0xc0001234$/ }],
    },
  ],
  notEvaluated: [
    {
      name: 'the session stage was skipped',
      observations: healthy({ session: skipped('session', 'the server offers no CredSSP') }),
    },
  ],
});

it('logon-failed: nothing password-like reaches the finding', () => {
  const { findings } = evaluateRules([rule], healthy({ session: sessionLogonRefused(0x8009030c) }));
  const text = JSON.stringify(findings);
  assert.doesNotMatch(text, /password"\s*:/i);
  assert.ok(!findings.some((finding) => finding.evidence.some((item) => /password/i.test(item.label))));
});

it('exactly one finding per refused logon, over every status the tables know and some they do not', () => {
  const ids = new Set<string>(LOGON_REFUSED_FINDING_IDS);
  const rules = DIAGNOSE_RULES.filter((candidate) => ids.has(candidate.meta.id));
  assert.equal(rules.length, ids.size);
  const codes = [
    ...LOGON_NTSTATUS_CODES.map((entry) => entry.value),
    ...SSPI_STATUS_CODES.map((entry) => entry.value),
    0xc0001234,
    undefined,
  ];
  for (const code of codes) {
    const { findings } = evaluateRules(rules, healthy({ session: sessionLogonRefused(code) }));
    assert.equal(findings.length, 1, `${code?.toString(16)}: ${findings.map((f) => f.id).join(', ')}`);
  }
});
