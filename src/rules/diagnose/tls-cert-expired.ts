import { FREERDP_CERT_PROMPT, MSTSC_CERT_EXPIRED, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import {
  ISSUE_CA_CERTIFICATE,
  REGENERATE_SELF_SIGNED,
  REPAIR_MACHINE_KEYS,
  SET_LISTENER_CERTIFICATE,
  withServerFixes,
} from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
import {
  certificateEvidence,
  certLabel,
  DAY_MS,
  defineRule,
  evidence,
  found,
  nowFor,
  withLeaf,
} from './helpers.js';

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-expired',
    title: "The server's certificate has expired",
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation:
        'A certificate the server presents (the leaf or an intermediate) is past its notAfter date. mstsc and Windows App show a certificate warning the user may accept, so connections still work for people who click through (hence a warning); clients set to require server authentication (authentication level:i:1), non-interactive FreeRDP and web gateways refuse. An expired self-signed Remote Desktop certificate means Windows failed to renew it (Remote Connection Manager event 1058, often MachineKeys permissions).',
      falseAlarm:
        'If the clock of the machine running rdp-doctor is wrong, dates are judged wrongly; compare with the checked-at time in the evidence.',
    },
    clientErrors: [MSTSC_CERT_WARNING, MSTSC_CERT_EXPIRED, FREERDP_CERT_PROMPT],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, REGENERATE_SELF_SIGNED, REPAIR_MACHINE_KEYS],
  },
  (observations) =>
    withLeaf(observations, (_leaf, certificate) => {
      const now = nowFor(observations, certificate.checkedAt);
      return found(
        certificate.chain.map((facts, position) => {
          const notAfter = Date.parse(facts.notAfter);
          if (!(notAfter < now)) return undefined;
          return {
            evidence: [
              ...certificateEvidence(facts, position),
              evidence(`${certLabel(facts, position)} valid until`, facts.notAfter, 'certificate'),
              evidence('expired for (days)', Math.floor((now - notAfter) / DAY_MS), 'certificate'),
              evidence('checked at', certificate.checkedAt, 'certificate'),
            ],
            ...(position > 0 ? { title: 'An intermediate certificate in the server chain has expired' } : {}),
            data: { position, notAfter: facts.notAfter, selfSigned: facts.selfSigned },
          };
        }),
      );
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
