import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { psRecentEvents } from '../common/fixes.js';
import { defineRule, found, PASS, tlsEvidence, withStage } from './helpers.js';

/** handshake_failure from the server is tls-no-common-cipher's finding. */
const HANDSHAKE_FAILURE = 40;

export const rule = defineRule(
  {
    id: 'tls-handshake-alert',
    title: 'The TLS handshake failed with an alert',
    severity: 'error',
    requires: ['tls'],
    docs: {
      explanation:
        "The TLS handshake under RDP ended with a fatal alert other than a plain handshake_failure: for example protocol_version (70: no TLS version in common), internal_error (80: the server's TLS stack failed, often a certificate or key problem), decode_error or illegal_parameter (a broken middlebox or TLS implementation), or an alert our client sent because it could not accept the server's choice. The alert name and who sent it are in the evidence; the server logs the same alert in Schannel event 36888.",
      falseAlarm:
        "An alert our client sent (from: client) may reflect rdp-doctor's own TLS library limits rather than what Windows clients accept; compare with a real client.",
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [
      {
        title: 'Read the Schannel events on the server',
        risk: 'low',
        where: 'server',
        steps: [
          '36888 names the alert the server sent and its internal error state; 36874 means no cipher suite in common; 36871 is a generic TLS credential error.',
          'For protocol_version, enable TLS 1.2 on the server (see tls-legacy-only); for internal_error, check the listener certificate and its key.',
        ],
        script: { language: 'powershell', code: psRecentEvents([36871, 36874, 36888]) },
      },
    ],
  },
  (observations) =>
    withStage(observations.tls, 'tls', 'ran', (tls) => {
      if (tls.outcome !== 'alert' || !tls.alert) return PASS;
      if (tls.alert.from === 'server' && tls.alert.code === HANDSHAKE_FAILURE) return PASS;
      return found([
        {
          evidence: tlsEvidence(tls),
          title: `The TLS handshake failed: ${tls.alert.from === 'server' ? 'the server' : 'our client'} sent ${tls.alert.name} (${tls.alert.code})`,
          data: { alert: tls.alert },
        },
      ]);
    }),
);
