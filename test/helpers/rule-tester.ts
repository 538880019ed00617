/**
 * A table-driven tester for diagnose rules, after ESLint's RuleTester: `valid` observations give a
 * pass, `invalid` ones give exactly the listed findings (severity, title, evidence they contain),
 * `notEvaluated` ones give "not evaluated" (never a pass). Observations are deep-frozen, so a rule
 * that mutates its input throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeObservations } from '../../src/probe/types.js';
import { evaluateRules } from '../../src/rules/engine.js';
import type { Evidence, Finding, Rule, Severity } from '../../src/rules/types.js';

export interface ExpectedEvidence {
  readonly label: string | RegExp;
  readonly value?: string | number | boolean | RegExp;
  readonly source?: string;
}

export interface ExpectedFinding {
  readonly severity?: Severity;
  readonly title?: string | RegExp;
  readonly evidence?: readonly ExpectedEvidence[];
}

export interface Case {
  readonly name: string;
  readonly observations: ProbeObservations;
}

export interface InvalidCase extends Case {
  readonly findings: readonly ExpectedFinding[];
}

export interface NotEvaluatedCase extends Case {
  /** Part of the reason, or a pattern it must match. */
  readonly reason?: string | RegExp;
}

export interface RuleCases {
  readonly valid: readonly Case[];
  readonly invalid: readonly InvalidCase[];
  readonly notEvaluated: readonly NotEvaluatedCase[];
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function matches(expected: string | number | boolean | RegExp, actual: string | number | boolean): boolean {
  return expected instanceof RegExp ? expected.test(String(actual)) : expected === actual;
}

function hasEvidence(evidence: readonly Evidence[], wanted: ExpectedEvidence): boolean {
  return evidence.some(
    (item) =>
      matches(wanted.label, item.label) &&
      (wanted.value === undefined || matches(wanted.value, item.value)) &&
      (wanted.source === undefined || wanted.source === item.source),
  );
}

function checkFinding(finding: Finding, expected: ExpectedFinding, index: number): void {
  assert.ok(finding.evidence.length > 0, `finding ${index} carries no evidence`);
  if (expected.severity) assert.equal(finding.severity, expected.severity, `finding ${index} severity`);
  if (expected.title !== undefined) {
    assert.ok(
      matches(expected.title, finding.title),
      `finding ${index} title ${JSON.stringify(finding.title)} does not match ${String(expected.title)}`,
    );
  }
  for (const wanted of expected.evidence ?? []) {
    assert.ok(
      hasEvidence(finding.evidence, wanted),
      `finding ${index} lacks evidence ${String(wanted.label)}=${String(wanted.value)}; has ${JSON.stringify(finding.evidence)}`,
    );
  }
}

/** One table of cases for any rule: its input, and (invalid cases) the findings it must give. */
export interface RuleTable<C> {
  readonly valid: readonly C[];
  readonly invalid: readonly (C & { readonly findings: readonly ExpectedFinding[] })[];
  readonly notEvaluated: readonly (C & { readonly reason?: string | RegExp })[];
}

/**
 * The tester's core, shared by every room's rules: `inputOf` gives a case's input (deep-frozen
 * here), `checkEach` adds a room's own check of every finding.
 */
export function testRuleTable<O, C extends { readonly name: string }>(
  title: string,
  rule: Rule<O>,
  cases: RuleTable<C>,
  inputOf: (testCase: C) => O,
  checkEach: (finding: Finding) => void = () => {},
): void {
  const frozen = (testCase: C): O => deepFreeze(structuredClone(inputOf(testCase)));
  describe(title, () => {
    it('has valid, invalid and not-evaluated cases', () => {
      assert.ok(cases.valid.length > 0, 'no valid case');
      assert.ok(cases.invalid.length > 0, 'no invalid case');
      assert.ok(cases.notEvaluated.length > 0, 'no not-evaluated case');
    });

    for (const testCase of cases.valid) {
      it(`valid: ${testCase.name}`, () => {
        assert.deepEqual(rule.evaluate(frozen(testCase)), { status: 'pass' });
      });
    }

    for (const testCase of cases.invalid) {
      it(`invalid: ${testCase.name}`, () => {
        const input = frozen(testCase);
        // Called directly first so a throwing rule fails the test instead of becoming not-evaluated.
        const outcome = rule.evaluate(input);
        assert.equal(outcome.status, 'found', `expected findings, got ${JSON.stringify(outcome)}`);
        const { findings } = evaluateRules([rule], input);
        assert.equal(
          findings.length,
          testCase.findings.length,
          `finding count: ${JSON.stringify(findings.map((f) => f.title))}`,
        );
        testCase.findings.forEach((expected, index) => {
          const finding = findings[index];
          assert.ok(finding);
          checkFinding(finding, expected, index);
          checkEach(finding);
        });
      });
    }

    for (const testCase of cases.notEvaluated) {
      it(`not evaluated: ${testCase.name}`, () => {
        const outcome = rule.evaluate(frozen(testCase));
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

export function ruleTester<O extends ProbeObservations>(rule: Rule<O>, cases: RuleCases): void {
  testRuleTable<O, Case>(`rule ${rule.meta.id}`, rule, cases, (testCase) => testCase.observations as O);
}
