import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

/**
 * The published entry point (package.json "bin": the esbuild bundle in dist/bin) on plain Node,
 * no TypeScript runtime: every command's lazily loaded chunk must load and run. `npm test`
 * builds first; run `npm run build` before running this file alone.
 */
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const bin = join(root, pkg.bin['rdp-doctor']!);

function runBin(args: string[]) {
  assert.ok(existsSync(bin), `${bin} is missing: run npm run build`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built CLI (dist/bin)', () => {
  test('--version prints the package version', () => {
    const run = runBin(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), pkg.version);
  });

  test('explain decodes a code', () => {
    const run = runBin(['explain', '0x904', '0x7', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"0x904"|2308/);
  });

  test('analyze reads an .evtx file (the EVTX chunk loads)', () => {
    const file = join(
      root,
      'test/fixtures/evtx/evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx',
    );
    const run = runBin(['analyze', '--json', file]);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const document = JSON.parse(run.stdout) as { files: { records: number }[]; findings: { id: string }[] };
    assert.ok(document.files[0]!.records > 0);
    assert.ok(document.findings.some((finding) => finding.id === 'not-in-remote-desktop-users'));
  });

  test('diagnose runs the probe (a refused loopback port) and lab lists its scenarios', () => {
    const run = runBin(['diagnose', '127.0.0.1:1', '--json', '--timeout', '2000']);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as { findings: { id: string }[] };
    assert.ok(document.findings.length > 0);
    const lab = runBin(['lab', '--list']);
    assert.equal(lab.code, 0, lab.stderr);
    assert.match(lab.stdout, /tls10-only|tls-1\.0|expired/i);
  });

  test('bad input is one line and exit 2, never a stack trace', () => {
    const run = runBin(['diagnose', 'host:99999']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    assert.doesNotMatch(run.stderr, /\bat .+:\d+:\d+/);
  });
});
