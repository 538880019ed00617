import type { ProbeObservations } from './probe/types.js';
import { buildDiagnoseDocument, type DiagnoseDocument, reachedOf } from './report/diagnose-json.js';
import { verdictFor } from './report/verdict.js';
import { clientVerdicts } from './rules/diagnose/client-incompatible.js';
import { scanGaps } from './rules/diagnose/completeness.js';
import { DIAGNOSE_RULES } from './rules/diagnose/index.js';
import { corroborate, evidenceMachine, type MachineIdentity } from './rules/corroboration.js';
import { type Evaluation, evaluateRules } from './rules/engine.js';
import type { Finding } from './rules/types.js';
import type { DiagnoseEvidenceSummary } from './report/diagnose-json.js';

/** What `diagnose --evidence` read from the machines (built by the analysis pipeline). */
export interface JudgeEvidence {
  readonly findings: readonly Finding[];
  readonly files: DiagnoseEvidenceSummary['files'];
  readonly unreadable: DiagnoseEvidenceSummary['unreadable'];
  readonly identities: readonly MachineIdentity[];
}

/**
 * The probe's findings joined with the evidence's: merged where one explains the other, unless
 * the evidence is shown to come from another machine (then side by side, never merged).
 */
function withEvidence(
  observations: ProbeObservations,
  evaluation: Evaluation,
  evidence: JudgeEvidence,
): { evaluation: Evaluation; summary: DiagnoseEvidenceSummary } {
  const served = observations.certificate?.observation?.chain[0]?.sha1Thumbprint;
  const machine = evidenceMachine(
    { host: observations.target.host, ...(served ? { servedThumbprint: served } : {}) },
    evidence.identities,
  );
  // Another machine's problems are not this host's: listed apart, out of the verdict and exit code.
  const other = machine.match === 'different';
  const findings = corroborate(evaluation.findings, other ? [] : evidence.findings);
  return {
    evaluation: { ...evaluation, findings },
    summary: {
      files: evidence.files,
      unreadable: evidence.unreadable,
      machine,
      confirmed: findings.filter((finding) => finding.origin === 'both').length,
      ...(other ? { otherMachineFindings: evidence.findings } : {}),
    },
  };
}

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
  options: { timeoutMs?: number; evidence?: JudgeEvidence } = {},
): Diagnosis {
  const probed = evaluateRules(DIAGNOSE_RULES, observations);
  const joined = options.evidence ? withEvidence(observations, probed, options.evidence) : undefined;
  const all = joined?.evaluation ?? probed;
  const evidence = joined ? { evidence: joined.summary } : {};
  const verdicts = clientVerdicts(observations);
  const gaps = scanGaps(observations, options);
  if (!client) {
    const document = buildDiagnoseDocument(observations, all, version, {
      ...(verdicts ? { clients: verdicts } : {}),
      gaps,
      ...evidence,
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
  const general = verdictFor(evaluation.findings, { gaps, ...reachedOf(observations) });
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
    ...evidence,
  });
  return { observations, evaluation, document };
}
