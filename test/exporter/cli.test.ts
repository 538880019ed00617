/**
 * `rdp-doctor exporter` as a user starts it (the built CLI): it says where it listens and what
 * it allows, answers, and stops cleanly on SIGTERM; bad configs and flags get one line, exit 2.
 * Run `npm run build` first (npm test does).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'bin', 'rdp-doctor.js');
const built = existsSync(bin);
const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-exporter-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe(
  'rdp-doctor exporter (CLI)',
  { skip: built ? false : `${bin} is missing: run npm run build`, timeout: 60_000 },
  () => {
    it('listens, names its modules and allowed targets, answers, and stops on SIGTERM', async () => {
      const port = await freePort('127.0.0.1');
      const config = file(
        'ok.yml',
        'allow_targets: ["10.9.0.0/16"]\nmodules:\n  fast: { timeout: 5s, quick: true }\n',
      );
      const child = spawn(
        process.execPath,
        [
          bin,
          'exporter',
          '--config',
          config,
          '--listen',
          `127.0.0.1:${port}`,
          '--allow-target',
          '*.corp.example',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes('\n')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      assert.equal(
        stderr,
        `rdp-doctor exporter listening on http://127.0.0.1:${port}/ (modules: fast; allowed: 127.0.0.0/8, ::1/128, localhost, 10.9.0.0/16, *.corp.example)\n`,
      );
      const healthy = await fetch(`http://127.0.0.1:${port}/-/healthy`);
      assert.equal(await healthy.text(), 'OK\n');
      // Without module=, the only module of the file.
      const missing = await fetch(`http://127.0.0.1:${port}/probe?target=127.0.0.1&module=rdp_full`);
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /unknown module 'rdp_full' \(modules: fast\)/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(stderr, /stopped on SIGTERM/);
    });

    it('refuses bad configs, patterns and flags with one line and exit 2', async () => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const busyPort = (busy.address() as { port: number }).port;
      const cases: [string[], RegExp][] = [
        [
          ['--config', file('typo.yml', 'modules:\n  a: { timout: 5s }\n')],
          /typo\.yml:2: module a: unknown key 'timout'/,
        ],
        [
          ['--config', file('creds.yml', 'modules:\n  a:\n    password: x\n')],
          /creds\.yml:3: .*no credentials/,
        ],
        [['--config', join(scratch, 'absent.yml')], /cannot read .*absent\.yml: no such file/],
        [['--allow-target', '10.0.0/8'], /invalid allowed target '10\.0\.0\/8'/],
        [['--max-probes', '0'], /--max-probes/],
        [['--listen', '127.0.0.1:70000'], /invalid port/],
        [['--listen', `127.0.0.1:${busyPort}`], /the port is already in use/],
        [['extra'], /./],
      ];
      try {
        for (const [args, pattern] of cases) {
          const run = spawnSync(process.execPath, [bin, 'exporter', ...args], {
            encoding: 'utf8',
            timeout: 20_000,
          });
          assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
          assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
          assert.match(run.stderr, /^rdp-doctor: /);
          assert.match(run.stderr, pattern);
        }
      } finally {
        busy.close();
      }
    });
  },
);
