import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module script, without type declarations.
import { judgeRun } from '../../scripts/soak-parallel.mjs';
import { addressAllocator } from '../testbed/address-allocator.js';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'scripts', 'soak-parallel.mjs');
const bin = join(root, 'dist', 'bin', 'rdp-doctor.js');

type Judge = (run: {
  code: number | null;
  signal: string | null;
  hung: boolean;
  stdout: string;
  stderr: string;
}) => string | undefined;
const judge = judgeRun as Judge;

const run = (overrides: Partial<Parameters<Judge>[0]>) =>
  judge({ code: 0, signal: null, hung: false, stdout: '', stderr: '', ...overrides });

describe('scripts/soak-parallel.mjs', () => {
  it('passes a report or a one-line error, and nothing else', () => {
    assert.equal(run({ code: 1, stdout: 'rdp-doctor diagnose x\n\nVerdict: broken\n' }), undefined);
    assert.equal(run({ code: 3, stderr: 'rdp-doctor: internal error: boom\n' }), undefined);
    // The empty run.
    assert.match(run({ code: 0 })!, /without a report/);
    assert.match(run({ code: 3, stderr: 'rdp-doctor: a\nat x (y.ts:1:1)\n' })!, /one-line/);
    assert.match(run({ hung: true, signal: 'SIGKILL' })!, /hung/);
    assert.match(run({ code: null, signal: 'SIGSEGV' })!, /SIGSEGV/);
  });

  it('refuses bad arguments and non-loopback targets in one line, exit 2', () => {
    for (const args of [['--rounds', '0'], ['--listen', '10.0.0.1:3389'], ['--bogus']]) {
      const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1);
      assert.match(result.stderr, /^soak-parallel: /);
    }
  });

  it('one round against the drip lab: every run ends in a report', async () => {
    assert.ok(existsSync(bin), `${bin} is missing: run npm run build`);
    const listen = `${await addressAllocator.next()}:3389`;
    const result = spawnSync(
      process.execPath,
      [script, '--rounds', '1', '--parallel', '2', '--timeout', '600', '--listen', listen, '--json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const summary = JSON.parse(result.stdout) as { runs: number; passed: number; problems: string[] };
    assert.deepEqual(
      { runs: summary.runs, passed: summary.passed, problems: summary.problems },
      {
        runs: 2,
        passed: 2,
        problems: [],
      },
    );
  });
});
