/**
 * The public root CAs Node ships (`tls.rootCertificates`: Mozilla's CA list as bundled with the
 * running Node version), looked up by subject name. Used to tell a certificate from a public CA
 * from one of a private (enterprise) CA with only the chain the server sent.
 *
 * Subjects are compared as OpenSSL prints them (node:crypto X509Certificate#subject, lines joined
 * with ", "), the form CertificateFacts.subject and .issuer take. Roots are parsed lazily, and only
 * those whose DER holds the name's common name, so a lookup costs a few milliseconds, not the
 * ~170 ms of parsing all of them.
 *
 * Not the Windows store: Windows trusts some roots Mozilla does not (and updates its list on its
 * own schedule), so "not in this list" means "not a Mozilla-listed public CA", not "untrusted".
 */
import type { X509Certificate as X509CertificateType } from 'node:crypto';

interface RootStore {
  readonly ders: readonly Buffer[];
  readonly X509Certificate: typeof X509CertificateType;
}

let store: RootStore | null | undefined;

/** Node's modules loaded on first use: rules stay free of start-up cost when no CA cert is judged. */
function rootStore(): RootStore | null {
  if (store !== undefined) return store;
  const tls = process.getBuiltinModule?.('node:tls');
  const crypto = process.getBuiltinModule?.('node:crypto');
  if (!tls || !crypto) return (store = null);
  const ders = tls.rootCertificates.map((pem) =>
    Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64'),
  );
  return (store = { ders, X509Certificate: crypto.X509Certificate });
}

function commonNameOf(distinguishedName: string): string | undefined {
  return /(?:^|,\s*)CN=([^,]+)/.exec(distinguishedName)?.[1]?.trim();
}

const subjectOf = (certificate: X509CertificateType) => certificate.subject.replace(/\n/g, ', ');

/**
 * Whether a root in Node's bundled store has exactly this subject; undefined when this Node
 * cannot say (no `process.getBuiltinModule`, before Node 20.16).
 */
export function isPublicRootSubject(subject: string): boolean | undefined {
  const roots = rootStore();
  if (!roots) return undefined;
  const commonName = commonNameOf(subject);
  // OpenSSL escapes commas in values ("Entrust\, Inc."); the DER holds them plain.
  const needle = commonName ? Buffer.from(commonName.replace(/\\,/g, ','), 'utf8') : undefined;
  return roots.ders.some((der) => {
    if (needle && !der.includes(needle)) return false;
    try {
      return subjectOf(new roots.X509Certificate(der)) === subject;
    } catch {
      return false;
    }
  });
}

/** The version of the list: the Node that bundles it. */
export const PUBLIC_ROOTS_SOURCE = `Node ${process.version} tls.rootCertificates (Mozilla CA list as bundled)`;
