import { FREERDP_NEGO_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import {
  azureVariant,
  psRecentEvents,
  REGENERATE_SELF_SIGNED,
  REPAIR_MACHINE_KEYS,
  SET_LISTENER_CERTIFICATE,
} from '../common/fixes.js';
import { defineRule, failedWith, found, NEG_FAILURE, probeEvidence, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'tls-cert-missing',
    title: 'The server has no usable TLS certificate',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        'The server answered a TLS or CredSSP request with SSL_CERT_NOT_ON_SERVER: the listener has no certificate it can use, so it cannot start TLS and therefore cannot do NLA either. Usually the configured certificate (SSLCertificateSHA1Hash) was deleted or expired, or Windows could not create its self-signed certificate because the MachineKeys folder or the Remote Desktop certificate store is damaged (Remote Connection Manager events 1057/1058).',
      falseAlarm:
        'Rarely wrong: the server states it itself. A server that just started may answer this until its self-signed certificate is generated; probe again after a minute.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_NEGO_FAILED],
    fixes: [
      {
        title: 'Read the certificate events',
        risk: 'low',
        where: 'server',
        steps: [
          '1057: the self-signed certificate could not be created; 1058: it could not be replaced; 1059: the configured hash was invalid; 36870: the private key could not be read.',
        ],
        script: { language: 'powershell', code: psRecentEvents([1057, 1058, 1059, 36870]) },
      },
      REGENERATE_SELF_SIGNED,
      REPAIR_MACHINE_KEYS,
      SET_LISTENER_CERTIFICATE,
      azureVariant(REGENERATE_SELF_SIGNED),
    ],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) =>
      found(
        negotiation.probes
          .filter((probe) => failedWith(probe, NEG_FAILURE.SSL_CERT_NOT_ON_SERVER))
          .slice(0, 1)
          .map((probe) => ({ evidence: [probeEvidence(probe)] })),
      ),
    ),
);
