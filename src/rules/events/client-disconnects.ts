/**
 * The client's disconnect history from Microsoft-Windows-TerminalServices-RDPClient/Operational
 * (provider Microsoft-Windows-TerminalServices-ClientActiveXCore; event-ids.json): 1024 "RDP
 * ClientActiveX is trying to connect to the server (%2)" and 1026 "RDP ClientActiveX has been
 * disconnected (Reason= %2)", each with EventData Name, Value, CustomLevel, where Value is the
 * server name or the decimal discReason (src/data/disconnect-reasons.ts).
 */
import { DISCONNECT_REASONS } from '../../data/disconnect-reasons.js';
import { isProvider } from '../../data/events/event-ids.js';
import type { EventRecord } from '../../evidence/types.js';
import type { Evidence, RuleReport } from '../types.js';
import { type EventRule, eventRule, outcome, RecordTally, recordSource } from './evidence.js';

export const CLIENT_ACTIVEX_PROVIDER = 'Microsoft-Windows-TerminalServices-ClientActiveXCore';
const CONNECTING = 1024;
const DISCONNECTED = 1026;

/** Local or remote user disconnects and a server-side end of session: the normal end of a session. */
const NORMAL_REASONS = new Set([0x0, 0x1, 0x2, 0x3]);

const hex = (value: number) => `0x${value.toString(16).toUpperCase()}`;

/** The reason of a 1026 record, whichever of Value (named) or Data2 (unnamed template) carries it. */
function reasonOf(event: EventRecord): number | undefined {
  const text = (event.data.Value ?? event.data.Data2 ?? '').trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  return Number(text) >>> 0;
}

function hostOf(event: EventRecord): string {
  return (event.data.Value ?? event.data.Data2 ?? '').trim() || 'unknown host';
}

interface Group {
  readonly host: string;
  readonly reason: number;
  readonly tally: RecordTally;
}

export const clientDisconnects: EventRule = eventRule({
  meta: {
    id: 'client-disconnects',
    title: 'The client was disconnected with error codes',
    severity: 'warning',
    requires: ['rdpclient-log'],
    docs: {
      explanation:
        "The client's TerminalServices-RDPClient/Operational log records each connection attempt (1024, naming the " +
        'server) and how it ended (1026, "RDP ClientActiveX has been disconnected (Reason= N)"). N is the decimal ' +
        'disconnect reason mstsc shows as "Error code: 0x...". The history is grouped by server and reason, each ' +
        'explained from the disconnect-reason table (2308 = 0x904: the socket was closed). Reasons 1, 2 and 3 ' +
        '(the user or the server ended the session) are a normal end and are not reported.',
      falseAlarm:
        'The log keeps the past: a failure recorded days ago may be fixed since; compare the times with when the ' +
        'problem was seen. A 1026 is attributed to the server named by the 1024 before it.',
    },
    clientErrors: [],
    fixes: [
      {
        title: 'Look up the code and probe the server it happened with',
        risk: 'low',
        where: 'client',
        steps: [
          'rdp-doctor explain 0x<code> lists the causes of a disconnect reason; rdp-doctor diagnose <server> checks the ones a probe can see.',
        ],
      },
    ],
  },
  eventIds: [CONNECTING, DISCONNECTED],
  start() {
    const groups = new Map<string, Group>();
    // Records come in time order: a 1026 belongs to the server the 1024 before it named.
    let host = 'unknown host';
    return {
      add(event) {
        if (!isProvider(event.provider, CLIENT_ACTIVEX_PROVIDER)) return;
        if (event.eventId === CONNECTING) {
          host = hostOf(event);
          return;
        }
        const reason = reasonOf(event);
        if (reason === undefined || NORMAL_REASONS.has(reason)) return;
        const key = `${host.toLowerCase()} ${reason}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { host, reason, tally: new RecordTally() }));
        group.tally.add(event);
      },
      finish() {
        const reports: RuleReport[] = [...groups.values()].map(({ host, reason, tally }) => {
          const entry = DISCONNECT_REASONS.find((row) => row.value === reason);
          const last = tally.last!;
          const first = tally.first!;
          const lines: Evidence[] = [
            {
              label: `${host}: reason ${reason} (${hex(reason)})`,
              value: `${entry ? `${entry.name}: ${entry.meaning.replace(/\.$/, '')}` : 'not in the disconnect-reason table'}; ${tally.count} time(s), ${first.time || 'no time'} to ${last.time || 'no time'}`,
              source: recordSource(last),
            },
          ];
          const { count, ...ids } = tally.data();
          return {
            title: `Disconnected from ${host} with ${hex(reason)}${entry ? ` (${entry.name})` : ''}, ${count} time(s)`,
            evidence: lines,
            data: { host, reason, code: hex(reason), name: entry?.name ?? null, count, ...ids },
          };
        });
        return outcome(reports);
      },
    };
  },
});
