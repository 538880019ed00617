import { FREERDP_CERT_PROMPT, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, withServerFixes } from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
import { certificateEvidence, defineRule, evidence, found, PASS, withLeaf } from './helpers.js';

/** RFC 5280 4.2.1.12 id-kp-serverAuth, and Microsoft's Remote Desktop Authentication EKU. */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const REMOTE_DESKTOP_AUTH = '1.3.6.1.4.1.311.54.1.2';
const ANY_EKU = '2.5.29.37.0';
/** TLS server keys sign (ECDHE) or decrypt (RSA key transport). */
const TLS_KEY_USAGES = ['digitalSignature', 'keyEncipherment'];

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-bad-usage',
    title: 'The server certificate is not meant for server authentication',
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation: `The leaf certificate restricts what it may be used for, and TLS server authentication is not among it: its extended key usage lists neither Server Authentication (${SERVER_AUTH}) nor Remote Desktop Authentication (${REMOTE_DESKTOP_AUTH}), or its key usage has neither digitalSignature nor keyEncipherment. Clients that validate the certificate reject it for this purpose (an identity warning, or a refusal when server authentication is required). Windows itself will not select such a certificate for the listener when it is configured by template.`,
      falseAlarm:
        'A certificate without EKU and key-usage extensions is unrestricted and not reported. Some clients ignore the EKU of a certificate the user trusts explicitly.',
    },
    clientErrors: [MSTSC_CERT_WARNING, FREERDP_CERT_PROMPT],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE],
  },
  (observations) =>
    withLeaf(observations, (leaf) => {
      const ekuProblem =
        leaf.extendedKeyUsagePresent &&
        ![SERVER_AUTH, REMOTE_DESKTOP_AUTH, ANY_EKU].some((oid) => leaf.extendedKeyUsage.includes(oid));
      const kuProblem =
        leaf.keyUsagePresent && !TLS_KEY_USAGES.some((usage) => leaf.keyUsage.includes(usage));
      if (!ekuProblem && !kuProblem) return PASS;
      return found([
        {
          evidence: [
            ...certificateEvidence(leaf),
            ...(ekuProblem
              ? [evidence('extended key usage', leaf.extendedKeyUsage.join(', ') || '(empty)', 'certificate')]
              : []),
            ...(kuProblem
              ? [evidence('key usage', leaf.keyUsage.join(', ') || '(empty)', 'certificate')]
              : []),
          ],
          data: { extendedKeyUsage: leaf.extendedKeyUsage, keyUsage: leaf.keyUsage },
        },
      ]);
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
