import type { Colors } from '../cli/io.js';
import type { CorroboratedFinding } from '../rules/corroboration.js';
import { shippedFixLine } from './shipped-fix.js';
import { lowerFirst } from './verdict.js';
import { shippedFixName } from '../rules/types.js';
import type { AnalyzeReport } from '../analysis.js';
import type { StateSourceSummary } from '../evidence/state/load-state.js';
import type { EvidenceFileSummary } from '../evidence/types.js';

const MAX_TIMELINE_ADDRESSES = 10;
const MAX_ATTEMPTS = 5;
const MAX_DAMAGE_LINES = 5;

const KIND_NAMES: Partial<Record<EvidenceFileSummary['kind'], string>> = {
  reg: '.reg export',
  collect: 'collector document',
  'collect-zip': 'collector bundle',
};

function fileLine(file: EvidenceFileSummary, colors: Colors): string[] {
  const stateKind = KIND_NAMES[file.kind];
  if (!stateKind) {
    const damage = file.damaged
      ? colors.yellow(` damaged (${file.damage.length} place(s), readable records recovered)`)
      : '';
    return [`${file.path}: ${file.kind}, ${file.records} records${damage}`];
  }
  const count = file.kind === 'reg' ? `${file.records} key(s)` : `${file.records} event(s)`;
  const damage = file.damaged
    ? colors.yellow(` damaged (${file.damage.length} place(s) not read, the rest read)`)
    : '';
  // What was not read matters for a verdict on settings: name it, not only count it.
  const details = file.damage
    .slice(0, MAX_DAMAGE_LINES)
    .map((place) => colors.dim(`  not read: ${place.line ? `line ${place.line}: ` : ''}${place.detail}`));
  if (file.damage.length > MAX_DAMAGE_LINES)
    details.push(colors.dim(`  ... ${file.damage.length - MAX_DAMAGE_LINES} more`));
  return [`${file.path}: ${stateKind}, ${count}${damage}`, ...details];
}

function sourceLines(source: StateSourceSummary, colors: Colors): string[] {
  const machine = source.computer
    ? ` of ${source.computer}${source.collectedAt ? ` (collected ${source.collectedAt})` : ''}`
    : '';
  const lines = [
    `  ${source.path}: ${KIND_NAMES[source.kind]}, ${source.role}${machine}, ${source.keys} registry key(s)`,
  ];
  if (source.compact)
    lines.push(
      colors.dim(
        "    from the collector's -Compact output (Run Command): its events were left out, so no event rule judged them",
      ),
    );
  for (const skipped of source.skipped ?? [])
    lines.push(
      colors.dim(`    skipped by the collector: ${skipped.check} (${skipped.reason}: ${skipped.detail})`),
    );
  return lines;
}

/** The human form of `analyze`: files and state sources, findings with evidence and fixes, then the timeline. */
export function renderAnalyzeText(report: AnalyzeReport, colors: Colors): string {
  const lines: string[] = [];
  for (const file of report.files) lines.push(...fileLine(file, colors));
  for (const input of report.unreadable) lines.push(colors.red(`not read: ${input.message}`));
  if (report.sources.length > 0) {
    lines.push('', colors.bold('Machine state read:'));
    for (const source of report.sources) lines.push(...sourceLines(source, colors));
  }
  lines.push('');
  // Wording for event logs alone stays as it was; with state sources the inputs are files.
  const nouns = report.sources.length > 0 ? ['file(s)', 'these files'] : ['log(s)', 'these logs'];
  if (report.findings.length === 0) {
    lines.push(
      report.unreadable.length > 0
        ? colors.yellow(
            `No RDP problem shown by the ${report.files.length} ${nouns[0]} read; ${report.unreadable.length} could not be read.`,
          )
        : colors.green(`No RDP problem shown by ${nouns[1]}.`),
    );
  }
  for (const finding of report.findings) {
    const mark =
      finding.severity === 'error'
        ? colors.red('ERROR')
        : finding.severity === 'warning'
          ? colors.yellow('WARN')
          : 'INFO';
    lines.push(`${mark} ${colors.bold(finding.title)} [${finding.id}]`);
    const confirmation = (finding as CorroboratedFinding).confirmation;
    if (confirmation)
      lines.push(
        `  ${colors.green('confirmed')}: the event log shows ${lowerFirst(confirmation.symptomTitle)} [${confirmation.symptom}]; the machine's state explains it (${confirmation.causes.map((cause) => cause.id).join(', ')})`,
      );
    for (const evidence of finding.evidence) {
      lines.push(
        `  - ${evidence.label}: ${evidence.value}${evidence.source ? colors.dim(`  (${evidence.source})`) : ''}`,
      );
    }
    finding.fixes.forEach((fix, index) => {
      lines.push(
        `  fix ${index + 1} (${fix.risk} risk, ${fix.where}): ${fix.title}${fix.weakensSecurity ? colors.red(` - weakens security: ${fix.weakensSecurity}`) : ''}`,
      );
      const shipped = shippedFixName(fix);
      if (shipped) lines.push(colors.dim(`      script: ${shippedFixLine(shipped)}`));
    });
    lines.push('');
  }
  // One line per reason: a client document alone leaves every server rule unevaluated for one cause.
  const byReason = new Map<string, string[]>();
  for (const skipped of report.notEvaluated)
    byReason.set(skipped.reason, [...(byReason.get(skipped.reason) ?? []), skipped.id]);
  for (const [reason, ids] of byReason)
    lines.push(colors.dim(`not evaluated (${reason}): ${[...new Set(ids)].join(', ')}`));
  if (report.timeline.length > 0) {
    lines.push('', colors.bold('Connections by client address (furthest stage reached):'));
    for (const entry of report.timeline.slice(0, MAX_TIMELINE_ADDRESSES)) {
      lines.push(`  ${entry.address}: ${entry.attemptCount} attempt(s)`);
      for (const attempt of entry.attempts.slice(-MAX_ATTEMPTS)) {
        const failed = attempt.failedAt
          ? colors.red(` stopped at ${attempt.failedAt}: ${attempt.failure}`)
          : '';
        lines.push(`    ${attempt.start} reached ${attempt.furthest}${failed}`);
      }
    }
    if (report.timeline.length > MAX_TIMELINE_ADDRESSES)
      lines.push(`  ... ${report.timeline.length - MAX_TIMELINE_ADDRESSES} more address(es)`);
  }
  return `${lines.join('\n')}\n`;
}
