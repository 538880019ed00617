import type { Colors } from '../cli/io.js';
import { formatHostPort } from '../probe/host-port.js';
import type { CorroboratedFinding } from '../rules/corroboration.js';
import { type Finding, type Fix, shippedFixName } from '../rules/types.js';
import { shippedFixLine } from './shipped-fix.js';
import type { DiagnoseDocument, StageReport } from './diagnose-json.js';
import { lowerFirst } from './verdict.js';

export interface TextOptions {
  readonly verbose: boolean;
  readonly colors: Colors;
}

type LadderMark = 'ok' | 'warn' | 'fail' | 'skip';

/**
 * A stage that ran fine is marked warn when a finding's evidence comes from it, but never fail:
 * `fail` beside "TLSv1.3 TLS_AES_256_GCM_SHA384" would say the handshake broke when it did not.
 */
function ladderMark(stage: StageReport, findings: readonly Finding[]): LadderMark {
  if (stage.status === 'skipped') return 'skip';
  if (stage.status === 'failed') return 'fail';
  const related = findings.filter((finding) =>
    finding.evidence.some((evidence) => evidence.source === stage.name),
  );
  if (related.some((finding) => finding.severity === 'error' || finding.severity === 'warning'))
    return 'warn';
  return 'ok';
}

function paint(colors: Colors, mark: LadderMark, text: string): string {
  switch (mark) {
    case 'ok':
      return colors.green(text);
    case 'warn':
      return colors.yellow(text);
    case 'fail':
      return colors.red(colors.bold(text));
    default:
      return colors.dim(text);
  }
}

const SEVERITY_LABEL = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' } as const;

function severityColor(colors: Colors, finding: Finding, text: string): string {
  if (finding.severity === 'error') return colors.red(colors.bold(text));
  if (finding.severity === 'warning') return colors.yellow(text);
  return colors.cyan(text);
}

export function renderFix(fix: Fix, colors: Colors, withScript: boolean, indent = '    '): string[] {
  const lines = [
    `${indent}${colors.bold('fix')}: ${fix.title} ${colors.dim(`(${fix.risk} risk, ${fix.where})`)}`,
  ];
  if (fix.weakensSecurity)
    lines.push(`${indent}  ${colors.yellow(`weakens security: ${fix.weakensSecurity}`)}`);
  if (withScript) for (const step of fix.steps) lines.push(`${indent}  - ${step}`);
  const shipped = shippedFixName(fix);
  if (shipped) {
    lines.push(`${indent}  ${colors.dim('script:')} ${shippedFixLine(shipped)}`);
  } else if (withScript && fix.script) {
    lines.push(`${indent}  ${colors.dim(`${fix.script.language}:`)}`);
    for (const line of fix.script.code.split('\n')) lines.push(`${indent}    ${line}`);
  }
  return lines;
}

export function renderFinding(finding: Finding, options: TextOptions): string[] {
  const { colors, verbose } = options;
  const lines = [
    `${severityColor(colors, finding, SEVERITY_LABEL[finding.severity])} ${colors.bold(finding.title)} ${colors.dim(`[${finding.id}]`)}`,
  ];
  if (verbose) lines.push(`    ${finding.explanation}`);
  const confirmation = (finding as CorroboratedFinding).confirmation;
  if (confirmation) {
    lines.push(
      `    ${colors.green('confirmed')}: the probe saw ${lowerFirst(confirmation.symptomTitle)} ${colors.dim(`[${confirmation.symptom}]`)}; ` +
        confirmation.causes
          .map((cause) => `${cause.id} read from ${cause.sources.join(', ') || 'the evidence'}`)
          .join('; ') +
        ' explains it',
    );
  } else if ((finding as CorroboratedFinding).origin === 'evidence') {
    lines.push(`    ${colors.dim('seen only in the evidence, not by the probe')}`);
  }
  for (const evidence of finding.evidence) {
    if (evidence.verboseOnly && !verbose) continue;
    lines.push(
      `    ${colors.dim('evidence')}: ${evidence.label}: ${String(evidence.value)}${evidence.source ? colors.dim(` (${evidence.source})`) : ''}`,
    );
  }
  if (finding.clientErrors.length > 0) {
    const errors = finding.clientErrors.map(
      (error) =>
        `${error.client} ${error.code}${error.extended ? `/${error.extended}` : ''}${error.message ? ` ("${error.message}")` : ''}`,
    );
    lines.push(`    ${colors.dim('clients see')}: ${errors.join(', ')}`);
  }
  const fixes = verbose ? finding.fixes : finding.fixes.slice(0, 1);
  for (const fix of fixes) lines.push(...renderFix(fix, colors, verbose));
  if (!verbose && finding.fixes.length > 1) {
    lines.push(
      colors.dim(
        `    (${finding.fixes.length - 1} more fix${finding.fixes.length > 2 ? 'es' : ''} and scripts with --verbose)`,
      ),
    );
  }
  return lines;
}

/** The TLS posture in a few lines: versions with their suite counts, then the client matrix. */
export function renderTlsMatrix(document: DiagnoseDocument, options: TextOptions): string[] {
  const { colors, verbose } = options;
  const tls = document.server.tls as
    | {
        versions?: { version: string; accepted: boolean }[];
        ciphers?: { version: string }[];
        hellosSent?: number;
      }
    | undefined;
  const lines: string[] = [];
  if (tls?.versions && tls.versions.length > 0) {
    const cells = tls.versions.map((entry) => {
      const count = tls.ciphers?.filter((cipher) => cipher.version === entry.version).length ?? 0;
      return entry.accepted
        ? colors.green(`${entry.version} yes (${count})`)
        : colors.dim(`${entry.version} no`);
    });
    lines.push(
      `${colors.bold('TLS')}: ${cells.join('  ')}  ${colors.dim(`(${tls.hellosSent ?? 0} hellos)`)}`,
    );
  }
  const clients = document.clients ?? [];
  if (clients.length > 0) {
    const failing = clients.filter((client) => client.compatible === false);
    const unknown = clients.filter((client) => client.compatible === undefined);
    const passing = clients.filter((client) => client.compatible === true);
    const width = Math.max(...clients.map((client) => client.profile.length));
    if (verbose || document.focusClient) {
      for (const client of failing) {
        lines.push(
          `  ${colors.red(colors.bold('fail'))}  ${client.profile.padEnd(width)}  ${client.predictedError ?? ''}: ${client.reason ?? ''}`,
        );
      }
    } else {
      // Profiles that fail alike share one line: twenty identical rows say one thing.
      for (const group of groupFailures(failing)) {
        const who =
          group.length === clients.length && clients.length > 1
            ? `every client profile (${group.length})`
            : group.map((client) => client.profile).join(', ');
        const errors = [...new Set(group.map((client) => client.predictedError).filter(Boolean))].join(', ');
        lines.push(`  ${colors.red(colors.bold('fail'))}  ${who}  ${errors}: ${sharedReason(group)}`);
      }
    }
    for (const client of unknown)
      lines.push(`  ${colors.dim('?   ')}  ${client.profile.padEnd(width)}  ${client.reason ?? ''}`);
    if (verbose || document.focusClient) {
      for (const client of passing) {
        lines.push(
          `  ${colors.green('ok  ')}  ${client.profile.padEnd(width)}  ${client.version} ${client.cipher}`,
        );
      }
    } else if (passing.length > 0) {
      lines.push(`  ${colors.green('ok  ')}  ${passing.map((client) => client.profile).join(', ')}`);
    }
  }
  return lines;
}

type ClientRow = NonNullable<DiagnoseDocument['clients']>[number];

function groupFailures(failing: readonly ClientRow[]): ClientRow[][] {
  const groups = new Map<string, ClientRow[]>();
  for (const client of failing) {
    const key = client.sharedReason ?? client.reason ?? '';
    groups.set(key, [...(groups.get(key) ?? []), client]);
  }
  return [...groups.values()];
}

function sharedReason(group: readonly ClientRow[]): string {
  return (group.length > 1 ? group[0]!.sharedReason : group[0]!.reason) ?? '';
}

/** The gaps in what was checked, each with what would close it. */
function renderGaps(document: DiagnoseDocument, colors: TextOptions['colors']): string[] {
  return (document.incomplete ?? []).map((gap) => {
    const label =
      gap.kind === 'quick' || gap.kind === 'logon-not-checked'
        ? colors.dim('note')
        : colors.yellow(colors.bold('incomplete'));
    return `${label}: ${gap.text}${gap.hint ? ` (${gap.hint})` : ''}`;
  });
}

/** What --evidence read, and whether it is from the machine the probe reached. */
function renderEvidence(document: DiagnoseDocument, colors: TextOptions['colors']): string[] {
  const evidence = document.evidence;
  if (!evidence) return [];
  const lines = [
    `${colors.bold('evidence')}: ${evidence.files.map((file) => `${file.path} (${file.kind})`).join(', ') || 'nothing readable'}`,
  ];
  for (const input of evidence.unreadable) lines.push(`  ${colors.red('unreadable')}: ${input.message}`);
  const mark =
    evidence.machine.match === 'same'
      ? colors.green('same machine')
      : evidence.machine.match === 'different'
        ? colors.red('another machine: not joined with the probe')
        : colors.yellow('machine not confirmed');
  lines.push(`  ${mark}: ${evidence.machine.detail}`);
  for (const finding of evidence.otherMachineFindings ?? [])
    lines.push(`  ${colors.dim(`from that machine: ${finding.severity} ${finding.title} [${finding.id}]`)}`);
  if (evidence.confirmed > 0)
    lines.push(
      `  ${evidence.confirmed} probe finding${evidence.confirmed > 1 ? 's' : ''} confirmed and explained by the evidence`,
    );
  return lines;
}

export function renderDiagnoseText(document: DiagnoseDocument, options: TextOptions): string {
  const { colors } = options;
  const lines: string[] = [];
  const target = formatHostPort(document.target.host, document.target.port);
  lines.push(colors.bold(`rdp-doctor diagnose ${target}`));
  lines.push('');
  const nameWidth = Math.max(...document.stages.map((stage) => stage.name.length));
  for (const stage of document.stages) {
    const mark = ladderMark(stage, document.findings);
    const ms = stage.status === 'skipped' ? '' : `${stage.ms} ms`;
    lines.push(
      `  ${paint(colors, mark, mark.padEnd(4))}  ${stage.name.padEnd(nameWidth)}  ${ms.padStart(7)}  ${stage.summary}`,
    );
  }
  lines.push('');
  const matrix = renderTlsMatrix(document, options);
  if (matrix.length > 0) lines.push(...matrix, '');
  const gaps = renderGaps(document, colors);
  if (gaps.length > 0) lines.push(...gaps, '');
  const evidence = renderEvidence(document, colors);
  if (evidence.length > 0) lines.push(...evidence, '');
  const errors = document.findings.some((finding) => finding.severity === 'error');
  lines.push(`${colors.bold('Verdict')}: ${errors ? colors.red(document.verdict) : document.verdict}`);
  const shown = options.verbose
    ? document.findings
    : document.findings.filter((finding) => finding.severity !== 'info');
  if (shown.length > 0) lines.push('');
  for (const finding of shown) {
    lines.push(...renderFinding(finding, options));
    lines.push('');
  }
  const hiddenInfo = document.findings.length - shown.length;
  if (hiddenInfo > 0)
    lines.push(
      colors.dim(
        `${hiddenInfo} informational finding${hiddenInfo > 1 ? 's' : ''} hidden; --verbose shows them.`,
      ),
    );
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
