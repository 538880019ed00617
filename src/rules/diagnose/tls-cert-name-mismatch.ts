import type { CertificateFacts } from '../../probe/types.js';
import { sameMachineName } from '../common/claimed-names.js';
import { FREERDP_CERT_PROMPT, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, withServerFixes } from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
import {
  certificateEvidence,
  defineRule,
  evidence,
  found,
  normaliseName,
  PASS,
  withLeaf,
} from './helpers.js';

/**
 * RFC 6125 6.4.3 as browsers apply it: '*' only as the whole left-most label, matching exactly one
 * label, never for IP addresses, and not directly under a top-level domain ('*.com').
 */
export function dnsNameMatches(pattern: string, name: string): boolean {
  const wanted = normaliseName(name);
  const presented = normaliseName(pattern);
  if (!presented.startsWith('*.')) return presented === wanted;
  const suffix = presented.slice(2);
  if (!suffix.includes('.') || suffix.includes('*')) return false;
  const dot = wanted.indexOf('.');
  return dot > 0 && wanted.slice(dot + 1) === suffix;
}

/** Canonical text of an IP address for comparison (IPv6 lower-cased, zone removed). */
function canonicalIp(address: string): string {
  return address
    .trim()
    .toLowerCase()
    .replace(/%.*$/, '')
    .replace(/^\[|\]$/g, '');
}

/** The names a client compares with: DNS SANs, or the CN when there is no SAN at all (legacy rule). */
export function presentedNames(leaf: CertificateFacts, forIp: boolean): string[] {
  const sans = forIp ? leaf.ipAddresses : leaf.dnsNames;
  if (leaf.dnsNames.length + leaf.ipAddresses.length > 0) return [...sans];
  return leaf.commonName ? [leaf.commonName] : [];
}

export function certificateCoversName(leaf: CertificateFacts, expected: string, isIp: boolean): boolean {
  if (isIp)
    return presentedNames(leaf, true).some((address) => canonicalIp(address) === canonicalIp(expected));
  return presentedNames(leaf, false).some((pattern) => dnsNameMatches(pattern, expected));
}

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-name-mismatch',
    title: "The server's certificate does not name the host you connected to",
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation:
        "None of the names in the certificate match the name (or IP address) you connected to. Clients compare the DNS names in the subject alternative name extension (only the common name when the certificate has no SAN at all); a wildcard covers exactly one label ('*.example.com' covers 'rdp.example.com' but neither 'example.com' nor 'a.b.example.com'); an IP address must appear as an IP SAN. Clients show an identity warning, and clients that require server authentication refuse. Self-signed certificates are reported as info: they are untrusted anyway and always carry the computer name.",
      falseAlarm:
        "Connecting by IP address or by an alias (CNAME, NAT name) to a server whose certificate only has its computer name is expected; connect by the name in the certificate, or add the alias to the certificate's SANs. When the certificate's name resolves to the address reached, the finding says so: the machine is right, only the name differs.",
    },
    clientErrors: [MSTSC_CERT_WARNING, FREERDP_CERT_PROMPT],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE],
  },
  (observations) =>
    withLeaf(observations, (leaf, certificate) => {
      const expected = certificate.expectedName;
      if (certificateCoversName(leaf, expected, certificate.expectedNameIsIp)) return PASS;
      const names = presentedNames(leaf, certificate.expectedNameIsIp);
      // A certificate name that resolves to the address reached: the right machine under another name.
      const alias = names.map((name) => sameMachineName(observations, name)).find((entry) => entry);
      return found([
        {
          evidence: [
            evidence('name connected to', expected, 'certificate'),
            evidence(
              'names in the certificate',
              [...leaf.dnsNames, ...leaf.ipAddresses].join(', ') || `CN=${leaf.commonName ?? ''}`,
              'certificate',
            ),
            ...certificateEvidence(leaf),
            ...(alias
              ? [evidence(`${alias.name} resolves to`, `${alias.sharedAddress}, the address reached`, 'dns')]
              : []),
          ],
          ...(alias
            ? {
                title: `The certificate is for ${alias.name}, which reaches the same machine as ${expected}: connect by that name or add ${expected} to the certificate`,
              }
            : {}),
          ...(leaf.selfSigned ? { severity: 'info' as const } : {}),
          data: {
            expectedName: expected,
            presentedNames: names,
            ...(alias ? { sameMachineAs: alias.name } : {}),
          },
        },
      ]);
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
