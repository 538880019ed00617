import { runProbe, type ProbeOptions } from './probe/run-probe.js';
import { credsspStage } from './probe/stages/credssp.js';
import { rdpSecurityStage } from './probe/stages/rdp-security.js';
import type { ProbeObservations } from './probe/types.js';
import { buildDiagnoseDocument, type DiagnoseDocument } from './report/diagnose-json.js';
import { DIAGNOSE_RULES } from './rules/diagnose/index.js';
import { type Evaluation, evaluateRules } from './rules/engine.js';
import { alertDescriptionName } from './wire/tls-alert.js';

export interface Diagnosis {
  readonly observations: ProbeObservations;
  readonly evaluation: Evaluation;
  readonly document: DiagnoseDocument;
}

export type DiagnoseOptions = Omit<ProbeOptions, 'extraStages' | 'alertName'>;

/** Probe a target, judge what was seen, and build the report document. */
export async function diagnose(
  target: { host: string; port: number },
  options: DiagnoseOptions & { version?: string } = {},
): Promise<Diagnosis> {
  const observations = await runProbe(target, {
    ...options,
    alertName: alertDescriptionName,
    extraStages: { credssp: credsspStage, rdpSecurity: rdpSecurityStage },
  });
  return judge(observations, options.version ?? '0.0.0');
}

/** Judge recorded observations (also used to replay a saved probe). */
export function judge(observations: ProbeObservations, version: string): Diagnosis {
  const evaluation = evaluateRules(DIAGNOSE_RULES, observations);
  return { observations, evaluation, document: buildDiagnoseDocument(observations, evaluation, version) };
}
