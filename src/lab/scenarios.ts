import { ERROR_INFO_CODES } from '../data/error-info.js';
import type { DiagnoseFindingId } from '../rules/finding-ids.js';
import { EncryptionLevel } from '../wire/gcc.js';
import { LicenseErrorCode, StateTransition } from '../wire/licensing.js';
import { UltimatumReason } from '../wire/mcs.js';
import { NegFailureCode } from '../wire/rdp-neg.js';
import { LogonErrorData, LogonErrorType } from '../wire/share-control.js';
import type { CertificateProfile } from './certificates.js';
import type { SequenceBehaviour, SequenceDenial, ServerTurn } from './connection-sequence.js';
import type { CredsspAccount } from './credssp-server.js';

/**
 * The lab's fault catalogue: each scenario is data (what it reproduces, what rdp-doctor should say,
 * what a real client prints) plus a behaviour the engine in server.ts plays out.
 */

/** What the server does once TLS was selected and the client's first TLS record arrived. */
export type TlsBehaviour =
  | {
      readonly kind: 'handshake';
      readonly certificate: CertificateProfile;
      readonly minVersion: 'TLSv1' | 'TLSv1.2';
      readonly maxVersion: 'TLSv1' | 'TLSv1.3';
      /** OpenSSL cipher string; SECLEVEL=0 lets OpenSSL 3 serve TLS 1.0 and weak certificates. */
      readonly ciphers?: string;
      /**
       * After the handshake, answer the client's CredSSP TSRequest with an NTLM CHALLENGE. Without
       * CredSSP the connection sequence follows the handshake (see Behaviour's session).
       */
      readonly credssp?: CredsspBehaviour;
    }
  /** Closes (FIN) on the ClientHello without a byte: the corrupt MachineKeys symptom. */
  | { readonly kind: 'abort' }
  /** Answers the ClientHello with one fatal alert record, then closes. */
  | { readonly kind: 'alert'; readonly description: number }
  /**
   * Answers the ClientHello with plain RDP, then resets: a TPKT carrying an MCS Disconnect Provider
   * Ultimatum, byte for byte what xrdp 0.9 sends when it cannot load its key (seen on the wire).
   */
  | { readonly kind: 'plain-rdp' }
  /** Answers the ClientHello with random bytes, then closes. */
  | { readonly kind: 'garbage' };

/** The first CredSSP leg as a Windows NLA server plays it (MS-CSSP 3.1.5, MS-NLMP 3.2.5.1.1). */
export interface CredsspBehaviour {
  /** The TSRequest version the server answers with (6 once CVE-2018-0886 is patched). */
  readonly version: number;
  /** The Windows version the NTLM VERSION structure names. */
  readonly productVersion: { readonly major: number; readonly minor: number; readonly build: number };
  /** How far the server's clock (the MsvAvTimestamp) is from the real one. */
  readonly clockOffsetMs: number;
  readonly netbiosName: string;
  readonly dnsDomain: string;
  /**
   * Accounts the server checks NTLM logons against (credssp-server.ts). Without them it stops
   * after the CHALLENGE (the client's next message ends the connection); with them it plays the
   * whole CredSSP exchange and, for an accepted account, the connection sequence.
   */
  readonly accounts?: readonly LabAccount[];
}

/** A CredSSP account, and what the server does once it accepted it. */
export interface LabAccount extends CredsspAccount {
  /** The connection sequence for this user (default: the scenario's session). */
  readonly session?: SequenceBehaviour;
  /**
   * HYBRID_EX only (MS-RDPBCGR 2.2.10.2): 'denied' answers AUTHZ_ACCESS_DENIED in the Early User
   * Authorization Result, then closes: how Windows refuses a user without the right to log on
   * through Remote Desktop Services before any RDP PDU.
   */
  readonly earlyAuthorization?: 'denied';
}

/**
 * The connection sequence after the security layer (connection-sequence.ts): licensing, one of
 * the server's answers replaced by a denial, the logon errors of Save Session Info.
 */
export interface SessionBehaviour extends SequenceBehaviour {
  /** Under Standard RDP Security: ENCRYPTION_LEVEL_CLIENT_COMPATIBLE (default), HIGH or FIPS. */
  readonly encryptionLevel?: number;
}

/** How the server answers the client's X.224 Connection Request. */
export type NegotiationAnswer =
  /** Selects PROTOCOL_SSL when the client offers TLS (alone or with CredSSP), else SSL_REQUIRED_BY_SERVER. */
  | { readonly kind: 'select-tls' }
  /** RDP_NEG_FAILURE with this code whatever was asked. */
  | { readonly kind: 'failure'; readonly failureCode: number }
  /** Selects PROTOCOL_RDP for RDP-only requests; SSL_NOT_ALLOWED_BY_SERVER otherwise. */
  | { readonly kind: 'standard-rdp-only' }
  /** Selects HYBRID_EX or HYBRID when offered; HYBRID_REQUIRED_BY_SERVER otherwise (NLA required). */
  | { readonly kind: 'select-hybrid' };

export type Behaviour =
  /** Acts as soon as the TCP connection is accepted, before reading anything. */
  | { readonly kind: 'on-connect'; readonly action: 'close' | 'reset' | 'silent' | 'ssh-banner' }
  /** Reads the Connection Request, then answers with something that is not a Connection Confirm. */
  | { readonly kind: 'non-rdp-answer'; readonly answer: 'garbage' | 'http' | 'oversized-tpkt' }
  /** Reads the Connection Request and answers it as an RDP server. */
  | {
      readonly kind: 'negotiate';
      readonly answer: NegotiationAnswer;
      readonly tls?: TlsBehaviour;
      /** Sends the Connection Confirm one byte at a time with this gap. */
      readonly trickleMs?: number;
      /** Sends the server's answers at a crawl (a saturated link or an overloaded host). */
      readonly drip?: DripBehaviour;
      /**
       * The connection sequence once the security layer is up (Standard RDP Security, or TLS
       * without CredSSP); absent: a healthy server that reaches its logon screen (Demand Active).
       */
      readonly session?: SessionBehaviour;
    };

/** The server's answers a drip can slow down. */
export type DripAnswer =
  /** The X.224 Connection Confirm. */
  | 'connection-confirm'
  /** Every byte under TLS: the handshake flight and whatever follows it on that connection. */
  | 'tls'
  /** The CredSSP TSRequest only (after a full-speed handshake), sent in pieces of one record each. */
  | 'credssp';

export interface DripBehaviour {
  readonly bytesPerSecond: number;
  /** The answers that drip; default every one the scenario sends. */
  readonly answers?: readonly DripAnswer[];
}

export interface LabScenario {
  readonly id: string;
  readonly title: string;
  /** The real-world situation this reproduces. */
  readonly reproduces: string;
  /** The finding rdp-doctor should raise against this scenario (null: none, healthy). */
  readonly expectedFinding: DiagnoseFindingId | null;
  /** What a real client (mstsc / FreeRDP) reports against it. */
  readonly clientError: string;
  readonly behaviour: Behaviour;
}

const SECLEVEL_0 = 'DEFAULT@SECLEVEL=0';
/** RFC 8446 6.2 handshake_failure. */
export const ALERT_HANDSHAKE_FAILURE = 40;

function modernTls(certificate: CertificateProfile, ciphers?: string): TlsBehaviour {
  return {
    kind: 'handshake',
    certificate,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ...(ciphers ? { ciphers } : {}),
  };
}

function certificateScenario(
  id: string,
  certificate: CertificateProfile,
  title: string,
  reproduces: string,
  expectedFinding: DiagnoseFindingId,
  ciphers?: string,
): LabScenario {
  return {
    id,
    title,
    reproduces,
    expectedFinding,
    clientError:
      'mstsc: "The identity of the remote computer cannot be verified"; FreeRDP: certificate check fails without /cert:ignore',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: modernTls(certificate, ciphers) },
  };
}

function nlaScenario(
  id: string,
  title: string,
  reproduces: string,
  expectedFinding: DiagnoseFindingId,
  credssp: Omit<CredsspBehaviour, 'netbiosName' | 'dnsDomain'>,
): LabScenario {
  return {
    id,
    title,
    reproduces,
    expectedFinding,
    clientError:
      expectedFinding === 'credssp-outdated'
        ? 'mstsc on updated clients: "An authentication error has occurred... CredSSP encryption oracle remediation"'
        : expectedFinding === 'clock-skew'
          ? 'mstsc: Kerberos fails; with NTLM fallback disabled, "An authentication error has occurred" (0x2407 class)'
          : 'none before credentials: the client goes on to ask for a password',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'select-hybrid' },
      tls: {
        ...modernTls('good'),
        credssp: { ...credssp, netbiosName: 'LAB-RDP', dnsDomain: 'lab.rdp-doctor.invalid' },
      } as TlsBehaviour,
    },
  };
}

const NEG_FAILURE_TEXT: Readonly<Record<number, { reproduces: string; finding: DiagnoseFindingId }>> = {
  [NegFailureCode.SSL_REQUIRED_BY_SERVER]: {
    reproduces: 'a server whose security layer requires TLS, asked for Standard RDP Security only',
    finding: 'negotiation-refused',
  },
  [NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER]: {
    reproduces: 'a server set to Standard RDP Security (SecurityLayer=0) refusing TLS',
    finding: 'standard-rdp-security-only',
  },
  [NegFailureCode.SSL_CERT_NOT_ON_SERVER]: {
    reproduces: 'a server with no usable TLS certificate (deleted or unreadable)',
    finding: 'tls-cert-missing',
  },
  [NegFailureCode.INCONSISTENT_FLAGS]: {
    reproduces: 'a server that rejects the flags of the request as inconsistent',
    finding: 'negotiation-refused',
  },
  [NegFailureCode.HYBRID_REQUIRED_BY_SERVER]: {
    reproduces: 'a server that requires Network Level Authentication (CredSSP)',
    finding: 'nla-required',
  },
  [NegFailureCode.SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER]: {
    reproduces: 'a server that requires TLS with user authentication',
    finding: 'negotiation-refused',
  },
};

function negFailureScenario(code: number): LabScenario {
  const known = NEG_FAILURE_TEXT[code];
  const name = Object.entries(NegFailureCode).find(([, value]) => value === code)?.[0];
  return {
    id: known ? `neg-failure-${code}` : 'neg-failure-unknown',
    title: name
      ? `RDP_NEG_FAILURE ${name}`
      : `RDP_NEG_FAILURE with unknown code 0x${code.toString(16).padStart(8, '0')}`,
    reproduces:
      known?.reproduces ?? 'a server (or middlebox) answering with a failure code the spec does not define',
    expectedFinding: known?.finding ?? 'negotiation-refused',
    clientError: name
      ? `FreeRDP: "${name}" then ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED`
      : 'FreeRDP: ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED',
    behaviour: { kind: 'negotiate', answer: { kind: 'failure', failureCode: code } },
  };
}

// ---- after the security layer: the connection sequence ---------------------------------------

/** A TLS server (good certificate, no NLA) whose connection sequence plays `session`. */
function sessionScenario(
  id: string,
  title: string,
  reproduces: string,
  expectedFinding: DiagnoseFindingId | null,
  clientError: string,
  session: SessionBehaviour,
): LabScenario {
  return {
    id,
    title,
    reproduces,
    expectedFinding,
    clientError,
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: modernTls('good'), session },
  };
}

function errorInfoName(code: number): string {
  const entry = ERROR_INFO_CODES.find((candidate) => candidate.value === code);
  // INVARIANT: the lab sends only codes the table names (a typo fails at load, in every test).
  if (!entry) throw new Error(`no errorInfo 0x${code.toString(16)} in src/data/error-info.ts`);
  return entry.name;
}

const errorInfoAt = (at: ServerTurn, errorInfo: number): SessionBehaviour['deny'] => ({
  at,
  denial: { kind: 'error-info', errorInfo } satisfies SequenceDenial,
});

function clientErrorFor(code: number): string {
  const name = errorInfoName(code);
  return code === 0x7
    ? `mstsc: 0x904 with extended 0x7; FreeRDP: ${name}`
    : `mstsc: disconnect 0x3 with extended 0x${code.toString(16)}; FreeRDP: ${name}`;
}

/** The licensing errorInfo codes (MS-RDPBCGR 2.2.5.1.1: 0x100-0x10A), each sent during licensing. */
const LICENSING_ERROR_INFO = ERROR_INFO_CODES.filter((entry) => entry.value >= 0x100 && entry.value <= 0x10a);

/** "ERRINFO_LICENSE_NO_LICENSE_SERVER" -> "errinfo-license-no-license-server" */
const scenarioIdFor = (errorInfoName: string): string => errorInfoName.toLowerCase().replaceAll('_', '-');

const SESSION_SCENARIOS: readonly LabScenario[] = [
  sessionScenario(
    'server-denied-connection',
    'Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7) after licensing',
    'a server that negotiates TLS fine and then refuses the connection before the logon screen (mstsc 0x904 / extended 0x7): "Allow remote connections" off by policy, a connection limit, a filter driver',
    'server-denied-connection',
    clientErrorFor(0x7),
    { deny: errorInfoAt('capabilities', 0x7) },
  ),
  sessionScenario(
    'session-limit',
    'Set Error Info ERRINFO_LOGON_TIMEOUT (0x4) after licensing',
    'a session time limit (Remote Desktop Session Host > Session Time Limits) that ends the connection',
    'session-limit-reached',
    clientErrorFor(0x4),
    { deny: errorInfoAt('capabilities', 0x4) },
  ),
  sessionScenario(
    'fresh-credentials-required',
    'Set Error Info ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED (0xA) after licensing',
    'a server with "Always prompt for password upon connection" refusing saved credentials',
    'fresh-credentials-required',
    clientErrorFor(0xa),
    { deny: errorInfoAt('capabilities', 0xa) },
  ),
  sessionScenario(
    'broker-destination-not-found',
    'Set Error Info ERRINFO_CB_DESTINATION_NOT_FOUND (0x400) after licensing',
    'an RD Connection Broker farm member that cannot find the target session host',
    'broker-refused',
    clientErrorFor(0x400),
    { deny: errorInfoAt('capabilities', 0x400) },
  ),
  sessionScenario(
    'server-out-of-memory',
    'Set Error Info ERRINFO_OUT_OF_MEMORY (0x6) after licensing',
    'a session host out of memory (or session space) refusing new sessions',
    'server-error-info',
    clientErrorFor(0x6),
    { deny: errorInfoAt('capabilities', 0x6) },
  ),
  ...LICENSING_ERROR_INFO.map((entry) =>
    sessionScenario(
      scenarioIdFor(entry.name),
      `Set Error Info ${entry.name} (0x${entry.value.toString(16).toUpperCase()}) during licensing`,
      `an RD Session Host whose licensing fails: ${entry.meaning}`,
      'licensing-refused',
      clientErrorFor(entry.value),
      // A License Request, then the errorInfo instead of the Platform Challenge.
      { licensing: 'full-exchange', deny: errorInfoAt('licensing', entry.value) },
    ),
  ),
  sessionScenario(
    'licensing-error-alert',
    'Licensing ERROR_ALERT ERR_NO_LICENSE_SERVER with ST_TOTAL_ABORT',
    'an RD Session Host past its grace period with no license server: the licensing protocol itself ends the connection',
    'licensing-refused',
    'mstsc: "no Remote Desktop License Servers available"; FreeRDP: license error then disconnect',
    {
      licensing: {
        errorCode: LicenseErrorCode.ERR_NO_LICENSE_SERVER,
        stateTransition: StateTransition.ST_TOTAL_ABORT,
      },
    },
  ),
  sessionScenario(
    'licensing-full-exchange',
    'Full licensing exchange (License Request, Platform Challenge, New License), logon screen reached',
    'an RD Session Host with a license server issuing per-device CALs',
    null,
    'none',
    { licensing: 'full-exchange' },
  ),
  sessionScenario(
    'broker-redirect',
    'A Server Redirection PDU after licensing instead of the Demand Active (connection broker)',
    'an RD Connection Broker (or a session host in a farm) that sends every client on to the session host that holds or will hold its session',
    null,
    'none: mstsc and FreeRDP reconnect to the target the PDU names',
    {
      deny: {
        at: 'capabilities',
        denial: {
          kind: 'redirect',
          redirection: {
            sessionId: 0,
            redirFlags: 0,
            targetNetAddress: '127.0.0.2',
            loadBalanceInfo: Uint8Array.from(Buffer.from('Cookie: msts=33597632.15629.0000\r\n', 'latin1')),
            passwordLength: 16,
            targetFqdn: 'rdsh1.lab.test',
            targetNetBiosName: 'RDSH1',
          },
        },
      },
    },
  ),
  sessionScenario(
    'disconnect-ultimatum',
    'MCS Disconnect Provider Ultimatum (rn-provider-initiated) after the Client Info',
    'a server that drops the connection at the MCS layer without saying why (xrdp failing to start a session, a broken TermService)',
    'stage-failed',
    'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED / "disconnect provider ultimatum"; mstsc: 0x904',
    {
      deny: {
        at: 'client-info',
        denial: { kind: 'ultimatum', reason: UltimatumReason['rn-provider-initiated'] },
      },
    },
  ),
  sessionScenario(
    'stall-after-licensing',
    'Silent after licensing: the Demand Active never comes',
    'a server whose session creation hangs (a stuck winlogon or profile service, an overloaded host)',
    'listener-silent',
    'mstsc waits on "Configuring remote session", then fails; FreeRDP: times out',
    { deny: { at: 'capabilities', denial: { kind: 'stall' } } },
  ),
  sessionScenario(
    'reset-after-client-info',
    'TCP reset right after the Client Info PDU',
    'a server (or an inline IPS) that resets once the client identified itself',
    'stage-failed',
    'mstsc: 0x904; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED (connection reset by peer)',
    { deny: { at: 'client-info', denial: { kind: 'reset' } } },
  ),
];

/** The password of every lab NLA account: the lab plays account states, not password guessing. */
export const LAB_ACCOUNT_PASSWORD = 'Correct-Horse-1';

/**
 * One account per logon outcome of the logon check. A wrong password or an unknown user gets
 * SEC_E_LOGON_DENIED; each of these, with the right password, gets its own answer.
 */
export const LAB_ACCOUNTS: readonly LabAccount[] = [
  { user: 'good', password: LAB_ACCOUNT_PASSWORD, outcome: 'ok' },
  { user: 'locked', password: LAB_ACCOUNT_PASSWORD, outcome: 'locked-out' },
  { user: 'disabled', password: LAB_ACCOUNT_PASSWORD, outcome: 'disabled' },
  { user: 'expired', password: LAB_ACCOUNT_PASSWORD, outcome: 'account-expired' },
  { user: 'password-expired', password: LAB_ACCOUNT_PASSWORD, outcome: 'password-expired' },
  { user: 'must-change', password: LAB_ACCOUNT_PASSWORD, outcome: 'must-change' },
  { user: 'logon-type-not-granted', password: LAB_ACCOUNT_PASSWORD, outcome: 'logon-type-not-granted' },
  {
    user: 'denied-after-logon',
    password: LAB_ACCOUNT_PASSWORD,
    outcome: 'ok',
    session: { deny: errorInfoAt('capabilities', 0x7) },
  },
  {
    user: 'not-in-rdu',
    password: LAB_ACCOUNT_PASSWORD,
    outcome: 'ok',
    session: { deny: errorInfoAt('capabilities', 0x9) },
  },
  {
    user: 'fresh-credentials',
    password: LAB_ACCOUNT_PASSWORD,
    outcome: 'ok',
    session: { deny: errorInfoAt('capabilities', 0xa) },
  },
  { user: 'early-denied', password: LAB_ACCOUNT_PASSWORD, outcome: 'ok', earlyAuthorization: 'denied' },
  {
    user: 'no-permission',
    password: LAB_ACCOUNT_PASSWORD,
    outcome: 'ok',
    session: {
      logonErrors: { type: LogonErrorType.LOGON_MSG_NO_PERMISSION, data: LogonErrorData.LOGON_FAILED_OTHER },
    },
  },
];

function nlaAccountsScenario(): LabScenario {
  const scenario = nlaScenario(
    'nla-accounts',
    'NLA server with one account per logon outcome (CredSSP v6, NTLMv2)',
    'a Windows Server 2022 domain member requiring NLA, for the logon check (--user): accepted, wrong password, locked out, disabled, expired, no right to log on, denied after logon',
    'nla-required',
    { version: 6, productVersion: { major: 10, minor: 0, build: 20348 }, clockOffsetMs: 0 },
  );
  const behaviour = scenario.behaviour as Extract<Behaviour, { kind: 'negotiate' }>;
  const tls = behaviour.tls as Extract<TlsBehaviour, { kind: 'handshake' }>;
  return {
    ...scenario,
    clientError:
      'without credentials: none (the client asks for a password); with them, per account: 0x807 SSL_ERR_LOGON_FAILURE, 0xD07 locked out, 0xB07 disabled, ...',
    behaviour: { ...behaviour, tls: { ...tls, credssp: { ...tls.credssp!, accounts: LAB_ACCOUNTS } } },
  };
}

export const LAB_SCENARIOS: readonly LabScenario[] = [
  {
    id: 'healthy-tls',
    title: 'Healthy TLS server',
    reproduces:
      'a server with SecurityLayer=TLS and no NLA: TLS 1.2+, a good self-signed certificate for its name',
    expectedFinding: null,
    clientError: 'none (mstsc warns only that the self-signed certificate is not trusted)',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: modernTls('good') },
  },
  {
    id: 'tls10-only',
    title: 'TLS 1.0 only',
    reproduces: 'an old server (or a hardened client) where TLS 1.1/1.2 are disabled in SCHANNEL',
    expectedFinding: 'tls-legacy-only',
    clientError:
      'mstsc: "An internal error has occurred" (0x4 / 0x80090326); FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'select-tls' },
      tls: {
        kind: 'handshake',
        certificate: 'good',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1',
        ciphers: SECLEVEL_0,
      },
    },
  },
  certificateScenario(
    'tls-cert-expired',
    'expired',
    'Expired certificate',
    'a server certificate whose notAfter has passed (auto-renewal broken, manual cert not renewed)',
    'tls-cert-expired',
  ),
  certificateScenario(
    'tls-cert-wrong-name',
    'wrong-name',
    'Certificate for another name',
    'a certificate issued for another host (copied template, renamed server, load balancer name)',
    'tls-cert-name-mismatch',
  ),
  certificateScenario(
    'tls-cert-weak-key',
    'weak-key',
    '1024-bit RSA certificate key',
    'an old certificate template with a 1024-bit RSA key',
    'tls-cert-weak-key',
    SECLEVEL_0,
  ),
  certificateScenario(
    'tls-cert-sha1',
    'sha1',
    'SHA-1 signed certificate',
    'a certificate signed with sha1WithRSAEncryption by an old CA',
    'tls-cert-weak-signature',
    SECLEVEL_0,
  ),
  certificateScenario(
    'tls-cert-no-server-auth-eku',
    'no-server-auth-eku',
    'Certificate without the Server Authentication EKU',
    'a certificate whose extended key usage lacks serverAuth (a client-auth or wrong template)',
    'tls-cert-bad-usage',
  ),
  {
    id: 'tls-handshake-aborted',
    title: 'TLS selected, then the connection drops on the ClientHello',
    reproduces: 'corrupt or unreadable MachineKeys: the RDP certificate private key cannot be used',
    expectedFinding: 'tls-handshake-aborted',
    clientError:
      'mstsc: "An internal error has occurred"; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED (connection reset by peer)',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: { kind: 'abort' } },
  },
  {
    id: 'tls-falls-back-to-rdp',
    title: 'TLS selected, ClientHello answered with plain RDP',
    reproduces:
      'xrdp whose key it cannot load or OpenSSL refuses (a 1024-bit key at SECLEVEL 2, a key file it may not read): it selects TLS, then answers in plain RDP',
    expectedFinding: 'tls-not-served',
    clientError: 'mstsc: 0x904 / extended 0x7; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: { kind: 'plain-rdp' } },
  },
  {
    id: 'tls-garbage',
    title: 'TLS selected, ClientHello answered with random bytes',
    reproduces: 'a broken proxy or a foreign service behind a port forward that mimics the RDP negotiation',
    expectedFinding: 'tls-not-served',
    clientError: 'mstsc: 0x904; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: { kind: 'garbage' } },
  },
  {
    id: 'tls-alert',
    title: 'TLS selected, ClientHello answered by a fatal handshake_failure alert',
    reproduces: 'no cipher suite or TLS version in common (hardened server, old client)',
    // A handshake_failure to every hello, even one offering every suite, is the no-common-cipher case.
    expectedFinding: 'tls-no-common-cipher',
    clientError:
      'mstsc: "An authentication error has occurred" / 0x80090302; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'select-tls' },
      tls: { kind: 'alert', description: ALERT_HANDSHAKE_FAILURE },
    },
  },
  ...Object.values(NegFailureCode).map(negFailureScenario),
  negFailureScenario(0x0000000a),
  nlaScenario(
    'nla-required',
    'NLA server (CredSSP v6, Windows Server 2022)',
    'a current, patched server that requires Network Level Authentication',
    'nla-required',
    { version: 6, productVersion: { major: 10, minor: 0, build: 20348 }, clockOffsetMs: 0 },
  ),
  nlaScenario(
    'credssp-v3',
    'NLA server speaking CredSSP v3 (no CVE-2018-0886 update)',
    'an unpatched Windows Server 2016 whose CredSSP predates the May 2018 update',
    'credssp-outdated',
    { version: 3, productVersion: { major: 10, minor: 0, build: 14393 }, clockOffsetMs: 0 },
  ),
  nlaScenario(
    'clock-skew',
    'NLA server whose clock is an hour behind',
    'a server whose time source broke: Kerberos fails and NLA falls back or fails',
    'clock-skew',
    { version: 6, productVersion: { major: 10, minor: 0, build: 17763 }, clockOffsetMs: -3_600_000 },
  ),
  nlaScenario(
    'os-end-of-life',
    'NLA server on Windows Server 2008 R2',
    'a server running a Windows release past its end of support',
    'os-end-of-life',
    { version: 6, productVersion: { major: 6, minor: 1, build: 7601 }, clockOffsetMs: 0 },
  ),
  {
    id: 'standard-rdp-only',
    title: 'Standard RDP Security only (RC4, client-compatible level), logon screen reached',
    reproduces:
      'SecurityLayer=0 (RDP): TLS and CredSSP refused, only the legacy RC4 security layer offered; the connection sequence then reaches the logon screen',
    expectedFinding: 'standard-rdp-security-only',
    clientError: 'FreeRDP: "SSL_NOT_ALLOWED_BY_SERVER" for TLS/NLA requests; mstsc falls back or refuses',
    behaviour: { kind: 'negotiate', answer: { kind: 'standard-rdp-only' } },
  },
  {
    id: 'standard-rdp-fips',
    title: 'Standard RDP Security only at the FIPS encryption level, logon screen reached',
    reproduces:
      'SecurityLayer=0 with "System cryptography: use FIPS compliant algorithms": 3DES and HMAC-SHA1 instead of RC4',
    expectedFinding: 'standard-rdp-security-only',
    clientError:
      'mstsc connects; clients without FIPS support for Standard RDP Security fail after the Security Exchange',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'standard-rdp-only' },
      session: { encryptionLevel: EncryptionLevel.FIPS },
    },
  },
  {
    id: 'standard-rdp-closed-at-mcs',
    title: 'Standard RDP Security only, then closed at the MCS Connect Initial',
    reproduces:
      'SecurityLayer=0 (RDP), then the server closes the connection at the MCS Connect Initial (a broken or half-configured listener)',
    expectedFinding: 'stage-failed',
    clientError: 'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED after the MCS Connect Initial',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'standard-rdp-only' },
      session: { deny: { at: 'mcs-connect', denial: { kind: 'close' } } },
    },
  },
  {
    id: 'closes-immediately',
    title: 'Closes the connection at once',
    reproduces:
      'a listener that accepts and closes: a service shutting down, a connection limit, a proxy with no backend',
    expectedFinding: 'listener-closed-early',
    clientError:
      'mstsc: "This computer can\'t connect to the remote computer"; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED',
    behaviour: { kind: 'on-connect', action: 'close' },
  },
  {
    id: 'resets-immediately',
    title: 'Resets the connection at once',
    reproduces: 'a firewall or IPS that accepts and then resets RDP',
    expectedFinding: 'listener-closed-early',
    clientError: 'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED (connection reset by peer)',
    behaviour: { kind: 'on-connect', action: 'reset' },
  },
  {
    id: 'silent',
    title: 'Accepts and never answers',
    reproduces: 'a hung TermService, or a middlebox that completes the TCP handshake itself',
    expectedFinding: 'listener-silent',
    clientError:
      'mstsc waits, then "This computer can\'t connect"; FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED after its timeout',
    behaviour: { kind: 'on-connect', action: 'silent' },
  },
  {
    id: 'garbage',
    title: 'Answers with random bytes',
    reproduces: 'some other protocol or a broken proxy on the RDP port',
    expectedFinding: 'not-rdp',
    clientError: 'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED / protocol error',
    behaviour: { kind: 'non-rdp-answer', answer: 'garbage' },
  },
  {
    id: 'trickle',
    title: 'Valid Connection Confirm sent one byte every 200 ms',
    reproduces: 'a saturated or throttled link; checks that the probe reassembles slow answers',
    expectedFinding: null,
    clientError: 'none, only slow',
    behaviour: { kind: 'negotiate', answer: { kind: 'select-tls' }, tls: modernTls('good'), trickleMs: 200 },
  },
  {
    id: 'drip',
    title: 'Every answer sent at about 20 bytes per second',
    reproduces:
      'an overloaded host or a saturated, throttled link: the server answers, but its TLS flight takes over a minute',
    expectedFinding: 'answers-too-slowly',
    clientError:
      'mstsc waits, then "This computer can\'t connect"; FreeRDP: ERRCONNECT_TLS_CONNECT_FAILED after its timeout',
    behaviour: {
      kind: 'negotiate',
      answer: { kind: 'select-tls' },
      tls: modernTls('good'),
      drip: { bytesPerSecond: 20 },
    },
  },
  {
    id: 'oversized-tpkt',
    title: 'TPKT header announcing 65535 bytes, then nothing',
    reproduces: 'a hostile or broken server; checks that the probe caps and times out rather than hangs',
    expectedFinding: 'not-rdp',
    clientError: 'FreeRDP: waits, then ERRCONNECT_CONNECT_TRANSPORT_FAILED',
    behaviour: { kind: 'non-rdp-answer', answer: 'oversized-tpkt' },
  },
  {
    id: 'http',
    title: 'An HTTP server on the RDP port',
    reproduces: 'a web server or an RD Gateway / reverse proxy listening where RDP was expected',
    expectedFinding: 'not-rdp',
    clientError: 'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED',
    behaviour: { kind: 'non-rdp-answer', answer: 'http' },
  },
  {
    id: 'ssh',
    title: 'An SSH server on the RDP port',
    reproduces: 'port forwarding or NAT pointing 3389 at an SSH daemon',
    expectedFinding: 'not-rdp',
    clientError: 'FreeRDP: ERRCONNECT_CONNECT_TRANSPORT_FAILED',
    behaviour: { kind: 'on-connect', action: 'ssh-banner' },
  },
  ...SESSION_SCENARIOS,
  nlaAccountsScenario(),
];

export function findScenario(id: string): LabScenario | undefined {
  return LAB_SCENARIOS.find((scenario) => scenario.id === id);
}
