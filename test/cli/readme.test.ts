import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withUsage } from '../../scripts/readme-usage.js';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('has the usage section the command tables produce (run: node --import tsx scripts/readme-usage.ts --write)', () => {
    assert.equal(readme, withUsage(readme));
  });

  it("states explain's exit codes for codes and names no table holds", () => {
    assert.match(readme, /`explain` exits `1` for a well-formed number no table holds/);
    assert.match(readme, /and `2` for a word that is neither a code nor a known name/);
  });

  it('states the two commands that work on a fresh machine', () => {
    assert.match(readme, /npm ci && npm run demo/);
    assert.match(readme, /npm ci && npm test/);
  });

  // The section for the admin and the one for Azure hand over commands: each must be one that works.
  const inside = readme.slice(readme.indexOf('## Inside the machines'), readme.indexOf('## `diagnose` JSON'));
  const blocks = [...inside.matchAll(/```\n([\s\S]*?)```/g)].map((match) => match[1]!);

  it('names only fix scripts that ship, and only collector parameters the scripts take', () => {
    const fixes = [...inside.matchAll(/rdp-doctor fix ([a-z0-9-]+)/g)].map((match) => match[1]!);
    assert.ok(fixes.length > 0);
    for (const name of fixes) assert.ok(COLLECT_SCRIPTS[`fixes/${name}.ps1`], name);
    const server = COLLECT_SCRIPTS['collect-server.ps1']!;
    for (const parameter of inside.matchAll(/collect-server\.ps1\)?\s?\}? ((?:-[A-Z]\w+ ?)+)/g))
      for (const name of parameter[1]!.match(/-[A-Z]\w+/g) ?? [])
        assert.match(server, new RegExp(`\\$${name.slice(1)}\\b`), name);
  });

  it('its PowerShell lines parse', { skip: findPwsh() ? false : 'needs pwsh' }, () => {
    const powershell = blocks
      .flatMap((block) => block.split('\n'))
      .filter((line) => line.startsWith('powershell.exe '));
    assert.ok(powershell.length >= 3);
    assert.deepEqual(parsePowerShell(findPwsh()!, powershell), []);
  });
});
