/**
 * One probe's answer in the Prometheus text format. Names follow blackbox_exporter where they
 * mean the same (probe_success, probe_duration_seconds, probe_ssl_earliest_cert_expiry, ...), so
 * existing dashboards and alerts read them; the RDP-only facts are rdp_*. Every value comes from
 * the diagnosis's facts (src/fleet/host-facts.ts): nothing is judged here, and a fact that was
 * not observed has no series (an absent series is not a zero).
 */
import { Gauge, Registry } from 'prom-client';
import { distinctFindings, type HostFacts } from '../fleet/host-facts.js';

/** Every per-probe metric, with its help text: the shipped rules and dashboard use these names. */
export const PROBE_METRICS = {
  probe_success: 'Whether a current, default-configured client would connect (no finding of severity error)',
  probe_duration_seconds: 'How long the probe took',
  probe_dns_lookup_time_seconds: 'How long the DNS lookup took (0 for an address)',
  probe_ssl_earliest_cert_expiry: "The server certificate's notAfter, in Unix seconds",
  probe_tls_version_info: 'The TLS version the handshake negotiated',
  rdp_probe_verdict_available:
    'Whether the probe reached a verdict within its timeout (0: see probe_success as unknown)',
  rdp_stage_duration_seconds: 'How long each stage of the connection took',
  rdp_stage_success: 'Whether each stage that ran succeeded (skipped stages have no series)',
  rdp_selected_protocol_info: "The security protocol the server selected for a current client's request",
  rdp_nla_required: 'Whether the server requires Network Level Authentication (no series when unknown)',
  rdp_credssp_version: 'The CredSSP (TSRequest) version the server answered with',
  rdp_finding: 'A finding of the diagnosis (one series per finding id)',
  rdp_client_compatible: 'Whether each client profile would connect',
  rdp_cert_info: "The server certificate's subject, issuer and SHA-256 fingerprint",
  rdp_cert_days_left: 'Days until the server certificate expires (negative once expired)',
  rdp_tls_version_accepted: 'Whether the server accepts each TLS version tried (full modules only)',
} as const;

export type ProbeMetricName = keyof typeof PROBE_METRICS;

/** The series of one probe (its own registry, so probes never share state), as exposition text. */
export async function probeMetricsText(facts: HostFacts, verdictAvailable: boolean): Promise<string> {
  const registry = new Registry();
  const gauge = <L extends string>(name: ProbeMetricName, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help: PROBE_METRICS[name], labelNames, registers: [registry] });

  gauge('probe_success').set(facts.success ? 1 : 0);
  gauge('probe_duration_seconds').set(facts.durationMs / 1000);
  gauge('rdp_probe_verdict_available').set(verdictAvailable ? 1 : 0);
  if (!verdictAvailable) return registry.metrics();

  gauge('probe_dns_lookup_time_seconds').set((facts.dnsMs ?? 0) / 1000);
  const stageDuration = gauge('rdp_stage_duration_seconds', ['stage']);
  const stageSuccess = gauge('rdp_stage_success', ['stage']);
  for (const stage of facts.stages) {
    if (stage.status === 'skipped') continue;
    stageDuration.set({ stage: stage.name }, stage.seconds);
    stageSuccess.set({ stage: stage.name }, stage.status === 'ok' ? 1 : 0);
  }
  if (facts.selectedProtocol)
    gauge('rdp_selected_protocol_info', ['protocol']).set({ protocol: facts.selectedProtocol }, 1);
  if (facts.nlaRequired !== undefined) gauge('rdp_nla_required').set(facts.nlaRequired ? 1 : 0);
  if (facts.credsspVersion !== undefined) gauge('rdp_credssp_version').set(facts.credsspVersion);
  if (facts.tlsVersion) gauge('probe_tls_version_info', ['version']).set({ version: facts.tlsVersion }, 1);
  if (facts.tlsVersionsTried) {
    const accepted = gauge('rdp_tls_version_accepted', ['version']);
    for (const version of facts.tlsVersionsTried)
      accepted.set({ version }, facts.tlsVersionsAccepted?.includes(version) ? 1 : 0);
  }
  const certificate = facts.certificate;
  if (certificate) {
    gauge('probe_ssl_earliest_cert_expiry').set(certificate.notAfterUnix);
    gauge('rdp_cert_days_left').set(Math.round(certificate.daysLeft * 1000) / 1000);
    gauge('rdp_cert_info', ['subject', 'issuer', 'fingerprint_sha256']).set(
      {
        subject: certificate.subject,
        issuer: certificate.issuer,
        fingerprint_sha256: certificate.sha256Fingerprint,
      },
      1,
    );
  }
  const finding = gauge('rdp_finding', ['id', 'severity']);
  for (const { id, severity } of distinctFindings(facts)) finding.set({ id, severity }, 1);
  if (facts.clients.length > 0) {
    const compatible = gauge('rdp_client_compatible', ['profile']);
    for (const client of facts.clients)
      compatible.set({ profile: client.profile }, client.compatible ? 1 : 0);
  }
  return registry.metrics();
}
