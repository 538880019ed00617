import type { ProbeObservations, TlsObservation } from '../../probe/types.js';
import type { Evidence, Fix } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import {
  azureVariant,
  psRecentEvents,
  REPAIR_MACHINE_KEYS,
  SET_LISTENER_CERTIFICATE,
  withServerFixes,
} from '../common/fixes.js';
import { xrdpKeyFixes } from '../common/xrdp-fixes.js';
import { acceptedVersions, defineRule, evidence, found, PASS, withStage } from './helpers.js';

/**
 * OpenSSL's codes for a first record that is not TLS at all (as Node reports them). A record that
 * is TLS but unwelcome ends in an alert or a handshake error instead.
 */
const NOT_TLS_CODES: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

/** What the first bytes of the answer are, in words. */
export function describeNonTlsAnswer(previewHex: string): { kind: 'tpkt' | 'other'; text: string } {
  const first = Number.parseInt(previewHex.slice(0, 2), 16);
  const second = Number.parseInt(previewHex.slice(2, 4), 16);
  // T.123 TPKT: version 3, reserved 0 (RFC 1006 / MS-RDPBCGR 2.2.1.2). A TLS record starts 0x14-0x17.
  if (first === 0x03 && second === 0x00) {
    return {
      kind: 'tpkt',
      text: 'a plain RDP packet (TPKT), not TLS: the server went on without TLS after selecting it',
    };
  }
  return { kind: 'other', text: 'bytes that are not a TLS record' };
}

/** The first non-TLS answer any hello got: the handshake's own, else the enumeration's. */
function nonTlsPreview(observations: ProbeObservations, tls: TlsObservation): string | undefined {
  if (tls.answerPreview) return tls.answerPreview;
  const posture = observations.tlsPosture?.observation;
  const fromVersions = posture?.versions.find(
    (entry) => entry.outcome === 'malformed' && entry.answerPreview,
  )?.answerPreview;
  return (
    fromVersions ??
    posture?.clients?.find((client) => client.outcome === 'malformed' && client.answerPreview)?.answerPreview
  );
}

const checkListenerKey: Fix = {
  title: "Check that the listener's certificate and private key load",
  risk: 'low',
  where: 'server',
  steps: [
    'On Windows, Schannel logs why it could not use the credential: events 36870/36874 in the System log (the private key cannot be read, or no suite fits the key).',
    'On xrdp, xrdp.log says it at the moment of the connection ("ssl_tls_accept failed", "ee key too small", "cannot read private key").',
  ],
  script: { language: 'powershell', code: psRecentEvents([36870, 36874, 1057, 1058]) },
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-not-served',
    title: 'The server selected TLS, then did not speak TLS',
    severity: 'error',
    requires: ['negotiation', 'tls'],
    docs: {
      explanation:
        "The server answered the negotiation by selecting TLS (or CredSSP over TLS), but its answer to the client's TLS ClientHello was not TLS. When that answer is a plain RDP packet (it starts 03 00, a TPKT header), the server could not start TLS and carried on without it: its certificate or private key could not be loaded or was refused. On xrdp this is a key file xrdp cannot read (permissions: the ssl-cert group) or one OpenSSL refuses at its security level (a 1024-bit RSA key at SECLEVEL 2, an SHA-1 signature); xrdp.log says 'ssl_tls_accept failed'. Every client fails: mstsc with 0x904 (extended 0x7), FreeRDP with ERRCONNECT_TLS_CONNECT_FAILED.",
      falseAlarm:
        "A TLS-inspecting middlebox or a port forwarder that speaks its own protocol can answer in the server's place; compare with a connection from the server's own network.",
    },
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED],
    fixes: [
      checkListenerKey,
      SET_LISTENER_CERTIFICATE,
      REPAIR_MACHINE_KEYS,
      azureVariant(REPAIR_MACHINE_KEYS),
    ],
  },
  (observations) =>
    withStage(observations.tls, 'tls', 'ran', (tls) => {
      if (tls.outcome === 'established' || tls.outcome === 'alert' || tls.outcome === 'timeout') return PASS;
      // A handshake the enumeration completed proves the server speaks TLS: the failure is elsewhere.
      const accepted = acceptedVersions(observations);
      if (accepted && accepted.length > 0) return PASS;
      const preview = nonTlsPreview(observations, tls);
      const notTlsCode = tls.error !== undefined && NOT_TLS_CODES.has(tls.error.code);
      const serverSpoke = (tls.serverBytesBeforeClose ?? 0) > 0 || preview !== undefined;
      if (!serverSpoke || (!preview && !notTlsCode)) return PASS;
      const described = preview ? describeNonTlsAnswer(preview) : undefined;
      const facts: Evidence[] = [
        evidence('TLS selected in the negotiation', tls.underProtocol, 'negotiation'),
        evidence(
          'answer to the ClientHello',
          described ? `${described.text} (first bytes ${preview})` : 'bytes that are not a TLS record',
          'tls',
        ),
        ...(tls.serverBytesBeforeClose !== undefined
          ? [evidence('server bytes before the connection ended', tls.serverBytesBeforeClose, 'tls')]
          : []),
        ...(accepted ? [evidence('TLS versions accepted in the enumeration', 'none', 'tls')] : []),
      ];
      return found([
        {
          ...(described?.kind === 'tpkt'
            ? {
                title:
                  'The server selected TLS, then answered the ClientHello with plain RDP (it cannot start TLS)',
              }
            : {}),
          evidence: facts,
          data: { answerKind: described?.kind ?? 'other', ...(preview ? { answerPreview: preview } : {}) },
        },
      ]);
    }),
);

/** On xrdp: a key OpenSSL accepts and xrdp may read (the usual causes), the security level last. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [checkListenerKey, ...xrdpKeyFixes()] });
