import type { EventRecord } from '../../evidence/types.js';
import { type Evaluation, evaluateRules } from '../engine.js';
import type { Rule } from '../types.js';
import { type EventRule, type EventRuleStream, missingLogs } from './evidence.js';

/** The event rules fed in one pass over the records, and judged once every log was read. */
export interface EventRulesRun {
  add(event: EventRecord): void;
  /** The channels seen so far (a log is present when one of its records was read). */
  readonly channels: ReadonlySet<string>;
  finish(): Evaluation;
}

interface Started {
  readonly rule: EventRule;
  readonly stream: EventRuleStream;
  /** What the rule threw while reading, if it did: our bug, reported as not evaluated. */
  failure?: Error;
}

export function startEventRules(rules: readonly EventRule[]): EventRulesRun {
  const started: Started[] = rules.map((rule) => ({ rule, stream: rule.start() }));
  // Each record goes only to the rules naming its event id: most records reach none.
  const byId = new Map<number, Started[]>();
  for (const entry of started)
    for (const id of new Set(entry.rule.eventIds)) {
      const list = byId.get(id);
      if (list) list.push(entry);
      else byId.set(id, [entry]);
    }
  const channels = new Set<string>();
  let lastChannel: string | undefined;
  return {
    channels,
    add(event) {
      if (event.channel !== lastChannel) {
        channels.add(event.channel);
        lastChannel = event.channel;
      }
      const readers = byId.get(event.eventId);
      if (readers === undefined) return;
      for (const entry of readers) {
        if (entry.failure) continue;
        try {
          entry.stream.add(event);
        } catch (error) {
          entry.failure = error as Error;
        }
      }
    },
    finish() {
      // The engine turns reports into findings and a throw into "not evaluated" as for every rule.
      const judged: Rule<undefined>[] = started.map(({ rule, stream, failure }) => ({
        meta: rule.meta,
        evaluate() {
          const notEvaluated = missingLogs(channels, rule.meta.requires ?? []);
          if (notEvaluated) return notEvaluated;
          if (failure) throw failure;
          return stream.finish();
        },
      }));
      return evaluateRules(judged, undefined);
    },
  };
}
