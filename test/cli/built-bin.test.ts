import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

/**
 * The published entry point (package.json "bin": the launcher and the esbuild bundle in dist/bin)
 * on plain Node, no TypeScript runtime: every command's lazily initialised code must load and run.
 * `npm test` builds first; run `npm run build` before running this file alone.
 */
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const bin = join(root, pkg.bin['rdp-doctor']!);

// The launcher's code cache goes here, not into the user's own cache directory.
const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-bin-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const defaultCache = join(scratch, 'cache');

function runBin(args: string[], codeCache = defaultCache, env: NodeJS.ProcessEnv = {}) {
  assert.ok(existsSync(bin), `${bin} is missing: run npm run build`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', RDP_DOCTOR_CODE_CACHE: codeCache, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built CLI (dist/bin)', () => {
  test('the bundle is one strict-mode CommonJS function, as the launcher expects', () => {
    const bundle = readFileSync(join(root, 'dist', 'bin', 'cli.js'), 'latin1');
    assert.ok(
      bundle.startsWith('(function (exports, require, module, __filename, __dirname) {"use strict";'),
      bundle.slice(0, 80),
    );
    assert.equal(/[^\x00-\x7f]/.test(bundle), false, 'the launcher reads it as Latin-1: ASCII only');
  });

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

  test('keeps a code cache per command, reuses it, and replaces one V8 rejects', () => {
    const directory = join(scratch, 'code-cache');
    const first = runBin(['explain', '0x904', '--json'], directory);
    assert.equal(first.code, 0, first.stderr);
    const files = readdirSync(directory).filter((name) => name.endsWith('.v8cache'));
    assert.equal(files.length, 1, `one cache file expected, got ${files.join(', ')}`);
    assert.match(files[0]!, /-explain\.v8cache$/);
    const file = join(directory, files[0]!);
    const written = statSync(file);
    assert.ok(written.size > 10_000, `a cache of ${written.size} bytes holds almost nothing`);

    // Accepted: the same output, and the file is left as it was.
    const second = runBin(['explain', '0x904', '--json'], directory);
    assert.equal(second.stdout, first.stdout);
    assert.equal(statSync(file).mtimeMs, written.mtimeMs);

    // Garbage in the cache: V8 rejects it, the command still runs, a good cache replaces it.
    writeFileSync(file, Buffer.alloc(4096, 0x5a));
    const third = runBin(['explain', '0x904', '--json'], directory);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout, first.stdout);
    assert.ok(statSync(file).size > 10_000);
    assert.notDeepEqual(readFileSync(file).subarray(0, 64), Buffer.alloc(64, 0x5a));

    // One flipped bit inside V8's data, which V8 would run: refused by our checksum, replaced.
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x10;
    writeFileSync(file, damaged);
    const fourth = runBin(['explain', '0x904', '--json'], directory);
    assert.equal(fourth.code, 0, fourth.stderr);
    assert.equal(fourth.stdout, first.stdout);
    assert.notDeepEqual(readFileSync(file), damaged);

    // Bad input (exit 2) writes no cache; switched off, nothing is written.
    const other = join(scratch, 'code-cache-bad-input');
    assert.equal(runBin(['diagnose', 'host:99999'], other).code, 2);
    assert.deepEqual(existsSync(other) ? readdirSync(other) : [], []);
    // Switched off: nothing in the default place (the XDG cache under this fake home) either.
    const home = join(scratch, 'home');
    const homeEnv = { HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
    assert.equal(runBin(['explain', '0x904'], 'off', homeEnv).code, 0);
    assert.equal(existsSync(join(home, '.cache')), false);
    // On by default, in the per-user cache directory.
    assert.equal(runBin(['explain', '0x904'], '', homeEnv).code, 0);
    assert.equal(
      readdirSync(join(home, '.cache', 'rdp-doctor')).filter((name) => name.endsWith('.v8cache')).length,
      1,
    );
  });
});
