/**
 * TLS SignatureScheme values (IANA tls-signaturescheme, RFC 8446 4.2.3, RFC 8734, RFC 9189),
 * including the TLS 1.2 (hash, signature) pairs that share the code space (RFC 5246 7.4.1.4.1).
 * strength: SHA-1 and MD5 based are 'insecure'/'weak'; RFC 8446 schemes are 'secure' or 'recommended'.
 */
export interface SignatureScheme {
  readonly code: number;
  readonly name: string;
  readonly strength: 'insecure' | 'weak' | 'secure' | 'recommended';
}

export const TLS_SIGNATURE_SCHEMES_VERSION = 'IANA tls-signaturescheme, 2024';

// One scheme per line reads as the registry does.

// prettier-ignore
const ROWS: readonly (readonly [number, string, SignatureScheme['strength']])[] = [
  [0x0101, 'rsa_md5', 'insecure'], [0x0102, 'dsa_md5', 'insecure'], [0x0103, 'ecdsa_md5', 'insecure'],
  [0x0201, 'rsa_pkcs1_sha1', 'weak'], [0x0202, 'dsa_sha1', 'weak'], [0x0203, 'ecdsa_sha1', 'weak'],
  [0x0301, 'rsa_pkcs1_sha224', 'weak'], [0x0302, 'dsa_sha224', 'weak'], [0x0303, 'ecdsa_sha224', 'weak'],
  [0x0401, 'rsa_pkcs1_sha256', 'secure'], [0x0402, 'dsa_sha256', 'weak'], [0x0403, 'ecdsa_secp256r1_sha256', 'recommended'],
  [0x0420, 'rsa_pkcs1_sha256_legacy', 'secure'],
  [0x0501, 'rsa_pkcs1_sha384', 'secure'], [0x0502, 'dsa_sha384', 'weak'], [0x0503, 'ecdsa_secp384r1_sha384', 'recommended'],
  [0x0520, 'rsa_pkcs1_sha384_legacy', 'secure'],
  [0x0601, 'rsa_pkcs1_sha512', 'secure'], [0x0602, 'dsa_sha512', 'weak'], [0x0603, 'ecdsa_secp521r1_sha512', 'secure'],
  [0x0620, 'rsa_pkcs1_sha512_legacy', 'secure'],
  [0x0704, 'eccsi_sha256', 'secure'], [0x0705, 'iso_ibs1', 'secure'], [0x0706, 'iso_ibs2', 'secure'],
  [0x0707, 'iso_chinese_ibs', 'secure'], [0x0708, 'sm2sig_sm3', 'secure'],
  [0x0709, 'gostr34102012_256a', 'secure'], [0x070a, 'gostr34102012_256b', 'secure'], [0x070b, 'gostr34102012_256c', 'secure'],
  [0x070c, 'gostr34102012_256d', 'secure'], [0x070d, 'gostr34102012_512a', 'secure'], [0x070e, 'gostr34102012_512b', 'secure'],
  [0x070f, 'gostr34102012_512c', 'secure'],
  [0x0804, 'rsa_pss_rsae_sha256', 'recommended'], [0x0805, 'rsa_pss_rsae_sha384', 'recommended'],
  [0x0806, 'rsa_pss_rsae_sha512', 'recommended'], [0x0807, 'ed25519', 'recommended'], [0x0808, 'ed448', 'recommended'],
  [0x0809, 'rsa_pss_pss_sha256', 'recommended'], [0x080a, 'rsa_pss_pss_sha384', 'recommended'],
  [0x080b, 'rsa_pss_pss_sha512', 'recommended'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256', 'secure'], [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384', 'secure'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512', 'secure'],
  [0x0904, 'mldsa44', 'secure'], [0x0905, 'mldsa65', 'secure'], [0x0906, 'mldsa87', 'secure'],
];

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ROWS.map(([code, name, strength]) => ({
  code,
  name,
  strength,
}));

const BY_CODE = new Map(SIGNATURE_SCHEMES.map((scheme) => [scheme.code, scheme]));
const BY_NAME = new Map(SIGNATURE_SCHEMES.map((scheme) => [scheme.name, scheme]));

export function signatureSchemeByCode(code: number): SignatureScheme | undefined {
  return BY_CODE.get(code);
}

export function signatureSchemeByName(name: string): SignatureScheme | undefined {
  return BY_NAME.get(name);
}

export function signatureSchemeName(code: number): string {
  return BY_CODE.get(code)?.name ?? `unknown signature scheme 0x${code.toString(16).padStart(4, '0')}`;
}
