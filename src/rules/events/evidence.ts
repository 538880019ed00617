import type { EventRecord, EvidenceFileSummary } from '../../evidence/types.js';
import type { Evidence, Rule, RuleOutcome, RuleReport } from '../types.js';

/** What event rules read: every record from every input, and the facts about the files. */
export interface EventEvidence {
  readonly events: readonly EventRecord[];
  readonly files: readonly EvidenceFileSummary[];
}

/** The logs a rule needs; a rule whose log is absent says "not evaluated", never "pass". */
export type EventNeed = 'security-log' | 'system-log' | 'rdpcorets-log' | 'rdpclient-log';

const CHANNEL_OF_NEED: Record<EventNeed, string> = {
  'security-log': 'Security',
  'system-log': 'System',
  'rdpcorets-log': 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
  // The client's own log (mstsc and the Remote Desktop ActiveX control), on the machine that connects.
  'rdpclient-log': 'Microsoft-Windows-TerminalServices-RDPClient/Operational',
};

/**
 * An event rule reads the records as they stream past and keeps only what its finding cites:
 * counts, a few records, bounded lists. `analyze` feeds every rule in one pass over every log,
 * whatever their size, handing each rule only the event ids it names.
 */
export interface EventRuleStream {
  add(event: EventRecord): void;
  /** The outcome once every record was added (the logs it needs are known to be present). */
  finish(): RuleOutcome;
}

export interface EventRule extends Rule<EventEvidence, EventNeed> {
  /** The event ids the rule reads; no other record reaches it. */
  readonly eventIds: readonly number[];
  start(): EventRuleStream;
}

/**
 * An event rule from its streaming parts; its `evaluate` runs the same stream over a list of
 * records (tests, and callers holding a few records).
 */
export function eventRule(definition: Omit<EventRule, 'evaluate'>): EventRule {
  return {
    ...definition,
    evaluate(evidence) {
      const notEvaluated = missingLogs(channelsOf(evidence.events), definition.meta.requires ?? []);
      if (notEvaluated) return notEvaluated;
      const stream = definition.start();
      const wanted = new Set(definition.eventIds);
      for (const event of evidence.events) if (wanted.has(event.eventId)) stream.add(event);
      return stream.finish();
    },
  };
}

export function channelsOf(events: readonly EventRecord[]): Set<string> {
  return new Set(events.map((event) => event.channel));
}

/** "not evaluated" unless at least one of `needs` has a record among the channels read. */
export function missingLogs(
  channels: ReadonlySet<string>,
  needs: readonly EventNeed[],
): RuleOutcome | undefined {
  const present = needs.length === 0 || needs.some((need) => channels.has(CHANNEL_OF_NEED[need]));
  if (present) return undefined;
  return {
    status: 'not-evaluated',
    reason: `no records from ${needs.map((need) => CHANNEL_OF_NEED[need]).join(' or ')}`,
  };
}

/** Records a finding cites, shown in evidence lines. */
export const SAMPLE_RECORDS = 5;
/** Record ids listed in a finding's data; the rest are counted. */
export const MAX_RECORD_IDS = 1000;
/** Distinct accounts listed in a finding's data; the rest are counted. */
export const MAX_ACCOUNTS = 100;

/**
 * What a finding keeps of the records it rests on, bounded whatever their number: how many, the
 * first few whole, the last one, the first MAX_RECORD_IDS ids, up to MAX_ACCOUNTS accounts.
 */
export class RecordTally {
  count = 0;
  readonly sample: EventRecord[] = [];
  last: EventRecord | undefined;
  readonly recordIds: number[] = [];
  readonly accounts = new Set<string>();
  accountsOmitted = 0;

  add(event: EventRecord, account?: string): void {
    this.count++;
    if (this.sample.length < SAMPLE_RECORDS) this.sample.push(event);
    this.last = event;
    if (this.recordIds.length < MAX_RECORD_IDS) this.recordIds.push(event.recordId);
    if (account !== undefined && !this.accounts.has(account)) {
      if (this.accounts.size < MAX_ACCOUNTS) this.accounts.add(account);
      else this.accountsOmitted++;
    }
  }

  get first(): EventRecord | undefined {
    return this.sample[0];
  }

  /** count and recordIds for a finding's data, saying how many ids were left out. */
  data(): { count: number; recordIds: number[]; recordIdsOmitted?: number } {
    const omitted = this.count - this.recordIds.length;
    return {
      count: this.count,
      recordIds: this.recordIds,
      ...(omitted > 0 ? { recordIdsOmitted: omitted } : {}),
    };
  }

  /** The accounts for a finding's data, saying how many were left out. */
  accountData(): { accounts: string[]; accountsOmitted?: number } {
    return {
      accounts: [...this.accounts],
      ...(this.accountsOmitted > 0 ? { accountsOmitted: this.accountsOmitted } : {}),
    };
  }
}

/** "2018-07-06T18:45:47.0178202Z System 1056 #201": names the record an evidence line rests on. */
export function recordSource(event: EventRecord): string {
  return `${event.time || 'no time'} ${event.channel} event ${event.eventId} record ${event.recordId}`;
}

/** Evidence lines for the records a tally kept plus a count line for the rest. */
export function recordEvidence(
  tally: RecordTally,
  label: string,
  value: (event: EventRecord) => string,
): Evidence[] {
  const lines: Evidence[] = tally.sample.map((event) => ({
    label,
    value: value(event),
    source: recordSource(event),
  }));
  if (tally.count > tally.sample.length)
    lines.push({ label: 'more records', value: tally.count - tally.sample.length });
  return lines;
}

/** Pass when the tally is empty, else the one report it makes. */
export function tallyOutcome(tally: RecordTally, report: () => RuleReport): RuleOutcome {
  return tally.count === 0 ? { status: 'pass' } : { status: 'found', reports: [report()] };
}

export function outcome(reports: RuleReport[]): RuleOutcome {
  return reports.length > 0 ? { status: 'found', reports } : { status: 'pass' };
}

/** IPv4/IPv6 address without port or brackets ("[10.0.2.16]:59407" -> "10.0.2.16"); '' when absent. */
export function addressOnly(text: string | undefined): string {
  if (!text || text === '-' || text === '::1' || text === '127.0.0.1' || text === 'LOCAL')
    return text === 'LOCAL' ? '' : (text ?? '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(text);
  if (v4) return v4[1]!;
  return text;
}
