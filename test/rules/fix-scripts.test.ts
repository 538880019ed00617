/**
 * Every script rdp-doctor hands over is parsed by the shell it is for: PowerShell (and cmd, whose
 * one-line commands PowerShell parses as native commands) by PowerShell's own parser, bash by
 * `bash -n`. The scripts are the ones the rules, event rules and explain causes carry, plus those
 * rules build at run time from what they saw. The state rules' fixes include the shipped scripts
 * (src/collect/fixes/*.ps1) and their Azure run-command forms.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { handedOverFixes } from '../helpers/handed-over-fixes.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';

function scripts(language: readonly string[]): string[] {
  const all = handedOverFixes();
  return [
    ...new Set(
      all.flatMap((fix) => (fix.script && language.includes(fix.script.language) ? [fix.script.code] : [])),
    ),
  ];
}

const pwsh = findPwsh();

describe('fix scripts parse in the shell they are for', () => {
  it(
    'PowerShell and cmd scripts',
    { skip: pwsh ? false : 'needs pwsh (scripts/install-powershell.sh)' },
    () => {
      const list = scripts(['powershell', 'cmd']);
      assert.ok(list.length > 40, `only ${list.length} scripts found`);
      const problems = parsePowerShell(pwsh!, list);
      assert.deepEqual(
        problems.map((problem) => `${problem.message}\n${list[problem.index]}`),
        [],
      );
    },
  );

  it('the parser check can fail: a broken script is caught', { skip: pwsh ? false : 'needs pwsh' }, () => {
    const problems = parsePowerShell(pwsh!, ['if ($x) {', 'Get-Service -Name TermService']);
    assert.deepEqual(
      problems.map((problem) => problem.index),
      [0],
    );
  });

  it('bash scripts', () => {
    for (const code of scripts(['bash'])) {
      const run = spawnSync('bash', ['-n'], { input: code, encoding: 'utf8' });
      assert.equal(run.status, 0, `${run.stderr}\n${code}`);
    }
  });
});
