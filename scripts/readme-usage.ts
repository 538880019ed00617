/**
 * The README's usage section, made from the same typed command tables that drive parsing and
 * --help. `node --import tsx scripts/readme-usage.ts --write` refreshes README.md; a test fails
 * when the README has drifted from the tables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { COMMANDS } from '../src/cli/commands/index.js';
import type { CommandSpec } from '../src/cli/spec.js';

export const BEGIN = '<!-- usage:begin (generated from src/cli/commands by scripts/readme-usage.ts) -->';
export const END = '<!-- usage:end -->';

function usageLine(spec: CommandSpec): string {
  const args = spec.arguments.map((argument) => {
    const name = `${argument.name}${argument.variadic ? '...' : ''}`;
    return argument.required ? name : `[${name}]`;
  });
  return ['rdp-doctor', spec.name, ...args, spec.options.length || spec.json ? '[options]' : '']
    .filter(Boolean)
    .join(' ');
}

function optionRows(spec: CommandSpec): string[] {
  const rows = spec.options.map((option) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${option.name}${option.value ? ` ${option.value}` : ''}`;
    const fallback = option.defaultValue !== undefined ? ` (default: ${String(option.defaultValue)})` : '';
    return `| \`${flag}\` | ${option.description}${fallback} |`;
  });
  if (spec.json) rows.push('| `--json` | print one JSON document on stdout instead of text |');
  return rows;
}

export function renderUsage(): string {
  const parts: string[] = [BEGIN, ''];
  for (const spec of COMMANDS) {
    parts.push(
      `### \`rdp-doctor ${spec.name}\``,
      '',
      `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
      '',
    );
    parts.push('```', usageLine(spec), '```', '');
    const rows = optionRows(spec);
    if (rows.length) parts.push('| option | meaning |', '| --- | --- |', ...rows, '');
    if (spec.examples?.length) parts.push('Examples:', '', '```', ...spec.examples, '```', '');
  }
  parts.push(END);
  return parts.join('\n');
}

export function withUsage(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md lacks the usage markers');
  return readme.slice(0, start) + renderUsage() + readme.slice(end + END.length);
}

if (process.argv.includes('--write')) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, withUsage(readFileSync(path, 'utf8')));
}
