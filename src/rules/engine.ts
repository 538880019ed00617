import { type Finding, type Rule, type RuleOutcome, rankFixes, SEVERITY_ORDER } from './types.js';

export interface RuleResult {
  readonly id: string;
  readonly outcome: RuleOutcome;
}

export interface Evaluation {
  readonly findings: Finding[];
  /** Every rule's outcome, so "not evaluated" is visible and never mistaken for a pass. */
  readonly results: RuleResult[];
}

/**
 * Runs rules over observations and turns their reports into findings. A rule that throws is our
 * bug, not the server's state: it becomes a not-evaluated result naming the error.
 */
export function evaluateRules<O>(rules: readonly Rule<O>[], observations: O): Evaluation {
  const findings: Finding[] = [];
  const results: RuleResult[] = [];
  for (const rule of rules) {
    let outcome: RuleOutcome;
    try {
      outcome = rule.evaluate(observations, { earlier: findings });
    } catch (error) {
      outcome = { status: 'not-evaluated', reason: `internal error: ${(error as Error).message}` };
    }
    results.push({ id: rule.meta.id, outcome });
    if (outcome.status !== 'found') continue;
    for (const report of outcome.reports) {
      findings.push({
        id: rule.meta.id,
        severity: report.severity ?? rule.meta.severity,
        title: report.title ?? rule.meta.title,
        explanation: rule.meta.docs.explanation,
        evidence: report.evidence,
        clientErrors: report.clientErrors ?? rule.meta.clientErrors,
        fixes: rankFixes([...(report.fixes ?? []), ...(report.replaceFixes ? [] : rule.meta.fixes)]),
        ...(report.data ? { data: report.data } : {}),
      });
    }
  }
  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return { findings, results };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
