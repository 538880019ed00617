/**
 * The `analyze` pipeline: reads every evidence file (event logs, .reg exports, collector documents
 * and bundles), runs the event rules over the records and the state rules over the machine state,
 * and builds the connection timeline, in one streaming pass over the records. It wires the rooms
 * together; it parses and judges nothing.
 */
import {
  EvidenceFileError,
  inputsOf,
  type OpenedEvidence,
  openEvidence,
  readFailure,
} from './evidence/load.js';
import { readMerged } from './evidence/sources.js';
import {
  buildStateEvidence,
  type StateSourceSummary,
  summariseStateSource,
} from './evidence/state/load-state.js';
import { type AddressTimeline, TimelineBuilder } from './evidence/timeline.js';
import type { EventRecord, EvidenceFileSummary, EvidenceKind } from './evidence/types.js';
import { corroborate, LOGS_EXPLAINED_BY } from './rules/corroboration.js';
import { evaluateRules, type RuleResult } from './rules/engine.js';
import { EVENT_RULES } from './rules/events/index.js';
import { startEventRules } from './rules/events/stream.js';
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
  /** Records read in all (in the window, when one was given). */
  readonly records: number;
}

const EVENT_LOG_KINDS: ReadonlySet<EvidenceKind> = new Set(['evtx', 'xml-export', 'json-export']);

const notEvaluatedOf = (results: readonly RuleResult[]) =>
  results.flatMap((result) =>
    result.outcome.status === 'not-evaluated' ? [{ id: result.id, reason: result.outcome.reason }] : [],
  );

export interface AnalyzeOptions {
  /** Records created at or after `since` and at or before `until`; the others are left out. */
  readonly since?: Date;
  readonly until?: Date;
  /** Every record read, as it is read: in time order across the inputs, each input's order kept. */
  readonly onEvent?: (event: EventRecord) => void;
  /**
   * Called after each batch of records with the bytes of the inputs read so far and in all;
   * reading waits for the promise it may return (the output draining).
   */
  readonly onBatch?: (read: number, total: number) => Promise<void> | undefined;
}

function unreadableOf(error: unknown): UnreadableInput {
  if (!(error instanceof EvidenceFileError)) throw error;
  return { path: error.path, problem: error.code, message: error.message };
}

/**
 * Reads every file and judges what was given: the event rules when an event log was given or
 * records were read (a collector's own events count), the state rules when a .reg export or a
 * collector document was given. So a .reg-only run does not list every event rule as
 * "not evaluated", nor a logs-only run every state rule. Records stream past the rules and the
 * timeline and are not kept: memory does not grow with the logs' size.
 */
export async function analyzeFiles(
  paths: readonly string[],
  options: AnalyzeOptions = {},
): Promise<AnalyzeReport> {
  const window =
    options.since || options.until
      ? {
          ...(options.since ? { since: options.since.getTime() } : {}),
          ...(options.until ? { until: options.until.getTime() } : {}),
        }
      : undefined;
  const opened: OpenedEvidence[] = [];
  const unreadable: UnreadableInput[] = [];
  for (const given of paths) {
    let inputs: string[];
    try {
      inputs = await inputsOf(given);
    } catch (error) {
      unreadable.push(unreadableOf(error));
      continue;
    }
    for (const path of inputs) {
      try {
        opened.push(await openEvidence(path, window));
      } catch (error) {
        unreadable.push(unreadableOf(error));
      }
    }
  }
  const rules = startEventRules(EVENT_RULES);
  const timeline = new TimelineBuilder();
  let records = 0;
  const sources = opened.flatMap((input) => input.sources);
  const total = sources.reduce((sum, source) => sum + source.size, 0);
  try {
    await readMerged(
      sources,
      (event) => {
        records++;
        rules.add(event);
        timeline.add(event);
        options.onEvent?.(event);
      },
      (source, error) => {
        unreadable.push(unreadableOf(readFailure(source.path, error)));
      },
      options.onBatch
        ? () =>
            options.onBatch!(
              sources.reduce((sum, source) => sum + source.position(), 0),
              total,
            )
        : undefined,
    );
  } finally {
    for (const input of opened) input.close();
  }
  const files = opened.flatMap((input) => input.summaries());
  const states = opened.flatMap((input) => (input.state ? [input.state] : []));
  const logged: Finding[] = [];
  const stated: Finding[] = [];
  const notEvaluated: { id: string; reason: string }[] = [];
  const eventLogGiven = files.some((file) => EVENT_LOG_KINDS.has(file.kind));
  if (eventLogGiven || records > 0) {
    const evaluation = rules.finish();
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
    timeline: timeline.finish(),
    records,
  };
}
