/**
 * TLS Supported Groups (IANA tls-parameters-8), the values a server can select in ECDHE /
 * TLS 1.3 key exchange. Source: IANA registry as of RFC 8422, RFC 7919, RFC 8446, RFC 8734,
 * RFC 9189 and the hybrid post-quantum code points (draft-kwiatkowski-tls-ecdhe-mlkem).
 * strength: 'insecure' below ~112-bit security, 'weak' for deprecated binary/Koblitz curves and
 * 163..224-bit curves, 'secure' otherwise, 'recommended' for IANA Recommended = Y.
 */
export interface NamedGroup {
  readonly code: number;
  readonly name: string;
  readonly kind: 'ecdhe' | 'ffdhe' | 'hybrid-pq' | 'pq' | 'gost' | 'explicit';
  readonly bits?: number;
  readonly strength: 'insecure' | 'weak' | 'secure' | 'recommended';
}

export const TLS_GROUPS_VERSION = 'IANA tls-parameters-8, 2024';

type Row = readonly [number, string, NamedGroup['kind'], number | undefined, NamedGroup['strength']];

// One group per line reads as the registry does.

// prettier-ignore
const ROWS: readonly Row[] = [
  [1, 'sect163k1', 'ecdhe', 163, 'insecure'], [2, 'sect163r1', 'ecdhe', 163, 'insecure'], [3, 'sect163r2', 'ecdhe', 163, 'insecure'],
  [4, 'sect193r1', 'ecdhe', 193, 'insecure'], [5, 'sect193r2', 'ecdhe', 193, 'insecure'], [6, 'sect233k1', 'ecdhe', 233, 'weak'],
  [7, 'sect233r1', 'ecdhe', 233, 'weak'], [8, 'sect239k1', 'ecdhe', 239, 'weak'], [9, 'sect283k1', 'ecdhe', 283, 'weak'],
  [10, 'sect283r1', 'ecdhe', 283, 'weak'], [11, 'sect409k1', 'ecdhe', 409, 'weak'], [12, 'sect409r1', 'ecdhe', 409, 'weak'],
  [13, 'sect571k1', 'ecdhe', 571, 'weak'], [14, 'sect571r1', 'ecdhe', 571, 'weak'], [15, 'secp160k1', 'ecdhe', 160, 'insecure'],
  [16, 'secp160r1', 'ecdhe', 160, 'insecure'], [17, 'secp160r2', 'ecdhe', 160, 'insecure'], [18, 'secp192k1', 'ecdhe', 192, 'insecure'],
  [19, 'secp192r1', 'ecdhe', 192, 'insecure'], [20, 'secp224k1', 'ecdhe', 224, 'weak'], [21, 'secp224r1', 'ecdhe', 224, 'weak'],
  [22, 'secp256k1', 'ecdhe', 256, 'weak'], [23, 'secp256r1', 'ecdhe', 256, 'recommended'], [24, 'secp384r1', 'ecdhe', 384, 'recommended'],
  [25, 'secp521r1', 'ecdhe', 521, 'secure'], [26, 'brainpoolP256r1', 'ecdhe', 256, 'secure'], [27, 'brainpoolP384r1', 'ecdhe', 384, 'secure'],
  [28, 'brainpoolP512r1', 'ecdhe', 512, 'secure'], [29, 'x25519', 'ecdhe', 255, 'recommended'], [30, 'x448', 'ecdhe', 448, 'recommended'],
  [31, 'brainpoolP256r1tls13', 'ecdhe', 256, 'secure'], [32, 'brainpoolP384r1tls13', 'ecdhe', 384, 'secure'],
  [33, 'brainpoolP512r1tls13', 'ecdhe', 512, 'secure'], [34, 'GC256A', 'gost', 256, 'secure'], [35, 'GC256B', 'gost', 256, 'secure'],
  [36, 'GC256C', 'gost', 256, 'secure'], [37, 'GC256D', 'gost', 256, 'secure'], [38, 'GC512A', 'gost', 512, 'secure'],
  [39, 'GC512B', 'gost', 512, 'secure'], [40, 'GC512C', 'gost', 512, 'secure'], [41, 'curveSM2', 'ecdhe', 256, 'secure'],
  [256, 'ffdhe2048', 'ffdhe', 2048, 'secure'], [257, 'ffdhe3072', 'ffdhe', 3072, 'secure'], [258, 'ffdhe4096', 'ffdhe', 4096, 'secure'],
  [259, 'ffdhe6144', 'ffdhe', 6144, 'secure'], [260, 'ffdhe8192', 'ffdhe', 8192, 'secure'],
  [512, 'MLKEM512', 'pq', undefined, 'secure'], [513, 'MLKEM768', 'pq', undefined, 'secure'], [514, 'MLKEM1024', 'pq', undefined, 'secure'],
  [4587, 'SecP256r1MLKEM768', 'hybrid-pq', undefined, 'secure'], [4588, 'X25519MLKEM768', 'hybrid-pq', undefined, 'secure'],
  [4589, 'SecP384r1MLKEM1024', 'hybrid-pq', undefined, 'secure'],
  [0xff01, 'arbitrary_explicit_prime_curves', 'explicit', undefined, 'weak'],
  [0xff02, 'arbitrary_explicit_char2_curves', 'explicit', undefined, 'weak'],
];

export const NAMED_GROUPS: readonly NamedGroup[] = ROWS.map(([code, name, kind, bits, strength]) => ({
  code,
  name,
  kind,
  ...(bits !== undefined ? { bits } : {}),
  strength,
}));

const BY_CODE = new Map(NAMED_GROUPS.map((group) => [group.code, group]));
const BY_NAME = new Map(NAMED_GROUPS.map((group) => [group.name, group]));

export function namedGroupByCode(code: number): NamedGroup | undefined {
  return BY_CODE.get(code);
}

export function namedGroupByName(name: string): NamedGroup | undefined {
  return BY_NAME.get(name);
}

/** RFC 8701 GREASE values (0x0A0A, 0x1A1A ... 0xFAFA) are reserved, never negotiated. */
export function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

export function namedGroupName(code: number): string {
  return BY_CODE.get(code)?.name ?? `unknown group 0x${code.toString(16).padStart(4, '0')}`;
}
