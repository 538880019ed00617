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
  readonly records: readonly { readonly eventId: number; readonly recordId: number; readonly time: string }[];
}

export interface AddressTimeline {
  readonly address: string;
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

/** One timeline per client address: each attempt and the furthest stage its records show. */
export function buildTimeline(events: readonly EventRecord[]): AddressTimeline[] {
  // One loop, one entry per record that says something: most records say nothing.
  const steps: { event: EventRecord; step: Step; at: number }[] = [];
  for (const event of events) {
    const step = stepOf(event);
    if (step === undefined || step.address === '' || step.address === '-' || step.address === 'LOCAL')
      continue;
    steps.push({ event, step, at: Date.parse(event.time) });
  }
  steps.sort((a, b) => a.at - b.at || a.event.recordId - b.event.recordId);
  const byAddress = new Map<
    string,
    {
      start: number;
      attempt: {
        start: string;
        furthest: Stage;
        failedAt?: Stage;
        failure?: string;
        records: { eventId: number; recordId: number; time: string }[];
      };
    }[]
  >();
  for (const { event, step, at } of steps) {
    const attempts = byAddress.get(step.address) ?? [];
    byAddress.set(step.address, attempts);
    let current = attempts.at(-1);
    // A TCP record opens an attempt; a later-stage record joins the open one if recent enough.
    if (!current || step.opens || at - current.start > ATTEMPT_WINDOW_MS || current.attempt.failedAt) {
      current = { start: at, attempt: { start: event.time, furthest: step.stage, records: [] } };
      attempts.push(current);
    }
    const { attempt } = current;
    if (STAGES.indexOf(step.stage) > STAGES.indexOf(attempt.furthest)) attempt.furthest = step.stage;
    if (step.failure) {
      attempt.failedAt = step.stage;
      attempt.failure = step.failure;
    }
    attempt.records.push({ eventId: event.eventId, recordId: event.recordId, time: event.time });
  }
  return [...byAddress]
    .map(([address, attempts]) => ({ address, attempts: attempts.map((entry) => entry.attempt) }))
    .sort((a, b) => b.attempts.length - a.attempts.length);
}
