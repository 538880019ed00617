import {
  FIX_REGENERATE_RDP_CERTIFICATE,
  FIX_REPAIR_MACHINEKEYS_ACL,
  onAzure,
} from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_CERT_PROMPT, MSTSC_CERT_EXPIRED, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import type { Rule } from '../types.js';
import {
  certificateName,
  collectedAt,
  found,
  notEvaluated,
  perMachine,
  section,
  type StateNeed,
} from './helpers.js';

const DAY_MS = 86_400_000;

export const tlsCertExpired: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'tls-cert-expired',
    title: "The RDP listener's certificate has expired",
    severity: 'warning',
    requires: ['certificates'],
    docs: {
      explanation:
        'The certificate the RDP-Tcp listener uses is past its notAfter date at the time the collector ran. mstsc and ' +
        'Windows App show a certificate warning the user may accept, so connections still work for people who click ' +
        'through (hence a warning); clients set to require server authentication, non-interactive FreeRDP and web ' +
        'gateways refuse. An expired self-signed Remote Desktop certificate means Windows failed to renew it ' +
        '(Remote Connection Manager event 1058), most often because of the MachineKeys permissions.',
      falseAlarm:
        "Dates are judged against the collector's time (collectedAt); a machine whose clock is wrong judges them wrongly.",
    },
    clientErrors: [MSTSC_CERT_WARNING, MSTSC_CERT_EXPIRED, FREERDP_CERT_PROMPT],
    fixes: [
      ISSUE_CA_CERTIFICATE,
      FIX_REGENERATE_RDP_CERTIFICATE,
      FIX_REPAIR_MACHINEKEYS_ACL,
      SET_LISTENER_CERTIFICATE,
      onAzure(FIX_REGENERATE_RDP_CERTIFICATE),
    ],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const certificates = section(machine, 'certificates');
      if (certificates.kind === 'missing') return notEvaluated(certificates.reason);
      const now = collectedAt(machine);
      if (now === undefined) return notEvaluated('the collector document has no valid collectedAt time');
      return found(
        certificates.value
          .filter((certificate) => certificate.boundToListener && Date.parse(certificate.notAfter) < now)
          .map((certificate) => ({
            evidence: [
              {
                label: 'listener certificate',
                value: certificateName(certificate),
                source: certificates.source,
              },
              { label: 'valid until', value: certificate.notAfter, source: certificates.source },
              {
                label: 'expired for (days)',
                value: Math.floor((now - Date.parse(certificate.notAfter)) / DAY_MS),
                source: certificates.source,
              },
              { label: 'collected at', value: new Date(now).toISOString(), source: certificates.source },
            ],
            data: {
              thumbprint: certificate.thumbprint,
              notAfter: certificate.notAfter,
              selfSigned: certificate.subject === certificate.issuer,
            },
          })),
      );
    });
  },
};
