import {
  ISSUE_CA_CERTIFICATE,
  REPAIR_MACHINE_KEYS,
  SET_LISTENER_CERTIFICATE,
  withServerFixes,
} from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
import {
  certificateEvidence,
  DAY_MS,
  defineRule,
  evidence,
  found,
  nowFor,
  PASS,
  withLeaf,
} from './helpers.js';

export const EXPIRY_WARNING_DAYS = 30;

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-expiring-soon',
    title: `The server's certificate expires within ${EXPIRY_WARNING_DAYS} days`,
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation: `The leaf certificate is still valid but expires in less than ${EXPIRY_WARNING_DAYS} days. After that, clients show certificate warnings and strict clients refuse to connect. CA-issued certificates need renewal and the listener must be pointed at the new one (its thumbprint changes). Windows renews its own self-signed Remote Desktop certificate, so for those this is only information.`,
      falseAlarm:
        'Auto-enrolment (a Group Policy certificate template) or the self-signed renewal may already be scheduled; the finding then goes away by itself. Self-signed certificates are reported as info for that reason.',
    },
    clientErrors: [],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, REPAIR_MACHINE_KEYS],
  },
  (observations) =>
    withLeaf(observations, (leaf, certificate) => {
      const now = nowFor(observations, certificate.checkedAt);
      const daysLeft = (Date.parse(leaf.notAfter) - now) / DAY_MS;
      if (!(daysLeft >= 0 && daysLeft < EXPIRY_WARNING_DAYS)) return PASS;
      return found([
        {
          evidence: [
            ...certificateEvidence(leaf),
            evidence('valid until', leaf.notAfter, 'certificate'),
            evidence('days left', Math.floor(daysLeft), 'certificate'),
          ],
          title: `The server's certificate expires in ${Math.floor(daysLeft)} days`,
          ...(leaf.selfSigned ? { severity: 'info' as const } : {}),
          data: { daysLeft: Math.floor(daysLeft), selfSigned: leaf.selfSigned },
        },
      ]);
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
