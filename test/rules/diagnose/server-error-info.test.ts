import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DIAGNOSE_RULES } from '../../../src/rules/diagnose/index.js';
import { rule } from '../../../src/rules/diagnose/server-error-info.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { ERROR_INFO_FINDING_IDS } from '../../../src/rules/finding-ids.js';
import { healthy, sessionErrorInfo, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    { name: 'ERRINFO_NONE', observations: healthy({ session: sessionErrorInfo(0x0, 'ERRINFO_NONE') }) },
    {
      name: 'a denial a specific rule names (0x7)',
      observations: healthy({ session: sessionErrorInfo(0x7, 'ERRINFO_SERVER_DENIED_CONNECTION') }),
    },
    {
      name: 'a licensing code',
      observations: healthy({ session: sessionErrorInfo(0x102, 'ERRINFO_LICENSE_NO_LICENSE') }),
    },
  ],
  invalid: [
    {
      name: 'ERRINFO_OUT_OF_MEMORY, named with its meaning',
      observations: healthy({ session: sessionErrorInfo(0x6, 'ERRINFO_OUT_OF_MEMORY', 'client-info') }),
      findings: [
        {
          severity: 'error',
          title:
            'The server ended the connection after the Client Info PDU: ERRINFO_OUT_OF_MEMORY (Server ran out of memory)',
          evidence: [
            { label: 'Set Error Info', value: '0x00000006 ERRINFO_OUT_OF_MEMORY', source: 'session' },
          ],
        },
      ],
    },
    {
      name: 'a code no table holds is kept and shown',
      observations: healthy({ session: sessionErrorInfo(0x2222, 'unknown error info 0x00002222') }),
      findings: [{ title: /: unknown error info 0x00002222$/ }],
    },
    {
      name: 'another connection took the session over (0x5)',
      observations: healthy({ session: sessionErrorInfo(0x5, 'ERRINFO_DISCONNECTED_BY_OTHERCONNECTION') }),
      findings: [{ title: /ERRINFO_DISCONNECTED_BY_OTHERCONNECTION/ }],
    },
  ],
  notEvaluated: [
    { name: 'the session stage was skipped', observations: healthy({ session: skipped('session', 'NLA') }) },
  ],
});

it('exactly one finding per error info code, over every code the tables know and some they do not', () => {
  const ids = new Set<string>(ERROR_INFO_FINDING_IDS);
  const rules = DIAGNOSE_RULES.filter((candidate) => ids.has(candidate.meta.id));
  assert.equal(rules.length, ids.size);
  const codes = [
    0x1, 0x3, 0x4, 0x5, 0x7, 0x9, 0xa, 0x100, 0x10a, 0x10b, 0x3ff, 0x400, 0x412, 0x413, 0x10c9, 0x1196,
  ];
  for (const code of codes) {
    const { findings } = evaluateRules(rules, healthy({ session: sessionErrorInfo(code, 'as recorded') }));
    assert.equal(findings.length, 1, `0x${code.toString(16)}: ${findings.map((f) => f.id).join(', ')}`);
  }
});
