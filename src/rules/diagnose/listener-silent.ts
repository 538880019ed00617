import type { Fix } from '../types.js';
import { FREERDP_LISTENER_SILENT, MSTSC_CONNECTION_TIMED_OUT } from '../common/client-errors.js';
import { azureVariant, psRecentEvents, RESTART_TERMSERVICE } from '../common/fixes.js';
import { defineRule, evidence, found, notEvaluated, timedOutOnClientPath } from './helpers.js';

const TITLES: Readonly<Record<string, string>> = {
  negotiation: 'The server accepts TCP connections, then never answers',
  tls: 'The server selected TLS, then never answered the ClientHello',
  credssp: 'The server completed TLS, then never answered the CredSSP request',
  'rdp-security': 'The server selected Standard RDP Security, then never answered the MCS Connect Initial',
  session: 'The server stopped answering part-way through the connection sequence',
};

const restartListener: Fix = {
  title: 'Restart Remote Desktop Services',
  risk: 'medium',
  where: 'server',
  steps: [
    'A listener that accepts connections and never answers is usually hung: restarting TermService disconnects every session on the host, so warn users first.',
    'If it hangs again, read the events below (1006: too many half-open connections; 1057/1058: certificate trouble).',
  ],
  script: {
    language: 'powershell',
    code: `${psRecentEvents([1006, 1057, 1058, 36870])}\n${RESTART_TERMSERVICE}`,
  },
};

export const rule = defineRule(
  {
    id: 'listener-silent',
    title: 'The server accepts the connection, then never answers',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The TCP connection succeeded, but the server sent not one byte in answer to a step every client takes, until the timeout ran out. The connection was neither closed nor refused: something holds it open and says nothing. A hung Remote Desktop Services listener, a service stuck at start, a middlebox or load balancer that completes the TCP handshake itself and has no working back end, or a port forward into a black hole. Clients wait: mstsc gives up with 0x108 'connection timed out'; xfreerdp 2.11 was seen to wait for minutes without an error, even with /timeout.",
      falseAlarm:
        'A very slow link can look silent if not a byte arrives within the timeout: run again with a longer --timeout. An intrusion-prevention system may hold a scanner-like connection open; compare with a real client.',
    },
    clientErrors: [MSTSC_CONNECTION_TIMED_OUT, ...FREERDP_LISTENER_SILENT],
    fixes: [
      {
        title: 'Find out what holds the port, and whether the server is hung',
        risk: 'low',
        where: 'server',
        steps: [
          'On the server the port should belong to the svchost that hosts TermService; a different owner means a forwarder or another program.',
          'From the server itself, mstsc /v:localhost tells a hung listener (fails there too) from a middlebox on the path (works there).',
        ],
        script: {
          language: 'powershell',
          code: 'Get-NetTCPConnection -State Listen -LocalPort 3389 | ForEach-Object { Get-Process -Id $_.OwningProcess }\nGet-Service -Name TermService, SessionEnv, UmRdpService | Format-Table Name, Status',
        },
      },
      restartListener,
      azureVariant(restartListener),
    ],
  },
  (observations) => {
    if (!observations.negotiation || observations.negotiation.status === 'skipped')
      return notEvaluated('the negotiation stage did not run');
    const silent = timedOutOnClientPath(observations).filter((step) => step.bytesReceived === 0);
    return found(
      silent.slice(0, 1).map((step) => ({
        title: TITLES[step.stage] ?? `The server never answered ${step.awaiting}`,
        evidence: [
          evidence('waiting for an answer to', step.awaiting, step.stage),
          evidence('bytes received', 0, step.stage),
          evidence('waited', `${step.ms} ms`, step.stage),
        ],
        data: { stage: step.stage, waitedMs: step.ms },
      })),
    );
  },
);
