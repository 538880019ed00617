/**
 * Writes docs/findings.md from the diagnose rules' metadata, so the documentation cannot drift from
 * the rules: `node --import tsx scripts/gen-findings-doc.ts`. test/rules/catalog.test.ts fails when
 * the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DIAGNOSE_RULES } from '../src/rules/diagnose/index.js';
import { type Fix, type Rule, rankFixes } from '../src/rules/types.js';

export const FINDINGS_DOC_PATH = fileURLToPath(new URL('../docs/findings.md', import.meta.url));

function renderFix(fix: Fix, index: number): string[] {
  const lines = [`${index + 1}. **${fix.title}** (risk: ${fix.risk}, on the ${fix.where})`];
  for (const step of fix.steps) lines.push(`   - ${step}`);
  if (fix.weakensSecurity) lines.push(`   - **Weakens security:** ${fix.weakensSecurity}`);
  if (fix.script)
    lines.push(
      '',
      `   \`\`\`${fix.script.language}`,
      ...fix.script.code.split('\n').map((line) => `   ${line}`),
      '   ```',
    );
  return lines;
}

export function renderFindingsDoc(rules: readonly Rule<unknown>[]): string {
  const lines = [
    '# Findings raised by `rdp-doctor diagnose`',
    '',
    "Generated from the rules' metadata by `node --import tsx scripts/gen-findings-doc.ts`; edit the rules, not this file.",
    '',
    'Severity: **error** = connections fail for some current, default-configured client (or every client);',
    '**warning** = connections work but are risky, degraded or about to break; **info** = a fact worth knowing.',
    '',
    ...rules.map(
      (rule) => `- [\`${rule.meta.id}\`](#${rule.meta.id}) (${rule.meta.severity}): ${rule.meta.title}`,
    ),
  ];
  for (const { meta } of rules) {
    lines.push(
      '',
      `## ${meta.id}`,
      '',
      `**${meta.title}** (severity: ${meta.severity}; needs: ${meta.requires.join(', ')})`,
      '',
    );
    lines.push('### What it means', '', meta.docs.explanation, '');
    if (meta.clientErrors.length > 0) {
      lines.push('### What clients show', '');
      for (const error of meta.clientErrors) {
        const extended = error.extended ? `, extended ${error.extended}` : '';
        lines.push(`- ${error.client}: \`${error.code}\`${extended}${error.note ? `: ${error.note}` : ''}`);
      }
      lines.push('');
    }
    lines.push('### How to fix it', '');
    rankFixes(meta.fixes).forEach((fix, index) => {
      lines.push(...renderFix(fix, index));
    });
    lines.push('', '### When it is a false alarm', '', meta.docs.falseAlarm);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(FINDINGS_DOC_PATH, renderFindingsDoc(DIAGNOSE_RULES));
  console.log(`wrote ${FINDINGS_DOC_PATH}`);
}
