/**
 * The shared table of a refused-logon rule (account-locked-out, password-expired ...): no finding
 * without --user, when the credentials were accepted or for a wrong password (logon-failed's);
 * the finding for its status code, naming the user and the code; not evaluated without the stage.
 * Its fixes name the account the logon check used (without the domain), its metadata a placeholder.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ProbeObservations } from '../../src/probe/types.js';
import { ACCOUNT_PLACEHOLDER } from '../../src/rules/diagnose/helpers.js';
import { evaluateRules } from '../../src/rules/engine.js';
import type { Rule } from '../../src/rules/types.js';
import { healthy, sessionLogonAccepted, sessionLogonRefused, skipped } from './observations.js';
import { type InvalidCase, ruleTester } from './rule-tester.js';

export interface LogonRuleTable {
  /** The NTSTATUS the server answers, and its name in src/data/ntstatus.ts. */
  readonly code: number;
  readonly name: string;
  readonly title: string | RegExp;
  /** Further codes the rule also covers. */
  readonly moreInvalid?: readonly InvalidCase[];
  /** False for rules whose fixes are the same for every account. */
  readonly fixesNameTheAccount?: boolean;
}

export function logonRuleTester(rule: Rule<ProbeObservations>, table: LogonRuleTable): void {
  ruleTester(rule, {
    valid: [
      { name: 'no --user: no logon check', observations: healthy() },
      { name: 'the credentials were accepted', observations: healthy({ session: sessionLogonAccepted() }) },
      {
        name: 'a wrong password is logon-failed',
        observations: healthy({ session: sessionLogonRefused(0x8009030c, 'SEC_E_LOGON_DENIED') }),
      },
    ],
    invalid: [
      {
        name: table.name,
        observations: healthy({ session: sessionLogonRefused(table.code, table.name) }),
        findings: [
          {
            severity: 'error',
            title: table.title,
            evidence: [
              { label: 'user', value: 'EXAMPLE\\alice', source: 'session' },
              { label: 'server answer', value: new RegExp(`^0x${table.code.toString(16)} ${table.name}: `) },
            ],
          },
        ],
      },
      ...(table.moreInvalid ?? []),
    ],
    notEvaluated: [
      {
        name: 'the session stage was skipped',
        observations: healthy({ session: skipped('session', 'NLA') }),
      },
      { name: 'the session stage did not run', observations: healthy({ session: undefined }) },
    ],
  });

  if (table.fixesNameTheAccount === false) return;
  it(`${rule.meta.id}: the fixes name the account (without its domain), the metadata a placeholder`, () => {
    const [finding] = evaluateRules([rule], healthy({ session: sessionLogonRefused(table.code) })).findings;
    assert.ok(finding && finding.fixes.length > 0);
    const fixes = JSON.stringify(finding.fixes);
    assert.ok(!fixes.includes(ACCOUNT_PLACEHOLDER) && fixes.includes("'alice'"), fixes);
    assert.ok(JSON.stringify(rule.meta.fixes).includes(ACCOUNT_PLACEHOLDER));
  });
}
