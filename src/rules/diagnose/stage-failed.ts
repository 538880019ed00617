import type { Evidence, Finding, RuleReport } from '../types.js';
import { FREERDP_TRANSPORT_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { psRecentEvents } from '../common/fixes.js';
import {
  defineRule,
  describeAnswer,
  evidence,
  failuresOnClientPath,
  found,
  notEvaluated,
  type PathFailure,
  probeEvidence,
} from './helpers.js';

/** What broke, in words, per stage and how it ended. */
function describeFailure(failure: PathFailure): string {
  const { stage, attempt, probe } = failure;
  if (probe)
    return `The server gave no usable answer to a current client's Connection Request (${describeAnswer(probe)})`;
  if (stage === 'session' && attempt.status === 'ok')
    return 'The server ended the connection sequence before the logon screen';
  const how: Record<string, string> = {
    timeout: 'timed out',
    refused: 'was refused',
    reset: 'was reset',
    closed: 'was closed by the server',
    unreachable: 'could not reach the server',
    'not-found': 'found no address',
    'protocol-error': 'got an answer that does not fit the protocol',
    'tls-alert': 'ended with a TLS alert',
  };
  const step: Record<string, string> = {
    dns: 'The name lookup',
    tcp: 'The TCP connection',
    negotiation: 'The X.224 negotiation',
    tls: 'The TLS handshake',
    certificate: "Reading the server's certificate",
    credssp: 'The CredSSP (NLA) exchange',
    'rdp-security': 'The Standard RDP Security exchange (MCS Connect Initial)',
    session: 'The connection sequence after the security layer',
  };
  return `${step[stage] ?? stage} ${how[attempt.reason ?? ''] ?? 'failed'}`;
}

/** Whether a specific rule already explains this failure with an error finding from its stage. */
function explained(failure: PathFailure, earlier: readonly Finding[]): boolean {
  return earlier.some(
    (finding) =>
      finding.severity === 'error' && finding.evidence.some((item) => item.source === failure.stage),
  );
}

export const rule = defineRule(
  {
    id: 'stage-failed',
    title: 'A step every client takes failed',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        'A step on the path every current client takes (name lookup, TCP, the X.224 negotiation, TLS, the certificate, CredSSP, Standard RDP Security when that is what the server chose, or the connection sequence after the security layer up to the logon screen) did not complete, and no more specific finding names the cause. Clients fail at the same step. The evidence says what was seen; --verbose adds the raw error. This finding exists so that a failed step is never reported as healthy.',
      falseAlarm:
        'A single failure can be transient (a restart, a dropped packet): run the diagnosis again. If it repeats, the evidence is where to start.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TRANSPORT_FAILED],
    fixes: [
      {
        title: 'Read what the server logged at the time of the failure',
        risk: 'low',
        where: 'server',
        steps: [
          'The Remote Desktop listener and Schannel log most failures: RemoteDesktopServices-RdpCoreTS (event 131: a connection was accepted; 140: failed logon), Schannel 36870/36874/36888 in the System log.',
          'Run rdp-doctor analyze on those logs (or diagnose with --verbose) for the details.',
        ],
        script: { language: 'powershell', code: psRecentEvents([36870, 36874, 36888, 1057, 1058]) },
      },
    ],
  },
  (observations, context) => {
    if (!observations.dns && !observations.tcp) return notEvaluated('the probe recorded no step');
    const earlier = context?.earlier ?? [];
    // INVARIANT: our own bug never becomes a statement about the server (the verdict says so instead).
    const failures = failuresOnClientPath(observations).filter(
      (failure) => failure.attempt.reason !== 'internal-bug' && !explained(failure, earlier),
    );
    return found(
      failures.slice(0, 1).map((failure): RuleReport => {
        const { stage, attempt } = failure;
        const facts: Evidence[] = [
          evidence('step', stage, stage),
          failure.probe ? probeEvidence(failure.probe) : evidence('what happened', attempt.summary, stage),
          ...(attempt.reason ? [evidence('how it ended', attempt.reason, stage)] : []),
          ...(attempt.error
            ? [
                {
                  ...evidence('error', `${attempt.error.code}: ${attempt.error.message}`, stage),
                  verboseOnly: true,
                },
              ]
            : []),
        ];
        return {
          title: describeFailure(failure),
          evidence: facts,
          data: { stage, ...(attempt.reason ? { reason: attempt.reason } : {}) },
        };
      }),
    );
  },
);
