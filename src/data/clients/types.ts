import type { Confidence } from '../error-code.js';

/**
 * The shape of a client compatibility profile: what one RDP client release offers by default, so a
 * verdict can say "Windows 7 SP1 cannot connect to this server" rather than "a client might fail".
 *
 * Code points are numeric, as on the wire: cipher suites (IANA tls-parameters-4), named groups
 * (tls-parameters-8) and signature schemes (tls-signaturescheme). src/data/tls-cipher-suites.ts,
 * tls-groups.ts and tls-signature-schemes.ts name them.
 */

/** TLS protocol versions as Node and OpenSSL name them (`tls.TLSSocket#getProtocol()`). */
export type TlsVersionName = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export type ClientPlatform =
  'windows' | 'windows-server' | 'linux' | 'macos' | 'ios' | 'android' | 'cross-platform';

export type { Confidence };

/** The CredSSP CVE-2018-0886 "Encryption Oracle Remediation" policy value (AllowEncryptionOracle 0, 1, 2). */
export type EncryptionOracle = 'Force Updated Clients' | 'Mitigated' | 'Vulnerable';

export interface ClientTlsDefaults {
  /** Versions the client offers without any configuration, oldest first. */
  readonly versions: readonly TlsVersionName[];
  /** Versions the client implements but leaves off until a registry key or option turns them on. */
  readonly supportedButDisabled: readonly TlsVersionName[];
  /** TLS 1.2-and-earlier cipher suites in the client's order of preference (signalling values left out). */
  readonly cipherSuites: readonly number[];
  /** TLS 1.3 cipher suites in order; empty when TLS 1.3 is not on by default. */
  readonly tls13CipherSuites: readonly number[];
  /** supported_groups in order (ECDHE curves, FFDHE groups). */
  readonly groups: readonly number[];
  /** signature_algorithms in order; empty when the client sends none (no TLS 1.2 on by default). */
  readonly signatureAlgorithms: readonly number[];
  /**
   * Set where sources disagree on which versions are on by default, naming what is disputed: a
   * verdict that rests on `versions` says "likely", not "will" (TLS 1.0/1.1 on Windows 11 24H2).
   */
  readonly versionsDisputed?: string;
  /** Versions the hello offers but whose handshake succeeds or fails with the TLS library the client was built with. */
  readonly buildDependent?: BuildDependentVersions;
}

/** The FreeRDP 2 case: one release, two outcomes, decided by the OpenSSL it was built against. */
export interface BuildDependentVersions {
  readonly versions: readonly TlsVersionName[];
  /** The builds on which a handshake in these versions fails, e.g. 'OpenSSL 3 builds (most current Linux distributions)'. */
  readonly failsOn: string;
  /** The builds on which it completes. */
  readonly connectsOn: string;
  /** What a failing build prints, by name (ERRCONNECT_TLS_CONNECT_FAILED). */
  readonly failingError: string;
  /** Where the behaviour was seen or read. */
  readonly source: ClientSource;
}

export interface ClientSecurityDefaults {
  /** The X.224 RDP_NEG_REQ requestedProtocols mask sent by default (MS-RDPBCGR 2.2.1.1.1). */
  readonly requestedProtocols: number;
  /** The TSRequest version the client sends (MS-CSSP 2.2.1). */
  readonly credsspVersion: number;
  /** Falls back to Standard RDP Security when the server answers SSL_NOT_ALLOWED_BY_SERVER. */
  readonly acceptsStandardRdpSecurity: boolean;
  /** Windows only: the CredSSP encryption-oracle policy in force when nothing is configured. */
  readonly encryptionOracle?: EncryptionOracle;
}

/** What the client shows the user when a given step fails. */
export interface ClientErrorDisplay {
  /** The code the client prints (mstsc disconnect reason, FreeRDP's class-2 value, the Windows App code). */
  readonly code?: number;
  /** Symbolic name of `code` where the client has one (ERRCONNECT_TLS_CONNECT_FAILED). */
  readonly name?: string;
  /** mstsc's extended disconnect reason, shown as "Extended error code". */
  readonly extended?: number;
  readonly text: string;
}

export interface ClientErrors {
  /** The TLS handshake failed (no common version or suite, or the server reset the connection). */
  readonly tlsFailure: ClientErrorDisplay;
  /** CredSSP refused a server without the CVE-2018-0886 update (Windows' "encryption oracle" message). */
  readonly credsspOracle?: ClientErrorDisplay;
}

export interface ClientSource {
  /** A URL, or `owner/repo:path` (optionally `@commit` or `@tag`). */
  readonly ref: string;
  /** What this source establishes for the profile. */
  readonly note: string;
}

export interface ClientProfile {
  /** kebab-case, product then version: `windows-11-24h2`, `freerdp-3`, `windows-app-macos`. */
  readonly id: string;
  readonly product: string;
  readonly release: string;
  /** How verdicts name the profile: unique across profiles, no trailing punctuation ('Windows 7 SP1 (TLS 1.2 update)'). */
  readonly displayName: string;
  readonly platform: ClientPlatform;
  /** A currently supported release: a failure for it is an `error`, for an old one a `warning`. */
  readonly current: boolean;
  /** Last day of (non-paid) support, ISO date, where the vendor publishes one; decides `current`. */
  readonly endOfSupport?: string;
  readonly tls: ClientTlsDefaults;
  readonly security: ClientSecurityDefaults;
  readonly errors: ClientErrors;
  /** Facts a verdict should repeat: where sources disagree, which one the profile follows and why. */
  readonly notes: readonly string[];
  readonly sources: readonly ClientSource[];
  readonly confidence: Confidence;
  /** What the profile assumes rather than cites. */
  readonly assumptions: readonly string[];
}
