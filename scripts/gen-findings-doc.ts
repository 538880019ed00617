/**
 * Writes docs/findings.md from the diagnose rules' and the state rules' metadata, so the
 * documentation cannot drift from the rules: `node --import tsx scripts/gen-findings-doc.ts`.
 * test/rules/catalog.test.ts fails when the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCRIPTED_FIXES } from '../src/collect/fix-catalog.js';
import { DIAGNOSE_RULES } from '../src/rules/diagnose/index.js';
import { STATE_RULES } from '../src/rules/state/index.js';
import { type Fix, type Rule, rankFixes } from '../src/rules/types.js';

export const FINDINGS_DOC_PATH = fileURLToPath(new URL('../docs/findings.md', import.meta.url));

/**
 * A shipped script (src/collect/fixes/*.ps1) is named, not copied: the doc then stays current when
 * the script changes, and `rdp-doctor fix NAME` writes it out. Its Azure form names it the same way.
 */
function scriptText(code: string): string {
  let text = code;
  for (const shipped of SCRIPTED_FIXES) {
    const script = shipped.script;
    if (script?.asset && script.code.trim() && text.includes(script.code))
      text = text.split(script.code).join(`# the contents of src/collect/${script.asset}`);
  }
  return text;
}

function renderFix(fix: Fix, index: number): string[] {
  const lines = [`${index + 1}. **${fix.title}** (risk: ${fix.risk}, on the ${fix.where})`];
  for (const step of fix.steps) lines.push(`   - ${step}`);
  if (fix.weakensSecurity) lines.push(`   - **Weakens security:** ${fix.weakensSecurity}`);
  if (fix.script?.asset) {
    const name = fix.script.asset.replace(/^fixes\//, '').replace(/\.ps1$/, '');
    lines.push(`   - Script: \`rdp-doctor fix ${name}\` writes src/collect/${fix.script.asset}.`);
  } else if (fix.script) {
    lines.push(
      '',
      `   \`\`\`${fix.script.language}`,
      ...scriptText(fix.script.code)
        .split('\n')
        .map((line) => `   ${line}`),
      '   ```',
    );
  }
  return lines;
}

/** The heading of a state rule's section: ids shared with diagnose need their own anchor. */
export function stateHeading(id: string): string {
  return `${id} (machine state)`;
}

function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function renderSections(rules: readonly Rule<unknown>[], heading: (id: string) => string): string[] {
  const lines: string[] = [];
  for (const { meta } of rules) {
    lines.push(
      '',
      `## ${heading(meta.id)}`,
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
  return lines;
}

export function renderFindingsDoc(
  rules: readonly Rule<unknown>[],
  stateRules: readonly Rule<unknown>[],
): string {
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
  lines.push(...renderSections(rules, (id) => id));
  if (stateRules.length > 0) {
    lines.push(
      '',
      "# Findings raised by `rdp-doctor analyze` from the machines' own state",
      '',
      'Read from `.reg` exports and the documents of `rdp-doctor collect server|client`. Ids shared with',
      '`diagnose` mean the same cause, seen from inside the machine. A rule whose keys or collector section',
      'are not in the evidence says "not evaluated", never "pass".',
      '',
      ...stateRules.map(
        (rule) =>
          `- [\`${rule.meta.id}\`](#${anchor(stateHeading(rule.meta.id))}) (${rule.meta.severity}): ${rule.meta.title}`,
      ),
      ...renderSections(stateRules, stateHeading),
    );
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(FINDINGS_DOC_PATH, renderFindingsDoc(DIAGNOSE_RULES, STATE_RULES));
  console.log(`wrote ${FINDINGS_DOC_PATH}`);
}
