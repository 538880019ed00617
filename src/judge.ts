import type { ProbeObservations } from './probe/types.js';
import { buildDiagnoseDocument, type DiagnoseDocument } from './report/diagnose-json.js';
import { verdictFor } from './report/verdict.js';
import { clientVerdicts } from './rules/diagnose/client-incompatible.js';
import { scanGaps } from './rules/diagnose/completeness.js';
import { DIAGNOSE_RULES } from './rules/diagnose/index.js';
import { type Evaluation, evaluateRules } from './rules/engine.js';

export interface Diagnosis {
  readonly observations: ProbeObservations;
  readonly evaluation: Evaluation;
  readonly document: DiagnoseDocument;
}

/**
 * Judge recorded observations (also used to replay a saved probe). With `client` (a profile id),
 * client-incompatible findings of other profiles are left out and the verdict speaks for that client.
 */
export function judge(
  observations: ProbeObservations,
  version: string,
  client?: string,
  options: { timeoutMs?: number } = {},
): Diagnosis {
  const all = evaluateRules(DIAGNOSE_RULES, observations);
  const verdicts = clientVerdicts(observations);
  const gaps = scanGaps(observations, options);
  if (!client) {
    const document = buildDiagnoseDocument(observations, all, version, {
      ...(verdicts ? { clients: verdicts } : {}),
      gaps,
    });
    return { observations, evaluation: all, document };
  }
  const evaluation = {
    ...all,
    findings: all.findings.filter(
      (finding) =>
        finding.id !== 'client-incompatible' ||
        ((finding.data?.profiles as readonly string[] | undefined) ?? []).includes(client),
    ),
  };
  const focused = verdicts?.find((verdict) => verdict.profile === client);
  const general = verdictFor(evaluation.findings, { gaps });
  const verdict = !focused
    ? general
    : focused.compatible === false
      ? `${focused.name} clients fail${focused.predictedError ? ` with ${focused.predictedError}` : ''}: ${focused.reason}`
      : focused.compatible
        ? `${focused.name} clients complete TLS (${focused.version}, ${focused.cipher}). ${general}`
        : `${focused.name}: ${focused.reason}. ${general}`;
  const document = buildDiagnoseDocument(observations, evaluation, version, {
    ...(focused ? { clients: [focused] } : {}),
    focusClient: client,
    verdict,
    gaps,
  });
  return { observations, evaluation, document };
}
