import type { NegotiationProbe } from '../../probe/types.js';
import type { RuleReport } from '../types.js';
import { FREERDP_NEGO_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { defineRule, found, hex, NEG_FAILURE, probeEvidence, withStage } from './helpers.js';

/** Answers other rules explain (or that are the expected answer to a deliberately narrow request). */
const EXPLAINED_ELSEWHERE: ReadonlySet<number> = new Set([
  NEG_FAILURE.SSL_NOT_ALLOWED_BY_SERVER,
  NEG_FAILURE.SSL_CERT_NOT_ON_SERVER,
]);
const POLICY_ANSWERS: ReadonlySet<number> = new Set([
  NEG_FAILURE.SSL_REQUIRED_BY_SERVER,
  NEG_FAILURE.SSL_NOT_ALLOWED_BY_SERVER,
  NEG_FAILURE.SSL_CERT_NOT_ON_SERVER,
  NEG_FAILURE.HYBRID_REQUIRED_BY_SERVER,
]);

function report(probe: NegotiationProbe, severity?: 'warning'): RuleReport {
  const code = probe.failureCode ?? 0;
  return {
    evidence: [probeEvidence(probe)],
    title: `The server refused the '${probe.label}' request: ${probe.failureName ?? `unknown failure code ${hex(code, 8)}`}`,
    ...(severity ? { severity } : {}),
    data: { label: probe.label, failureCode: code, failureName: probe.failureName },
  };
}

export const rule = defineRule(
  {
    id: 'negotiation-refused',
    title: 'The server refused the security negotiation',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The server answered the client's security request with an RDP_NEG_FAILURE code that no current client can satisfy: SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER (TLS with a client certificate), INCONSISTENT_FLAGS, SSL_REQUIRED_BY_SERVER or HYBRID_REQUIRED_BY_SERVER to a request that offered both, or a code the specification does not define (shown as 'unknown failure code'). An undefined code usually comes from a non-Windows server, a proxy or a gateway that speaks its own dialect. Odd codes in answers to rdp-doctor's narrower requests are reported as warnings.",
      falseAlarm:
        'A device that expects RD Gateway or a vendor client in front of the server may refuse a plain client by design.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_NEGO_FAILED],
    fixes: [
      {
        title: "Check the listener's security settings and what sits in front of it",
        risk: 'low',
        where: 'server',
        steps: [
          'Compare SecurityLayer, UserAuthentication and any Remote Desktop Group Policy with what clients use.',
          'If a proxy, gateway or non-Windows RDP server answers, check its documentation for the failure code.',
        ],
        script: {
          language: 'powershell',
          code: "Get-CimInstance -Namespace 'root\\cimv2\\TerminalServices' -ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\" | Select-Object TerminalName, SecurityLayer, UserAuthenticationRequired, SSLCertificateSHA1Hash",
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) =>
      found(
        negotiation.probes
          .filter((probe) => probe.outcome === 'failure')
          .map((probe) => {
            const code = probe.failureCode ?? -1;
            if (probe.label === 'modern') return EXPLAINED_ELSEWHERE.has(code) ? undefined : report(probe);
            return POLICY_ANSWERS.has(code) ? undefined : report(probe, 'warning');
          }),
      ),
    ),
);
