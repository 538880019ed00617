import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { KEY_USAGE_BITS, SIGNATURE_ALGORITHMS } from '../../data/x509-oids.js';
import { decodeCertificateExtras } from '../../wire/x509.js';
import type { CertificateFacts, CertificateObservation } from '../types.js';

function commonName(distinguishedName: string): string | undefined {
  const match = /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(distinguishedName);
  return match?.[1]?.trim();
}

/** Node formats SANs as "DNS:a, IP Address:1.2.3.4"; names with commas are quoted. */
function subjectAltNames(value: string | undefined): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const part of value?.split(/,\s*(?=(?:DNS|IP Address|email|URI|DirName|othername|Registered ID):)/) ??
    []) {
    const [kind, ...rest] = part.split(':');
    const name = rest.join(':').replace(/^"|"$/g, '').trim();
    if (kind === 'DNS') dns.push(name);
    if (kind === 'IP Address') ip.push(name);
  }
  return { dns, ip };
}

/** Facts about one certificate: OpenSSL's parse (node:crypto) plus the fields it keeps to itself. A bad one throws. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  const x509 = new X509Certificate(der);
  const extras = decodeCertificateExtras(der);
  const signatureOid = extras.signatureAlgorithm;
  const signature = SIGNATURE_ALGORITHMS[signatureOid];
  const keyUsage: string[] = [];
  if (extras.keyUsage !== undefined) {
    const bits = extras.keyUsage;
    KEY_USAGE_BITS.forEach((name, index) => {
      if (bits & (1 << index)) keyUsage.push(name);
    });
  }
  const extendedKeyUsage = [...(extras.extendedKeyUsage ?? [])];
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = (['rsa', 'ec', 'ed25519', 'ed448', 'dsa'] as const).find((type) =>
    type === 'rsa'
      ? key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss'
      : key.asymmetricKeyType === type,
  );
  const { dns, ip } = subjectAltNames(x509.subjectAltName);
  const selfIssued = x509.subject === x509.issuer;
  let selfSigned = false;
  if (selfIssued) {
    try {
      selfSigned = x509.verify(key);
    } catch {
      selfSigned = false;
    }
  }
  const cn = commonName(x509.subject);
  const curve = details.namedCurve;
  const bits = keyType === 'ec' ? curveBits(curve) : (details.modulusLength ?? undefined);
  return {
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    ...(cn ? { commonName: cn } : {}),
    dnsNames: dns,
    ipAddresses: ip,
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    selfSigned,
    isCa: x509.ca,
    keyType: keyType ?? 'unknown',
    ...(bits !== undefined ? { keyBits: bits } : {}),
    ...(curve ? { curve } : {}),
    signatureAlgorithm: signature?.name ?? signatureOid,
    ...(signature ? { signatureHash: signature.hash } : {}),
    keyUsage,
    keyUsagePresent: extras.keyUsage !== undefined,
    extendedKeyUsage,
    extendedKeyUsagePresent: extras.extendedKeyUsage !== undefined,
    sha1Thumbprint: x509.fingerprint.replace(/:/g, '').toUpperCase(),
    sha256Fingerprint: x509.fingerprint256.replace(/:/g, '').toUpperCase(),
    serialNumber: x509.serialNumber.toUpperCase(),
  };
}

function curveBits(curve: string | undefined): number | undefined {
  const match = /(\d{3})/.exec(curve ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Pure: the chain the server sent, analysed against the expected name at `now`. */
export function analyseCertificates(
  chainDer: readonly string[],
  expectedName: string,
  now: Date,
): CertificateObservation {
  return {
    chain: chainDer.map((der) => certificateFacts(Buffer.from(der, 'base64'))),
    expectedName,
    expectedNameIsIp: isIP(expectedName) !== 0,
    checkedAt: now.toISOString(),
  };
}
