/**
 * The table-driven tester of test/helpers/rule-tester.ts for state rules: `valid` machine state
 * gives a pass, `invalid` gives exactly the listed findings, `notEvaluated` gives "not evaluated"
 * (never a pass). The evidence is deep-frozen, so a rule that mutates it throws.
 */
import assert from 'node:assert/strict';
import type { StateEvidence } from '../../src/evidence/state/types.js';
import type { Rule } from '../../src/rules/types.js';
import { type ExpectedFinding, testRuleTable } from './rule-tester.js';

export interface StateCase {
  readonly name: string;
  readonly state: StateEvidence;
}

export interface InvalidStateCase extends StateCase {
  readonly findings: readonly ExpectedFinding[];
}

export interface NotEvaluatedStateCase extends StateCase {
  readonly reason?: string | RegExp;
}

export interface StateRuleCases {
  readonly valid: readonly StateCase[];
  readonly invalid: readonly InvalidStateCase[];
  readonly notEvaluated: readonly NotEvaluatedStateCase[];
}

export function stateRuleTester(rule: Rule<StateEvidence>, cases: StateRuleCases): void {
  testRuleTable<StateEvidence, StateCase>(
    `state rule ${rule.meta.id}`,
    rule,
    cases,
    (testCase) => testCase.state,
    (finding) => {
      // Every evidence line of a state finding names where it was read.
      for (const line of finding.evidence.filter((e) => !e.verboseOnly && e.label !== 'Group Policy'))
        assert.ok(line.source, `evidence ${line.label} has no source`);
    },
  );
}
