import { isProvider } from '../../data/events/event-ids.js';
import type { EventRecord, EvidenceFileSummary } from '../../evidence/types.js';
import type { Evidence, RuleOutcome, RuleReport } from '../types.js';

/** What event rules read: every record from every input, and the facts about the files. */
export interface EventEvidence {
  readonly events: readonly EventRecord[];
  readonly files: readonly EvidenceFileSummary[];
}

/** The logs a rule needs; a rule whose log is absent says "not evaluated", never "pass". */
export type EventNeed = 'security-log' | 'system-log' | 'rdpcorets-log';

const CHANNEL_OF_NEED: Record<EventNeed, string> = {
  'security-log': 'Security',
  'system-log': 'System',
  'rdpcorets-log': 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
};

/** The need that is satisfied by at least one record of its log, if any of `needs` is. */
export function missingLogs(evidence: EventEvidence, needs: readonly EventNeed[]): RuleOutcome | undefined {
  const present = needs.some((need) =>
    evidence.events.some((event) => event.channel === CHANNEL_OF_NEED[need]),
  );
  if (present) return undefined;
  return {
    status: 'not-evaluated',
    reason: `no records from ${needs.map((need) => CHANNEL_OF_NEED[need]).join(' or ')}`,
  };
}

export function matching(
  evidence: EventEvidence,
  provider: string,
  eventIds: readonly number[],
): EventRecord[] {
  return evidence.events.filter(
    (event) => eventIds.includes(event.eventId) && isProvider(event.provider, provider),
  );
}

/** "2018-07-06T18:45:47.0178202Z System 1056 #201": names the record an evidence line rests on. */
export function recordSource(event: EventRecord): string {
  return `${event.time || 'no time'} ${event.channel} event ${event.eventId} record ${event.recordId}`;
}

/** Evidence lines for the first `limit` records plus a count line for the rest. */
export function recordEvidence(
  events: readonly EventRecord[],
  label: string,
  value: (event: EventRecord) => string,
  limit = 5,
): Evidence[] {
  const lines: Evidence[] = events
    .slice(0, limit)
    .map((event) => ({ label, value: value(event), source: recordSource(event) }));
  if (events.length > limit) lines.push({ label: 'more records', value: events.length - limit });
  return lines;
}

export function outcome(reports: RuleReport[]): RuleOutcome {
  return reports.length > 0 ? { status: 'found', reports } : { status: 'pass' };
}

export function recordIds(events: readonly EventRecord[]): number[] {
  return events.map((event) => event.recordId);
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
