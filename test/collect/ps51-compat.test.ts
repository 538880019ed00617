/**
 * What rdp-doctor hands over in PowerShell must run on Windows PowerShell 5.1 (Server 2012 R2 and
 * later) as well as PowerShell 7. PowerShell's own parser reads every shipped script (the
 * embedded COLLECT_SCRIPTS: src/collect/**\/*.ps1 with their #include lines expanded), the
 * common/ helpers and every PowerShell fix the rules carry; a walk over each syntax tree
 * (test/collect/find-ps7-only.ps1) refuses what 5.1 lacks, and every shipped script must hold a
 * top-level `Set-StrictMode -Version Latest` statement. A table of small bad scripts proves each
 * refusal can fire.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';
import { handedOverFixes } from '../helpers/handed-over-fixes.js';
import { findPwsh } from '../helpers/powershell.js';

const root = join(import.meta.dirname, '..', '..');
const collectDir = join(root, 'src', 'collect');
const checker = join(import.meta.dirname, 'find-ps7-only.ps1');
const pwsh = findPwsh();
const skip = pwsh ? false : 'needs pwsh (scripts/install-powershell.sh installs it into ~/.dotnet/tools)';

type Script =
  { readonly name: string; readonly path: string } | { readonly name: string; readonly text: string };

interface Problem {
  readonly name: string;
  readonly line: number;
  readonly what: string;
}

function check(scripts: readonly Script[], requireStrictMode: boolean): Problem[] {
  const run = spawnSync(
    pwsh!,
    ['-NoProfile', '-NonInteractive', '-File', checker, ...(requireStrictMode ? ['-RequireStrictMode'] : [])],
    { input: JSON.stringify(scripts), encoding: 'utf8', timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.trim() || '[]') as Problem[];
}

function shown(problems: readonly Problem[]): string[] {
  return problems.map((problem) => `${problem.name}:${problem.line}: ${problem.what}`);
}

function ps1Files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? ps1Files(join(dir, entry.name))
        : entry.name.endsWith('.ps1')
          ? [join(dir, entry.name)]
          : [],
    )
    .sort();
}

describe('PowerShell handed over runs on Windows PowerShell 5.1', { skip }, () => {
  test('every shipped script (COLLECT_SCRIPTS, includes expanded): nothing 5.1 lacks, Set-StrictMode -Version Latest at the top', () => {
    const scripts = Object.entries(COLLECT_SCRIPTS).map(([name, text]) => ({ name, text }));
    assert.ok(scripts.length >= 15, `only ${scripts.length} scripts found`);
    assert.deepEqual(shown(check(scripts, true)), []);
  });

  test('every file under src/collect/ (the common/ helpers too): nothing 5.1 lacks', () => {
    const files = ps1Files(collectDir);
    assert.ok(
      files.some((path) => relative(collectDir, path).startsWith('common')),
      'no common/ helpers found',
    );
    const scripts = files.map((path) => ({ name: relative(root, path), path }));
    assert.deepEqual(shown(check(scripts, false)), []);
  });

  test('every PowerShell fix script the rules and causes carry: nothing 5.1 lacks', () => {
    const texts = [
      ...new Set(
        handedOverFixes().flatMap((fix) => (fix.script?.language === 'powershell' ? [fix.script.code] : [])),
      ),
    ];
    assert.ok(texts.length > 30, `only ${texts.length} scripts found`);
    const scripts = texts.map((text, index) => ({
      name: `fix #${index} (${text.split('\n')[0]!.slice(0, 60)})`,
      text,
    }));
    assert.deepEqual(shown(check(scripts, false)), []);
  });

  // Each bad script, and the refusal it must draw. Valid 5.1 forms beside them must pass.
  const BAD: readonly (readonly [string, string, string])[] = [
    ['null-coalescing', '$a = $b ?? 1', 'null-coalescing operator ??'],
    ['null-coalescing assignment', '$a ??= 1', 'null-coalescing assignment ??='],
    ['null-conditional member', '${a}?.Name', 'null-conditional member access ?.'],
    ['null-conditional method', '${a}?.ToString()', 'null-conditional member access ?.'],
    ['null-conditional index', '${a}?[0]', 'null-conditional index ?[]'],
    ['ternary', '$a = $b ? 1 : 2', 'ternary operator ?:'],
    ['pipeline chain &&', 'Get-Service TermService && Write-Output ok', 'pipeline chain operator &&'],
    ['pipeline chain ||', 'Get-Service TermService || Write-Output no', 'pipeline chain operator ||'],
    ['ForEach-Object -Parallel', '1..3 | ForEach-Object -Parallel { $_ }', 'ForEach-Object -Parallel'],
    ['% -Parallel abbreviated', '1..3 | % -Par { $_ }', 'ForEach-Object -Parallel'],
    [
      'ConvertFrom-Json -AsHashtable',
      "'{}' | ConvertFrom-Json -AsHashtable",
      'ConvertFrom-Json -AsHashtable',
    ],
    ['ConvertFrom-Json -Depth', "'{}' | ConvertFrom-Json -Depth 5", 'ConvertFrom-Json -Depth'],
    ['ConvertTo-Json without -Depth', '@{ a = 1 } | ConvertTo-Json', 'ConvertTo-Json without -Depth'],
    ['ConvertTo-Json -AsArray', '1 | ConvertTo-Json -Depth 3 -AsArray', 'ConvertTo-Json -AsArray'],
    ['-SkipCertificateCheck', 'Invoke-WebRequest https://x -SkipCertificateCheck', '-SkipCertificateCheck'],
    ['-NoProxy', 'Invoke-RestMethod https://x -NoProxy', '-NoProxy'],
    ['Join-String', "1, 2 | Join-String -Separator ', '", 'command Join-String (PowerShell 7 only)'],
    ['Get-Error', 'Get-Error', 'command Get-Error (PowerShell 7 only)'],
    ['Test-Json', "Test-Json -Json '{}'", 'command Test-Json (PowerShell 7 only)'],
    ['$PSStyle', '$PSStyle.Reset', '$PSStyle'],
    ['clean block', 'function f { process { 1 } clean { 2 } }', 'clean block'],
  ];

  test('each construct 5.1 lacks is refused, with its line', () => {
    const scripts = BAD.map(([name, text]) => ({ name, text: `Set-StrictMode -Version Latest\n${text}` }));
    const problems = check(scripts, false);
    assert.deepEqual(
      BAD.map(([name, , what]) => `${name}: ${what}`),
      BAD.map(([name]) => {
        const mine = problems.filter((problem) => problem.name === name);
        assert.ok(
          mine.every((problem) => problem.line === 2),
          `${name}: ${JSON.stringify(mine)}`,
        );
        return `${name}: ${mine.map((problem) => problem.what).join('; ')}`;
      }),
    );
  });

  test('what 5.1 has passes: using namespace, -Depth, plain if/else, ForEach-Object -Process', () => {
    const good = [
      'using namespace System.Text',
      'Set-StrictMode -Version Latest',
      '$a = if ($b) { 1 } else { 2 }',
      '@{ a = 1 } | ConvertTo-Json -Depth 4 -Compress',
      "'{}' | ConvertFrom-Json",
      '1..3 | ForEach-Object -Process { $_ } -PipelineVariable item',
      'Get-Service TermService; if ($?) { Write-Output ok }',
      '$x = "a ?? b ? c : d"',
      '# $y = $z ?? 1',
    ].join('\n');
    assert.deepEqual(shown(check([{ name: 'good', text: good }], true)), []);
  });

  test('Set-StrictMode -Version Latest must be a top-level statement, not a comment or inside a function', () => {
    const cases = [
      { name: 'comment only', text: '# Set-StrictMode -Version Latest\nWrite-Output 1' },
      { name: 'in a function', text: 'function f { Set-StrictMode -Version Latest }\nf' },
      { name: 'other version', text: 'Set-StrictMode -Version 2.0' },
      { name: 'in a string', text: "$s = 'Set-StrictMode -Version Latest'" },
    ];
    const problems = check(cases, true);
    assert.deepEqual(
      problems.map((problem) => `${problem.name}: ${problem.what}`),
      cases.map((item) => `${item.name}: no top-level Set-StrictMode -Version Latest statement`),
    );
    const ok = check(
      [{ name: 'after param', text: 'param([string]$A)\nSet-StrictMode -Version:Latest' }],
      true,
    );
    assert.deepEqual(ok, []);
  });
});
