import { FREERDP_CERT_PROMPT, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, withServerFixes } from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
import { certificateEvidence, certLabel, defineRule, evidence, found, withLeaf } from './helpers.js';

const WEAK_HASHES: ReadonlySet<string> = new Set(['md2', 'md5', 'sha1']);

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-weak-signature',
    title: 'A certificate in the server chain is signed with MD5 or SHA-1',
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation:
        'A CA signed a certificate in the chain with MD5 or SHA-1. Collisions for both are practical, so such signatures no longer prove anything and Windows and browsers treat SHA-1 server certificates as untrusted: clients show a certificate warning and strict clients refuse. Self-signed certificates (including roots) are not judged: nobody relies on their signature, trust comes from the certificate itself.',
      falseAlarm:
        'Only CA-issued certificates are checked, so a finding is real; an internal CA still issuing SHA-1 should be reconfigured.',
    },
    clientErrors: [MSTSC_CERT_WARNING, FREERDP_CERT_PROMPT],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE],
  },
  (observations) =>
    withLeaf(observations, (_leaf, certificate) =>
      found(
        certificate.chain.map((facts, position) => {
          const hash = facts.signatureHash?.toLowerCase();
          if (facts.selfSigned || !hash || !WEAK_HASHES.has(hash)) return undefined;
          return {
            evidence: [
              ...certificateEvidence(facts, position),
              evidence(`${certLabel(facts, position)} signature`, facts.signatureAlgorithm, 'certificate'),
            ],
            data: { position, signatureAlgorithm: facts.signatureAlgorithm, hash },
          };
        }),
      ),
    ),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
