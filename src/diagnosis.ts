import { CLIENT_PROFILES } from './data/clients/index.js';
import type { Diagnosis } from './judge.js';
import { type ProbeOptions, runProbe } from './probe/run-probe.js';
import { credsspStage } from './probe/stages/credssp.js';
import { rdpSecurityStage } from './probe/stages/rdp-security.js';
import { helloProfileOf } from './probe/stages/tls-posture.js';
import { alertDescriptionName } from './wire/tls-alert.js';

export type { Diagnosis } from './judge.js';

export type DiagnoseOptions = Omit<ProbeOptions, 'extraStages' | 'alertName' | 'tlsPosture'> & {
  /** Skip the TLS version / cipher enumeration and the client simulation. */
  readonly quick?: boolean;
};

/** Probe a target, judge what was seen, and build the report document. */
export async function diagnose(
  target: { host: string; port: number },
  options: DiagnoseOptions & { version?: string; client?: string } = {},
): Promise<Diagnosis> {
  const { quick, client, version, ...probeOptions } = options;
  // The rules and the report load while the probe waits on the network, not before it starts.
  const judging = import('./judge.js');
  judging.catch(() => {});
  const observations = await runProbe(target, {
    ...probeOptions,
    tlsPosture: quick ? false : { clients: CLIENT_PROFILES.map(helloProfileOf) },
    alertName: alertDescriptionName,
    extraStages: { credssp: credsspStage, rdpSecurity: rdpSecurityStage },
  });
  const { judge } = await judging;
  return judge(observations, version ?? '0.0.0', client, {
    ...(probeOptions.timeoutMs !== undefined ? { timeoutMs: probeOptions.timeoutMs } : {}),
  });
}
