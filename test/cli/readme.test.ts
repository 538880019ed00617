import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withUsage } from '../../scripts/readme-usage.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('has the usage section the command tables produce (run: node --import tsx scripts/readme-usage.ts --write)', () => {
    assert.equal(readme, withUsage(readme));
  });

  it('states the two commands that work on a fresh machine', () => {
    assert.match(readme, /npm ci && npm run demo/);
    assert.match(readme, /npm ci && npm test/);
  });
});
