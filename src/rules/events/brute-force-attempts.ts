import { isProvider, Provider } from '../../data/events/event-ids.js';
import type { EventRecord } from '../../evidence/types.js';
import { type EventRule, eventRule, addressOnly, outcome, recordSource } from './evidence.js';
import { failedRdpLogon } from './logon-events.js';

/** A burst: at least this many failed logons from one address within the window. */
export const BURST_FAILURES = 10;
export const BURST_WINDOW_MS = 10 * 60 * 1000;

/**
 * One address's failures: the count, the earliest record and the latest time, and every time as a
 * number (8 bytes a failure: the burst needs them all, sorted).
 */
interface Failures {
  count: number;
  first: EventRecord;
  last: string;
  readonly times: number[];
}

function timesOf(event: EventRecord): number[] {
  const time = Date.parse(event.time);
  return Number.isNaN(time) ? [] : [time];
}

function largestBurst(times: number[]): number {
  times.sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! > BURST_WINDOW_MS) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export const bruteForceAttempts: EventRule = eventRule({
  meta: {
    id: 'brute-force-attempts',
    title: 'Password guessing against RDP',
    severity: 'warning',
    requires: ['security-log', 'rdpcorets-log'],
    docs: {
      explanation:
        `At least ${BURST_FAILURES} failed RDP logons (RdpCoreTS 140, or Security 4625 LogonType 10/3) from one address ` +
        `within ${BURST_WINDOW_MS / 60000} minutes: someone is guessing passwords. It also fills the listener's queue ` +
        'and can lock accounts out.',
      falseAlarm: 'A script or saved connection retrying an old password from a known address.',
    },
    clientErrors: [],
    fixes: [
      {
        title: 'Allow RDP only from known addresses (VPN, RD Gateway, management network)',
        risk: 'low',
        where: 'network',
        steps: [
          'Restrict TCP/UDP 3389 to the addresses that need it, on the firewall in front of the server and on the host.',
        ],
        script: {
          language: 'powershell',
          code: "Set-NetFirewallRule -DisplayGroup 'Remote Desktop' -RemoteAddress '<ALLOWED-SUBNET>'\n",
        },
      },
      {
        title: 'Set an account lockout threshold',
        risk: 'medium',
        where: 'server',
        steps: ['Account lockout threshold 10, duration 15 minutes (local policy or the domain GPO).'],
        script: {
          language: 'cmd',
          code: 'net accounts /lockoutthreshold:10 /lockoutduration:15 /lockoutwindow:15\n',
        },
      },
    ],
  },
  eventIds: [140, 4625],
  start() {
    const byAddress = new Map<string, Failures>();
    return {
      add(event) {
        let address: string;
        if (event.eventId === 140) {
          if (!isProvider(event.provider, Provider.RDPCORETS)) return;
          address = addressOnly(event.data.IPString);
        } else {
          if (!failedRdpLogon(event)) return;
          address = addressOnly(event.data.IpAddress);
        }
        if (address === '' || address === '-') return;
        const failures = byAddress.get(address);
        if (!failures) {
          byAddress.set(address, { count: 1, first: event, last: event.time, times: timesOf(event) });
          return;
        }
        failures.count++;
        if (event.time.localeCompare(failures.first.time) < 0) failures.first = event;
        if (event.time.localeCompare(failures.last) > 0) failures.last = event.time;
        const time = Date.parse(event.time);
        if (!Number.isNaN(time)) failures.times.push(time);
      },
      finish() {
        const attackers = [...byAddress]
          .map(([address, failures]) => ({ address, failures, burst: largestBurst(failures.times) }))
          .filter((attacker) => attacker.burst >= BURST_FAILURES)
          .sort((a, b) => b.failures.count - a.failures.count);
        if (attackers.length === 0) return { status: 'pass' };
        return outcome([
          {
            title: `Password guessing against RDP from ${attackers.length} address(es)`,
            evidence: attackers.slice(0, 10).map(({ address, failures, burst }) => ({
              label: address,
              value: `${failures.count} failed logons (${burst} within ${BURST_WINDOW_MS / 60000} min)`,
              source: `${recordSource(failures.first)} .. ${failures.last}`,
            })),
            data: {
              addresses: attackers.map(({ address, failures, burst }) => ({
                address,
                failures: failures.count,
                largestBurst: burst,
                first: failures.first.time,
                last: failures.last,
              })),
            },
          },
        ]);
      },
    };
  },
});
