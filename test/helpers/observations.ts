/**
 * Observation fixtures for rule tests: a healthy baseline (every diagnose rule passes or, for the
 * Standard RDP Security stage the server refuses, is not evaluated) plus small builders to change
 * one fact at a time. Tests say what differs from healthy, nothing else.
 */
import type {
  Attempt,
  CertificateFacts,
  CertificateObservation,
  CredsspObservation,
  FailureReason,
  NegotiationObservation,
  NegotiationProbe,
  NtlmChallengeFacts,
  ProbeObservations,
  RdpSecurityObservation,
  SessionObservation,
  SessionOutcome,
  StageName,
  TcpAddressResult,
  TcpObservation,
  TlsObservation,
  TlsPostureObservation,
  TlsProtocolVersion,
} from '../../src/probe/types.js';

export const STARTED_AT = '2025-06-01T12:00:00.000Z';
export const HOST = 'rdp.example.test';

/** Milliseconds after STARTED_AT, as ISO 8601. */
export function at(offsetMs: number): string {
  return new Date(Date.parse(STARTED_AT) + offsetMs).toISOString();
}

export const DAY = 24 * 60 * 60 * 1000;

export function ok<O>(stage: StageName, observation: O): Attempt<O> {
  return { stage, status: 'ok', ms: 10, summary: `${stage} ok`, observation };
}

export function failed<O>(stage: StageName, reason: FailureReason, observation?: O): Attempt<O> {
  return {
    stage,
    status: 'failed',
    reason,
    ms: 10,
    summary: `${stage} failed: ${reason}`,
    ...(observation ? { observation } : {}),
  };
}

export function skipped<O>(stage: StageName, because: string): Attempt<O> {
  return { stage, status: 'skipped', skippedBecause: because, ms: 0, summary: `${stage} skipped` };
}

// --- negotiation -----------------------------------------------------------------------------

const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  0: 'PROTOCOL_RDP',
  1: 'PROTOCOL_SSL',
  2: 'PROTOCOL_HYBRID',
  8: 'PROTOCOL_HYBRID_EX',
};
const FAILURE_NAMES: Readonly<Record<number, string>> = {
  1: 'SSL_REQUIRED_BY_SERVER',
  2: 'SSL_NOT_ALLOWED_BY_SERVER',
  3: 'SSL_CERT_NOT_ON_SERVER',
  4: 'INCONSISTENT_FLAGS',
  5: 'HYBRID_REQUIRED_BY_SERVER',
  6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};
const REQUESTS: Readonly<Record<string, number>> = {
  modern: 0x0b,
  rdp: 0,
  ssl: 1,
  hybrid: 2,
  'hybrid-ex': 0x0a,
};

function requestedNames(protocols: number): string[] {
  return [1, 2, 8].filter((bit) => protocols & bit).map((bit) => PROTOCOL_NAMES[bit] ?? String(bit));
}

export type Answer =
  | { readonly selected: number }
  | { readonly failure: number }
  | {
      readonly outcome: NegotiationProbe['outcome'];
      readonly serviceGuess?: string;
      readonly answerPreview?: string;
    };

export function probe(label: string, answer: Answer): NegotiationProbe {
  const requestedProtocols = REQUESTS[label] ?? 0;
  const base = { label, requestedProtocols, requestedNames: requestedNames(requestedProtocols), ms: 5 };
  if ('selected' in answer) {
    return {
      ...base,
      outcome: 'selected',
      selectedProtocol: answer.selected,
      selectedName: PROTOCOL_NAMES[answer.selected] ?? 'unknown',
    };
  }
  if ('failure' in answer) {
    const name =
      FAILURE_NAMES[answer.failure] ??
      `unknown failure code 0x${answer.failure.toString(16).padStart(8, '0')}`;
    return { ...base, outcome: 'failure', failureCode: answer.failure, failureName: name };
  }
  return { ...base, ...answer };
}

/** A server that requires NLA: HYBRID(_EX) selected, everything weaker refused with HYBRID_REQUIRED_BY_SERVER. */
export const HEALTHY_PROBES: readonly NegotiationProbe[] = [
  probe('modern', { selected: 8 }),
  probe('rdp', { failure: 5 }),
  probe('ssl', { failure: 5 }),
  probe('hybrid', { selected: 2 }),
  probe('hybrid-ex', { selected: 8 }),
];

/** The healthy probes with some replaced (by label); a probe given as `null` label removal is not supported on purpose. */
export function negotiation(...replacements: NegotiationProbe[]): Attempt<NegotiationObservation> {
  const byLabel = new Map(HEALTHY_PROBES.map((entry) => [entry.label, entry]));
  for (const replacement of replacements) byLabel.set(replacement.label, replacement);
  return ok('negotiation', { probes: [...byLabel.values()] });
}

/** Exactly these probes, nothing from the baseline. */
export function negotiationOnly(...probes: NegotiationProbe[]): Attempt<NegotiationObservation> {
  return ok('negotiation', { probes });
}

// --- tcp -------------------------------------------------------------------------------------

export function connected(address: string, connectMs = 12): TcpAddressResult {
  return { address, family: address.includes(':') ? 6 : 4, outcome: 'connected', connectMs };
}

export function tcpFailure(
  address: string,
  outcome: TcpAddressResult['outcome'],
  code: string,
): TcpAddressResult {
  return {
    address,
    family: address.includes(':') ? 6 : 4,
    outcome,
    error: { code, message: `connect ${code} ${address}:3389` },
  };
}

export function tcp(
  perAddress: readonly TcpAddressResult[],
  samples?: TcpObservation['samples'],
): Attempt<TcpObservation> {
  const used = perAddress.find((result) => result.outcome === 'connected');
  const observation: TcpObservation = {
    port: 3389,
    perAddress,
    ...(used ? { usedAddress: used.address } : {}),
    samples:
      samples ??
      (used ? [12, 13, 11, 12, 14].map((connectMs) => ({ outcome: 'connected' as const, connectMs })) : []),
  };
  return used
    ? ok('tcp', observation)
    : failed('tcp', perAddress[0]?.outcome === 'filtered' ? 'timeout' : 'refused', observation);
}

// --- tls and certificates ----------------------------------------------------------------------

export function tls(
  patch: Partial<TlsObservation> = {},
  status: 'ok' | 'failed' = 'ok',
): Attempt<TlsObservation> {
  const observation: TlsObservation = {
    underProtocol: 'hybrid-ex',
    outcome: 'established',
    version: 'TLSv1.3',
    cipher: { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384' },
    chainDer: ['MIIB'],
    ms: 20,
    ...patch,
  };
  return status === 'ok'
    ? ok('tls', observation)
    : failed('tls', observation.outcome === 'alert' ? 'tls-alert' : 'reset', observation);
}

export function posture(
  accepted: readonly TlsProtocolVersion[],
  ciphers: TlsPostureObservation['ciphers'] = [
    { version: 'TLSv1.3', code: 0x1302, name: 'TLS_AES_256_GCM_SHA384' },
    { version: 'TLSv1.2', code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
  ],
): Attempt<TlsPostureObservation> {
  const all: TlsProtocolVersion[] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  return ok('tls', {
    versions: all.map((version) => ({ version, accepted: accepted.includes(version) })),
    ciphers,
  });
}

/** A full diagnosis also sends a current client's hello: here Windows 11 24H2 gets TLS 1.3. */
export function simulatedClients(attempt: Attempt<TlsPostureObservation>): Attempt<TlsPostureObservation> {
  const clients = [
    {
      profile: 'windows-11-24h2',
      outcome: 'server-hello' as const,
      version: 'TLSv1.3',
      versionCode: 0x0304,
      cipherCode: 0x1302,
      cipher: 'TLS_AES_256_GCM_SHA384',
      group: 'x25519',
      detail: 'ServerHello TLS 1.3 TLS_AES_256_GCM_SHA384 x25519',
    },
  ];
  return { ...attempt, observation: { ...attempt.observation!, clients } };
}

export function leaf(patch: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: `CN=${HOST}`,
    issuer: 'CN=Example Issuing CA, O=Example',
    commonName: HOST,
    dnsNames: [HOST],
    ipAddresses: [],
    notBefore: at(-150 * DAY),
    notAfter: at(200 * DAY),
    selfSigned: false,
    isCa: false,
    keyType: 'rsa',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    signatureHash: 'sha256',
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    keyUsagePresent: true,
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    extendedKeyUsagePresent: true,
    sha1Thumbprint: '0123456789ABCDEF0123456789ABCDEF01234567',
    sha256Fingerprint: 'AB'.repeat(32),
    serialNumber: '01',
    ...patch,
  };
}

/** Issued by a root Node's bundled store lists (a public CA: tls-cert-private-ca stays quiet). */
export const ISSUING_CA = leaf({
  subject: 'CN=Example Issuing CA, O=Example',
  issuer: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1',
  commonName: 'Example Issuing CA',
  dnsNames: [],
  isCa: true,
  keyUsage: ['keyCertSign', 'cRLSign'],
  extendedKeyUsagePresent: false,
  extendedKeyUsage: [],
  sha1Thumbprint: 'FEDCBA9876543210FEDCBA9876543210FEDCBA98',
});

export function certificate(
  leafPatch: Partial<CertificateFacts> = {},
  options: {
    chainTail?: readonly CertificateFacts[];
    expectedName?: string;
    expectedNameIsIp?: boolean;
  } = {},
): Attempt<CertificateObservation> {
  return ok('certificate', {
    chain: [leaf(leafPatch), ...(options.chainTail ?? [ISSUING_CA])],
    expectedName: options.expectedName ?? HOST,
    expectedNameIsIp: options.expectedNameIsIp ?? false,
    checkedAt: STARTED_AT,
  });
}

// --- credssp ---------------------------------------------------------------------------------

export function ntlm(patch: Partial<NtlmChallengeFacts> = {}): NtlmChallengeFacts {
  return {
    netbiosComputerName: 'RDP',
    netbiosDomainName: 'EXAMPLE',
    dnsComputerName: HOST,
    dnsDomainName: 'example.test',
    negotiateFlags: 0xe2898215,
    negotiateFlagNames: ['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_VERSION'],
    productVersion: { major: 10, minor: 0, build: 20348, revision: 15 },
    windowsRelease: 'Windows Server 2022',
    serverTime: at(20_000),
    localTimeAtReceipt: at(20_000),
    ...patch,
  };
}

export function credssp(
  patch: Partial<CredsspObservation> = {},
  ntlmPatch: Partial<NtlmChallengeFacts> = {},
): Attempt<CredsspObservation> {
  return ok('credssp', {
    underProtocol: 'hybrid-ex',
    outcome: 'challenge-received',
    serverVersion: 6,
    clientVersion: 6,
    ntlm: ntlm(ntlmPatch),
    ms: 15,
    ...patch,
  });
}

export function rdpSecurity(patch: Partial<RdpSecurityObservation> = {}): Attempt<RdpSecurityObservation> {
  return ok('rdp-security', {
    outcome: 'connect-response',
    serverVersion: 0x0008000c,
    clientEncryptionMethods: 0x1b,
    encryptionMethod: 0x02,
    encryptionMethodName: 'ENCRYPTION_METHOD_128BIT',
    encryptionLevel: 3,
    encryptionLevelName: 'HIGH',
    serverCertificate: { type: 'x509', rsaKeyBits: 2048, chainLength: 1 },
    ms: 10,
    ...patch,
  });
}

// --- session (the connection sequence after the security layer) --------------------------------

/** The phases a sequence without credentials completes on its way to Demand Active. */
export const PHASES_TO_LOGON_SCREEN: SessionObservation['phasesCompleted'] = [
  'mcs-connect',
  'erect-domain',
  'attach-user',
  'channel-join',
  'client-info',
  'licensing',
  'capabilities',
];

/** Outcomes that fail the stage; every other one is an answer (well or with a refusal), recorded 'ok'. */
const SESSION_FAILURE: Readonly<Partial<Record<SessionOutcome, FailureReason>>> = {
  closed: 'closed',
  reset: 'reset',
  timeout: 'timeout',
  malformed: 'protocol-error',
};

/**
 * A session attempt: by default the healthy sequence without credentials under TLS, to Demand
 * Active ("the server would show its logon screen"). Answered outcomes are 'ok', as the stage
 * records them; a close, reset, stall or malformed answer fails the stage.
 */
export function session(patch: Partial<SessionObservation> = {}): Attempt<SessionObservation> {
  const observation: SessionObservation = {
    underProtocol: 'SSL',
    credentialsSent: false,
    outcome: 'logon-screen',
    phase: 'capabilities',
    phasesCompleted: PHASES_TO_LOGON_SCREEN,
    licensing: { serverRequestedLicense: false, messages: ['ERROR_ALERT'], outcome: 'valid-client' },
    demandActive: {
      shareId: 0x103ea,
      sourceDescriptor: 'RDP',
      capabilitySets: 19,
      desktopWidth: 1024,
      desktopHeight: 768,
    },
    ms: 30,
    ...patch,
  };
  const failure = SESSION_FAILURE[observation.outcome];
  return failure ? failed('session', failure, observation) : ok('session', observation);
}

/** The sequence ended by a Set Error Info PDU with this code, in this phase. */
export function sessionErrorInfo(
  code: number,
  name: string,
  phase: SessionObservation['phase'] = 'capabilities',
  patch: Partial<SessionObservation> = {},
): Attempt<SessionObservation> {
  const completed = PHASES_TO_LOGON_SCREEN.slice(0, Math.max(0, PHASES_TO_LOGON_SCREEN.indexOf(phase)));
  return session({
    outcome: 'error-info',
    phase,
    phasesCompleted: completed,
    errorInfo: { code, name, phase },
    demandActive: undefined,
    ...patch,
  });
}

/** The logon check (--user) refused by CredSSP with this code (none: closed after AUTHENTICATE). */
export function sessionLogonRefused(
  errorCode: number | undefined,
  errorName?: string,
  user = 'EXAMPLE\\alice',
): Attempt<SessionObservation> {
  return session({
    underProtocol: 'HYBRID_EX',
    credentialsSent: true,
    outcome: 'credentials-refused',
    phase: 'credssp-logon',
    phasesCompleted: [],
    licensing: undefined,
    demandActive: undefined,
    logon: {
      user,
      step: 'authenticate',
      status: 'refused',
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(errorName !== undefined ? { errorName } : {}),
      credsspVersion: 6,
      fullLogon: false,
    },
  });
}

/** The logon check accepted the credentials and the sequence went on (to Demand Active by default). */
export function sessionLogonAccepted(
  patch: Partial<SessionObservation> = {},
  user = 'EXAMPLE\\alice',
): Attempt<SessionObservation> {
  return session({
    underProtocol: 'HYBRID_EX',
    credentialsSent: true,
    outcome: 'credentials-accepted',
    phasesCompleted: ['credssp-logon', 'early-user-authorization', ...PHASES_TO_LOGON_SCREEN],
    logon: { user, step: 'done', status: 'accepted', credsspVersion: 6, fullLogon: false },
    ...patch,
  });
}

// --- the whole picture -----------------------------------------------------------------------

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A healthy server: NLA required, TLS 1.2/1.3 only, CA-issued certificate, CredSSP 6, Server 2022,
 * and a connection sequence that reaches the logon screen.
 */
export function healthy(overrides: Partial<Writable<ProbeObservations>> = {}): ProbeObservations {
  return {
    target: { host: HOST, port: 3389, expectedName: HOST },
    startedAt: STARTED_AT,
    dns: ok('dns', {
      query: HOST,
      literal: false,
      addresses: [{ address: '192.0.2.10', family: 4 }],
      reverseNames: [],
    }),
    tcp: tcp([connected('192.0.2.10')]),
    negotiation: negotiation(),
    tls: tls(),
    tlsPosture: simulatedClients(posture(['TLSv1.2', 'TLSv1.3'])),
    certificate: certificate(),
    credssp: credssp(),
    rdpSecurity: skipped(
      'rdp-security',
      'the server refuses Standard RDP Security (HYBRID_REQUIRED_BY_SERVER)',
    ),
    session: session(),
    ...overrides,
  };
}
