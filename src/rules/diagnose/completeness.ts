/**
 * What the diagnosis could not look at, and why. A verdict never rests on an enumeration that did
 * not finish: these gaps are shown beside it (text and JSON) and keep it from saying "healthy".
 */
import { type ProbeObservations, STAGE_ORDER, stageAttempt } from '../../probe/types.js';
import { clientPathStages, failuresOnClientPath } from './helpers.js';

export type ScanGapKind =
  /** The TLS enumeration ran out of its time budget: versions, suites or clients may be missing. */
  | 'tls-enumeration-incomplete'
  /** Some client profiles' hellos got no answer in time: their verdict is unknown. */
  | 'clients-unanswered'
  /** The user asked for a quick diagnosis: no enumeration and no client simulation. */
  | 'quick'
  /** rdp-doctor itself failed in a stage: nothing is said about the server there. */
  | 'internal-error'
  /**
   * The server requires NLA and no --user was given: the connection sequence past CredSSP (the
   * logon, licensing, the server's denials) was not walked. Not a failure: credentials are opt-in.
   */
  | 'logon-not-checked';

export interface ScanGap {
  readonly kind: ScanGapKind;
  /** One sentence for people. */
  readonly text: string;
  /** What to do to close the gap (a flag), when something helps. */
  readonly hint?: string;
  /** The gap leaves a step on every client's path unjudged (our own bug there). */
  readonly onClientPath?: boolean;
}

/** A timeout that gives the enumeration room: at least twice the one used, in whole seconds. */
function longerTimeout(timeoutMs: number | undefined): number {
  return Math.max(8000, Math.ceil(((timeoutMs ?? 4000) * 2.5) / 1000) * 1000);
}

/** The per-step timeout the probe used, as its stages recorded it. */
function timeoutUsed(observations: ProbeObservations): number | undefined {
  return (
    observations.tls?.observation?.error?.timeoutMs ??
    observations.tlsPosture?.error?.timeoutMs ??
    observations.negotiation?.error?.timeoutMs
  );
}

export function scanGaps(observations: ProbeObservations, options: { timeoutMs?: number } = {}): ScanGap[] {
  const gaps: ScanGap[] = [];
  const timeoutMs = options.timeoutMs ?? timeoutUsed(observations);
  const posture = observations.tlsPosture;
  const pathUsesTls = clientPathStages(observations).includes('tls');
  if (!posture && pathUsesTls) {
    gaps.push({
      kind: 'quick',
      text: 'quick diagnosis: TLS versions, cipher suites and client compatibility were not checked',
      hint: 'run again without --quick',
    });
  }
  if (posture?.observation?.budgetSpent) {
    gaps.push({
      kind: 'tls-enumeration-incomplete',
      text: 'the TLS enumeration stopped part-way (its time budget ran out): the lists of versions, suites and clients may be incomplete',
      hint: `run again with --timeout ${longerTimeout(timeoutMs)}`,
    });
  } else if (posture?.status === 'failed' && posture.reason !== 'internal-bug' && pathUsesTls) {
    gaps.push({
      kind: 'tls-enumeration-incomplete',
      text: 'the TLS enumeration got no usable answer: versions, suites and client compatibility are unknown',
      hint: `run again with --timeout ${longerTimeout(timeoutMs)}`,
    });
  }
  const unanswered = (posture?.observation?.clients ?? []).filter(
    (client) => client.outcome === 'timeout' || client.outcome === 'connect-failed',
  );
  if (unanswered.length > 0) {
    gaps.push({
      kind: 'clients-unanswered',
      text: `${unanswered.length} client profile${unanswered.length > 1 ? 's' : ''} got no answer in time (${unanswered.map((client) => client.profile).join(', ')}): no verdict for ${unanswered.length > 1 ? 'them' : 'it'}`,
      hint: `run again with --timeout ${longerTimeout(timeoutMs)}`,
    });
  }
  const session = observations.session;
  if (session?.status === 'skipped' && observations.credssp?.status === 'ok') {
    gaps.push({
      kind: 'logon-not-checked',
      text: "the steps after NLA (licensing, the server's denials, the logon) were not checked: they need credentials",
      hint: "add --user [DOMAIN\\]NAME to check the logon (one attempt: a wrong password counts toward the account's lockout)",
    });
  }
  const onPath = new Set(failuresOnClientPath(observations).map((failure) => failure.attempt));
  // In connection order, the TLS enumeration right after the handshake it belongs to.
  const attempts = STAGE_ORDER.flatMap((stage) =>
    stage === 'tls' ? [observations.tls, observations.tlsPosture] : [stageAttempt(observations, stage)],
  );
  for (const attempt of attempts) {
    if (attempt?.reason !== 'internal-bug') continue;
    gaps.push({
      kind: 'internal-error',
      text: `rdp-doctor failed inside its own ${attempt.stage} step (${attempt.error?.message ?? 'internal error'}): nothing is said about the server there`,
      hint: 'please report it with the output of --json',
      ...(onPath.has(attempt) ? { onClientPath: true } : {}),
    });
  }
  return gaps;
}
