import { ExitCode, UsageError } from '../errors.js';
import { shippedFixName } from '../../rules/types.js';
import type { CommandSpec } from '../spec.js';
import { renderInstructions, writeScript } from './script-output.js';

export const fixCommand: CommandSpec = {
  name: 'fix',
  summary: 'list the fix scripts rdp-doctor ships, or write one out with how to run it',
  description:
    'Each fix is a PowerShell script (Windows PowerShell 5.1 and PowerShell 7) that checks whether the change\n' +
    'is needed, backs up what it changes before changing it, supports -WhatIf, and prints the Undo: command.\n' +
    'Findings name the fix that applies; nothing is run by rdp-doctor itself.',
  arguments: [{ name: 'name', description: 'the fix to write out (omit to list them)', required: false }],
  options: [
    {
      name: 'out',
      short: 'o',
      value: 'FILE',
      description: "write the script to FILE (default NAME.ps1; '-' for stdout, nothing else printed)",
    },
    { name: 'force', description: 'overwrite FILE when it exists with other contents' },
  ],
  json: true,
  examples: [
    'rdp-doctor fix',
    'rdp-doctor fix repair-machinekeys-acl',
    'rdp-doctor fix enable-tls12 --out -',
  ],
  async run(context, args, options) {
    const [{ SCRIPTED_FIXES }, { fixInstructions }] = await Promise.all([
      import('../../collect/fix-catalog.js'),
      import('../../collect/scripts.js'),
    ]);
    const wanted = args[0];
    if (wanted === undefined) {
      const rows = SCRIPTED_FIXES.map((fix) => ({
        name: shippedFixName(fix) ?? '',
        title: fix.title,
        risk: fix.risk,
        where: fix.where,
      }));
      if (context.json) {
        context.io.stdout(`${JSON.stringify({ fixes: rows }, null, 2)}\n`);
        return ExitCode.OK;
      }
      const width = Math.max(...rows.map((row) => row.name.length));
      context.io.stdout(
        rows
          .map(
            (row) =>
              `${row.name.padEnd(width)}  ${row.where.padEnd(6)}  risk ${row.risk.padEnd(6)}  ${row.title}`,
          )
          .join('\n') + "\n\nWrite one out with 'rdp-doctor fix NAME'.\n",
      );
      return ExitCode.OK;
    }
    const fix = SCRIPTED_FIXES.find((candidate) => shippedFixName(candidate) === wanted);
    if (!fix?.script) throw new UsageError(`unknown fix '${wanted}' ('rdp-doctor fix' lists them)`);
    const file = (options.out as string | undefined) ?? `${wanted}.ps1`;
    if (file === '-') {
      context.io.stdout(fix.script.code);
      return ExitCode.OK;
    }
    const written = await writeScript(file, fix.script.code, Boolean(options.force));
    const instructions = fixInstructions(file, fix.where === 'client' ? 'client' : 'server');
    if (context.json) {
      context.io.stdout(`${JSON.stringify({ script: written, fix: wanted, run: instructions }, null, 2)}\n`);
      return ExitCode.OK;
    }
    context.io.stdout(
      `Wrote ${written.path}: ${fix.title} (risk ${fix.risk}).\n` +
        fix.steps.map((step) => `  - ${step}\n`).join('') +
        (fix.weakensSecurity ? `  Weakens security: ${fix.weakensSecurity}\n` : '') +
        '\n' +
        renderInstructions(instructions, context.colors),
    );
    return ExitCode.OK;
  },
};
