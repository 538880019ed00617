import { FREERDP_CERT_PROMPT, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, withServerFixes } from '../common/fixes.js';
import { XRDP_CA_CERTIFICATE } from '../common/xrdp-fixes.js';
import { certificateEvidence, defineRule, evidence, found, PASS, withLeaf } from './helpers.js';

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-self-signed',
    title: 'The server uses a self-signed certificate',
    severity: 'info',
    requires: ['certificate'],
    docs: {
      explanation:
        "The server presents a self-signed certificate, normally the one Windows generates for Remote Desktop (issued to the computer's own name, renewed automatically). Clients cannot verify it against a trusted CA, so they show an identity warning the first time (or every time) and users learn to click through warnings, which defeats the protection against a man in the middle. Kerberos still authenticates a domain server under NLA.",
      falseAlarm:
        'Normal for workgroup machines and labs; deploying the certificate thumbprint to clients or using a CA-issued certificate removes the warning.',
    },
    clientErrors: [MSTSC_CERT_WARNING, FREERDP_CERT_PROMPT],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE],
  },
  (observations) =>
    withLeaf(observations, (leaf) =>
      leaf.selfSigned
        ? found([
            { evidence: [...certificateEvidence(leaf), evidence('issuer', leaf.issuer, 'certificate')] },
          ])
        : PASS,
    ),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_CA_CERTIFICATE] });
