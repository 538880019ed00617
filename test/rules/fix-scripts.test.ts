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
import { CAUSE_LIST } from '../../src/explain/causes.js';
import { DIAGNOSE_RULES } from '../../src/rules/diagnose/index.js';
import { evaluateRules } from '../../src/rules/engine.js';
import { EVENT_RULES } from '../../src/rules/events/index.js';
import { STATE_RULES } from '../../src/rules/state/index.js';
import type { Fix } from '../../src/rules/types.js';
import { healthy, negotiation, posture, probe, simulatedClients } from '../helpers/observations.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';

function staticFixes(): Fix[] {
  return [
    ...DIAGNOSE_RULES.flatMap((rule) => rule.meta.fixes),
    ...EVENT_RULES.flatMap((rule) => rule.meta.fixes),
    ...STATE_RULES.flatMap((rule) => rule.meta.fixes),
    ...CAUSE_LIST.flatMap((cause) => cause.fixes),
  ];
}

/** Fixes rules build from observations: weak suites, old and new clients, legacy TLS, no NLA. */
function builtFixes(): Fix[] {
  const legacy = simulatedClients(
    posture(
      ['TLSv1'],
      [
        { version: 'TLSv1', code: 0x0005, name: 'TLS_RSA_WITH_RC4_128_SHA' },
        { version: 'TLSv1', code: 0x0039, name: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA' },
      ],
    ),
  );
  const variants = [
    healthy(),
    healthy({ tlsPosture: legacy }),
    healthy({ negotiation: negotiation(probe('modern', { selected: 1 }), probe('rdp', { selected: 0 })) }),
  ];
  return variants.flatMap((observations) =>
    evaluateRules(DIAGNOSE_RULES, observations).findings.flatMap((finding) => finding.fixes),
  );
}

function scripts(language: readonly string[]): string[] {
  const all = [...staticFixes(), ...builtFixes()];
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
