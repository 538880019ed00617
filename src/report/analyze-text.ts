import type { Colors } from '../cli/io.js';
import type { AnalyzeReport } from '../evidence/analyze.js';

const MAX_TIMELINE_ADDRESSES = 10;
const MAX_ATTEMPTS = 5;

/** The human form of `analyze`: files, findings with evidence and fixes, then the timeline. */
export function renderAnalyzeText(report: AnalyzeReport, colors: Colors): string {
  const lines: string[] = [];
  for (const file of report.files) {
    const damage = file.damaged
      ? colors.yellow(` damaged (${file.damage.length} place(s), readable records recovered)`)
      : '';
    lines.push(`${file.path}: ${file.kind}, ${file.records} records${damage}`);
  }
  for (const input of report.unreadable) lines.push(colors.red(`not read: ${input.message}`));
  lines.push('');
  if (report.findings.length === 0) {
    lines.push(
      report.unreadable.length > 0
        ? colors.yellow(
            `No RDP problem shown by the ${report.files.length} log(s) read; ${report.unreadable.length} could not be read.`,
          )
        : colors.green('No RDP problem shown by these logs.'),
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
    for (const evidence of finding.evidence) {
      lines.push(
        `  - ${evidence.label}: ${evidence.value}${evidence.source ? colors.dim(`  (${evidence.source})`) : ''}`,
      );
    }
    finding.fixes.forEach((fix, index) => {
      lines.push(
        `  fix ${index + 1} (${fix.risk} risk, ${fix.where}): ${fix.title}${fix.weakensSecurity ? colors.red(` - weakens security: ${fix.weakensSecurity}`) : ''}`,
      );
    });
    lines.push('');
  }
  for (const skipped of report.notEvaluated)
    lines.push(colors.dim(`not evaluated: ${skipped.id} (${skipped.reason})`));
  if (report.timeline.length > 0) {
    lines.push('', colors.bold('Connections by client address (furthest stage reached):'));
    for (const entry of report.timeline.slice(0, MAX_TIMELINE_ADDRESSES)) {
      lines.push(`  ${entry.address}: ${entry.attempts.length} attempt(s)`);
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
