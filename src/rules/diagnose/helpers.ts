/**
 * Shared pieces for the diagnose rules: stage guards that turn a missing, skipped or failed stage
 * into "not evaluated" (never a pass), outcome builders and small readers of the observations.
 * Rules stay declarative: metadata plus a short `evaluate`.
 */
import { SSPI_STATUS_CODES } from '../../data/credssp-errors.js';
import type { ErrorCodeEntry } from '../../data/error-code.js';
import { ERROR_INFO_CODES } from '../../data/error-info.js';
import { LOGON_NTSTATUS_CODES } from '../../data/ntstatus.js';
import {
  type Attempt,
  type CertificateFacts,
  type CertificateObservation,
  type NegotiationObservation,
  type NegotiationProbe,
  type LogonFacts,
  type ProbeObservations,
  type SessionObservation,
  type SessionOutcome,
  type SessionPhase,
  type StageName,
  type StallProgress,
  type TcpObservation,
  type TcpOutcome,
  type TlsObservation,
  stageAttempt,
} from '../../probe/types.js';
import {
  type DiagnoseFindingId,
  type ERROR_INFO_FINDING_IDS,
  type LOGON_REFUSED_FINDING_IDS,
} from '../finding-ids.js';
import type { Evidence, Fix, Rule, RuleContext, RuleMeta, RuleOutcome, RuleReport } from '../types.js';

export type DiagnoseRule = Rule<ProbeObservations, StageName>;

/** Metadata whose id must be one of DIAGNOSE_FINDING_IDS (a typo is a compile error). */
export type DiagnoseRuleMeta = RuleMeta<StageName> & { readonly id: DiagnoseFindingId };

export function defineRule(
  meta: DiagnoseRuleMeta,
  evaluate: (observations: ProbeObservations, context?: RuleContext) => RuleOutcome,
): DiagnoseRule {
  return { meta, evaluate };
}

// --- outcomes --------------------------------------------------------------------------------

export const PASS: RuleOutcome = { status: 'pass' };

export function notEvaluated(reason: string): RuleOutcome {
  return { status: 'not-evaluated', reason };
}

/** `found` when there is at least one report, otherwise a pass. */
export function found(reports: readonly (RuleReport | undefined | false)[]): RuleOutcome {
  const real = reports.filter((report): report is RuleReport => Boolean(report));
  return real.length > 0 ? { status: 'found', reports: real } : PASS;
}

export function evidence(label: string, value: string | number | boolean, source: string): Evidence {
  return { label, value, source };
}

// --- stage guards ----------------------------------------------------------------------------

/**
 * 'ok': the stage must have succeeded. 'ran': it must have run (ok or failed) and recorded an
 * observation; rules about failures (refused, aborted handshakes) use this.
 */
export type StageGate = 'ok' | 'ran';

/** Why an attempt cannot be judged, or undefined when it can. */
export function whyNotJudgeable<O>(
  attempt: Attempt<O> | undefined,
  stage: string,
  gate: StageGate,
): string | undefined {
  if (!attempt) return `the ${stage} stage did not run`;
  if (attempt.status === 'skipped') {
    return `the ${stage} stage was skipped${attempt.skippedBecause ? ` (${attempt.skippedBecause})` : ''}`;
  }
  // INVARIANT: our own bug never becomes a statement about the server.
  if (attempt.reason === 'internal-bug') return `the ${stage} stage hit an internal error in rdp-doctor`;
  if (gate === 'ok' && attempt.status !== 'ok') {
    return `the ${stage} stage failed (${attempt.reason ?? 'unknown reason'})`;
  }
  if (!attempt.observation) return `the ${stage} stage recorded no observation`;
  return undefined;
}

/** Runs `judge` on the stage's observation, or says why the rule cannot be evaluated. */
export function withStage<O>(
  attempt: Attempt<O> | undefined,
  stage: string,
  gate: StageGate,
  judge: (observation: O, attempt: Attempt<O>) => RuleOutcome,
): RuleOutcome {
  const reason = whyNotJudgeable(attempt, stage, gate);
  if (reason !== undefined || !attempt?.observation)
    return notEvaluated(reason ?? `the ${stage} stage recorded no observation`);
  return judge(attempt.observation, attempt);
}

/** The observation when the stage is judgeable, else undefined (for rules that need any one of several stages). */
export function observationOf<O>(
  attempt: Attempt<O> | undefined,
  stage: string,
  gate: StageGate,
): O | undefined {
  return whyNotJudgeable(attempt, stage, gate) === undefined ? attempt?.observation : undefined;
}

// --- negotiation -----------------------------------------------------------------------------

/** MS-RDPBCGR 2.2.1.2.2 RDP_NEG_FAILURE failureCode. */
export const NEG_FAILURE = {
  SSL_REQUIRED_BY_SERVER: 1,
  SSL_NOT_ALLOWED_BY_SERVER: 2,
  SSL_CERT_NOT_ON_SERVER: 3,
  INCONSISTENT_FLAGS: 4,
  HYBRID_REQUIRED_BY_SERVER: 5,
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: 6,
} as const;

/** MS-RDPBCGR 2.2.1.1.1 requestedProtocols / selectedProtocol values. */
export const PROTOCOL = { RDP: 0, SSL: 1, HYBRID: 2, RDSTLS: 4, HYBRID_EX: 8 } as const;

/**
 * The probe's requests by label: 'modern' is what a current client sends (SSL|HYBRID|HYBRID_EX);
 * 'rdp', 'ssl', 'hybrid' and 'hybrid-ex' each ask for less, to learn the server's policy.
 */
export type ProbeLabel = 'modern' | 'rdp' | 'ssl' | 'hybrid' | 'hybrid-ex';

export function probeByLabel(
  negotiation: NegotiationObservation,
  label: ProbeLabel,
): NegotiationProbe | undefined {
  return negotiation.probes.find((probe) => probe.label === label);
}

export function hex(value: number, width = 1): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

/** What the server answered to one request, in one line. */
export function describeAnswer(probe: NegotiationProbe): string {
  switch (probe.outcome) {
    case 'selected':
      return `selected ${probe.selectedName ?? hex(probe.selectedProtocol ?? 0, 8)}`;
    case 'failure':
      return `RDP_NEG_FAILURE ${probe.failureName ?? 'unnamed'} (${hex(probe.failureCode ?? 0)})`;
    case 'no-negotiation-data':
      return 'Connection Confirm without negotiation data (Standard RDP Security)';
    default:
      return probe.serviceGuess ? `${probe.outcome} (looks like ${probe.serviceGuess})` : probe.outcome;
  }
}

export function probeEvidence(probe: NegotiationProbe): Evidence {
  const asked = probe.requestedNames.length > 0 ? probe.requestedNames.join('|') : 'PROTOCOL_RDP';
  return evidence(`answer to the '${probe.label}' request (${asked})`, describeAnswer(probe), 'negotiation');
}

export function failedWith(probe: NegotiationProbe | undefined, code: number): boolean {
  return probe?.outcome === 'failure' && probe.failureCode === code;
}

export function selected(probe: NegotiationProbe | undefined, protocol: number): boolean {
  return probe?.outcome === 'selected' && probe.selectedProtocol === protocol;
}

/**
 * The server refuses TLS and CredSSP altogether: it answers a current client's request with
 * SSL_NOT_ALLOWED_BY_SERVER, or it is a pre-negotiation server that confirms without negotiation data.
 */
export function refusesEnhancedSecurity(negotiation: NegotiationObservation): NegotiationProbe | undefined {
  const candidates = [
    probeByLabel(negotiation, 'modern'),
    probeByLabel(negotiation, 'ssl'),
    probeByLabel(negotiation, 'hybrid'),
  ];
  return candidates.find(
    (probe) =>
      probe !== undefined &&
      (failedWith(probe, NEG_FAILURE.SSL_NOT_ALLOWED_BY_SERVER) ||
        probe.outcome === 'no-negotiation-data' ||
        selectedRdpDespiteTls(probe)),
  );
}

/**
 * A request that offered TLS answered by selecting PROTOCOL_RDP: the other way a server says it
 * will not do TLS (xrdp with security_layer=rdp answers like this rather than with a failure).
 */
function selectedRdpDespiteTls(probe: NegotiationProbe): boolean {
  return (
    probe.outcome === 'selected' && probe.selectedProtocol === 0 && (probe.requestedProtocols & 0x1) !== 0
  );
}

// --- certificates ----------------------------------------------------------------------------

export const DAY_MS = 24 * 60 * 60 * 1000;

/** "Now" for time checks: the certificate stage's clock, else the probe's start. */
export function nowFor(observations: ProbeObservations, checkedAt?: string): number {
  return Date.parse(checkedAt ?? observations.startedAt);
}

export function certLabel(_facts: CertificateFacts, position: number): string {
  return position === 0 ? 'leaf certificate' : `chain certificate ${position}`;
}

export function certificateEvidence(facts: CertificateFacts, position = 0): Evidence[] {
  return [
    evidence(`${certLabel(facts, position)} subject`, facts.subject, 'certificate'),
    evidence(`${certLabel(facts, position)} SHA-1 thumbprint`, facts.sha1Thumbprint, 'certificate'),
  ];
}

/** A name without a trailing dot, lower-cased (DNS names compare case-insensitively). */
export function normaliseName(name: string): string {
  return name.trim().replace(/\.$/, '').toLowerCase();
}

// --- TCP -------------------------------------------------------------------------------------

/**
 * Shared judgement of tcp-refused, tcp-filtered and tcp-unreachable: an error when no address
 * connected, a warning when another address of the same name did (clients that try this one first
 * wait or fail over).
 */
export function judgeTcpOutcome(tcp: TcpObservation, outcome: TcpOutcome, described: string): RuleOutcome {
  const hits = tcp.perAddress.filter((result) => result.outcome === outcome);
  if (hits.length === 0) return PASS;
  const connected = tcp.perAddress.filter((result) => result.outcome === 'connected');
  const facts = [
    evidence('port', tcp.port, 'tcp'),
    ...hits.map((result) =>
      evidence(
        `connect to ${result.address}`,
        result.error ? `${outcome} (${result.error.code})` : outcome,
        'tcp',
      ),
    ),
    ...connected.map((result) => evidence(`connect to ${result.address}`, 'connected', 'tcp')),
  ];
  if (connected.length === 0)
    return found([{ evidence: facts, data: { port: tcp.port, addresses: hits.map((hit) => hit.address) } }]);
  return found([
    {
      evidence: facts,
      severity: 'warning',
      title: `Port ${tcp.port} ${described} on ${hits.map((hit) => hit.address).join(', ')}, but another address connected`,
      data: { port: tcp.port, addresses: hits.map((hit) => hit.address) },
    },
  ]);
}

// --- TLS -------------------------------------------------------------------------------------

export const LEGACY_TLS_VERSIONS: ReadonlySet<string> = new Set(['SSLv3', 'TLSv1', 'TLSv1.1']);
/** What the probe's ClientHello offers when TlsObservation.offeredVersions is absent. */
export const DEFAULT_OFFERED_VERSIONS: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Versions the enumeration saw accepted, or undefined when it did not run or failed. */
export function acceptedVersions(observations: ProbeObservations): string[] | undefined {
  const posture = observationOf(observations.tlsPosture, 'TLS enumeration', 'ok');
  return posture?.versions.filter((entry) => entry.accepted).map((entry) => entry.version);
}

export function tlsEvidence(tls: TlsObservation): Evidence[] {
  return [
    evidence('TLS under', tls.underProtocol, 'tls'),
    evidence('handshake outcome', tls.outcome, 'tls'),
    ...(tls.alert
      ? [evidence(`alert from ${tls.alert.from}`, `${tls.alert.name} (${tls.alert.code})`, 'tls')]
      : []),
    ...(tls.serverBytesBeforeClose !== undefined
      ? [evidence('server bytes before close', tls.serverBytesBeforeClose, 'tls')]
      : []),
    // OpenSSL's message ("...:error:0A00010B:SSL routines:...") is for --verbose and JSON.
    ...(tls.error
      ? [{ ...evidence('socket error', `${tls.error.code}: ${tls.error.message}`, 'tls'), verboseOnly: true }]
      : []),
  ];
}

/** Runs `judge` on the leaf certificate when the certificate stage succeeded with a chain. */
export function withLeaf(
  observations: ProbeObservations,
  judge: (leaf: CertificateFacts, certificate: CertificateObservation) => RuleOutcome,
): RuleOutcome {
  return withStage(observations.certificate, 'certificate', 'ok', (certificate) => {
    const leaf = certificate.chain[0];
    return leaf ? judge(leaf, certificate) : notEvaluated('the server sent no certificate');
  });
}

// --- the path every client takes ---------------------------------------------------------------

/**
 * The stages a current, default-configured client goes through, from what the server selected for
 * the request such a client sends ('modern'). A failure on one of these fails every such client;
 * a failure elsewhere (the 'rdp' request's Standard RDP Security, the TLS enumeration) does not.
 */
export function clientPathStages(observations: ProbeObservations): StageName[] {
  const upToSecurityLayer = securityLayerPath(observations);
  // The sequence after the security layer is the same whatever protocol carried it: when it ran,
  // every client walks it (and meets the same denials) once its own security layer is done.
  const session = observations.session;
  return session && session.status !== 'skipped' ? [...upToSecurityLayer, 'session'] : upToSecurityLayer;
}

/** The client path up to and including the security layer the server chose for a current client. */
function securityLayerPath(observations: ProbeObservations): StageName[] {
  const path: StageName[] = ['dns', 'tcp', 'negotiation'];
  const negotiation = observations.negotiation?.observation;
  const modern = negotiation ? probeByLabel(negotiation, 'modern') : undefined;
  if (!modern) return path;
  if (modern.outcome === 'no-negotiation-data' || selected(modern, PROTOCOL.RDP)) {
    return [...path, 'rdp-security'];
  }
  // Refused TLS: clients that fall back retry with Standard RDP Security, as the 'rdp' request did.
  if (fallsBackToStandardRdpSecurity(negotiation!)) return [...path, 'rdp-security'];
  if (modern.outcome !== 'selected') return path;
  const viaTls: StageName[] = [...path, 'tls', 'certificate'];
  return modern.selectedProtocol === PROTOCOL.SSL ? viaTls : [...viaTls, 'credssp'];
}

/** The server refused TLS to a current client's request and accepted a Standard RDP Security one. */
export function fallsBackToStandardRdpSecurity(negotiation: NegotiationObservation): boolean {
  const rdp = probeByLabel(negotiation, 'rdp');
  return (
    failedWith(probeByLabel(negotiation, 'modern'), NEG_FAILURE.SSL_NOT_ALLOWED_BY_SERVER) &&
    (rdp?.outcome === 'no-negotiation-data' || selected(rdp, PROTOCOL.RDP))
  );
}

/** A step on the client path that did not succeed. */
export interface PathFailure {
  readonly stage: StageName;
  readonly attempt: Attempt<unknown>;
  /** Set when the failure is the answer to the current client's request ('modern'). */
  readonly probe?: NegotiationProbe;
}

/**
 * Session outcomes where the sequence got where it was going (the logon screen, the logon, or a
 * connection broker's redirection: the target is another host to diagnose, not a fault here).
 */
export const SESSION_REACHED: ReadonlySet<SessionOutcome> = new Set([
  'logon-screen',
  'credentials-accepted',
  'logged-on',
  'redirected',
]);

/** Answers to the current client's request that end its connection attempt. */
const UNANSWERED_REQUEST = new Set<NegotiationProbe['outcome']>([
  'closed',
  'reset',
  'timeout',
  'not-rdp',
  'malformed',
  'failure',
]);

/**
 * Steps on the client path that failed, in connection order. The negotiation counts as failed
 * when the current client's request got no usable answer, even if another request was answered
 * (the stage itself is then 'ok'). Our own bugs are included: the caller keeps them apart.
 */
export function failuresOnClientPath(observations: ProbeObservations): PathFailure[] {
  const failures: PathFailure[] = [];
  for (const stage of clientPathStages(observations)) {
    const attempt = stageAttempt(observations, stage);
    if (!attempt) continue;
    if (attempt.status === 'failed') {
      failures.push({ stage, attempt });
      continue;
    }
    if (stage === 'session' && attempt.status === 'ok') {
      // The stage records a refusal it understood (an error info, an ultimatum) as answered: for
      // the client it is still the end of the connection before the logon screen.
      const outcome = (attempt.observation as SessionObservation | undefined)?.outcome;
      if (outcome && !SESSION_REACHED.has(outcome)) failures.push({ stage, attempt });
      continue;
    }
    if (stage === 'negotiation' && attempt.status === 'ok') {
      const matrix = attempt.observation as NegotiationObservation;
      const modern = probeByLabel(matrix, 'modern');
      if (modern && UNANSWERED_REQUEST.has(modern.outcome) && !fallsBackToStandardRdpSecurity(matrix))
        failures.push({ stage, attempt, probe: modern });
    }
  }
  return failures;
}

/** Whether the stage the request a current client sends is answered by carries TLS (SSL, HYBRID, HYBRID_EX). */
export function clientPathUsesTls(observations: ProbeObservations): boolean {
  return clientPathStages(observations).includes('tls');
}

// --- answers cut off by the timeout ------------------------------------------------------------

/** A timed-out step on the client path, with how far the server's answer had got. */
export interface TimedOutStep {
  readonly stage: StageName;
  /** What we were waiting for an answer to, in words. */
  readonly awaiting: string;
  /** Bytes of the answer received before the timeout (0: the server said nothing). */
  readonly bytesReceived: number;
  readonly stall?: StallProgress;
  readonly ms: number;
}

const AWAITING: Readonly<Record<StageName, string>> = {
  dns: 'the name lookup',
  tcp: 'the TCP handshake',
  negotiation: 'the X.224 Connection Request',
  tls: 'the TLS ClientHello',
  certificate: 'the certificate',
  credssp: 'the CredSSP request (TSRequest with NTLM NEGOTIATE)',
  'rdp-security': 'the MCS Connect Initial',
  session: 'the next PDU of the connection sequence',
};

/**
 * Steps on the client path that ended because the timeout ran out while waiting for the server
 * (not a connect timeout: that is tcp-filtered's).
 */
export function timedOutOnClientPath(observations: ProbeObservations): TimedOutStep[] {
  const steps: TimedOutStep[] = [];
  const path = clientPathStages(observations);
  const add = (stage: StageName, stall: StallProgress | undefined, fallbackBytes: number, ms: number) =>
    steps.push({
      stage,
      awaiting: AWAITING[stage],
      bytesReceived: stall?.bytesReceived ?? fallbackBytes,
      ...(stall ? { stall } : {}),
      ms,
    });
  const negotiation = observations.negotiation?.observation;
  const modern = negotiation ? probeByLabel(negotiation, 'modern') : undefined;
  if (modern && (modern.outcome === 'timeout' || modern.endedBy === 'timeout')) {
    const received = modern.answerPreview ? modern.answerPreview.length / 2 : 0;
    add('negotiation', modern.stall, received, modern.ms);
  }
  const tls = observations.tls?.observation;
  if (path.includes('tls') && tls?.outcome === 'timeout') {
    add('tls', tls.stall, tls.serverBytesBeforeClose ?? 0, tls.ms);
  }
  const credssp = observations.credssp?.observation;
  if (path.includes('credssp') && credssp?.outcome === 'timeout')
    add('credssp', credssp.stall, 0, credssp.ms);
  const rdpSecurity = observations.rdpSecurity?.observation;
  if (path.includes('rdp-security') && rdpSecurity?.outcome === 'timeout') {
    add('rdp-security', rdpSecurity.stall, 0, rdpSecurity.ms);
  }
  const session = observations.session?.observation;
  if (path.includes('session') && session?.outcome === 'timeout') {
    steps.push({
      stage: 'session',
      awaiting: `${AWAITING.session} (${PHASE_AWAITED[session.phase]})`,
      bytesReceived: session.stall?.bytesReceived ?? 0,
      ...(session.stall ? { stall: session.stall } : {}),
      ms: session.ms,
    });
  }
  return steps;
}

/** No RDP answer to the steps probed here is anywhere near this long; a header that says so lies. */
const LONGEST_PLAUSIBLE_ANSWER = 64 * 1024 - 1;

/**
 * A timed-out answer that is slow, not broken: its bytes so far are the start of a well-formed
 * answer of a plausible length, and they were still coming in the second half of the wait. A
 * header followed by silence is a stall (or a hostile server), not a slow line.
 */
export function isSlowStall(stall: StallProgress | undefined, waitedMs: number): boolean {
  if (!stall || stall.bytesReceived === 0 || !stall.validSoFar) return false;
  if (stall.expectedBytes !== undefined && stall.expectedBytes >= LONGEST_PLAUSIBLE_ANSWER) return false;
  return stall.lastByteMs !== undefined && stall.lastByteMs >= waitedMs / 2;
}

export function isSlowAnswer(step: TimedOutStep): boolean {
  return isSlowStall(step.stall, step.ms);
}

// --- the connection sequence after the security layer (session) and the logon check -----------

/** What a client waits for in each phase of the sequence (MS-RDPBCGR 1.3.1.1). */
export const PHASE_AWAITED: Readonly<Record<SessionPhase, string>> = {
  'credssp-logon': 'the CredSSP answer to the credentials',
  'early-user-authorization': 'the Early User Authorization Result',
  'mcs-connect': 'the MCS Connect Response',
  'erect-domain': 'the MCS Attach User Confirm',
  'attach-user': 'the MCS Attach User Confirm',
  'channel-join': 'a Channel Join Confirm',
  'security-exchange': "the server's licensing PDU",
  'client-info': "the server's licensing PDU",
  licensing: 'the next licensing PDU',
  capabilities: 'the Demand Active PDU',
  finalization: "the server's finalization PDUs (Synchronize, Control, Font Map)",
  logon: 'the Save Session Info PDU (the logon notification)',
};

/** When in the sequence something arrived, in words that follow "came ..." or a code. */
const PHASE_WORDS: Readonly<Record<SessionPhase, string>> = {
  'credssp-logon': 'during the CredSSP logon',
  'early-user-authorization': 'in the Early User Authorization Result, right after the CredSSP logon',
  'mcs-connect': 'in answer to the MCS Connect Initial',
  'erect-domain': 'after MCS Erect Domain',
  'attach-user': 'during MCS Attach User',
  'channel-join': 'while the MCS channels were joined',
  'security-exchange': 'after the Security Exchange',
  'client-info': 'after the Client Info PDU',
  licensing: 'during licensing',
  capabilities: 'after licensing, before Demand Active',
  finalization: 'after Demand Active, during finalization',
  logon: 'after the logon',
};

/** "after licensing, before Demand Active", with the logon check's part when credentials were accepted. */
export function whenInSession(session: SessionObservation, phase: SessionPhase): string {
  const words = PHASE_WORDS[phase];
  const afterLogon = session.logon?.status === 'accepted' && phase !== 'credssp-logon' && phase !== 'logon';
  return afterLogon ? `${words} (after the credentials were accepted)` : words;
}

/** The entry a data table holds under a name: the rules name codes by the tables' own spelling. */
function entryNamed(entries: readonly ErrorCodeEntry[], name: string): ErrorCodeEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  // INVARIANT: every name used here is in its table (a typo fails at load, in every test).
  if (!entry) throw new Error(`no code named ${name}`);
  return entry;
}

const errorInfoValue = (name: string) => entryNamed(ERROR_INFO_CODES, name).value;

/** MS-RDPBCGR 2.2.5.1.1 errorInfo values the session rules single out. */
export const ERRINFO = {
  NONE: errorInfoValue('ERRINFO_NONE'),
  IDLE_TIMEOUT: errorInfoValue('ERRINFO_IDLE_TIMEOUT'),
  LOGON_TIMEOUT: errorInfoValue('ERRINFO_LOGON_TIMEOUT'),
  SERVER_DENIED_CONNECTION: errorInfoValue('ERRINFO_SERVER_DENIED_CONNECTION'),
  SERVER_INSUFFICIENT_PRIVILEGES: errorInfoValue('ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES'),
  SERVER_FRESH_CREDENTIALS_REQUIRED: errorInfoValue('ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED'),
} as const;

/** The spec's errorInfo groups (MS-RDPBCGR 2.2.5.1.1): codes in a range are judged by it even when unnamed. */
const LICENSING_ERRINFO = { first: 0x100, last: 0x10a } as const;
const BROKER_ERRINFO = { first: 0x400, last: 0x412 } as const;
const inRange = (code: number, range: { first: number; last: number }) =>
  code >= range.first && code <= range.last;

export type ErrorInfoFindingId = (typeof ERROR_INFO_FINDING_IDS)[number];

/**
 * Which finding an errorInfo code is: exactly one, so server-error-info (the rest) never speaks
 * where a specific rule does. ERRINFO_NONE is no error at all.
 */
export function errorInfoFindingId(code: number): ErrorInfoFindingId | undefined {
  if (code === ERRINFO.NONE) return undefined;
  if (code === ERRINFO.SERVER_DENIED_CONNECTION) return 'server-denied-connection';
  if (code === ERRINFO.SERVER_INSUFFICIENT_PRIVILEGES) return 'not-in-remote-desktop-users';
  if (code === ERRINFO.SERVER_FRESH_CREDENTIALS_REQUIRED) return 'fresh-credentials-required';
  // Only the two time limits: 0x5 (another connection took the session over) is no limit.
  if (code === ERRINFO.IDLE_TIMEOUT || code === ERRINFO.LOGON_TIMEOUT) return 'session-limit-reached';
  if (inRange(code, LICENSING_ERRINFO)) return 'licensing-refused';
  if (inRange(code, BROKER_ERRINFO)) return 'broker-refused';
  return 'server-error-info';
}

export interface DescribedCode {
  readonly code: number;
  /** The table's name, or "unknown ... 0x..." when no table holds it. */
  readonly name: string;
  readonly meaning?: string;
}

export function describeErrorInfo(code: number): DescribedCode {
  const entry = ERROR_INFO_CODES.find((candidate) => candidate.value === code);
  return entry
    ? { code, name: entry.name, meaning: entry.meaning }
    : { code, name: `unknown error info ${hex(code, 8)}` };
}

/** "0x00000007 ERRINFO_SERVER_DENIED_CONNECTION" */
export function codeAndName(described: DescribedCode): string {
  return described.name.startsWith('unknown')
    ? described.name
    : `${hex(described.code, 8)} ${described.name}`;
}

/** What the session ran under and whether credentials went with it (never what they were). */
export function sessionContextEvidence(session: SessionObservation): Evidence[] {
  return [
    evidence('connection sequence under', session.underProtocol, 'session'),
    evidence('credentials sent', session.credentialsSent, 'session'),
    ...(session.logon ? [evidence('user', session.logon.user, 'session')] : []),
  ];
}

/**
 * Judges the session's Set Error Info for one errorInfo finding: a pass unless the code is this
 * finding's. The report gets the code, its meaning, the phase it came in and the context.
 */
export function judgeErrorInfo(
  observations: ProbeObservations,
  id: ErrorInfoFindingId,
  report: (described: DescribedCode, when: string, session: SessionObservation) => Partial<RuleReport>,
): RuleOutcome {
  return withStage(observations.session, 'session', 'ran', (session) => {
    const info = session.errorInfo;
    if (!info || errorInfoFindingId(info.code >>> 0) !== id) return PASS;
    const described = describeErrorInfo(info.code >>> 0);
    const when = whenInSession(session, info.phase);
    const extra = report(described, when, session);
    return found([
      {
        ...extra,
        evidence: [
          evidence('Set Error Info', codeAndName(described), 'session'),
          ...(described.meaning ? [evidence('meaning', described.meaning, 'session')] : []),
          evidence('came', when, 'session'),
          ...sessionContextEvidence(session),
          ...(extra.evidence ?? []),
        ],
        data: {
          errorInfo: described.code,
          name: described.name,
          phase: info.phase,
          underProtocol: session.underProtocol,
          ...(session.logon ? { user: session.logon.user } : {}),
          ...extra.data,
        },
      },
    ]);
  });
}

// --- the logon check (--user) ------------------------------------------------------------------

const logonCode = (name: string) =>
  entryNamed(name.startsWith('SEC_E_') ? SSPI_STATUS_CODES : LOGON_NTSTATUS_CODES, name).value;

export type LogonFindingId = (typeof LOGON_REFUSED_FINDING_IDS)[number];

/** The codes that mean "wrong user name or password" (logon-failed names them as such). */
export const WRONG_CREDENTIALS: ReadonlySet<number> = new Set(
  ['SEC_E_LOGON_DENIED', 'STATUS_LOGON_FAILURE', 'STATUS_WRONG_PASSWORD', 'STATUS_NO_SUCH_USER'].map(
    logonCode,
  ),
);

/** Codes with a finding of their own; every other refusal is logon-failed, with its code named. */
const LOGON_CODE_FINDINGS: ReadonlyMap<number, LogonFindingId> = new Map([
  [logonCode('STATUS_ACCOUNT_LOCKED_OUT'), 'account-locked-out'],
  [logonCode('STATUS_ACCOUNT_DISABLED'), 'account-disabled'],
  [logonCode('STATUS_ACCOUNT_EXPIRED'), 'account-expired'],
  [logonCode('STATUS_PASSWORD_EXPIRED'), 'password-expired'],
  [logonCode('STATUS_PASSWORD_MUST_CHANGE'), 'password-must-change'],
  [logonCode('STATUS_ACCOUNT_RESTRICTION'), 'account-restricted'],
  [logonCode('STATUS_INVALID_LOGON_HOURS'), 'account-restricted'],
  [logonCode('STATUS_INVALID_WORKSTATION'), 'account-restricted'],
  [logonCode('STATUS_LOGON_TYPE_NOT_GRANTED'), 'logon-right-missing'],
]);

/** Which finding a refused logon is (exactly one), or undefined when it was not refused. */
export function logonFindingId(logon: LogonFacts): LogonFindingId | undefined {
  if (logon.status !== 'refused') return undefined;
  if (logon.errorCode === undefined) return 'logon-failed';
  return LOGON_CODE_FINDINGS.get(logon.errorCode >>> 0) ?? 'logon-failed';
}

/** An NTSTATUS or SEC_E_ code from the tables, else the name the probe recorded, else "unknown". */
export function describeLogonCode(code: number, recordedName?: string): DescribedCode {
  const entry = [...LOGON_NTSTATUS_CODES, ...SSPI_STATUS_CODES].find((candidate) => candidate.value === code);
  if (entry) return { code, name: entry.name, meaning: entry.meaning };
  return { code, name: recordedName ?? `unknown status ${hex(code, 8)}` };
}

/**
 * Judges the logon check for one logon finding: a pass unless the server refused the credentials
 * with this finding's code. The evidence names the user and the code, never anything of the password.
 */
export function judgeLogon(
  observations: ProbeObservations,
  id: LogonFindingId,
  report: (
    described: DescribedCode | undefined,
    logon: LogonFacts,
    session: SessionObservation,
  ) => Partial<RuleReport>,
): RuleOutcome {
  return withStage(observations.session, 'session', 'ran', (session) => {
    const logon = session.logon;
    if (!logon) return PASS;
    if (logonFindingId(logon) !== id) return PASS;
    const described =
      logon.errorCode === undefined ? undefined : describeLogonCode(logon.errorCode >>> 0, logon.errorName);
    const extra = report(described, logon, session);
    return found([
      {
        ...extra,
        evidence: [
          evidence('user', logon.user, 'session'),
          evidence(
            'server answer',
            described
              ? `${codeAndName(described)}${described.meaning ? `: ${described.meaning}` : ''}`
              : `closed the connection after the NTLM AUTHENTICATE, without an error code (step: ${logon.step})`,
            'session',
          ),
          evidence('connection sequence under', session.underProtocol, 'session'),
          ...(logon.credsspVersion !== undefined
            ? [evidence('CredSSP version', logon.credsspVersion, 'session')]
            : []),
          ...(extra.evidence ?? []),
        ],
        data: {
          user: logon.user,
          ...(described ? { errorCode: described.code, name: described.name } : {}),
          ...extra.data,
        },
      },
    ]);
  });
}

/** The account part of DOMAIN\name or name@domain: what Get-LocalUser and the AD cmdlets take. */
export function accountName(user: string): string {
  const afterDomain = user.includes('\\') ? user.slice(user.lastIndexOf('\\') + 1) : user;
  return afterDomain.includes('@') ? afterDomain.slice(0, afterDomain.indexOf('@')) : afterDomain;
}

/** Named in a logon rule's own fixes; a finding names the account the logon check used. */
export const ACCOUNT_PLACEHOLDER = '<account>';

/**
 * A rule for one refused-logon finding. Its fixes are built for an account: the rule's metadata
 * carries them for ACCOUNT_PLACEHOLDER, a finding for the account the logon check used.
 */
export function defineLogonRule(
  meta: Omit<DiagnoseRuleMeta, 'fixes' | 'requires'> & { readonly id: LogonFindingId },
  fixesFor: (account: string) => readonly Fix[],
  titleFor: (user: string, described: DescribedCode | undefined) => string,
): DiagnoseRule {
  return defineRule(
    { ...meta, requires: ['session'], fixes: fixesFor(ACCOUNT_PLACEHOLDER) },
    (observations) =>
      judgeLogon(observations, meta.id, (described, logon) => ({
        title: titleFor(logon.user, described),
        fixes: fixesFor(accountName(logon.user)),
        replaceFixes: true,
      })),
  );
}
