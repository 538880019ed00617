import { evaluateRules } from '../rules/engine.js';
import { EVENT_RULES } from '../rules/events/index.js';
import type { Finding } from '../rules/types.js';
import { EvidenceFileError, loadEvidence } from './load.js';
import { type AddressTimeline, buildTimeline } from './timeline.js';
import type { EventRecord, EvidenceFileSummary } from './types.js';

/** An input that could not be read, with why; the other inputs are still analysed. */
export interface UnreadableInput {
  readonly path: string;
  readonly problem: EvidenceFileError['code'];
  /** One line: the path and what is wrong with it. */
  readonly message: string;
}

export interface AnalyzeReport {
  readonly files: readonly EvidenceFileSummary[];
  /** The inputs that could not be read: nothing in `findings` comes from them. */
  readonly unreadable: readonly UnreadableInput[];
  readonly findings: readonly Finding[];
  /** Rules that could not run, with why (their log was not given). */
  readonly notEvaluated: readonly { readonly id: string; readonly reason: string }[];
  readonly timeline: readonly AddressTimeline[];
  readonly events: readonly EventRecord[];
}

/** Reads every file, runs the event rules over all their records, and builds the timeline. */
export async function analyzeFiles(paths: readonly string[], since?: Date): Promise<AnalyzeReport> {
  const files: EvidenceFileSummary[] = [];
  const events: EventRecord[] = [];
  const unreadable: UnreadableInput[] = [];
  for (const path of paths) {
    try {
      const loaded = await loadEvidence(path);
      files.push(loaded.file);
      for (const event of loaded.events) {
        if (since && !(Date.parse(event.time) >= since.getTime())) continue;
        events.push(event);
      }
    } catch (error) {
      if (!(error instanceof EvidenceFileError)) throw error;
      unreadable.push({ path: error.path, problem: error.code, message: error.message });
    }
  }
  const evaluation = evaluateRules(EVENT_RULES, Object.freeze({ events, files }));
  const notEvaluated = evaluation.results.flatMap((result) =>
    result.outcome.status === 'not-evaluated' ? [{ id: result.id, reason: result.outcome.reason }] : [],
  );
  return {
    files,
    unreadable,
    findings: evaluation.findings,
    notEvaluated,
    timeline: buildTimeline(events),
    events,
  };
}
