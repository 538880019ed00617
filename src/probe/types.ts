/**
 * What the probe observed, stage by stage. Stages observe and never judge: these are facts
 * (what was sent, what came back, how long it took); src/rules decides what they mean.
 * Everything here is plain JSON data so a diagnosis can be saved, replayed and diffed.
 */

export type StageName =
  'dns' | 'tcp' | 'negotiation' | 'tls' | 'certificate' | 'credssp' | 'rdp-security' | 'session';
export const STAGE_ORDER: readonly StageName[] = [
  'dns',
  'tcp',
  'negotiation',
  'tls',
  'certificate',
  'credssp',
  'rdp-security',
  'session',
];

export type StageStatus = 'ok' | 'failed' | 'skipped';

/**
 * Why a stage failed. `internal-bug` is ours; everything else is the network or the server.
 */
export type FailureReason =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'closed'
  | 'unreachable'
  | 'not-found'
  | 'protocol-error'
  | 'tls-alert'
  | 'internal-bug';

/** A Node/OS error normalised once, at the edge. */
export interface NetworkErrorInfo {
  /** ECONNREFUSED, ETIMEDOUT, ECONNRESET, ENOTFOUND, EHOSTUNREACH, ... or our own codes. */
  readonly code: string;
  readonly message: string;
  /** Addresses tried (autoSelectFamily may try several). */
  readonly addresses?: readonly string[];
  readonly timeoutMs?: number;
}

export interface Attempt<O> {
  readonly stage: StageName;
  readonly status: StageStatus;
  readonly reason?: FailureReason;
  /** For skipped stages: which earlier stage's outcome made this one impossible or pointless. */
  readonly skippedBecause?: string;
  readonly ms: number;
  /** One line for the stage ladder. */
  readonly summary: string;
  readonly observation?: O;
  readonly error?: NetworkErrorInfo;
}

// --- DNS -------------------------------------------------------------------------------------

export interface DnsObservation {
  readonly query: string;
  /** The target was an IP literal; no lookup was made. */
  readonly literal: boolean;
  readonly addresses: readonly { readonly address: string; readonly family: 4 | 6 }[];
  /** PTR names of the address used (empty when none or not looked up). */
  readonly reverseNames: readonly string[];
  /** Set when the name did not resolve. */
  readonly error?: NetworkErrorInfo;
}

// --- TCP -------------------------------------------------------------------------------------

export type TcpOutcome = 'connected' | 'refused' | 'filtered' | 'unreachable' | 'reset' | 'error';

export interface TcpAddressResult {
  readonly address: string;
  readonly family: 4 | 6;
  readonly outcome: TcpOutcome;
  readonly connectMs?: number;
  /**
   * For a failed connect: how long until the failure. An ICMP error comes back in one round trip;
   * a neighbour (ARP) failure or a dropped SYN takes seconds.
   */
  readonly failedAfterMs?: number;
  readonly error?: NetworkErrorInfo;
}

export interface TcpObservation {
  readonly port: number;
  readonly perAddress: readonly TcpAddressResult[];
  /** The address later stages use (the first that connected). */
  readonly usedAddress?: string;
  /**
   * Repeated connects to the used address, for latency and stability: the kept connection's, then
   * each TLS posture connection's as it is made (or, without a posture, a few made for this).
   */
  readonly samples: readonly TcpSample[];
}

export interface TcpSample {
  readonly outcome: TcpOutcome;
  readonly connectMs?: number;
}

// --- X.224 negotiation -----------------------------------------------------------------------

export type NegotiationOutcome =
  /** RDP_NEG_RSP: the server selected a protocol. */
  | 'selected'
  /** RDP_NEG_FAILURE with a failure code. */
  | 'failure'
  /** A Connection Confirm with no negotiation data: a pre-negotiation server (Standard RDP Security). */
  | 'no-negotiation-data'
  /** Closed (FIN) before any answer. */
  | 'closed'
  | 'reset'
  | 'timeout'
  /** Bytes came back but are not an X.224 Connection Confirm. */
  | 'not-rdp'
  /** A TPKT/X.224 answer that did not decode. */
  | 'malformed';

export interface NegotiationProbe {
  /** Which request this was: 'rdp', 'ssl', 'hybrid', 'hybrid-ex', 'modern' (the full set a current client sends). */
  readonly label: string;
  readonly requestedProtocols: number;
  readonly requestedNames: readonly string[];
  readonly outcome: NegotiationOutcome;
  readonly selectedProtocol?: number;
  readonly selectedName?: string;
  readonly responseFlags?: number;
  readonly responseFlagNames?: readonly string[];
  readonly failureCode?: number;
  /** Spec name, or "unknown failure code 0x..." (kept: an odd answer is evidence). */
  readonly failureName?: string;
  /** What a non-RDP or malformed answer looked like: e.g. 'http', 'ssh', 'tls', 'smtp', 'unknown'. */
  readonly serviceGuess?: string;
  /** First bytes of the answer (hex, at most 64 bytes) for malformed / not-rdp outcomes. */
  readonly answerPreview?: string;
  readonly decodeError?: {
    readonly structure: string;
    readonly kind: string;
    readonly field: string;
    readonly offset: number;
  };
  /** For an incomplete answer: how the exchange ended after the partial bytes. */
  readonly endedBy?: 'closed' | 'reset' | 'timeout';
  /** For a 'timeout' outcome (or endedBy 'timeout'): how far the answer had got. */
  readonly stall?: StallProgress;
  readonly ms: number;
}

export interface NegotiationObservation {
  readonly probes: readonly NegotiationProbe[];
}

// --- TLS -------------------------------------------------------------------------------------

export type TlsOutcome = 'established' | 'alert' | 'aborted' | 'timeout' | 'error';

export interface TlsAlertInfo {
  readonly level: 'warning' | 'fatal';
  /** RFC 8446 alert description code, e.g. 40 handshake_failure. */
  readonly code: number;
  readonly name: string;
  /** Who sent it: the server (received) or our client (sent, e.g. it refused the server's choice). */
  readonly from: 'server' | 'client';
}

export interface TlsObservation {
  /** Which negotiated protocol the TLS ran under ('ssl', 'hybrid', 'hybrid-ex'). */
  readonly underProtocol: string;
  readonly outcome: TlsOutcome;
  /** 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'. */
  readonly version?: string;
  readonly cipher?: { readonly name: string; readonly standardName: string };
  /** Key-exchange group, e.g. 'X25519'. */
  readonly group?: string;
  readonly alert?: TlsAlertInfo;
  /** DER certificates, leaf first, base64. */
  readonly chainDer: readonly string[];
  readonly error?: NetworkErrorInfo;
  /** Bytes the server sent before dropping (0 means it closed without a word). */
  readonly serverBytesBeforeClose?: number;
  /**
   * TLS versions the ClientHello offered ('TLSv1' ... 'TLSv1.3'). Absent means the probe's default
   * hello, which offers TLSv1 through TLSv1.3, so a TLSv1.2-capable server would have chosen 1.2+.
   */
  readonly offeredVersions?: readonly string[];
  /** First bytes (hex, at most 16) the server sent in answer to the ClientHello, when they were not TLS. */
  readonly answerPreview?: string;
  /** For a 'timeout' outcome: how far the server's handshake flight had got. */
  readonly stall?: StallProgress;
  readonly ms: number;
}

// --- TLS posture (version and cipher enumeration) --------------------------------------------

export type TlsProtocolVersion = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/**
 * What the server accepts when offered one TLS version (and one cipher suite) at a time. Its
 * attempt record carries stage 'tls': the enumeration is a sub-step of the TLS stage.
 */
export interface TlsPostureObservation {
  readonly underProtocol?: string;
  readonly versions: readonly TlsVersionProbe[];
  /**
   * Accepted cipher suites: IANA code point and name (IANA or OpenSSL spelling). Per version in
   * the order the server chose them (its preference order when `preference` is 'server').
   */
  readonly ciphers: readonly TlsAcceptedCipher[];
  /** Key-exchange groups the server accepted, under the newest version that has them (TLS 1.3, else TLS 1.2 ECDHE). */
  readonly groups?: readonly TlsAcceptedGroup[];
  /** Per version with accepted TLS_DHE_* suites: the finite-field DH group the server sent. */
  readonly dhe?: readonly TlsDheParameters[];
  /** What the server answered to each client profile's own ClientHello (one connection per distinct hello). */
  readonly clients?: readonly ClientHelloAnswer[];
  /** Raw ClientHellos sent (each on its own connection after an X.224 negotiation). */
  readonly hellosSent?: number;
  /** Connections opened for hellos. */
  readonly connectionsOpened?: number;
  /** Hellos sent on a connection the negotiation matrix had opened and no other stage used. */
  readonly connectionsReused?: number;
  /** The time budget ran out before every chain finished: the lists may be incomplete. */
  readonly budgetSpent?: boolean;
}

export interface TlsVersionProbe {
  readonly version: TlsProtocolVersion;
  readonly accepted: boolean;
  /**
   * 'server' when the server kept its choice with the client's order reversed, 'client' when it
   * followed the client's order; absent when fewer than two suites were accepted.
   */
  readonly preference?: 'server' | 'client';
  /** How the last hello offering only this version ended, e.g. 'alert 70 protocol_version'. */
  readonly answer?: string;
  readonly outcome?: TlsHelloOutcome;
  /** First bytes (hex, at most 16) of an answer that was not TLS. */
  readonly answerPreview?: string;
}

export interface TlsAcceptedCipher {
  readonly version: TlsProtocolVersion;
  readonly code: number;
  readonly name: string;
  /** 1 = the server's first choice among everything offered for this version. */
  readonly rank?: number;
  /** ECDHE curve / TLS 1.3 group the server used with this suite, when it showed one. */
  readonly group?: string;
}

/** The DH parameters of a DHE ServerKeyExchange (RFC 5246 7.4.3). */
export interface TlsDheParameters {
  readonly version: TlsProtocolVersion;
  /** The DHE suite the server chose when offered only its accepted DHE suites. */
  readonly code: number;
  readonly name: string;
  /** Size of the prime p in bits. */
  readonly primeBits: number;
}

export interface TlsAcceptedGroup {
  readonly version: TlsProtocolVersion;
  readonly code: number;
  readonly name: string;
}

/** The server's answer to one client profile's ClientHello (facts only; rules judge compatibility). */
export interface ClientHelloAnswer {
  readonly profile: string;
  readonly outcome: TlsHelloOutcome;
  /** Set for 'server-hello': the version and suite the server chose. */
  readonly version?: TlsProtocolVersion | string;
  readonly versionCode?: number;
  readonly cipherCode?: number;
  readonly cipher?: string;
  readonly group?: string;
  readonly helloRetryRequest?: boolean;
  readonly alert?: { readonly code: number; readonly name: string };
  /** One line: what happened, e.g. 'alert 70 protocol_version' or 'closed without a byte'. */
  readonly detail: string;
  /** First bytes (hex, at most 16) of an answer that was not TLS. */
  readonly answerPreview?: string;
  /** Computed from the server's choice rule the enumeration established; no hello was sent for it. */
  readonly computed?: true;
}

/** How one raw ClientHello ended. */
export type TlsHelloOutcome =
  | 'server-hello'
  | 'alert'
  | 'closed'
  | 'reset'
  | 'timeout'
  | 'malformed'
  | 'negotiation-refused'
  | 'connect-failed'
  /** The profile offers nothing a hello can carry (no version or no suite): nothing was sent. */
  | 'not-sent';

// --- Certificate -----------------------------------------------------------------------------

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly commonName?: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly isCa: boolean;
  readonly keyType: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';
  readonly keyBits?: number;
  readonly curve?: string;
  /** e.g. 'sha256WithRSAEncryption', with its hash separately ('sha1', 'sha256', 'md5'). */
  readonly signatureAlgorithm: string;
  readonly signatureHash?: string;
  /** Key usage bit names (digitalSignature, keyEncipherment, ...); empty when the extension is absent. */
  readonly keyUsage: readonly string[];
  readonly keyUsagePresent: boolean;
  /** EKU OIDs; empty when the extension is absent. */
  readonly extendedKeyUsage: readonly string[];
  readonly extendedKeyUsagePresent: boolean;
  /** Upper-case hex without separators, as Windows shows it (certlm, SSLCertificateSHA1Hash). */
  readonly sha1Thumbprint: string;
  readonly sha256Fingerprint: string;
  readonly serialNumber: string;
}

export interface CertificateObservation {
  readonly chain: readonly CertificateFacts[];
  /** The name the certificate was checked against (the host typed, or --name). */
  readonly expectedName: string;
  /** Whether the expected name is an IP address literal. */
  readonly expectedNameIsIp: boolean;
  /** The local clock when checked, ISO 8601. */
  readonly checkedAt: string;
  /**
   * What the names the server gives itself resolve to (the leaf's DNS names and common name, the
   * NTLM DNS computer name), for those that differ from the expected name: tells an alias of the
   * machine reached from another machine. Absent when no such name was looked up.
   */
  readonly claimedNames?: readonly ClaimedNameResolution[];
}

/** One name the server claims, resolved as the target was (getaddrinfo). */
export interface ClaimedNameResolution {
  readonly name: string;
  /** Where it came from: 'certificate' (SAN or CN) or 'ntlm' (DNS computer name). */
  readonly from: 'certificate' | 'ntlm';
  /** Empty when it does not resolve (or not within the lookup's time limit). */
  readonly addresses: readonly string[];
}

// --- CredSSP / NTLM --------------------------------------------------------------------------

export interface NtlmChallengeFacts {
  readonly targetName?: string;
  readonly netbiosComputerName?: string;
  readonly netbiosDomainName?: string;
  readonly dnsComputerName?: string;
  readonly dnsDomainName?: string;
  readonly dnsTreeName?: string;
  readonly negotiateFlags: number;
  readonly negotiateFlagNames: readonly string[];
  /** From the VERSION structure when present. */
  readonly productVersion?: {
    readonly major: number;
    readonly minor: number;
    readonly build: number;
    readonly revision: number;
  };
  /** e.g. 'Windows Server 2019 (1809)'; from src/data when the build is known. */
  readonly windowsRelease?: string;
  /** The server's clock from MsvAvTimestamp, ISO 8601. */
  readonly serverTime?: string;
  /** Our clock when the CHALLENGE arrived, ISO 8601. */
  readonly localTimeAtReceipt: string;
}

export interface CredsspObservation {
  readonly underProtocol: string;
  readonly outcome: 'challenge-received' | 'error-code' | 'closed' | 'reset' | 'timeout' | 'malformed';
  /** The TSRequest version the server answered with. */
  readonly serverVersion?: number;
  /** The version we offered. */
  readonly clientVersion: number;
  /** TSRequest.errorCode (an NTSTATUS / HRESULT) when the server sent one. */
  readonly errorCode?: number;
  readonly ntlm?: NtlmChallengeFacts;
  /** For a 'timeout' outcome: how far the server's TSRequest had got. */
  readonly stall?: StallProgress;
  readonly ms: number;
}

// --- Standard RDP Security -------------------------------------------------------------------

export interface RdpSecurityObservation {
  readonly outcome: 'connect-response' | 'closed' | 'reset' | 'timeout' | 'malformed';
  /** Server core data version, e.g. 0x00080004 (RDP 5.0+), 0x0008000c (RDP 10.7). */
  readonly serverVersion?: number;
  readonly serverVersionName?: string;
  /** What the client offered. */
  readonly clientEncryptionMethods: number;
  readonly encryptionMethod?: number;
  readonly encryptionMethodName?: string;
  readonly encryptionLevel?: number;
  readonly encryptionLevelName?: string;
  readonly serverCertificate?: {
    readonly type: 'proprietary' | 'x509';
    readonly rsaKeyBits?: number;
    readonly permanent?: boolean;
    readonly chainLength?: number;
  };
  /** Requested protocols the server's core data echoes back. */
  readonly clientRequestedProtocols?: number;
  /** TS_UD_SC_CORE earlyCapabilityFlags, when the server sent the field. */
  readonly serverEarlyCapabilityFlags?: number;
  /** MCS Connect-Response domain parameters: maxChannelIds (xrdp answers 22, Windows and FreeRDP 34). */
  readonly mcsMaxChannelIds?: number;
  /** For a 'timeout' outcome: how far the MCS Connect Response had got. */
  readonly stall?: StallProgress;
  readonly ms: number;
}

// --- The rest of the connection sequence (MS-RDPBCGR 1.3.1.1) -------------------------------

/**
 * The phases after the security layer, in the order a client meets them. `credssp-logon` is the
 * full CredSSP exchange with credentials (only with --user); `finalization` is Confirm Active to
 * Font Map, `logon` the wait for Save Session Info (only with --logon).
 */
export type SessionPhase =
  | 'credssp-logon'
  | 'early-user-authorization'
  | 'mcs-connect'
  | 'erect-domain'
  | 'attach-user'
  | 'channel-join'
  | 'security-exchange'
  | 'client-info'
  | 'licensing'
  | 'capabilities'
  | 'finalization'
  | 'logon';

export type SessionOutcome =
  /** Demand Active arrived: the server would show its logon screen (no credentials were sent). */
  | 'logon-screen'
  /** With --user: CredSSP accepted the credentials and the sequence reached Demand Active. */
  | 'credentials-accepted'
  /** With --logon: the server's Save Session Info said the user is logged on. */
  | 'logged-on'
  /** With --user: CredSSP refused (see logon.status / logon.errorCode). */
  | 'credentials-refused'
  /** A Set Error Info PDU came, then the end of the connection (see errorInfo). */
  | 'error-info'
  /** A licensing Error Alert other than STATUS_VALID_CLIENT (see licensing). */
  | 'licensing-error'
  /** MCS Disconnect Provider Ultimatum without an error info (see ultimatum). */
  | 'disconnect-ultimatum'
  /** The MCS Connect-Response, Attach User or Channel Join carried a result other than success. */
  | 'mcs-refused'
  /** With --logon: the Save Session Info carried a logon error (see logonErrors). */
  | 'logon-error'
  /** A Server Redirection PDU came before Demand Active: a connection broker (see redirection). */
  | 'redirected'
  | 'closed'
  | 'reset'
  | 'timeout'
  | 'malformed';

/** A Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1), named from src/data/error-info.ts by the rules. */
export interface ErrorInfoFact {
  readonly code: number;
  /** The spec's name, or "unknown error info 0x..." (kept: an odd answer is evidence). */
  readonly name: string;
  /** The phase it arrived in. */
  readonly phase: SessionPhase;
}

export interface LicensingFacts {
  /** The server asked for a license (a License Request), rather than answering STATUS_VALID_CLIENT at once. */
  readonly serverRequestedLicense: boolean;
  /** Licensing PDUs the server sent, by name (LICENSE_REQUEST, PLATFORM_CHALLENGE, NEW_LICENSE, ERROR_ALERT). */
  readonly messages: readonly string[];
  readonly outcome: 'valid-client' | 'license-issued' | 'error-alert' | 'incomplete';
  /** For an error alert: dwErrorCode and its name (MS-RDPBCGR 2.2.1.12.1.3). */
  readonly errorCode?: number;
  readonly errorName?: string;
  readonly stateTransition?: number;
  readonly stateTransitionName?: string;
}

/** The logon check's CredSSP exchange (only with --user). The password never appears here. */
export interface LogonFacts {
  /** DOMAIN\name or name, as given to --user. */
  readonly user: string;
  /** How far the exchange got. */
  readonly step: 'negotiate' | 'authenticate' | 'public-key' | 'credentials' | 'done';
  /** 'accepted': the server verified the password (pubKeyAuth came back) and took the credentials. */
  readonly status: 'accepted' | 'refused' | 'failed';
  /** TSRequest.errorCode (an NTSTATUS or SEC_E_ HRESULT) when the server sent one. */
  readonly errorCode?: number;
  readonly errorName?: string;
  readonly credsspVersion?: number;
  /** With --logon: a session was created (and is left disconnected). */
  readonly fullLogon: boolean;
}

export interface SessionObservation {
  /** The protocol the sequence ran under: 'RDP' (Standard RDP Security), 'SSL', 'HYBRID', 'HYBRID_EX'. */
  readonly underProtocol: string;
  /** Whether any credential was sent (only with --user). */
  readonly credentialsSent: boolean;
  readonly outcome: SessionOutcome;
  /** The phase the sequence ended in (the last one started). */
  readonly phase: SessionPhase;
  readonly phasesCompleted: readonly SessionPhase[];
  readonly errorInfo?: ErrorInfoFact;
  /** MCS Disconnect Provider Ultimatum reason (T.125 Reason: rn-domain-disconnected 0 ... rn-channel-purged 4). */
  readonly ultimatum?: { readonly reason: number; readonly name: string; readonly phase: SessionPhase };
  /** MCS result name when a Connect-Response / Attach User / Channel Join refused. */
  readonly mcsResult?: string;
  readonly licensing?: LicensingFacts;
  readonly demandActive?: {
    readonly shareId: number;
    readonly sourceDescriptor: string;
    readonly capabilitySets: number;
    readonly desktopWidth?: number;
    readonly desktopHeight?: number;
  };
  readonly logon?: LogonFacts;
  /** HYBRID_EX with --user: the Early User Authorization Result (MS-RDPBCGR 2.2.10.2) when not AUTHZ_SUCCESS. */
  readonly earlyUserAuthorization?: { readonly result: number; readonly name: string };
  /** With --logon: LOGON_ERRORS_INFO from Save Session Info (MS-RDPBCGR 2.2.10.1.1.4.1.1). */
  readonly logonErrors?: { readonly type: number; readonly typeName: string; readonly data: number };
  /** A Server Redirection PDU (MS-RDPBCGR 2.2.13.1); its password cookie is never kept. */
  readonly redirection?: {
    readonly sessionId: number;
    /** TargetFQDN, TargetNetBiosName, TargetNetAddress, TargetNetAddresses, as text, in that order, no repeats. */
    readonly targets: readonly string[];
    /** Printable ASCII as text, otherwise hex; at most 128 characters. */
    readonly loadBalanceInfo?: string;
  };
  /** For a 'timeout' outcome: how far the awaited PDU had got. */
  readonly stall?: StallProgress;
  readonly ms: number;
}

// --- The whole diagnosis ---------------------------------------------------------------------

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** The name the user expects the server to be (for certificate and identity checks). */
  readonly expectedName: string;
}

export interface ProbeObservations {
  readonly target: ProbeTarget;
  /** When the probe started, ISO 8601 (rules use it as "now"). */
  readonly startedAt: string;
  readonly dns?: Attempt<DnsObservation>;
  readonly tcp?: Attempt<TcpObservation>;
  readonly negotiation?: Attempt<NegotiationObservation>;
  readonly tls?: Attempt<TlsObservation>;
  /** TLS version and cipher enumeration (optional, slower; see TlsPostureObservation). */
  readonly tlsPosture?: Attempt<TlsPostureObservation>;
  readonly certificate?: Attempt<CertificateObservation>;
  readonly credssp?: Attempt<CredsspObservation>;
  readonly rdpSecurity?: Attempt<RdpSecurityObservation>;
  /** The rest of the connection sequence, up to the logon screen (or the logon check's answer). */
  readonly session?: Attempt<SessionObservation>;
}

// --- Slow answers ----------------------------------------------------------------------------

/**
 * How far a server's answer had got when a stage's timeout ran out: set on the observation of a
 * stage (or negotiation probe) that ended in 'timeout'. A server that sent nothing is silent; one
 * whose bytes so far are the start of a well-formed answer is slow, which is not the same fault.
 */
export interface StallProgress {
  /** Bytes of the answer received before the timeout. */
  readonly bytesReceived: number;
  /** From sending our request to the first byte of the answer (absent when none came). */
  readonly firstByteMs?: number;
  /** From sending our request to the last byte received. */
  readonly lastByteMs?: number;
  /** The bytes received are a valid prefix of the expected answer (they decode so far). */
  readonly validSoFar: boolean;
  /** Bytes the complete answer needs, when its header told us (TPKT length, TLS record length). */
  readonly expectedBytes?: number;
}

/** Where each stage's attempt lives in the observations (the TLS enumeration shares stage 'tls'). */
const STAGE_KEYS: Readonly<Record<StageName, keyof ProbeObservations>> = {
  dns: 'dns',
  tcp: 'tcp',
  negotiation: 'negotiation',
  tls: 'tls',
  certificate: 'certificate',
  credssp: 'credssp',
  'rdp-security': 'rdpSecurity',
  session: 'session',
};

/** The attempt a stage recorded, by stage name. */
export function stageAttempt(
  observations: ProbeObservations,
  stage: StageName,
): Attempt<unknown> | undefined {
  return observations[STAGE_KEYS[stage]] as Attempt<unknown> | undefined;
}
