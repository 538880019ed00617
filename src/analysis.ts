/**
 * The `analyze` pipeline: reads every evidence file (event logs, .reg exports, collector documents
 * and bundles), runs the event rules over the records and the state rules over the machine state,
 * and builds the connection timeline. It wires the rooms together; it parses and judges nothing.
 */
import { EvidenceFileError, loadEvidence } from './evidence/load.js';
import {
  buildStateEvidence,
  type LoadedStateSource,
  type StateSourceSummary,
  summariseStateSource,
} from './evidence/state/load-state.js';
import { type AddressTimeline, buildTimeline } from './evidence/timeline.js';
import type { EventRecord, EvidenceFileSummary, EvidenceKind } from './evidence/types.js';
import { corroborate, LOGS_EXPLAINED_BY } from './rules/corroboration.js';
import { evaluateRules, type RuleResult } from './rules/engine.js';
import { EVENT_RULES } from './rules/events/index.js';
import { type Finding, SEVERITY_ORDER } from './rules/types.js';

/** An input that could not be read, with why; the other inputs are still analysed. */
export interface UnreadableInput {
  readonly path: string;
  readonly problem: EvidenceFileError['code'];
  /** One line: the path and what is wrong with it. */
  readonly message: string;
}

export interface AnalyzeReport {
  readonly files: readonly EvidenceFileSummary[];
  /** The machine-state sources among them (.reg exports, collector documents). */
  readonly sources: readonly StateSourceSummary[];
  /** The inputs that could not be read: nothing in `findings` comes from them. */
  readonly unreadable: readonly UnreadableInput[];
  readonly findings: readonly Finding[];
  /** Rules that could not run, with why (their log or section was not given). */
  readonly notEvaluated: readonly { readonly id: string; readonly reason: string }[];
  readonly timeline: readonly AddressTimeline[];
  readonly events: readonly EventRecord[];
}

const EVENT_LOG_KINDS: ReadonlySet<EvidenceKind> = new Set(['evtx', 'xml-export', 'json-export']);

const notEvaluatedOf = (results: readonly RuleResult[]) =>
  results.flatMap((result) =>
    result.outcome.status === 'not-evaluated' ? [{ id: result.id, reason: result.outcome.reason }] : [],
  );

/**
 * Reads every file and judges what was given: the event rules when an event log was given or
 * records were read (a collector's own events count), the state rules when a .reg export or a
 * collector document was given. So a .reg-only run does not list every event rule as
 * "not evaluated", nor a logs-only run every state rule.
 */
export async function analyzeFiles(paths: readonly string[], since?: Date): Promise<AnalyzeReport> {
  const files: EvidenceFileSummary[] = [];
  const events: EventRecord[] = [];
  const states: LoadedStateSource[] = [];
  const unreadable: UnreadableInput[] = [];
  for (const path of paths) {
    try {
      const loaded = await loadEvidence(path);
      files.push(...loaded.files);
      if (loaded.state) states.push(loaded.state);
      for (const event of loaded.events) {
        if (since && !(Date.parse(event.time) >= since.getTime())) continue;
        events.push(event);
      }
    } catch (error) {
      if (!(error instanceof EvidenceFileError)) throw error;
      unreadable.push({ path: error.path, problem: error.code, message: error.message });
    }
  }
  const logged: Finding[] = [];
  const stated: Finding[] = [];
  const notEvaluated: { id: string; reason: string }[] = [];
  const eventLogGiven = files.some((file) => EVENT_LOG_KINDS.has(file.kind));
  if (eventLogGiven || events.length > 0) {
    const evaluation = evaluateRules(EVENT_RULES, Object.freeze({ events, files }));
    logged.push(...evaluation.findings);
    notEvaluated.push(...notEvaluatedOf(evaluation.results));
  }
  if (states.length > 0) {
    // The state rules (and the fix scripts they offer) load only when machine state was given.
    const { STATE_RULES } = await import('./rules/state/index.js');
    const evaluation = evaluateRules(STATE_RULES, Object.freeze(buildStateEvidence(states)));
    stated.push(...evaluation.findings);
    notEvaluated.push(...notEvaluatedOf(evaluation.results));
  }
  // What the logs show and the state that explains it are one cause, not two findings.
  const findings: Finding[] = corroborate(logged, stated, LOGS_EXPLAINED_BY).map(
    ({ origin: _origin, ...finding }) => finding,
  );
  return {
    files,
    sources: states.map(summariseStateSource),
    unreadable,
    // Each evaluation sorts its own; together they are sorted again (stable), errors first.
    findings: findings.sort(
      (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
    ),
    notEvaluated,
    timeline: buildTimeline(events),
    events,
  };
}
