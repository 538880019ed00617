/** The exporter's front page: what it is, its modules, and the recent probes with their logs. */
import type { ExporterModule } from './modules.js';

export interface RecentProbe {
  readonly id: number;
  readonly at: Date;
  readonly target: string;
  readonly module: string;
  readonly success: boolean;
  readonly verdictAvailable: boolean;
  readonly durationMs: number;
  readonly verdict: string;
  /** The probe's log: its diagnosis as text, then the series it answered with. */
  readonly log: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function renderIndexPage(
  version: string,
  modules: readonly ExporterModule[],
  allowed: readonly string[],
  recent: readonly RecentProbe[],
): string {
  const moduleRows = modules
    .map(
      (module) =>
        `<tr><td>${escapeHtml(module.name)}</td><td>${module.timeoutMs / 1000} s</td><td>${module.quick ? 'quick' : 'full'}</td>` +
        `<td>${module.stepTimeoutMs / 1000} s</td><td>${escapeHtml(module.expectedName ?? '')}</td><td>${escapeHtml(module.client ?? '')}</td></tr>`,
    )
    .join('\n');
  const probeRows = [...recent]
    .reverse()
    .map(
      (probe) =>
        `<tr><td>${escapeHtml(probe.at.toISOString())}</td><td>${escapeHtml(probe.target)}</td><td>${escapeHtml(probe.module)}</td>` +
        `<td>${probe.verdictAvailable ? (probe.success ? 'success' : 'failure') : 'no verdict'}</td><td>${(probe.durationMs / 1000).toFixed(3)} s</td>` +
        `<td>${escapeHtml(probe.verdict)}</td><td><a href="logs?id=${probe.id}">log</a></td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>rdp-doctor exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}</style>
</head>
<body>
<h1>rdp-doctor exporter ${escapeHtml(version)}</h1>
<p><a href="probe?target=127.0.0.1:3389&amp;module=${escapeHtml(modules[0]?.name ?? '')}">Probe 127.0.0.1:3389</a> ·
<a href="probe?target=127.0.0.1:3389&amp;module=${escapeHtml(modules[0]?.name ?? '')}&amp;debug=true">with its log</a> ·
<a href="metrics">Metrics</a></p>
<h2>Modules</h2>
<table><tr><th>name</th><th>timeout</th><th>checks</th><th>step timeout</th><th>expected name</th><th>client</th></tr>
${moduleRows}
</table>
<h2>Allowed targets</h2>
<p>${allowed.map(escapeHtml).join(', ')}</p>
<h2>Recent probes</h2>
<table><tr><th>at</th><th>target</th><th>module</th><th>result</th><th>duration</th><th>verdict</th><th></th></tr>
${probeRows || '<tr><td colspan="7">none yet</td></tr>'}
</table>
</body>
</html>
`;
}
