import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

/**
 * Certificates for lab scenarios, made at run time (never committed) and cached per process.
 * Each profile reproduces one certificate problem a real RDP host can have.
 */
export type CertificateProfile =
  'good' | 'expired' | 'wrong-name' | 'weak-key' | 'sha1' | 'no-server-auth-eku';

export interface LabCertificate {
  readonly profile: CertificateProfile;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** Names the certificate is valid for (empty intent for the wrong-name profile). */
  readonly names: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A name no client is ever pointed at, for the wrong-name profile. */
export const WRONG_NAME = 'wrong-name.rdp-doctor.invalid';
const DAY_MS = 24 * 60 * 60 * 1000;
/** INVARIANT: the expired profile's validity ended long before any run of the lab. */
const EXPIRED_NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const EXPIRED_NOT_AFTER = new Date('2020-02-01T00:00:00Z');

interface ProfileParameters {
  readonly modulusLength: number;
  readonly hash: 'SHA-1' | 'SHA-256';
  readonly serverAuth: boolean;
  readonly expired: boolean;
  readonly wrongName: boolean;
  /**
   * Signed by a lab CA rather than by itself. A signature's hash only matters when someone else
   * vouches for the key: on a self-signed certificate nobody checks it, so rules ignore it there.
   */
  readonly issuedByLabCa?: boolean;
}

const PROFILES: Readonly<Record<CertificateProfile, ProfileParameters>> = {
  good: { modulusLength: 2048, hash: 'SHA-256', serverAuth: true, expired: false, wrongName: false },
  expired: { modulusLength: 2048, hash: 'SHA-256', serverAuth: true, expired: true, wrongName: false },
  'wrong-name': { modulusLength: 2048, hash: 'SHA-256', serverAuth: true, expired: false, wrongName: true },
  'weak-key': { modulusLength: 1024, hash: 'SHA-256', serverAuth: true, expired: false, wrongName: false },
  sha1: {
    modulusLength: 2048,
    hash: 'SHA-1',
    serverAuth: true,
    expired: false,
    wrongName: false,
    issuedByLabCa: true,
  },
  'no-server-auth-eku': {
    modulusLength: 2048,
    hash: 'SHA-256',
    serverAuth: false,
    expired: false,
    wrongName: false,
  },
};

const cache = new Map<string, Promise<LabCertificate>>();

/**
 * The certificate for a profile, valid (or deliberately not) for `names`: DNS names and IP
 * addresses mixed. The same profile and names give the same certificate for the whole process.
 */
export function labCertificate(
  profile: CertificateProfile,
  names: readonly string[],
): Promise<LabCertificate> {
  const key = `${profile}|${[...names].sort().join(',')}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = generate(profile, names);
    // A failed generation is not cached, so a later call may try again.
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

interface LabCa {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: webcrypto.CryptoKey;
}

const labCas = new Map<string, Promise<LabCa>>();

/**
 * One lab CA per process and hash, for profiles whose certificate someone else must sign.
 * INVARIANT: a WebCrypto RSA key signs with the hash it was made for, so a SHA-1 leaf needs a
 * SHA-1 CA key (the CA's own self-signature is never judged).
 */
function labCa(
  crypto: Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  hash: 'SHA-1' | 'SHA-256',
): Promise<LabCa> {
  const existing = labCas.get(hash);
  if (existing) return existing;
  const pending = (async () => {
    const algorithm = {
      name: 'RSASSA-PKCS1-v1_5',
      hash,
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: 2048,
    };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: 'CN=rdp-doctor lab CA',
        notBefore: new Date(Date.now() - DAY_MS),
        notAfter: new Date(Date.now() + 365 * DAY_MS),
        keys,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash } as webcrypto.Algorithm,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ],
      },
      crypto,
    );
    return { certificate, privateKey: keys.privateKey };
  })();
  labCas.set(hash, pending);
  return pending;
}

async function generate(
  profile: CertificateProfile,
  requestedNames: readonly string[],
): Promise<LabCertificate> {
  const parameters = PROFILES[profile];
  // @peculiar/x509 types its provider as the DOM Crypto; Node's webcrypto is that implementation.
  const crypto = webcrypto as unknown as Parameters<
    typeof x509.X509CertificateGenerator.createSelfSigned
  >[1] &
    typeof webcrypto;
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: parameters.hash,
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: parameters.modulusLength,
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const names = parameters.wrongName
    ? [WRONG_NAME]
    : requestedNames.length > 0
      ? [...requestedNames]
      : ['localhost'];
  const commonName = names.find((name) => isIP(name) === 0) ?? names[0]!;
  const now = Date.now();
  const notBefore = parameters.expired ? EXPIRED_NOT_BEFORE : new Date(now - DAY_MS);
  const notAfter = parameters.expired ? EXPIRED_NOT_AFTER : new Date(now + 365 * DAY_MS);
  const usages = parameters.serverAuth
    ? [x509.ExtendedKeyUsage.serverAuth]
    : [x509.ExtendedKeyUsage.clientAuth];
  const issuer = parameters.issuedByLabCa ? await labCa(crypto, parameters.hash) : undefined;
  const signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: parameters.hash } as webcrypto.Algorithm;
  const leafExtensions = (): x509.Extension[] => [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(usages, false),
    new x509.SubjectAlternativeNameExtension(
      names.map((name) => ({ type: isIP(name) !== 0 ? ('ip' as const) : ('dns' as const), value: name })),
      false,
    ),
  ];
  const certificate = issuer
    ? await x509.X509CertificateGenerator.create(
        {
          subject: `CN=${commonName}`,
          issuer: issuer.certificate.subject,
          notBefore,
          notAfter,
          publicKey: keys.publicKey,
          signingKey: issuer.privateKey,
          signingAlgorithm,
          extensions: leafExtensions(),
        },
        crypto,
      )
    : await x509.X509CertificateGenerator.createSelfSigned(
        {
          name: `CN=${commonName}`,
          notBefore,
          notAfter,
          keys,
          signingAlgorithm,
          extensions: leafExtensions(),
        },
        crypto,
      );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    profile,
    // The server sends the chain, leaf first, as Windows does for a CA-issued listener certificate.
    certificatePem: issuer
      ? `${certificate.toString('pem')}\n${issuer.certificate.toString('pem')}`
      : certificate.toString('pem'),
    privateKeyPem: toPem(new Uint8Array(pkcs8), 'PRIVATE KEY'),
    names,
    notBefore,
    notAfter,
  };
}

function toPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
