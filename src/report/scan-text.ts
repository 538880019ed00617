import {
  compareWorstFirst,
  errorFindingCount,
  HOST_STATUS_ORDER,
  type HostFacts,
  type HostStatus,
} from '../fleet/host-facts.js';
import { type Severity, SEVERITY_ORDER } from '../rules/types.js';

/** The colours the table uses (picocolors' functions fit). */
export interface ScanTextColors {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
}

/** One host's line in the table: what is kept of a host once its result is let go. */
export interface ScanRow {
  readonly target: string;
  readonly status: HostStatus;
  readonly failingStage?: string;
  readonly topFinding?: string;
  readonly verdict: string;
  readonly errorFindings: number;
}

export function scanRowOf(facts: HostFacts): ScanRow {
  const top = facts.findings[0];
  return {
    target: facts.target,
    status: facts.status,
    ...(facts.failingStage ? { failingStage: facts.failingStage } : {}),
    ...(top ? { topFinding: top.id } : {}),
    verdict: facts.verdict,
    errorFindings: errorFindingCount(facts),
  };
}

/** A finding across the fleet: on how many hosts. */
export interface FleetFindingCount {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly hosts: number;
}

export interface ScanTextSummary {
  /** Hosts with a result. */
  readonly probed: number;
  /** Targets planned (probed or not). */
  readonly total: number;
  readonly byStatus: Readonly<Record<HostStatus, number>>;
  readonly findings: readonly FleetFindingCount[];
  /** The rows kept: hosts with a problem, or every host with --verbose. */
  readonly rows: readonly ScanRow[];
  readonly seconds: number;
}

const STATUS_LABEL: Readonly<Record<HostStatus, string>> = {
  error: 'error',
  'no-verdict': 'no verdict',
  warning: 'warning',
  ok: 'ok',
};

function paintStatus(colors: ScanTextColors, status: HostStatus, text: string): string {
  if (status === 'error') return colors.red(text);
  if (status === 'no-verdict' || status === 'warning') return colors.yellow(text);
  return colors.green(text);
}

/** Columns padded to their widest cell, the last one (the verdict) never; `paint` colours a cell. */
function table(
  rows: readonly (readonly string[])[],
  paint: (row: number, column: number, cell: string) => string,
): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row, index) =>
    row
      .map((cell, column) =>
        paint(index, column, column === row.length - 1 ? cell : cell.padEnd(widths[column]!)),
      )
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The scan's text report: counts per status, the findings across the fleet, then the hosts worst
 * first. Healthy hosts are counted, and listed only when the rows hold them (--verbose).
 */
export function renderScanText(
  summary: ScanTextSummary,
  options: { readonly colors: ScanTextColors; readonly verbose: boolean },
): string {
  const { colors } = options;
  const rate = summary.seconds > 0 ? Math.round((summary.probed / summary.seconds) * 60) : undefined;
  const counts = HOST_STATUS_ORDER.map((status) =>
    paintStatus(colors, status, `${summary.byStatus[status]} ${STATUS_LABEL[status]}`),
  ).join(', ');
  const lines = [
    `${colors.bold(`Scanned ${summary.probed} of ${summary.total} host${summary.total === 1 ? '' : 's'}`)} in ${summary.seconds.toFixed(1)} s${rate !== undefined ? ` (${rate} hosts/min)` : ''}: ${counts}`,
  ];
  const findings = [...summary.findings]
    .filter((finding) => options.verbose || finding.severity !== 'info')
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        b.hosts - a.hosts ||
        a.id.localeCompare(b.id),
    );
  if (findings.length > 0) {
    lines.push('', colors.bold('Findings across the fleet'));
    const cells = findings.map((finding) => [
      finding.severity,
      finding.id,
      `${finding.hosts}`,
      finding.title,
    ]);
    const widths = [0, 1, 2].map((column) => Math.max(...cells.map((row) => row[column]!.length)));
    for (const [severity, id, hosts, title] of cells)
      lines.push(
        `  ${severity!.padEnd(widths[0]!)}  ${id!.padEnd(widths[1]!)}  ${hosts!.padStart(widths[2]!)} host${hosts === '1' ? ' ' : 's'}  ${title}`,
      );
  }
  const rows = [...summary.rows].sort(compareWorstFirst);
  if (rows.length > 0) {
    lines.push('');
    const cells = [
      ['HOST', 'STATUS', 'FAILING STAGE', 'TOP FINDING', 'VERDICT'],
      ...rows.map((row) => [
        row.target,
        STATUS_LABEL[row.status],
        row.failingStage ?? '-',
        row.topFinding ?? '-',
        row.verdict,
      ]),
    ];
    lines.push(
      ...table(cells, (index, column, cell) =>
        index === 0
          ? colors.bold(cell)
          : column === 1
            ? paintStatus(colors, rows[index - 1]!.status, cell)
            : cell,
      ),
    );
  }
  const unlisted = summary.probed - rows.length;
  if (unlisted > 0 && !options.verbose)
    lines.push(
      '',
      colors.dim(`${unlisted} healthy host${unlisted === 1 ? '' : 's'} not listed (--verbose lists them)`),
    );
  return `${lines.join('\n')}\n`;
}
