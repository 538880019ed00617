import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where the PowerShell tests find pwsh and Pester: what scripts/install-powershell.sh installs
 * (pwsh as a .NET global tool, Pester from NuGet into the clone's .cache/), at the versions it pins.
 */
const root = join(import.meta.dirname, '..', '..');
const installScript = join(root, 'scripts', 'install-powershell.sh');

function pinned(name: string): string {
  const match = new RegExp(`^${name}=(\\S+)$`, 'm').exec(readFileSync(installScript, 'utf8'));
  if (!match) throw new Error(`${installScript} pins no ${name}`);
  return match[1]!;
}

export const POWERSHELL_VERSION = pinned('POWERSHELL_VERSION');
export const PESTER_VERSION = pinned('PESTER_VERSION');
/** A PSModulePath entry: Pester/<version>/Pester.psd1 below it. */
export const POWERSHELL_MODULES = join(root, '.cache', 'powershell', 'Modules');
export const PESTER_MANIFEST = join(POWERSHELL_MODULES, 'Pester', PESTER_VERSION, 'Pester.psd1');

/** pwsh on PATH, else where `dotnet tool install --global` puts it; undefined when neither runs. */
export function findPwsh(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'pwsh')),
    join(homedir(), '.dotnet', 'tools', 'pwsh'),
  ];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const run = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (run.status === 0) return candidate;
  }
  return undefined;
}

/** Why the PowerShell tests cannot run here (a skip reason), or false when they can. */
export function missingPowerShell(pwsh: string | undefined): string | false {
  if (!pwsh) return 'needs pwsh (scripts/install-powershell.sh installs it into ~/.dotnet/tools)';
  if (!existsSync(PESTER_MANIFEST))
    return `needs Pester ${PESTER_VERSION} in .cache/powershell/Modules (scripts/install-powershell.sh)`;
  return false;
}

export interface ScriptProblem {
  readonly index: number;
  readonly message: string;
}

/**
 * Parses each script with PowerShell's own parser (one pwsh process for all of them) and returns
 * the syntax errors, by index. Nothing is run: parsing only.
 */
export function parsePowerShell(pwsh: string, scripts: readonly string[]): ScriptProblem[] {
  const parser = [
    '$ErrorActionPreference = "Stop"',
    '$scripts = [Console]::In.ReadToEnd() | ConvertFrom-Json',
    '$problems = @()',
    'for ($i = 0; $i -lt $scripts.Count; $i++) {',
    '  $tokens = $null; $errors = $null',
    '  [void][System.Management.Automation.Language.Parser]::ParseInput([string]$scripts[$i], [ref]$tokens, [ref]$errors)',
    '  foreach ($e in $errors) { $problems += [pscustomobject]@{ index = $i; message = "$($e.Extent.StartLineNumber): $($e.Message)" } }',
    '}',
    'ConvertTo-Json -InputObject @($problems) -Compress',
  ].join('\n');
  const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', parser], {
    input: JSON.stringify(scripts),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`pwsh failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim() || '[]') as ScriptProblem[];
}
