import { Provider } from '../../data/events/event-ids.js';
import type { EventRecord } from '../../evidence/types.js';
import type { Rule } from '../types.js';
import {
  addressOnly,
  type EventEvidence,
  type EventNeed,
  matching,
  missingLogs,
  outcome,
  recordSource,
} from './evidence.js';
import { failedRdpLogons } from './logon-events.js';

/** A burst: at least this many failed logons from one address within the window. */
export const BURST_FAILURES = 10;
export const BURST_WINDOW_MS = 10 * 60 * 1000;

function largestBurst(times: number[]): number {
  times.sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! > BURST_WINDOW_MS) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export const bruteForceAttempts: Rule<EventEvidence, EventNeed> = {
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
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const failures: { address: string; event: EventRecord }[] = [
      ...matching(evidence, Provider.RDPCORETS, [140]).map((event) => ({
        address: addressOnly(event.data.IPString),
        event,
      })),
      ...failedRdpLogons(evidence).map((logon) => ({
        address: addressOnly(logon.event.data.IpAddress),
        event: logon.event,
      })),
    ]
      .filter((failure) => failure.address !== '' && failure.address !== '-')
      .sort((a, b) => a.event.time.localeCompare(b.event.time));
    const byAddress = new Map<string, EventRecord[]>();
    for (const { address, event } of failures) {
      const events = byAddress.get(address);
      if (events) events.push(event);
      else byAddress.set(address, [event]);
    }
    const attackers = [...byAddress]
      .map(([address, events]) => {
        const times = events.map((event) => Date.parse(event.time)).filter((time) => !Number.isNaN(time));
        return { address, events, burst: largestBurst(times) };
      })
      .filter((attacker) => attacker.burst >= BURST_FAILURES)
      .sort((a, b) => b.events.length - a.events.length);
    if (attackers.length === 0) return { status: 'pass' };
    return outcome([
      {
        title: `Password guessing against RDP from ${attackers.length} address(es)`,
        evidence: attackers.slice(0, 10).map((attacker) => ({
          label: attacker.address,
          value: `${attacker.events.length} failed logons (${attacker.burst} within ${BURST_WINDOW_MS / 60000} min)`,
          source: `${recordSource(attacker.events[0]!)} .. ${attacker.events.at(-1)!.time}`,
        })),
        data: {
          addresses: attackers.map((attacker) => ({
            address: attacker.address,
            failures: attacker.events.length,
            largestBurst: attacker.burst,
            first: attacker.events[0]!.time,
            last: attacker.events.at(-1)!.time,
          })),
        },
      },
    ]);
  },
};
