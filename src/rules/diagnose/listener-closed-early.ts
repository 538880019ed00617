import { formatHostPort } from '../../probe/host-port.js';
import type { Fix } from '../types.js';
import {
  FREERDP_LISTENER_CLOSED,
  FREERDP_LISTENER_RESET,
  MSTSC_SOCKET_CLOSED,
} from '../common/client-errors.js';
import { azureVariant, psRecentEvents, RESTART_TERMSERVICE } from '../common/fixes.js';
import { defineRule, evidence, found, PASS, probeByLabel, probeEvidence, withStage } from './helpers.js';

// A timeout is not a close: listener-silent and answers-too-slowly judge those.
const SILENT_OUTCOMES = new Set(['closed', 'reset']);
/** What clients show when the listener resets rather than closes (xfreerdp: timing decides which error). */
const RESET_CLIENT_ERRORS = [MSTSC_SOCKET_CLOSED, ...FREERDP_LISTENER_RESET];

const restartListener: Fix = {
  title: 'Restart Remote Desktop Services',
  risk: 'medium',
  where: 'server',
  steps: [
    'Restarting TermService disconnects every session on the host: warn users first.',
    'If it happens again, read the events below: 1006 means too many half-open connections (often a brute-force flood on an internet-exposed port).',
  ],
  script: { language: 'powershell', code: RESTART_TERMSERVICE },
};

export const rule = defineRule(
  {
    id: 'listener-closed-early',
    title: 'The server accepts the TCP connection, then closes it without an RDP answer',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The TCP connection succeeded, but the server closed or reset it instead of answering the client's first RDP message (the X.224 Connection Request). The listener is up but not serving: Remote Desktop Services is hung or out of connection slots (MaxOutstandingConnections, event 1006), a security product cuts the connection, or the port belongs to a forwarder whose back end is gone.",
      falseAlarm:
        'An intrusion-prevention system may cut connections from a scanner-like client only; if a real client connects, check for such a device on the path.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, ...FREERDP_LISTENER_CLOSED],
    fixes: [
      {
        title: 'Find out what owns the port and what the listener logged',
        risk: 'low',
        where: 'server',
        steps: ['The port should belong to the svchost that hosts TermService.'],
        script: {
          language: 'powershell',
          code: [
            'Get-NetTCPConnection -State Listen -LocalPort 3389 | ForEach-Object { Get-Process -Id $_.OwningProcess }',
            psRecentEvents([1006, 1057, 1058, 36870]),
          ].join('\n'),
        },
      },
      restartListener,
      azureVariant(restartListener),
    ],
  },
  (observations) => {
    // A reset right after the TCP handshake (ECONNRESET while connecting) never reaches negotiation.
    const tcp = observations.tcp?.observation;
    if (
      observations.tcp?.status === 'failed' &&
      tcp &&
      tcp.perAddress.length > 0 &&
      tcp.perAddress.every((entry) => entry.outcome === 'reset')
    ) {
      return found([
        {
          evidence: tcp.perAddress.map((entry) =>
            evidence(
              `TCP connection to ${formatHostPort(entry.address, tcp.port)}`,
              'accepted, then reset before any RDP exchange',
              'tcp',
            ),
          ),
          data: { outcomes: tcp.perAddress.map(() => 'reset') },
          clientErrors: RESET_CLIENT_ERRORS,
        },
      ]);
    }
    return withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) => {
      const modern = probeByLabel(negotiation, 'modern');
      // Judge what a current client sends; without that request, only a listener silent to every request counts.
      const judged = modern ? [modern] : negotiation.probes;
      if (judged.length === 0 || !judged.every((probe) => SILENT_OUTCOMES.has(probe.outcome))) return PASS;
      const allReset = judged.every((probe) => probe.outcome === 'reset');
      return found([
        {
          evidence: judged.map(probeEvidence),
          data: { outcomes: judged.map((probe) => probe.outcome) },
          ...(allReset ? { clientErrors: RESET_CLIENT_ERRORS } : {}),
        },
      ]);
    });
  },
);
