import { isIP } from 'node:net';
import type tls from 'node:tls';
import { Protocol } from '../wire/rdp-neg.js';
import { tpktFrameLength } from '../wire/tpkt.js';
import { type ConnectResult, type Conversation, connectTcp } from './conversation.js';
import type { Credentials } from './credentials.js';
import { formatHostPort } from './host-port.js';
import { Limiter } from './limiter.js';
import { SparePool } from './spare-pool.js';
import { reasonFor, reasonForExchangeEnd } from './net-errors.js';
import { resolveClaimedNames, resolveTarget, reverseLookup } from './stages/dns.js';
import {
  buildNegotiationRequest,
  interpretNegotiationAnswer,
  NEGOTIATION_REQUESTS,
  type NegotiationRequest,
  negotiationSummary,
  selectsCredssp,
  selectsTls,
} from './stages/negotiation.js';
import type { SessionStageOptions } from './stages/session.js';
import { handshakeTls, loadTls } from './stages/tls.js';
import { type ClientHelloProfile, postureSummary, probeTlsPosture } from './stages/tls-posture.js';
import type {
  Attempt,
  CertificateObservation,
  CredsspObservation,
  NegotiationObservation,
  NegotiationProbe,
  ProbeObservations,
  ProbeTarget,
  SessionObservation,
  SessionOutcome,
  StageName,
  TcpAddressResult,
  TcpObservation,
  TcpSample,
  TlsObservation,
  TlsPostureObservation,
} from './types.js';

/** Connections open at once to one host, at most (the issue's politeness cap). */
export const MAX_CONNECTIONS_PER_HOST = 4;
export const DEFAULT_TIMEOUT_MS = 4000;
/**
 * Connections opened and not yet answered, at once. xrdp listens with a backlog of 2, which Linux
 * takes as 3 connections waiting for accept(); a fourth SYN is dropped and stalls that connection
 * for the one-second retransmit. A connection the server has answered has been accepted, so
 * counting until the answer keeps its queue from overflowing.
 */
export const MAX_CONNECTS_IN_FLIGHT = 3;
/**
 * Slots of the per-host cap only urgent work may use: the next link of a chain of dependent
 * hellos (a suite peel) then never queues behind independent hellos (client simulations), which
 * would stretch the critical path by one hello's time per link.
 */
export const URGENT_RESERVED_SLOTS = 1;
/** Extra connects to the chosen address, for latency and stability. */
export const DEFAULT_STABILITY_SAMPLES = 2;

export interface ProbeOptions {
  /** Per-step timeout (connect, each read, the TLS handshake). */
  readonly timeoutMs?: number;
  /** The name the server should be (certificate and identity checks); defaults to the host. */
  readonly expectedName?: string;
  readonly stabilitySamples?: number;
  /** The clock, injectable for tests. */
  readonly now?: () => Date;
  /** Names a TLS alert code (from the wire tables). */
  readonly alertName?: (code: number) => string;
  /** Called as each stage finishes (for progress display). */
  readonly onStage?: (attempt: Attempt<unknown>) => void;
  /** Stages that need a live CredSSP or MCS exchange; filled in by the caller's stage set. */
  readonly extraStages?: ExtraStages;
  /**
   * TLS posture: enumerate versions, suites and groups with raw hellos and send each client
   * profile's hello. `false` skips it (a quick diagnosis).
   */
  readonly tlsPosture?:
    | false
    | {
        readonly clients: readonly ClientHelloProfile[];
        /** Send every profile's hello, even those the enumeration computes (the client matrix test's reference). */
        readonly sendEveryClientHello?: boolean;
      };
  /**
   * The rest of the connection sequence on one more connection (see SessionPlan). Without
   * credentials it stops at Demand Active (the logon screen) and sends none; with them it is the
   * logon check: CredSSP with the password, one attempt. `false` skips the stage.
   */
  readonly session?: false | { readonly credentials?: Credentials; readonly fullLogon?: boolean };
  /**
   * A cap on open sockets shared by many probes (a fleet scan): every connection takes a slot
   * before it connects and gives it back when it closes. Default: no cap beyond the per-host one.
   */
  readonly sockets?: Limiter;
}

/** Stages that run on a connection the driver hands them (kept apart to keep the driver thin). */
export interface ExtraStages {
  credssp?: (
    socket: tls.TLSSocket,
    probe: NegotiationProbe,
    timeoutMs: number,
    now: () => Date,
  ) => Promise<Attempt<unknown>>;
  rdpSecurity?: (
    conversation: Conversation,
    probe: NegotiationProbe,
    timeoutMs: number,
  ) => Promise<Attempt<unknown>>;
  /** On the raw connection (Standard RDP Security) or the established TLS socket. */
  session?: (
    transport: Conversation | tls.TLSSocket,
    options: SessionStageOptions,
  ) => Promise<Attempt<unknown>>;
}

/** Which connection the session stage opens, or why it does not run (pure; see planSession). */
export type SessionPlan =
  | { readonly kind: 'skip'; readonly because: string }
  | { readonly kind: 'run'; readonly request: NegotiationRequest; readonly overTls: boolean };

const requestLabelled = (label: NegotiationRequest['label']) =>
  NEGOTIATION_REQUESTS.find((request) => request.label === label)!;

/**
 * Where the connection sequence can run, from the negotiation matrix. Without credentials: under
 * TLS when some request selected SSL, else under Standard RDP Security when the RDP-only request
 * was accepted; a server that requires NLA shows its logon screen only after credentials. With
 * credentials: the modern request (SSL | HYBRID | HYBRID_EX) when the server offers CredSSP.
 */
export function planSession(probes: readonly NegotiationProbe[], withCredentials: boolean): SessionPlan {
  const offersCredssp = probes.some(selectsCredssp);
  if (withCredentials)
    return offersCredssp
      ? { kind: 'run', request: requestLabelled('modern'), overTls: true }
      : { kind: 'skip', because: 'the server offers no CredSSP (NLA), which the logon check needs' };
  const selectsSsl = probes.some(
    (probe) =>
      (probe.label === 'ssl' || probe.label === 'modern') &&
      probe.outcome === 'selected' &&
      probe.selectedProtocol === Protocol.SSL,
  );
  if (selectsSsl) return { kind: 'run', request: requestLabelled('ssl'), overTls: true };
  const rdp = probes.find((probe) => probe.label === 'rdp');
  if (
    rdp &&
    (rdp.outcome === 'no-negotiation-data' ||
      (rdp.outcome === 'selected' && rdp.selectedProtocol === Protocol.RDP))
  )
    return { kind: 'run', request: requestLabelled('rdp'), overTls: false };
  if (offersCredssp)
    return {
      kind: 'skip',
      because: 'the server requires NLA: the logon screen comes only after credentials (--user)',
    };
  return {
    kind: 'skip',
    because: answeredAny(probes)
      ? 'the server selected no protocol the sequence can run under'
      : 'negotiation failed',
  };
}

/** The TLS posture's time budget, in per-step timeouts. */
export const POSTURE_BUDGET_STEPS = 2;

/** Requests whose connection the TLS handshake may continue on, the best first (as a real client). */
const HANDSHAKE_LABELS: readonly string[] = ['modern', 'hybrid-ex', 'ssl'];

/** Requests the TLS posture may run under, the first the server answers with TLS. */
const POSTURE_REQUEST_LABELS = ['ssl', 'modern', 'hybrid-ex', 'hybrid'] as const;

/** Whether the server answered any negotiation request at all (even with a failure code). */
function answeredAny(probes: readonly NegotiationProbe[]): boolean {
  return probes.some((probe) => ['selected', 'failure', 'no-negotiation-data'].includes(probe.outcome));
}

/** Hello outcomes that say nothing about the server's TLS (it was never reached or never spoke). */
const UNANSWERED = new Set(['connect-failed', 'negotiation-refused', 'timeout']);

function skipped<O>(stage: StageName, because: string): Attempt<O> {
  return { stage, status: 'skipped', skippedBecause: because, ms: 0, summary: `skipped: ${because}` };
}

const elapsed = (started: number) => Math.round(performance.now() - started);

/**
 * Walks a real client's path: DNS, TCP, X.224 negotiation, TLS, certificate, CredSSP and Standard
 * RDP Security. It observes and records; it never judges. Sends no credentials.
 */
export async function runProbe(
  target: { host: string; port: number },
  options: ProbeOptions = {},
): Promise<ProbeObservations> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const probeTarget: ProbeTarget = {
    host: target.host,
    port: target.port,
    expectedName: options.expectedName ?? target.host,
  };
  const startedAt = now().toISOString();
  const limiter = new Limiter(MAX_CONNECTIONS_PER_HOST, URGENT_RESERVED_SLOTS);
  const admission = new Limiter(MAX_CONNECTS_IN_FLIGHT);
  const report = <O>(attempt: Attempt<O>): Attempt<O> => {
    options.onStage?.(attempt as Attempt<unknown>);
    return attempt;
  };
  const result: { -readonly [K in keyof ProbeObservations]: ProbeObservations[K] } = {
    target: probeTarget,
    startedAt,
  };

  // 1. DNS
  const dnsStarted = performance.now();
  const resolved = await resolveTarget(target.host, timeoutMs);
  const addresses = resolved.observation.addresses;
  if (resolved.error) {
    result.dns = report({
      stage: 'dns',
      status: 'failed',
      reason: reasonFor(resolved.error),
      error: resolved.error,
      observation: resolved.observation,
      ms: elapsed(dnsStarted),
      summary: `${target.host} does not resolve (${resolved.error.code})`,
    });
    return finishSkipped(result, 'the name does not resolve', report);
  }

  // 2. TCP: every address, the first that connects is kept for the negotiation.
  const tcpStarted = performance.now();
  const connecting = Promise.all(
    addresses.map(async ({ address, family }) => {
      // Counted until the server answers on it, like every connection (see MAX_CONNECTS_IN_FLIGHT).
      const admitted = await admission.acquire();
      const result = await limiter.run(() => connectTcp(address, target.port, timeoutMs, options.sockets));
      return { address, family, result, admitted };
    }),
  );
  // Node's TLS and crypto modules and the certificate analysis load while the first connections
  // are on their way, not before them (see loadTls): setImmediate runs after the microtasks that
  // issue the connects.
  const certificateStage = new Promise<typeof import('./stages/certificate.js')>((resolve, reject) =>
    setImmediate(() => {
      loadTls().catch(() => {});
      import('./stages/certificate.js').then(resolve, reject);
    }),
  );
  certificateStage.catch(() => {});
  const connections = await connecting;
  const perAddress: TcpAddressResult[] = connections.map(({ address, family, result: connect }) =>
    connect.kind === 'connected'
      ? { address, family, outcome: 'connected', connectMs: Math.round(connect.ms) }
      : {
          address,
          family,
          outcome: tcpOutcome(connect.error.code),
          error: connect.error,
          failedAfterMs: Math.round(connect.ms),
        },
  );
  const kept = connections.find((connection) => connection.result.kind === 'connected');
  for (const connection of connections) {
    if (connection === kept) continue;
    if (connection.result.kind === 'connected') connection.result.conversation.close();
    connection.admitted();
  }
  const usedAddress = kept?.address;
  const reverseNames =
    usedAddress && !resolved.observation.literal
      ? reverseLookup(usedAddress, Math.min(timeoutMs, 1000))
      : Promise.resolve([]);
  if (kept?.result.kind !== 'connected') {
    const first = perAddress[0]!;
    result.dns = report(dnsAttempt(resolved.observation, [], dnsStarted, tcpStarted));
    result.tcp = report({
      stage: 'tcp',
      status: 'failed',
      reason: first.error ? reasonFor(first.error) : 'protocol-error',
      ...(first.error ? { error: first.error } : {}),
      observation: { port: target.port, perAddress, samples: [] },
      ms: elapsed(tcpStarted),
      summary: `port ${target.port} ${first.outcome} on ${perAddress.map((entry) => entry.address).join(', ')}`,
    });
    return finishSkipped(result, `TCP port ${target.port} is not reachable`, report);
  }
  const keptConversation = kept.result.conversation;
  const keptConnectMs = Math.round(kept.result.ms);

  // 3. Negotiation matrix (the kept connection carries the modern request) + stability samples.
  const negotiationStarted = performance.now();
  const keptSlot = await limiter.acquire();
  /** Negotiated TLS connections no stage continues on carry posture hellos instead of new ones. */
  const wantSpares = options.tlsPosture !== false;
  /** Set once the handshake's connection is chosen: the other TLS-selecting ones are spares. */
  const matrix: { chosen: boolean; tlsLabel?: string } = { chosen: false };
  /** Connections kept open for later stages, each holding its slot of the per-host cap. */
  const conversations = new Map<string, { conversation: Conversation; release: () => void }>();
  /** Negotiated TLS connections no stage continues on, for the posture's hellos (see SparePool). */
  const spares = new SparePool();
  if (!wantSpares) spares.close();
  const releaseKept = (label: string) => {
    const kept = conversations.get(label);
    if (!kept) return;
    kept.conversation.close();
    kept.release();
    conversations.delete(label);
  };
  const probeOne = async (request: NegotiationRequest): Promise<NegotiationProbe> => {
    let conversation: Conversation;
    let release: () => void;
    let admitted: () => void = () => {};
    if (request.label === 'modern') {
      conversation = keptConversation;
      release = keptSlot;
      admitted = kept.admitted;
    } else {
      // Not urgent: the posture's chains (which decide how long a diagnosis takes) go first;
      // these answers only fill the report, or pick the handshake when the modern one fails.
      release = await limiter.acquire();
      admitted = await admission.acquire();
      const connect = await connectTcp(usedAddress!, target.port, timeoutMs, options.sockets);
      if (connect.kind === 'failed') {
        admitted();
        release();
        return {
          label: request.label,
          requestedProtocols: request.requestedProtocols,
          requestedNames: [],
          outcome:
            connect.error.code === 'ECONNRESET'
              ? 'reset'
              : connect.error.code === 'CONNECT_TIMEOUT'
                ? 'timeout'
                : 'closed',
          ms: Math.round(connect.ms),
        };
      }
      conversation = connect.conversation;
    }
    conversation.write(buildNegotiationRequest(request));
    const answer = await conversation.readFrame(tpktFrameLength, timeoutMs);
    admitted();
    const probe = interpretNegotiationAnswer(request, answer);
    // Keep connections later stages continue on (the handshake, Standard RDP Security, and as
    // spares, the posture's hellos); close the rest (and free the slot).
    const keep =
      (request.label !== 'rdp' &&
        selectsTls(probe) &&
        (wantSpares || (!matrix.chosen && HANDSHAKE_LABELS.includes(request.label)))) ||
      (request.label === 'rdp' &&
        (probe.outcome === 'selected' || probe.outcome === 'no-negotiation-data') &&
        !selectsTls(probe));
    if (keep && conversation.pendingBytes === 0) {
      // Once the handshake's connection is chosen, any other TLS connection is a spare.
      if (request.label !== 'rdp' && matrix.chosen) spares.offer({ conversation, release });
      else conversations.set(request.label, { conversation, release });
    } else {
      conversation.close();
      release();
    }
    return probe;
  };
  const probeRuns = NEGOTIATION_REQUESTS.map((request) => probeOne(request));
  const probeOf = (label: string) =>
    probeRuns[NEGOTIATION_REQUESTS.findIndex((request) => request.label === label)]!;
  // The TLS posture runs under the first of these the server answers with TLS.
  const postureLabelRun = (async () => {
    if (options.tlsPosture === false) return undefined;
    for (const label of POSTURE_REQUEST_LABELS) if (selectsTls(await probeOf(label))) return label;
    return undefined;
  })();
  const samples: TcpSample[] = [{ outcome: 'connected', connectMs: keptConnectMs }];
  const sample = (connect: ConnectResult): void => {
    samples.push(
      connect.kind === 'connected'
        ? { outcome: 'connected', connectMs: Math.round(connect.ms) }
        : { outcome: tcpOutcome(connect.error.code) },
    );
  };
  // The TLS handshake continues on the best TLS-selecting connection, like a real client: the
  // modern request's, else HYBRID_EX's, else SSL's. It starts as soon as that is known (usually
  // with the first answer), not after the whole matrix, so kept connections do not sit idle on
  // their cap slots while the rest of the matrix and the posture queue behind them.
  const handshakeLabelRun = (async () => {
    for (const label of HANDSHAKE_LABELS) {
      await probeOf(label);
      if (conversations.has(label)) return label;
    }
    return undefined;
  })();
  void handshakeLabelRun.then((label) => {
    matrix.chosen = true;
    if (label) matrix.tlsLabel = label;
    // The other TLS connections are spares from now on (without a posture, closed at once).
    for (const [other, kept] of [...conversations]) {
      if (other === 'rdp' || other === label) continue;
      conversations.delete(other);
      spares.offer(kept);
    }
  });
  // Stages report in the order a client meets them, whenever their work ran.
  let negotiationReported: () => void = () => {};
  const afterNegotiation = new Promise<void>((resolve) => (negotiationReported = resolve));
  // 4b. TLS posture: raw hellos on their own connections. It starts as soon as the request it
  // runs under is answered, beside the rest of the negotiation matrix and the handshake below.
  const postureWork = (async () => {
    if (options.tlsPosture === false) return;
    const postureLabel = await postureLabelRun;
    if (!postureLabel) {
      const probes = await Promise.all(probeRuns);
      await afterNegotiation;
      result.tlsPosture = report(
        skipped<TlsPostureObservation>(
          'tls',
          answeredAny(probes) ? 'the server selected no TLS-based protocol' : 'negotiation failed',
        ),
      );
      return;
    }
    const postureStarted = performance.now();
    let observation: TlsPostureObservation;
    try {
      observation = await probeTlsPosture({
        address: usedAddress!,
        port: target.port,
        request: NEGOTIATION_REQUESTS.find((request) => request.label === postureLabel)!,
        timeoutMs,
        limiter,
        admission,
        // The posture never costs more than two step timeouts on top of the rest (slow or hostile servers).
        deadline: postureStarted + POSTURE_BUDGET_STEPS * timeoutMs,
        clients: options.tlsPosture?.clients ?? [],
        ...(options.tlsPosture && options.tlsPosture.sendEveryClientHello
          ? { sendEveryClientHello: true }
          : {}),
        // Negotiated connections no stage continues on (e.g. SSL's, when the modern request's
        // carries the handshake) carry hellos instead of new connections.
        spares,
        onConnect: sample,
        ...(options.sockets ? { sockets: options.sockets } : {}),
        ...(isHostName(target.host) ? { serverName: target.host } : {}),
      });
    } catch (error) {
      // INVARIANT: hostile answers are data; an exception here is our bug, kept apart from the server's.
      await afterNegotiation;
      result.tlsPosture = report({
        stage: 'tls',
        status: 'failed',
        reason: 'internal-bug',
        error: { code: 'INTERNAL', message: (error as Error).message },
        ms: elapsed(postureStarted),
        summary: `TLS enumeration failed inside rdp-doctor: ${(error as Error).message}`,
      });
      return;
    }
    await afterNegotiation;
    const answered = observation.versions.some(
      (entry) => entry.accepted || (entry.outcome !== undefined && !UNANSWERED.has(entry.outcome)),
    );
    const usable = answered && !observation.budgetSpent;
    result.tlsPosture = report({
      stage: 'tls',
      status: usable ? 'ok' : 'failed',
      ...(usable
        ? {}
        : { reason: observation.budgetSpent ? ('timeout' as const) : ('protocol-error' as const) }),
      observation,
      ms: elapsed(postureStarted),
      summary: postureSummary(observation),
    });
  })().finally(() => {
    // No hello comes after the posture: spares would only hold cap slots others wait for.
    spares.close();
  });

  // 4-6. TLS, certificate, CredSSP on the best TLS-selecting connection, like a real client.
  const tlsWork = (async () => {
    const tlsLabel = await handshakeLabelRun;
    if (!tlsLabel) {
      await afterNegotiation;
      const because = answeredAny(await Promise.all(probeRuns))
        ? 'the server selected no TLS-based protocol'
        : 'negotiation failed';
      result.tls = report(skipped<TlsObservation>('tls', because));
      result.certificate = report(skipped<CertificateObservation>('certificate', 'no TLS handshake'));
      result.credssp = report(skipped('credssp', because));
      return;
    }
    const conversation = conversations.get(tlsLabel)!.conversation;
    const probe = await probeOf(tlsLabel);
    const handshake = await handshakeTls(conversation.detach(), {
      timeoutMs,
      underProtocol: probe.selectedName ?? 'SSL',
      alertName: options.alertName ?? ((code) => `alert ${code}`),
      ...(isHostName(target.host) ? { servername: target.host } : {}),
    });
    const tlsObservation = handshake.observation;
    const tlsAttempt: Attempt<TlsObservation> = {
      stage: 'tls',
      status: tlsObservation.outcome === 'established' ? 'ok' : 'failed',
      ...(tlsObservation.outcome === 'established' ? {} : { reason: tlsReason(tlsObservation) }),
      ...(tlsObservation.error ? { error: tlsObservation.error } : {}),
      observation: tlsObservation,
      ms: tlsObservation.ms,
      summary: tlsSummary(tlsObservation),
    };
    if (tlsObservation.outcome !== 'established' || !handshake.socket) {
      releaseKept(tlsLabel);
      await afterNegotiation;
      result.tls = report(tlsAttempt);
      result.certificate = report(skipped('certificate', 'the TLS handshake failed'));
      result.credssp = report(skipped('credssp', 'the TLS handshake failed'));
      return;
    }
    // CredSSP continues on this connection; otherwise it is closed before the analysis.
    const credsspRun =
      selectsCredssp(probe) && options.extraStages?.credssp
        ? options.extraStages.credssp(handshake.socket, probe, timeoutMs, now)
        : undefined;
    if (!credsspRun) {
      // The TLS socket first: closing the raw one under it crashes Node 20's TLSWrap (SIGSEGV).
      handshake.socket.destroy();
      releaseKept(tlsLabel);
    }
    const { analyseCertificates } = await certificateStage;
    const certificateStarted = performance.now();
    let certificateAttempt: Attempt<CertificateObservation>;
    try {
      const observation = analyseCertificates(tlsObservation.chainDer, probeTarget.expectedName, now());
      const leaf = observation.chain[0];
      certificateAttempt = {
        stage: 'certificate',
        status: leaf ? 'ok' : 'failed',
        ...(leaf ? {} : { reason: 'protocol-error' as const }),
        observation,
        ms: elapsed(certificateStarted),
        summary: leaf
          ? `${leaf.subject}, valid until ${leaf.notAfter.slice(0, 10)}`
          : 'the server sent no certificate',
      };
    } catch (error) {
      certificateAttempt = {
        stage: 'certificate',
        status: 'failed',
        reason: 'protocol-error',
        error: { code: 'BAD_CERTIFICATE', message: (error as Error).message },
        ms: elapsed(certificateStarted),
        summary: `the certificate could not be parsed: ${(error as Error).message}`,
      };
    }
    const credsspAttempt: Attempt<never> = credsspRun
      ? ((await credsspRun) as Attempt<never>)
      : skipped(
          'credssp',
          selectsCredssp(probe) ? 'CredSSP probing is not available' : 'the server did not select CredSSP',
        );
    handshake.socket.destroy();
    releaseKept(tlsLabel);
    certificateAttempt = await withClaimedNames(
      certificateAttempt,
      credsspAttempt,
      isIP(target.host) === 0,
      timeoutMs,
    );
    await afterNegotiation;
    result.tls = report(tlsAttempt);
    result.certificate = report(certificateAttempt);
    result.credssp = report(credsspAttempt);
  })();

  // 7. Standard RDP Security, when the server accepts it, on the RDP-only connection.
  const rdpWork = (async () => {
    const probe = await probeOf('rdp');
    const conversation = conversations.get('rdp')?.conversation;
    if (!conversation) {
      await afterNegotiation;
      result.rdpSecurity = report(
        skipped('rdp-security', 'the server does not accept Standard RDP Security'),
      );
      return;
    }
    if (options.extraStages?.rdpSecurity) {
      const attempt = await options.extraStages.rdpSecurity(conversation, probe, timeoutMs);
      // Done with the connection: free its slot now, not when the report's turn comes.
      releaseKept('rdp');
      await afterNegotiation;
      result.rdpSecurity = report(attempt as Attempt<never>);
    } else {
      releaseKept('rdp');
      await afterNegotiation;
      result.rdpSecurity = report(skipped('rdp-security', 'Standard RDP Security probing is not available'));
    }
  })();

  // 8. The rest of the connection sequence, on its own connection once the matrix has answered.
  const runSessionStage = async (
    matrix: readonly NegotiationProbe[],
  ): Promise<Attempt<SessionObservation>> => {
    const wanted = options.session;
    if (wanted === false) return skipped('session', 'the connection sequence was not asked for');
    const stage = options.extraStages?.session;
    if (!stage) return skipped('session', 'probing the connection sequence is not available');
    const credentials = wanted?.credentials;
    const plan = planSession(matrix, credentials !== undefined);
    if (plan.kind === 'skip') return skipped('session', plan.because);
    // The sequence continues a client's path: when the step before it failed, its own attempt
    // would only fail there again (and count as a second problem).
    if (plan.overTls) {
      await tlsWork;
      if (result.tls?.status === 'failed') return skipped('session', 'the TLS handshake failed');
    } else {
      await rdpWork;
      if (result.rdpSecurity?.status === 'failed')
        return skipped('session', 'the MCS Connect Initial under Standard RDP Security failed');
    }
    const started = performance.now();
    const notStarted = (outcome: SessionOutcome, underProtocol: string, detail: string) =>
      sessionNotStarted(outcome, underProtocol, credentials !== undefined, elapsed(started), detail);
    const release = await limiter.acquire();
    const admitted = await admission.acquire();
    let conversation: Conversation | undefined;
    let socket: tls.TLSSocket | undefined;
    try {
      const connect = await connectTcp(usedAddress!, target.port, timeoutMs, options.sockets);
      if (connect.kind === 'failed') {
        admitted();
        return {
          stage: 'session',
          status: 'failed',
          reason: reasonFor(connect.error),
          error: connect.error,
          ms: elapsed(started),
          summary: `the connection for the sequence failed (${connect.error.code})`,
        };
      }
      conversation = connect.conversation;
      conversation.write(buildNegotiationRequest(plan.request));
      const answer = await conversation.readFrame(tpktFrameLength, timeoutMs);
      admitted();
      const probe = interpretNegotiationAnswer(plan.request, answer);
      const underProtocol = probe.selectedName ?? (plan.overTls ? 'SSL' : 'RDP');
      const selected = probe.outcome === 'selected' || probe.outcome === 'no-negotiation-data';
      const fits = plan.overTls
        ? credentials
          ? selectsCredssp(probe)
          : selectsTls(probe)
        : selected && !selectsTls(probe);
      if (!fits)
        return notStarted(
          ['closed', 'reset', 'timeout'].includes(probe.outcome)
            ? (probe.outcome as SessionOutcome)
            : 'malformed',
          underProtocol,
          `the X.224 negotiation answered ${probe.outcome}${probe.selectedName ? ` (${probe.selectedName})` : ''} this time`,
        );
      const sessionOptions: SessionStageOptions = {
        timeoutMs,
        underProtocol,
        selectedProtocol: probe.selectedProtocol ?? Protocol.RDP,
        ...(credentials ? { credentials, fullLogon: wanted?.fullLogon ?? false } : {}),
        now,
        targetName: `TERMSRV/${probeTarget.expectedName}`,
      };
      if (!plan.overTls) return (await stage(conversation, sessionOptions)) as Attempt<SessionObservation>;
      const handshake = await handshakeTls(conversation.detach(), {
        timeoutMs,
        underProtocol,
        alertName: options.alertName ?? ((code) => `alert ${code}`),
        ...(isHostName(target.host) ? { servername: target.host } : {}),
      });
      socket = handshake.socket;
      const leaf = handshake.observation.chainDer[0];
      if (!socket || handshake.observation.outcome !== 'established')
        return notStarted(
          handshake.observation.outcome === 'timeout' ? 'timeout' : 'closed',
          underProtocol,
          `the TLS handshake for the sequence failed (${tlsSummary(handshake.observation)})`,
        );
      return (await stage(socket, {
        ...sessionOptions,
        ...(leaf ? { serverCertificateDer: new Uint8Array(Buffer.from(leaf, 'base64')) } : {}),
      })) as Attempt<SessionObservation>;
    } catch (error) {
      // INVARIANT: hostile answers are data; an exception here is our bug, kept apart from the server's.
      return {
        stage: 'session',
        status: 'failed',
        reason: 'internal-bug',
        error: { code: 'INTERNAL', message: (error as Error).message },
        ms: elapsed(started),
        summary: `the connection sequence failed inside rdp-doctor: ${(error as Error).message}`,
      };
    } finally {
      admitted();
      // The TLS socket first: closing the raw one under it crashes Node 20's TLSWrap (SIGSEGV).
      socket?.destroy();
      conversation?.close();
      release();
    }
  };

  const sessionWork = (async () => {
    const matrix = await Promise.all(probeRuns);
    const attempt = await runSessionStage(matrix);
    // Reported after the stages a client meets before it.
    await Promise.all([tlsWork, rdpWork]);
    result.session = report(attempt);
  })();

  const probes = await Promise.all(probeRuns);
  const postureLabel = await postureLabelRun;
  // Stability samples: the posture's own connects when it runs (tens of them, each admitted only
  // while the accept queue has room, so they measure the path, not our load); otherwise a few
  // after the burst, one at a time.
  if (!postureLabel) {
    for (let index = 0; index < (options.stabilitySamples ?? DEFAULT_STABILITY_SAMPLES); index++) {
      const connect = await limiter.run(() =>
        connectTcp(usedAddress!, target.port, timeoutMs, options.sockets),
      );
      if (connect.kind === 'connected') connect.conversation.close();
      sample(connect);
    }
  }
  result.dns = report(dnsAttempt(resolved.observation, await reverseNames, dnsStarted, tcpStarted));
  const tcpObservation: TcpObservation = {
    port: target.port,
    perAddress,
    usedAddress,
    // Filled in further by the posture's connects (see above) until the probe ends.
    samples,
  };
  result.tcp = report({
    stage: 'tcp',
    status: 'ok',
    observation: tcpObservation,
    ms: keptConnectMs,
    summary: `connected to ${formatHostPort(usedAddress!, target.port)} in ${keptConnectMs} ms`,
  });
  const negotiationObservation: NegotiationObservation = { probes };
  const modern = probes.find((probe) => probe.label === 'modern')!;
  const anyAnswer = answeredAny(probes);
  result.negotiation = report({
    stage: 'negotiation',
    status: anyAnswer ? 'ok' : 'failed',
    ...(anyAnswer ? {} : { reason: reasonForExchangeEnd(modern.outcome) }),
    observation: negotiationObservation,
    ms: elapsed(negotiationStarted),
    summary: negotiationSummary(probes),
  });
  negotiationReported();

  await Promise.all([tlsWork, rdpWork, postureWork, sessionWork]);
  for (const label of [...conversations.keys()]) releaseKept(label);
  spares.close();
  return result;
}

/** A session attempt that ended before the sequence began (the connection, X.224 or TLS failed this time). */
function sessionNotStarted(
  outcome: SessionOutcome,
  underProtocol: string,
  credentialsSent: boolean,
  ms: number,
  detail: string,
): Attempt<SessionObservation> {
  return {
    stage: 'session',
    status: 'failed',
    reason: reasonForExchangeEnd(outcome),
    observation: {
      underProtocol,
      credentialsSent: false,
      outcome,
      phase: credentialsSent ? 'credssp-logon' : 'mcs-connect',
      phasesCompleted: [],
      ms,
    },
    ms,
    summary: detail,
  };
}

function finishSkipped(
  result: { -readonly [K in keyof ProbeObservations]: ProbeObservations[K] },
  because: string,
  report: <O>(attempt: Attempt<O>) => Attempt<O>,
): ProbeObservations {
  result.tcp ??= report(skipped('tcp', because));
  result.negotiation = report(skipped('negotiation', because));
  result.tls = report(skipped('tls', because));
  result.certificate = report(skipped('certificate', because));
  result.credssp = report(skipped('credssp', because));
  result.rdpSecurity = report(skipped('rdp-security', because));
  result.session = report(skipped('session', because));
  return result;
}

/**
 * Adds what the server's own names resolve to (see CertificateObservation.claimedNames), when the
 * target was a name: an IP target has nothing to compare an alias with.
 */
async function withClaimedNames(
  attempt: Attempt<CertificateObservation>,
  credssp: Attempt<CredsspObservation>,
  targetIsName: boolean,
  timeoutMs: number,
): Promise<Attempt<CertificateObservation>> {
  const observation = attempt.observation;
  if (!targetIsName || !observation) return attempt;
  const leaf = observation.chain[0];
  const ntlmName = credssp.observation?.ntlm?.dnsComputerName;
  const claimed = [
    ...(leaf?.dnsNames ?? []).map((name) => ({ name, from: 'certificate' as const })),
    ...(leaf?.commonName ? [{ name: leaf.commonName, from: 'certificate' as const }] : []),
    ...(ntlmName ? [{ name: ntlmName, from: 'ntlm' as const }] : []),
  ];
  const claimedNames = await resolveClaimedNames(
    claimed,
    observation.expectedName,
    Math.min(timeoutMs, 1000),
  );
  return claimedNames.length === 0 ? attempt : { ...attempt, observation: { ...observation, claimedNames } };
}

function dnsAttempt(
  observation: ProbeObservations['dns'] extends Attempt<infer O> | undefined ? O : never,
  reverseNames: string[],
  started: number,
  ended: number,
) {
  const full = { ...observation, reverseNames };
  return {
    stage: 'dns' as const,
    status: 'ok' as const,
    observation: full,
    ms: Math.round(ended - started),
    summary: observation.literal
      ? `${observation.query} is an IP address (no lookup)`
      : `${observation.query} -> ${observation.addresses.map((entry) => entry.address).join(', ')}`,
  };
}

function tcpOutcome(code: string): TcpAddressResult['outcome'] {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'filtered';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    case 'ECONNRESET':
      return 'reset';
    default:
      return 'error';
  }
}

function tlsReason(observation: TlsObservation): Attempt<unknown>['reason'] {
  if (observation.outcome === 'alert') return 'tls-alert';
  if (observation.outcome === 'timeout') return 'timeout';
  if (observation.outcome === 'aborted') return observation.error?.code === 'ECONNRESET' ? 'reset' : 'closed';
  return 'protocol-error';
}

function tlsSummary(observation: TlsObservation): string {
  switch (observation.outcome) {
    case 'established':
      return `${observation.version} ${observation.cipher?.standardName ?? observation.cipher?.name}`;
    case 'alert':
      return `server sent TLS alert ${observation.alert?.name} (${observation.alert?.code})`;
    case 'aborted':
      return `server dropped the handshake without an alert (${observation.serverBytesBeforeClose ?? 0} bytes received)`;
    case 'timeout':
      return `handshake not finished within ${observation.error?.timeoutMs} ms`;
    default:
      // OpenSSL's own text ("...:error:0A00010B:SSL routines:...") stays in the error, for --verbose and JSON.
      return observation.error?.code && observation.error.code !== 'UNKNOWN'
        ? `handshake failed (${observation.error.code}, ${observation.serverBytesBeforeClose ?? 0} bytes received)`
        : `handshake failed (${observation.serverBytesBeforeClose ?? 0} bytes received)`;
  }
}

function isHostName(host: string): boolean {
  return !/^[\d.]+$/.test(host) && !host.includes(':');
}
