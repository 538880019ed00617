import {
  FIX_REGENERATE_RDP_CERTIFICATE,
  FIX_REPAIR_MACHINEKEYS_ACL,
  onAzure,
} from '../../collect/fix-catalog.js';
import type { CollectedCertificate } from '../../evidence/state/collect-document.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import type { Rule } from '../types.js';
import { certificateName, found, notEvaluated, perMachine, section, type StateNeed } from './helpers.js';

function problem(certificate: CollectedCertificate): string | undefined {
  if (!certificate.hasPrivateKey)
    return 'the certificate has no private key (its key file is missing or was never linked)';
  if (certificate.privateKeyReadable === false) return 'the private key exists but cannot be opened';
  return undefined;
}

export const tlsCertKeyUnreadable: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'tls-cert-key-unreadable',
    title: "The RDP listener certificate's private key cannot be read or created",
    severity: 'error',
    requires: ['certificates'],
    docs: {
      explanation:
        'The certificate the RDP-Tcp listener uses has no private key, or its key in the MachineKeys folder cannot be ' +
        'opened (a damaged or missing key file, or permissions that keep it from being read). Schannel then cannot ' +
        'build the TLS credential (events 36870/36871, RCM 1057/1058) and every TLS/NLA connection is dropped right ' +
        'after the X.224 exchange: mstsc 0x904 with extended reason 0x7.',
      falseAlarm:
        'The collector opens the key as the account that ran it (an administrator); a key that opens for it but not ' +
        'for NETWORK SERVICE is reported by machinekeys-acl-broken instead.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED],
    // The same repair the event rule of this id offers: one cause, one fix.
    fixes: [
      FIX_REPAIR_MACHINEKEYS_ACL,
      FIX_REGENERATE_RDP_CERTIFICATE,
      onAzure(FIX_REPAIR_MACHINEKEYS_ACL),
      onAzure(FIX_REGENERATE_RDP_CERTIFICATE),
    ],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const certificates = section(machine, 'certificates');
      if (certificates.kind === 'missing') return notEvaluated(certificates.reason);
      const bound = certificates.value.filter((certificate) => certificate.boundToListener);
      const broken = bound.flatMap((certificate) => {
        const why = problem(certificate);
        return why ? [{ certificate, why }] : [];
      });
      if (broken.length === 0 && bound.some((certificate) => certificate.privateKeyReadable === null))
        return notEvaluated(
          'the collector could not test whether the listener key opens (privateKeyReadable null)',
        );
      return found(
        broken.map(({ certificate, why }) => ({
          evidence: [
            {
              label: 'listener certificate',
              value: certificateName(certificate),
              source: certificates.source,
            },
            { label: 'private key', value: why, source: certificates.source },
            ...(certificate.keyFile
              ? [{ label: 'key file', value: certificate.keyFile, source: certificates.source }]
              : []),
          ],
          data: {
            thumbprint: certificate.thumbprint,
            hasPrivateKey: certificate.hasPrivateKey,
            privateKeyReadable: certificate.privateKeyReadable,
          },
        })),
      );
    });
  },
};
