/**
 * The table-driven tester of test/helpers/rule-tester.ts for state rules: `valid` machine state
 * gives a pass, `invalid` gives exactly the listed findings, `notEvaluated` gives "not evaluated"
 * (never a pass). The evidence is deep-frozen, so a rule that mutates it throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StateEvidence } from '../../src/evidence/state/types.js';
import { evaluateRules } from '../../src/rules/engine.js';
import type { Rule, RuleOutcome } from '../../src/rules/types.js';
import { checkFinding, deepFreeze, type ExpectedFinding } from './rule-tester.js';

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

const frozen = (state: StateEvidence): StateEvidence => deepFreeze(structuredClone(state));

export function stateRuleTester(rule: Rule<StateEvidence>, cases: StateRuleCases): void {
  describe(`state rule ${rule.meta.id}`, () => {
    it('has valid, invalid and not-evaluated cases', () => {
      assert.ok(cases.valid.length > 0, 'no valid case');
      assert.ok(cases.invalid.length > 0, 'no invalid case');
      assert.ok(cases.notEvaluated.length > 0, 'no not-evaluated case');
    });

    for (const testCase of cases.valid) {
      it(`valid: ${testCase.name}`, () => {
        assert.deepEqual(rule.evaluate(frozen(testCase.state)), { status: 'pass' });
      });
    }

    for (const testCase of cases.invalid) {
      it(`invalid: ${testCase.name}`, () => {
        const state = frozen(testCase.state);
        // Called directly first so a throwing rule fails the test instead of becoming not-evaluated.
        const outcome: RuleOutcome = rule.evaluate(state);
        assert.equal(outcome.status, 'found', `expected findings, got ${JSON.stringify(outcome)}`);
        const { findings } = evaluateRules([rule], state);
        assert.equal(
          findings.length,
          testCase.findings.length,
          `finding count: ${JSON.stringify(findings.map((f) => f.title))}`,
        );
        testCase.findings.forEach((expected, index) => {
          const finding = findings[index];
          assert.ok(finding);
          checkFinding(finding, expected, index);
          // Every evidence line of a state finding names where it was read.
          for (const line of finding.evidence.filter((e) => !e.verboseOnly && e.label !== 'Group Policy'))
            assert.ok(line.source, `evidence ${line.label} has no source`);
        });
      });
    }

    for (const testCase of cases.notEvaluated) {
      it(`not evaluated: ${testCase.name}`, () => {
        const outcome = rule.evaluate(frozen(testCase.state));
        assert.equal(
          outcome.status,
          'not-evaluated',
          `expected not-evaluated, got ${JSON.stringify(outcome)}`,
        );
        if (outcome.status === 'not-evaluated' && testCase.reason !== undefined) {
          const reason = testCase.reason;
          assert.ok(
            typeof reason === 'string' ? outcome.reason.includes(reason) : reason.test(outcome.reason),
            `reason ${JSON.stringify(outcome.reason)}`,
          );
        }
      });
    }
  });
}
