/**
 * `analyze --json --events` and `--jsonl` written as the records are read: a record is turned
 * into its JSON line and written out in batches, never gathered, so the output can be gigabytes
 * while memory stays one batch. The report follows the records (it is known only at the end).
 */
import type { AnalyzeReport } from '../analysis.js';
import type { EventRecord } from '../evidence/types.js';

/** Text gathered before it is written: big enough that writes are few, small beside memory. */
const FLUSH_CHARS = 1 << 20;

export interface AnalyzeOutput {
  /** One record, as it is read (only when the records are listed). */
  event(event: EventRecord): void;
  /** The report once everything is read; ends the output. */
  report(report: AnalyzeReport): void;
}

type Write = (text: string) => void;

function batched(write: Write) {
  let pending = '';
  return {
    add(text: string) {
      pending += text;
      if (pending.length >= FLUSH_CHARS) {
        write(pending);
        pending = '';
      }
    },
    flush() {
      if (pending !== '') write(pending);
      pending = '';
    },
  };
}

/**
 * One JSON document. With the records: `{"events":[` on the first line, one record a line, then
 * `],` and the report's own fields on the last line.
 */
export function analyzeJsonOutput(write: Write, listEvents: boolean): AnalyzeOutput {
  const out = batched(write);
  let count = 0;
  if (listEvents) out.add('{"events":[');
  return {
    event(event) {
      out.add(count++ === 0 ? `\n${JSON.stringify(event)}` : `,\n${JSON.stringify(event)}`);
    },
    report(report) {
      const fields = JSON.stringify(report);
      out.add(listEvents ? `\n],${fields.slice(1)}\n` : `${fields}\n`);
      out.flush();
    },
  };
}

/** JSON Lines: one record a line, then the report as one last line `{"report":{...}}`. */
export function analyzeJsonLinesOutput(write: Write): AnalyzeOutput {
  const out = batched(write);
  return {
    event(event) {
      out.add(`${JSON.stringify(event)}\n`);
    },
    report(report) {
      out.add(`${JSON.stringify({ report })}\n`);
      out.flush();
    },
  };
}
