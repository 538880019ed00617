import { formatHostPort } from '../probe/host-port.js';
import type {
  CertificateFacts,
  CredsspObservation,
  NegotiationObservation,
  StageName,
  TlsVersionProbe,
} from '../probe/types.js';
import type { DiagnoseDocument } from '../report/diagnose-json.js';
import { breakingStageOf } from '../report/verdict.js';
import { type Severity, SEVERITY_ORDER } from '../rules/types.js';
import type { FleetResult } from './types.js';

/** One host's standing in a fleet, worst first in HOST_STATUS_ORDER. */
export type HostStatus = 'ok' | 'warning' | 'error' | 'no-verdict';

/** Worst first: the order scan lists hosts in and the exporter's alerts rank them. */
export const HOST_STATUS_ORDER: readonly HostStatus[] = ['error', 'no-verdict', 'warning', 'ok'];

export interface HostStageFacts {
  readonly name: StageName;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly seconds: number;
}

export interface HostCertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly sha256Fingerprint: string;
  readonly notAfter: string;
  readonly notAfterUnix: number;
  /** Negative once expired; fractional (the exporter's gauge keeps hours). */
  readonly daysLeft: number;
  readonly selfSigned: boolean;
}

/**
 * The key facts of one probe, read from the diagnosis (never re-judged): what a fleet's table,
 * CSV row and Prometheus series show. Absent fields were not observed.
 */
export interface HostFacts {
  /** host:port, [v6]:port. */
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly status: HostStatus;
  /** A current, default-configured client would connect: a diagnosis without error findings. */
  readonly success: boolean;
  readonly verdict: string;
  /** Where a client breaks: the first failed stage, else where the worst error finding's evidence is. */
  readonly failingStage?: StageName;
  readonly addresses: readonly string[];
  readonly dnsMs?: number;
  readonly durationMs: number;
  readonly stages: readonly HostStageFacts[];
  /** What the server selected for a current client's request, e.g. 'HYBRID_EX', 'SSL', 'RDP'. */
  readonly selectedProtocol?: string;
  /** true only when the server refused a request without CredSSP; false when it admitted one. */
  readonly nlaRequired?: boolean;
  /** The TSRequest version the server answered with. */
  readonly credsspVersion?: number;
  /** The handshake's version, spelt as blackbox_exporter does ('TLS 1.2'). */
  readonly tlsVersion?: string;
  /** Every version the enumeration saw accepted (full probes only). */
  readonly tlsVersionsAccepted?: readonly string[];
  /** Every version the enumeration tried, accepted or not (full probes only). */
  readonly tlsVersionsTried?: readonly string[];
  readonly certificate?: HostCertificateFacts;
  /** Most severe first. */
  readonly findings: readonly { readonly id: string; readonly severity: Severity; readonly title: string }[];
  /** Client profiles whose hello got an answer (compatible or not); unknown ones are left out. */
  readonly clients: readonly { readonly profile: string; readonly compatible: boolean }[];
}

/** Node's and OpenSSL's version names in blackbox_exporter's spelling (its probe_tls_version_info). */
const TLS_VERSION_LABELS: Readonly<Record<string, string>> = {
  SSLv3: 'SSL 3.0',
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

export function tlsVersionLabel(version: string): string {
  return TLS_VERSION_LABELS[version] ?? version;
}

const DAY_MS = 86_400_000;

/** The probe's facts as a fleet shows them; a probe without a verdict has its target and message only. */
export function hostFactsOf(result: FleetResult, now: Date = new Date()): HostFacts {
  const { host, port } = result.target;
  const target = formatHostPort(host, port);
  if (result.kind !== 'diagnosed') {
    return {
      target,
      host,
      port,
      status: 'no-verdict',
      success: false,
      verdict: result.message,
      addresses: [],
      durationMs: result.ms,
      stages: [],
      findings: [],
      clients: [],
    };
  }
  const document = result.document;
  const findings = [...document.findings]
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
    .map(({ id, severity, title }) => ({ id, severity, title }));
  // Our own failure on a step every client takes leaves no verdict (as diagnose's exit code says).
  const ownFailure = document.incomplete.some((gap) => gap.kind === 'internal-error' && gap.onClientPath);
  const hasError = findings.some((finding) => finding.severity === 'error');
  const status: HostStatus = hasError
    ? 'error'
    : ownFailure
      ? 'no-verdict'
      : findings.some((finding) => finding.severity === 'warning')
        ? 'warning'
        : 'ok';
  const stages = document.stages.map((stage) => ({
    name: stage.name,
    status: stage.status,
    seconds: stage.ms / 1000,
  }));
  const negotiation = document.server.negotiation as NegotiationObservation | undefined;
  const tls = document.server.tls as
    { version?: string; certificate?: CertificateFacts; versions?: readonly TlsVersionProbe[] } | undefined;
  const credssp = document.server.credssp as Partial<CredsspObservation> | undefined;
  const dnsStage = document.stages.find((stage) => stage.name === 'dns');
  // Where a client breaks: a stage that failed, or where the worst error finding's evidence is
  // (a TLS 1.0-only server completes our handshake, yet current clients fail at TLS).
  const topError = document.findings.find((finding) => finding.severity === 'error');
  const failingStage =
    document.stages.find((stage) => stage.status === 'failed')?.name ??
    (topError ? breakingStageOf(topError) : undefined);
  const selectedProtocol = negotiation?.probes.find(
    (probe) => probe.label === 'modern' && probe.outcome === 'selected',
  )?.selectedName;
  const nlaRequired = nlaRequiredOf(document, negotiation);
  const versions = tls?.versions;
  return {
    target,
    host,
    port,
    status,
    success: !hasError && !ownFailure,
    verdict: document.verdict,
    ...(failingStage ? { failingStage } : {}),
    addresses: document.target.addresses,
    ...(dnsStage && dnsStage.status !== 'skipped' ? { dnsMs: dnsStage.ms } : {}),
    durationMs: result.ms,
    stages,
    ...(selectedProtocol ? { selectedProtocol } : {}),
    ...(nlaRequired !== undefined ? { nlaRequired } : {}),
    ...(credssp?.serverVersion !== undefined ? { credsspVersion: credssp.serverVersion } : {}),
    ...(tls?.version ? { tlsVersion: tlsVersionLabel(tls.version) } : {}),
    ...(versions && versions.length > 0
      ? {
          tlsVersionsAccepted: versions
            .filter((entry) => entry.accepted)
            .map((entry) => tlsVersionLabel(entry.version)),
          tlsVersionsTried: versions.map((entry) => tlsVersionLabel(entry.version)),
        }
      : {}),
    ...(tls?.certificate ? { certificate: certificateFactsOf(tls.certificate, now) } : {}),
    findings,
    clients: (document.clients ?? []).flatMap((client) =>
      client.compatible === undefined ? [] : [{ profile: client.profile, compatible: client.compatible }],
    ),
  };
}

/**
 * Read from the nla-not-required rule's outcome, so the fleet never disagrees with the diagnosis:
 * admitted without CredSSP is false; true needs the server's explicit refusal of such a request
 * (a silent or broken answer proves nothing).
 */
function nlaRequiredOf(
  document: DiagnoseDocument,
  negotiation: NegotiationObservation | undefined,
): boolean | undefined {
  if (document.findings.some((finding) => finding.id === 'nla-not-required')) return false;
  if (!negotiation || document.notEvaluated.some((entry) => entry.id === 'nla-not-required'))
    return undefined;
  const refused = negotiation.probes.some(
    (probe) => (probe.label === 'ssl' || probe.label === 'rdp') && probe.outcome === 'failure',
  );
  return refused ? true : undefined;
}

function certificateFactsOf(certificate: CertificateFacts, now: Date): HostCertificateFacts {
  const notAfterMs = Date.parse(certificate.notAfter);
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    sha256Fingerprint: certificate.sha256Fingerprint,
    notAfter: certificate.notAfter,
    notAfterUnix: Math.floor(notAfterMs / 1000),
    daysLeft: (notAfterMs - now.getTime()) / DAY_MS,
    selfSigned: certificate.selfSigned,
  };
}

/** The fleet order: status, then more error findings, then the target (10.0.0.2 before 10.0.0.10). */
export function compareWorstFirst(
  a: { readonly status: HostStatus; readonly errorFindings: number; readonly target: string },
  b: { readonly status: HostStatus; readonly errorFindings: number; readonly target: string },
): number {
  const byStatus = HOST_STATUS_ORDER.indexOf(a.status) - HOST_STATUS_ORDER.indexOf(b.status);
  if (byStatus !== 0) return byStatus;
  const byErrors = b.errorFindings - a.errorFindings;
  return byErrors !== 0 ? byErrors : a.target.localeCompare(b.target, 'en', { numeric: true });
}

/** Error findings of a host: the second key of the fleet order. */
export function errorFindingCount(facts: HostFacts): number {
  return facts.findings.filter((finding) => finding.severity === 'error').length;
}

/**
 * Each finding id once, at its worst severity (facts list the most severe first): a finding
 * raised per client profile (client-incompatible) repeats its id.
 */
export function distinctFindings(facts: HostFacts): HostFacts['findings'] {
  const seen = new Set<string>();
  return facts.findings.filter((finding) => !seen.has(finding.id) && seen.add(finding.id));
}
