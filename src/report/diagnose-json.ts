import {
  type Attempt,
  type ProbeObservations,
  STAGE_ORDER,
  type StageName,
  stageAttempt,
} from '../probe/types.js';
import type { EvidenceMachine } from '../rules/corroboration.js';
import type { ClientVerdict } from '../rules/diagnose/client-incompatible.js';
import type { ScanGap } from '../rules/diagnose/completeness.js';
import type { Evaluation } from '../rules/engine.js';
import type { Finding } from '../rules/types.js';
import { type VerdictContext, verdictFor } from './verdict.js';

/** Bumped when a field changes meaning or disappears; additions keep the version. */
export const DIAGNOSE_SCHEMA_VERSION = 1;

export interface StageReport {
  readonly name: StageName;
  readonly status: Attempt<unknown>['status'];
  readonly ms: number;
  readonly summary: string;
  readonly reason?: string;
  readonly skippedBecause?: string;
}

export interface DiagnoseDocument {
  readonly schemaVersion: number;
  readonly tool: { readonly name: 'rdp-doctor'; readonly version: string };
  readonly startedAt: string;
  readonly target: {
    readonly host: string;
    readonly port: number;
    readonly expectedName: string;
    readonly addresses: readonly string[];
  };
  readonly stages: readonly StageReport[];
  readonly server: {
    readonly negotiation?: unknown;
    readonly tls?: unknown;
    readonly credssp?: unknown;
    readonly ntlm?: unknown;
    readonly rdpSecurity?: unknown;
  };
  readonly findings: readonly Finding[];
  /** Each simulated client profile: compatible or not, what it would get, what it would show. */
  readonly clients?: readonly ClientVerdict[];
  /** The profile `--client` focused the verdict on. */
  readonly focusClient?: string;
  readonly notEvaluated: readonly { readonly id: string; readonly reason: string }[];
  /** What the diagnosis could not look at (an enumeration cut short, --quick, our own error). */
  readonly incomplete: readonly ScanGap[];
  /** With --evidence: what was read, and whether it is from the probed machine. */
  readonly evidence?: DiagnoseEvidenceSummary;
  readonly verdict: string;
}

/** The evidence files `diagnose --evidence` read beside the probe. */
export interface DiagnoseEvidenceSummary {
  readonly files: readonly { readonly path: string; readonly kind: string }[];
  readonly unreadable: readonly { readonly path: string; readonly message: string }[];
  readonly machine: EvidenceMachine;
  /** Probe findings an evidence finding explains (merged into one finding each). */
  readonly confirmed: number;
  /** When the evidence is shown to be from another machine: its findings, kept out of `findings`. */
  readonly otherMachineFindings?: readonly Finding[];
}

export function stageAttempts(observations: ProbeObservations): Attempt<unknown>[] {
  return STAGE_ORDER.map((name) => stageAttempt(observations, name)).filter(
    (attempt): attempt is Attempt<unknown> => attempt !== undefined,
  );
}

export interface DocumentOptions {
  readonly clients?: readonly ClientVerdict[];
  readonly focusClient?: string;
  /** Replaces the general verdict (a verdict focused on one client). */
  readonly verdict?: string;
  readonly gaps?: readonly ScanGap[];
  readonly evidence?: DiagnoseEvidenceSummary;
}

export function buildDiagnoseDocument(
  observations: ProbeObservations,
  evaluation: Evaluation,
  version: string,
  options: DocumentOptions = {},
): DiagnoseDocument {
  const stages = stageAttempts(observations).map((attempt) => ({
    name: attempt.stage,
    status: attempt.status,
    ms: attempt.ms,
    summary: attempt.summary,
    ...(attempt.reason ? { reason: attempt.reason } : {}),
    ...(attempt.skippedBecause ? { skippedBecause: attempt.skippedBecause } : {}),
  }));
  const tls = observations.tls?.observation;
  const certificate = observations.certificate?.observation;
  const credssp = observations.credssp?.observation;
  const posture = observations.tlsPosture?.observation;
  const postureFields = posture
    ? {
        versions: posture.versions,
        ciphers: posture.ciphers,
        groups: posture.groups ?? [],
        hellosSent: posture.hellosSent,
        connectionsOpened: posture.connectionsOpened,
        connectionsReused: posture.connectionsReused ?? 0,
      }
    : {};
  return {
    schemaVersion: DIAGNOSE_SCHEMA_VERSION,
    tool: { name: 'rdp-doctor', version },
    startedAt: observations.startedAt,
    target: {
      ...observations.target,
      addresses: observations.dns?.observation?.addresses.map((entry) => entry.address) ?? [],
    },
    stages,
    server: {
      ...(observations.negotiation?.observation ? { negotiation: observations.negotiation.observation } : {}),
      ...(tls || posture
        ? {
            tls: {
              ...postureFields,
              outcome: tls?.outcome,
              underProtocol: tls?.underProtocol,
              version: tls?.version,
              cipher: tls?.cipher,
              group: tls?.group,
              alert: tls?.alert,
              certificate: certificate?.chain[0],
              chain: certificate?.chain,
            },
          }
        : {}),
      ...(credssp ? { credssp: { ...credssp, ntlm: undefined } } : {}),
      ...(credssp?.ntlm ? { ntlm: credssp.ntlm } : {}),
      ...(observations.rdpSecurity?.observation ? { rdpSecurity: observations.rdpSecurity.observation } : {}),
      ...(observations.session?.observation ? { session: observations.session.observation } : {}),
    },
    findings: evaluation.findings,
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.focusClient ? { focusClient: options.focusClient } : {}),
    notEvaluated: evaluation.results.flatMap((result) =>
      result.outcome.status === 'not-evaluated' ? [{ id: result.id, reason: result.outcome.reason }] : [],
    ),
    incomplete: options.gaps ?? [],
    ...(options.evidence ? { evidence: options.evidence } : {}),
    verdict:
      options.verdict ??
      verdictFor(evaluation.findings, {
        gaps: options.gaps ?? [],
        compatibleClients: options.clients?.filter((client) => client.compatible === true).length ?? 0,
        everyWindowsClientFails: everyWindowsClientFails(options.clients),
        ...reachedOf(observations),
      }),
  };
}

/** How far the connection sequence got, for the verdict's last words. */
export function reachedOf(observations: ProbeObservations): Pick<VerdictContext, 'reached'> {
  const session = observations.session;
  if (session?.status === 'skipped')
    return { reached: { outcome: 'skipped', because: session.skippedBecause ?? '' } };
  const observation = session?.status === 'ok' ? session.observation : undefined;
  return observation
    ? {
        reached: {
          outcome: observation.outcome,
          ...(observation.logon ? { user: observation.logon.user } : {}),
          ...(observation.redirection?.targets[0] !== undefined
            ? { redirectedTo: observation.redirection.targets[0] }
            : {}),
        },
      }
    : {};
}

/** Windows' own client (mstsc) in every simulated Windows release failed; Windows App is another client. */
function everyWindowsClientFails(clients: readonly ClientVerdict[] | undefined): boolean {
  const windows = (clients ?? []).filter(
    (client) => client.profile.startsWith('windows-') && !client.profile.startsWith('windows-app'),
  );
  return windows.length > 1 && windows.every((client) => client.compatible === false);
}
