import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import {
  azureVariant,
  psRecentEvents,
  REGENERATE_SELF_SIGNED,
  REPAIR_MACHINE_KEYS,
  SET_LISTENER_CERTIFICATE,
} from '../common/fixes.js';
import { acceptedVersions, defineRule, evidence, found, PASS, tlsEvidence, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'tls-handshake-aborted',
    title: 'The server chose TLS, then dropped the handshake without an alert',
    severity: 'error',
    requires: ['tls'],
    docs: {
      explanation:
        "The server selected TLS (or CredSSP over TLS) in the negotiation, then closed or reset the connection during the TLS handshake without sending an alert. That is the typical sign of a listener certificate whose private key Remote Desktop Services cannot read: a damaged or re-permissioned MachineKeys folder, a custom certificate whose key NETWORK SERVICE may not read, or a key that was deleted. Schannel logs event 36870 ('A fatal error occurred when attempting to access the TLS server credential private key', often 0x8009030D) and Remote Connection Manager logs 1057/1058 when it cannot create or renew the self-signed certificate.",
      falseAlarm:
        'A network device that cuts TLS it cannot inspect, or an intrusion-prevention system reacting to the probe, looks the same; check for event 36870 on the server to confirm the key problem.',
    },
    clientErrors: [
      {
        ...MSTSC_SOCKET_CLOSED,
        note: 'socket closed during the TLS handshake; some versions report "An internal error has occurred"',
      },
      FREERDP_TLS_FAILED,
    ],
    fixes: [
      {
        title: 'Confirm with the server events (36870, 1057, 1058)',
        risk: 'low',
        where: 'server',
        steps: [
          '36870 with error 0x8009030D means the private key cannot be opened; 1057/1058 mean the self-signed certificate cannot be created or renewed.',
        ],
        script: { language: 'powershell', code: psRecentEvents([36870, 1057, 1058]) },
      },
      REPAIR_MACHINE_KEYS,
      SET_LISTENER_CERTIFICATE,
      REGENERATE_SELF_SIGNED,
      azureVariant(REPAIR_MACHINE_KEYS),
      azureVariant(REGENERATE_SELF_SIGNED),
    ],
  },
  (observations) =>
    withStage(observations.tls, 'tls', 'ran', (tls) => {
      if (tls.outcome !== 'aborted') return PASS;
      // If the enumeration completed a handshake, the server's key works: the abort was about our hello.
      const accepted = acceptedVersions(observations);
      if (accepted && accepted.length > 0) return PASS;
      return found([
        {
          evidence: [
            ...tlsEvidence(tls),
            ...(accepted ? [evidence('TLS versions accepted in enumeration', 'none', 'tls')] : []),
          ],
        },
      ]);
    }),
);
