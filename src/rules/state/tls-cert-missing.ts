import { FIX_REGENERATE_RDP_CERTIFICATE, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_NEGO_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import type { Rule } from '../types.js';
import {
  found,
  KEYS,
  normalizeThumbprint,
  notEvaluated,
  PASS,
  perMachine,
  section,
  type StateNeed,
  valueEvidence,
  valueState,
} from './helpers.js';

export const tlsCertMissing: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'tls-cert-missing',
    title: 'No usable certificate for the RDP listener',
    severity: 'error',
    requires: ['certificates'],
    docs: {
      explanation:
        'The listener has no certificate to offer: SSLCertificateSHA1Hash names a thumbprint that is in no ' +
        'LocalMachine store (Remote Desktop Services logs event 1051), or there is neither a configured certificate ' +
        "nor a self-signed one in the 'Remote Desktop' store. Without a certificate the server cannot start TLS and " +
        'therefore cannot do NLA; clients are disconnected right after the negotiation (mstsc 0x904).',
      falseAlarm:
        'A server that just started may not have created its self-signed certificate yet; collect again after a minute.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_NEGO_FAILED],
    fixes: [
      FIX_REGENERATE_RDP_CERTIFICATE,
      SET_LISTENER_CERTIFICATE,
      onAzure(FIX_REGENERATE_RDP_CERTIFICATE),
    ],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const certificates = section(machine, 'certificates');
      if (certificates.kind === 'missing') return notEvaluated(certificates.reason);
      const hash = valueState(machine, KEYS.rdpTcp, 'SSLCertificateSHA1Hash');
      const configured =
        hash.kind === 'set' && typeof hash.value === 'string' ? normalizeThumbprint(hash.value) : '';
      const listed = certificates.value.map((certificate) => normalizeThumbprint(certificate.thumbprint));
      const count = {
        label: 'certificates read',
        value: `${certificates.value.length} in the Remote Desktop and My stores`,
        source: certificates.source,
      };
      if (configured && !listed.includes(configured)) {
        return found([
          {
            title:
              'The configured listener certificate (SSLCertificateSHA1Hash) is not in the certificate store',
            evidence: [valueEvidence('SSLCertificateSHA1Hash', hash), count],
            data: { configured },
          },
        ]);
      }
      if (certificates.value.some((certificate) => certificate.boundToListener)) return PASS;
      return found([
        {
          evidence: [
            count,
            {
              label: 'listener certificate',
              value: configured
                ? `none of them is the configured ${configured}`
                : "no self-signed certificate in the 'Remote Desktop' store and none configured",
              source: certificates.source,
            },
          ],
          data: { configured: configured || null },
        },
      ]);
    });
  },
};
