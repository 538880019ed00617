/**
 * The shipped Prometheus examples (examples/prometheus/) as the tests read them: their paths,
 * the metric names the contract of issue #16 fixes, and the PromQL each file holds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'prometheus');
export const PROMETHEUS_CONFIG = join(EXAMPLES, 'prometheus.yml');
export const ALERT_RULES = join(EXAMPLES, 'rdp-doctor-alerts.yml');
export const EXPORTER_CONFIG = join(EXAMPLES, 'rdp-doctor.yml');
export const DASHBOARD = join(EXAMPLES, 'grafana-dashboard.json');
export const ALERT_TESTS = join(import.meta.dirname, 'alerts.test.yml');

/** What /probe answers, as the contract names them (written out here, not read from the exporter). */
export const CONTRACT_PROBE_METRICS = [
  'probe_success',
  'probe_duration_seconds',
  'probe_dns_lookup_time_seconds',
  'probe_ssl_earliest_cert_expiry',
  'probe_tls_version_info',
  'rdp_stage_duration_seconds',
  'rdp_stage_success',
  'rdp_selected_protocol_info',
  'rdp_nla_required',
  'rdp_credssp_version',
  'rdp_finding',
  'rdp_client_compatible',
  'rdp_cert_info',
  'rdp_cert_days_left',
  'rdp_tls_version_accepted',
  'rdp_probe_verdict_available',
] as const;

/** The exporter's own (/metrics); the histogram's series carry Prometheus's suffixes. */
export const CONTRACT_EXPORTER_METRICS = [
  'rdp_doctor_exporter_probes_total',
  'rdp_doctor_exporter_probe_errors_total',
  'rdp_doctor_exporter_probe_duration_seconds_bucket',
  'rdp_doctor_exporter_probe_duration_seconds_sum',
  'rdp_doctor_exporter_probe_duration_seconds_count',
  'rdp_doctor_exporter_probes_running',
  'rdp_doctor_exporter_requests_rejected_total',
] as const;

/** Series Prometheus writes itself for every scrape: `up` is the only one the rules use. */
export const PROMETHEUS_OWN_METRICS = ['up'] as const;

/** The alerts issue #16 asks for, and the two that keep a silent target from going unnoticed. */
export const EXPECTED_ALERTS = [
  'RdpCertificateExpired',
  'RdpCertificateExpiresSoon',
  'RdpProbeFailing',
  'RdpNlaDisabled',
  'RdpLegacyTlsOnly',
  'RdpClientProfileWillFail',
  'RdpExporterNoVerdict',
  'RdpExporterScrapeFailing',
] as const;

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export function alertRules(path = ALERT_RULES): AlertRule[] {
  const document = parseYaml(readFileSync(path, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return document.groups.flatMap((group) => group.rules);
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { type: string; uid: string };
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly targets?: { expr: string; refId: string; datasource?: { type: string; uid: string } }[];
}

export interface Dashboard {
  readonly schemaVersion: number;
  readonly title: string;
  readonly uid: string;
  readonly panels: DashboardPanel[];
  readonly templating: {
    list: { name: string; type: string; query: unknown; datasource?: { type: string; uid: string } }[];
  };
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export function dashboardExpressions(board = dashboard()): { panel: string; expr: string }[] {
  return board.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

/**
 * A Grafana expression made plain PromQL: its template variables replaced by what they stand
 * for when "All" is picked ($job, $instance) or by a range ($__rate_interval).
 */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replace(/\$\{?(\w+)\}?/g, '.*');
}

/** The PromQL queries inside alert annotations (`query` over a printf'd raw string). */
export function annotationQueries(rule: AlertRule): string[] {
  return Object.values(rule.annotations ?? {}).flatMap((text) =>
    [...text.matchAll(/`([^`]*)`/g)]
      .map((match) => match[1]!)
      .filter((inner) => /^[a-z_:][\w:]*\{/.test(inner))
      .map((inner) => inner.replaceAll('%q', '""')),
  );
}

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Enough of a tokenizer for the shipped files:
 * strings, label matchers, ranges and grouping label lists are dropped first, then every
 * identifier that is not a function call or a keyword is a metric name.
 */
export function metricNamesIn(expr: string): Set<string> {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/(?<![\w.$])[A-Za-z_:][\w:]*/g)) {
    const word = match[0];
    const calledAsFunction = /^\s*\(/.test(text.slice(match.index + word.length));
    if (!calledAsFunction && !PROMQL_WORDS.has(word.toLowerCase())) names.add(word);
  }
  return names;
}

/** `metric{label=...}` pairs of an expression: which labels each selector filters on. */
export function selectorLabels(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/([A-Za-z_:][\w:]*)\{([^}]*)\}/g)].map((match) => ({
    metric: match[1]!,
    labels: [...match[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1]!),
  }));
}
