import { FREERDP_NEGO_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { RDP_TCP_KEY } from '../common/fixes.js';
import { defineRule, evidence, found, isSlowStall, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'not-rdp',
    title: 'Something other than an RDP server answers on this port',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        'The service on the port answered the RDP Connection Request with bytes that are not an RDP answer (or with an RDP-shaped answer that does not decode). Another program owns the port (a web server, SSH, a TLS-only proxy), a port forward points at the wrong machine or port, or a middlebox rewrites the traffic.',
      falseAlarm:
        'An RD Gateway or a TLS-terminating proxy is not reached on the RDP port directly: connect through the gateway as configured. A very old or unusual RDP implementation may answer in a way rdp-doctor does not decode; the answer preview helps tell.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_NEGO_FAILED],
    fixes: [
      {
        title: 'Check which program listens on the port and where forwards point',
        risk: 'low',
        where: 'server',
        steps: [
          'On the server, the listening process of the RDP port should be TermService; compare the port with the RDP-Tcp PortNumber.',
          'On the router or load balancer, check that the forward targets the RDP host and port.',
        ],
        script: {
          language: 'powershell',
          code: `(Get-ItemProperty -Path '${RDP_TCP_KEY}' -Name PortNumber).PortNumber\nGet-NetTCPConnection -State Listen | Sort-Object LocalPort | ForEach-Object { '{0} {1}' -f $_.LocalPort, (Get-Process -Id $_.OwningProcess).ProcessName }`,
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) =>
      found(
        negotiation.probes
          // A well-formed answer cut off by the timeout is slow, not foreign (answers-too-slowly).
          .filter((probe) => probe.outcome === 'not-rdp' || probe.outcome === 'malformed')
          .filter((probe) => !(probe.endedBy === 'timeout' && isSlowStall(probe.stall, probe.ms)))
          .slice(0, 1)
          .map((probe) => ({
            evidence: [
              evidence(`answer to the '${probe.label}' request`, probe.outcome, 'negotiation'),
              ...(probe.serviceGuess ? [evidence('looks like', probe.serviceGuess, 'negotiation')] : []),
              ...(probe.answerPreview
                ? [evidence('first bytes (hex)', probe.answerPreview, 'negotiation')]
                : []),
              // The decoder's words are for --verbose and JSON; the title says it for people.
              ...(probe.decodeError
                ? [
                    {
                      ...evidence(
                        'decode error',
                        `${probe.decodeError.structure}.${probe.decodeError.field}: ${probe.decodeError.kind} at byte ${probe.decodeError.offset}`,
                        'negotiation',
                      ),
                      verboseOnly: true,
                    },
                  ]
                : []),
            ],
            ...(probe.outcome === 'malformed'
              ? { title: 'The answer on this port looks like RDP but does not decode' }
              : {}),
            ...(probe.serviceGuess && probe.serviceGuess !== 'unknown'
              ? {
                  title: `${/^[AEFHILMNORSX]/.test(probe.serviceGuess.toUpperCase()) ? 'An' : 'A'} ${probe.serviceGuess.toUpperCase()} service, not RDP, answers on this port`,
                }
              : {}),
            data: { outcome: probe.outcome, serviceGuess: probe.serviceGuess },
          })),
      ),
    ),
);
