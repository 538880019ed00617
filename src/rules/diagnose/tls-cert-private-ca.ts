import type { CertificateFacts } from '../../probe/types.js';
import { isPublicRootSubject, PUBLIC_ROOTS_SOURCE } from '../../data/public-roots.js';
import type { Fix } from '../types.js';
import { certificateEvidence, defineRule, evidence, found, notEvaluated, PASS, withLeaf } from './helpers.js';

const trustTheRoot: Fix = {
  title: "Make sure every client trusts the CA's root certificate",
  risk: 'low',
  where: 'client',
  steps: [
    'Domain-joined Windows clients of an Active Directory Certificate Services CA already have its root (Group Policy publishes it); for other CAs, deploy the root with Group Policy (Computer Configuration > Windows Settings > Security Settings > Public Key Policies > Trusted Root Certification Authorities).',
    'Clients outside the domain (home PCs, macOS and mobile Windows App, contractors) need the root imported by hand into their trusted roots, or they see the identity warning.',
    'FreeRDP uses the system CA bundle: add the root to it (Debian and Ubuntu: copy it to /usr/local/share/ca-certificates/ as .crt and run update-ca-certificates).',
  ],
};

/**
 * The chain as sent, walked to its top: the chain is public when one of its certificates is, or is
 * issued by, a root Node's bundled store lists. Undefined when this Node cannot tell.
 */
function privateRootOf(chain: readonly CertificateFacts[]): string | undefined | null {
  for (const facts of chain) {
    const subjectPublic = isPublicRootSubject(facts.subject);
    const issuerPublic = isPublicRootSubject(facts.issuer);
    if (subjectPublic === undefined || issuerPublic === undefined) return null;
    if (subjectPublic || issuerPublic) return undefined;
  }
  const top = chain.at(-1)!;
  return top.selfSigned ? top.subject : top.issuer;
}

export const rule = defineRule(
  {
    id: 'tls-cert-private-ca',
    title: 'The server certificate comes from a private CA: clients must trust it',
    severity: 'info',
    requires: ['certificate'],
    docs: {
      explanation:
        "The certificate is issued by a CA, but not by one of the public root CAs (the list Node ships, which is Mozilla's). That is usual for an enterprise CA such as Active Directory Certificate Services, and it works only on clients that trust that CA's root: domain-joined Windows machines normally do, while personal devices, the Windows App on macOS and mobile, and FreeRDP on Linux show an identity warning (or refuse, when server authentication is required) until the root is installed.",
      falseAlarm:
        "Windows trusts some public roots that Mozilla's list (and so Node's) does not carry, and gets new ones on its own schedule: a certificate from such a CA is reported here although Windows clients trust it. The comparison is by subject name, so a private CA that copies a public root's exact name would be taken for it. Where every client is domain-joined and gets the root by Group Policy, this is only a note.",
    },
    clientErrors: [],
    fixes: [trustTheRoot],
  },
  (observations) =>
    withLeaf(observations, (leaf, certificate) => {
      // A self-signed leaf is tls-cert-self-signed's finding.
      if (leaf.selfSigned) return PASS;
      const root = privateRootOf(certificate.chain);
      if (root === null) return notEvaluated('this Node cannot read its bundled root store');
      if (root === undefined) return PASS;
      return found([
        {
          evidence: [
            ...certificateEvidence(leaf),
            evidence('issuer', leaf.issuer, 'certificate'),
            evidence('root CA (not a public root)', root, 'certificate'),
            evidence('public roots compared with', PUBLIC_ROOTS_SOURCE, 'data/public-roots'),
          ],
          title: `The server certificate comes from a private CA (${root}): clients must trust its root`,
          data: { root, chainLength: certificate.chain.length },
        },
      ]);
    }),
);
