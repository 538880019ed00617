import { isProvider, Provider } from '../data/events/event-ids.js';
import type { EventRecord } from './types.js';

/** How far a connection got, in order. */
export const STAGES = ['tcp', 'tls', 'nla', 'logon', 'session'] as const;
export type Stage = (typeof STAGES)[number];

export interface ConnectionAttempt {
  readonly start: string;
  /** The furthest stage a record shows this attempt reached. */
  readonly furthest: Stage;
  /** The stage at which a failure record was logged, if any, and what it says. */
  readonly failedAt?: Stage;
  readonly failure?: string;
  /** The attempt's records, the first MAX_RECORDS_PER_ATTEMPT of them. */
  readonly records: readonly { readonly eventId: number; readonly recordId: number; readonly time: string }[];
  /** Records of the attempt beyond those listed. */
  readonly recordsOmitted?: number;
}

export interface AddressTimeline {
  readonly address: string;
  /** Every attempt seen from the address; `attempts` lists the latest MAX_ATTEMPTS_KEPT. */
  readonly attemptCount: number;
  readonly attempts: readonly ConnectionAttempt[];
}

/** Records of one attempt lie within this time of its first record. */
const ATTEMPT_WINDOW_MS = 2 * 60 * 1000;

interface Step {
  readonly address: string;
  readonly stage: Stage;
  readonly failure?: string;
  /** Opens a new attempt (a new TCP connection). */
  readonly opens: boolean;
}

function address(text: string | undefined): string {
  if (!text) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(text);
  return v4 ? v4[1]! : text;
}

/** What one record says about a connection, or undefined for records that say nothing. */
function stepOf(event: EventRecord): Step | undefined {
  const { data } = event;
  if (isProvider(event.provider, Provider.RDPCORETS)) {
    if (event.eventId === 131) return { address: address(data.ClientIP), stage: 'tcp', opens: true };
    if (event.eventId === 140)
      return {
        address: address(data.IPString),
        stage: 'nla',
        failure: 'bad user name or password',
        opens: false,
      };
  }
  if (isProvider(event.provider, Provider.RCM) && event.eventId === 1149) {
    return { address: address(data.Param3), stage: 'nla', opens: false };
  }
  if (isProvider(event.provider, Provider.SECURITY)) {
    const type = data.LogonType;
    if (event.eventId === 4624 && (type === '10' || type === '7'))
      return { address: address(data.IpAddress), stage: 'logon', opens: false };
    if (event.eventId === 4624 && type === '3')
      return { address: address(data.IpAddress), stage: 'nla', opens: false };
    if (event.eventId === 4625 && (type === '10' || type === '3')) {
      return {
        address: address(data.IpAddress),
        stage: type === '3' ? 'nla' : 'logon',
        failure: `4625 ${data.SubStatus && data.SubStatus !== '0x00000000' ? data.SubStatus : data.Status}`,
        opens: false,
      };
    }
    if (event.eventId === 4825)
      return {
        address: address(data.ClientAddress),
        stage: 'logon',
        failure: 'not in Remote Desktop Users',
        opens: false,
      };
  }
  if (isProvider(event.provider, Provider.LSM) && (event.eventId === 21 || event.eventId === 25)) {
    return { address: address(data.Address), stage: 'session', opens: false };
  }
  return undefined;
}

/** How far out of time order records may arrive and still be placed exactly (logs merged by time). */
const REORDER_WINDOW_MS = 10 * 60 * 1000;
/** Steps held for reordering before the oldest are placed. */
const REORDER_BATCH = 4096;
/** Attempts kept per address (the latest; older ones are counted), and records kept per attempt. */
export const MAX_ATTEMPTS_KEPT = 100;
export const MAX_RECORDS_PER_ATTEMPT = 50;

interface PendingStep {
  readonly step: Step;
  readonly at: number;
  readonly eventId: number;
  readonly recordId: number;
  readonly time: string;
}

interface OpenAttempt {
  start: string;
  furthest: Stage;
  failedAt?: Stage;
  failure?: string;
  records: { eventId: number; recordId: number; time: string }[];
  recordsOmitted?: number;
}

interface AddressState {
  attemptCount: number;
  /** When the latest attempt began (ms), to join later records to it. */
  latestStart: number;
  readonly attempts: OpenAttempt[];
}

const byTime = (a: PendingStep, b: PendingStep) => a.at - b.at || a.recordId - b.recordId;

/**
 * The connection timeline built as records stream past: one entry per client address, each
 * attempt and the furthest stage its records show. Memory is bounded by the addresses seen, not
 * the records: each keeps its latest MAX_ATTEMPTS_KEPT attempts and a count of all.
 */
export class TimelineBuilder {
  private pending: PendingStep[] = [];
  private newest = Number.NEGATIVE_INFINITY;
  private readonly addresses = new Map<string, AddressState>();

  add(event: EventRecord): void {
    const step = stepOf(event);
    if (step === undefined || step.address === '' || step.address === '-' || step.address === 'LOCAL') return;
    const parsed = Date.parse(event.time);
    // A record without a time sorts first, as if it were the oldest.
    const at = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
    this.pending.push({ step, at, eventId: event.eventId, recordId: event.recordId, time: event.time });
    if (at > this.newest) this.newest = at;
    if (this.pending.length >= REORDER_BATCH) this.place(this.newest - REORDER_WINDOW_MS);
  }

  /** Places, in time order, every pending step at or before `upTo`. */
  private place(upTo: number): void {
    this.pending.sort(byTime);
    let placed = 0;
    while (placed < this.pending.length && this.pending[placed]!.at <= upTo)
      this.apply(this.pending[placed++]!);
    this.pending = placed === this.pending.length ? [] : this.pending.slice(placed);
  }

  private apply({ step, at, eventId, recordId, time }: PendingStep): void {
    let state = this.addresses.get(step.address);
    if (!state) {
      state = { attemptCount: 0, latestStart: at, attempts: [] };
      this.addresses.set(step.address, state);
    }
    let current = state.attempts.at(-1);
    // A TCP record opens an attempt; a later-stage record joins the open one if recent enough.
    if (!current || step.opens || at - state.latestStart > ATTEMPT_WINDOW_MS || current.failedAt) {
      current = { start: time, furthest: step.stage, records: [] };
      state.attempts.push(current);
      state.attemptCount++;
      state.latestStart = at;
      if (state.attempts.length > MAX_ATTEMPTS_KEPT) state.attempts.shift();
    }
    if (STAGES.indexOf(step.stage) > STAGES.indexOf(current.furthest)) current.furthest = step.stage;
    if (step.failure) {
      current.failedAt = step.stage;
      current.failure = step.failure;
    }
    if (current.records.length < MAX_RECORDS_PER_ATTEMPT) current.records.push({ eventId, recordId, time });
    else current.recordsOmitted = (current.recordsOmitted ?? 0) + 1;
  }

  finish(): AddressTimeline[] {
    this.place(Number.POSITIVE_INFINITY);
    return [...this.addresses]
      .map(([address, state]) => ({ address, attemptCount: state.attemptCount, attempts: state.attempts }))
      .sort((a, b) => b.attemptCount - a.attemptCount);
  }
}

/** One timeline per client address: each attempt and the furthest stage its records show. */
export function buildTimeline(events: readonly EventRecord[]): AddressTimeline[] {
  const builder = new TimelineBuilder();
  for (const event of events) builder.add(event);
  return builder.finish();
}
