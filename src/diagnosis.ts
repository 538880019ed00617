import { CLIENT_PROFILES } from './data/clients/index.js';
import type { Diagnosis, JudgeEvidence } from './judge.js';
import { type ProbeOptions, runProbe } from './probe/run-probe.js';
import { credsspStage } from './probe/stages/credssp.js';
import { rdpSecurityStage } from './probe/stages/rdp-security.js';
import { sessionStage } from './probe/stages/session.js';
import { helloProfileOf } from './probe/stages/tls-posture.js';
import { alertDescriptionName } from './wire/tls-alert.js';

export type { Diagnosis } from './judge.js';

export type DiagnoseOptions = Omit<ProbeOptions, 'extraStages' | 'alertName' | 'tlsPosture'> & {
  /** Skip the TLS version / cipher enumeration and the client simulation. */
  readonly quick?: boolean;
};

/**
 * Reads the evidence files given with `diagnose --evidence` (collector documents and bundles, .reg
 * exports, event logs) through the analyze pipeline, reduced to what the judge joins with the probe.
 */
export async function readEvidence(paths: readonly string[]): Promise<JudgeEvidence> {
  const { analyzeFiles } = await import('./analysis.js');
  const report = await analyzeFiles(paths);
  return {
    findings: report.findings,
    files: report.files.map((file) => ({ path: file.path, kind: file.kind })),
    unreadable: report.unreadable.map((input) => ({ path: input.path, message: input.message })),
    identities: report.sources.flatMap((source) =>
      source.kind === 'collect' && source.computer
        ? [
            {
              path: source.path,
              role: source.role,
              computerName: source.computer,
              listenerThumbprints: source.listenerThumbprints ?? [],
            },
          ]
        : [],
    ),
  };
}

/** Probe a target, judge what was seen (with the evidence read beside it), and build the report. */
export async function diagnose(
  target: { host: string; port: number },
  options: DiagnoseOptions & { version?: string; client?: string; evidence?: JudgeEvidence } = {},
): Promise<Diagnosis> {
  const { quick, client, version, evidence, ...probeOptions } = options;
  // The rules and the report load while the probe waits on the network, not before it starts.
  const judging = import('./judge.js');
  judging.catch(() => {});
  const observations = await runProbe(target, {
    ...probeOptions,
    tlsPosture: quick ? false : { clients: CLIENT_PROFILES.map(helloProfileOf) },
    alertName: alertDescriptionName,
    extraStages: { credssp: credsspStage, rdpSecurity: rdpSecurityStage, session: sessionStage },
  });
  const { judge } = await judging;
  return judge(observations, version ?? '0.0.0', client, {
    ...(probeOptions.timeoutMs !== undefined ? { timeoutMs: probeOptions.timeoutMs } : {}),
    ...(evidence ? { evidence } : {}),
  });
}
