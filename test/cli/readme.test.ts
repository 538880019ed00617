import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withUsage } from '../../scripts/readme-usage.js';

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
});
