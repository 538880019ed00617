import { isProvider } from '../../data/events/event-ids.js';
import type { EventRecord, EvidenceFileSummary } from '../../evidence/types.js';
import type { Evidence, RuleOutcome, RuleReport } from '../types.js';

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

/** The channels present and the records by event id (in order), made once per record list. */
interface EventIndex {
  readonly length: number;
  readonly channels: ReadonlySet<string>;
  readonly byId: ReadonlyMap<number, readonly EventRecord[]>;
}

const INDEXES = new WeakMap<readonly EventRecord[], EventIndex>();

/** One pass over the records for all the rules (each asks for its logs and event ids). */
function indexOf(events: readonly EventRecord[]): EventIndex {
  let index = INDEXES.get(events);
  // INVARIANT: rules never add records; a list that grew anyway gets a new index.
  if (index === undefined || index.length !== events.length) {
    const channels = new Set<string>();
    const byId = new Map<number, EventRecord[]>();
    for (const event of events) {
      channels.add(event.channel);
      const list = byId.get(event.eventId);
      if (list) list.push(event);
      else byId.set(event.eventId, [event]);
    }
    index = { length: events.length, channels, byId };
    INDEXES.set(events, index);
  }
  return index;
}

/** The need that is satisfied by at least one record of its log, if any of `needs` is. */
export function missingLogs(evidence: EventEvidence, needs: readonly EventNeed[]): RuleOutcome | undefined {
  const { channels } = indexOf(evidence.events);
  const present = needs.some((need) => channels.has(CHANNEL_OF_NEED[need]));
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
  if (eventIds.length === 1) {
    const records = indexOf(evidence.events).byId.get(eventIds[0]!) ?? [];
    return records.filter((event) => isProvider(event.provider, provider));
  }
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
