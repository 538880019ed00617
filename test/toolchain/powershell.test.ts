import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  findPwsh,
  missingPowerShell,
  PESTER_MANIFEST,
  PESTER_VERSION,
  POWERSHELL_VERSION,
} from '../helpers/powershell.js';

/**
 * The PowerShell toolchain CI installs (scripts/install-powershell.sh): pwsh runs Pester on a small
 * suite of our own, and a failing Pester test is reported as one.
 */
const fixtures = join(import.meta.dirname, 'fixtures');
const pwsh = findPwsh();
const skip = missingPowerShell(pwsh);

interface PesterCounts {
  readonly file: string;
  readonly pester: string;
  readonly result: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failedTests: string[];
}

describe('PowerShell and Pester', { skip }, () => {
  test(`pwsh is PowerShell ${POWERSHELL_VERSION}`, () => {
    const run = spawnSync(pwsh!, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), `PowerShell ${POWERSHELL_VERSION}`);
  });

  test(`Pester ${PESTER_VERSION} runs our suite, and reports a failing test as failed`, () => {
    const files = ['toolchain.Tests.ps1', 'failing.Tests.ps1'].map((name) => join(fixtures, name));
    const run = spawnSync(
      pwsh!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-File',
        join(fixtures, 'invoke-pester.ps1'),
        '-PesterManifest',
        PESTER_MANIFEST,
        ...files,
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const [ours, failing] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PesterCounts);
    assert.equal(ours?.pester, PESTER_VERSION);
    assert.deepEqual(
      { result: ours?.result, passed: ours?.passed, failed: ours?.failed, skipped: ours?.skipped },
      { result: 'Passed', passed: 3, failed: 0, skipped: 0 },
      JSON.stringify(ours),
    );
    assert.deepEqual(
      {
        result: failing?.result,
        passed: failing?.passed,
        failed: failing?.failed,
        tests: failing?.failedTests,
      },
      { result: 'Failed', passed: 1, failed: 1, tests: ['a suite with a failure.fails'] },
      JSON.stringify(failing),
    );
  });
});
