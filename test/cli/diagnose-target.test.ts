import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startLabServer } from '../../src/lab/server.js';
import { formatHostPort } from '../../src/probe/host-port.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';

interface StageJson {
  readonly name: string;
  readonly summary: string;
  readonly reason?: string;
}

describe('formatHostPort', () => {
  it('brackets IPv6 addresses and nothing else', () => {
    assert.equal(formatHostPort('::1', 3389), '[::1]:3389');
    assert.equal(formatHostPort('fe80::1', 3390), '[fe80::1]:3390');
    assert.equal(formatHostPort('127.0.0.1', 3389), '127.0.0.1:3389');
    assert.equal(formatHostPort('rdp01.example.test', 3389), 'rdp01.example.test:3389');
  });
});

describe('rdp-doctor diagnose target display', () => {
  it('shows an IPv6 target with brackets in the TCP stage, text and JSON', async (t) => {
    const port = await freePort('::1').catch(() => undefined);
    if (port === undefined) return t.skip('this machine has no IPv6 loopback');
    const server = await startLabServer('neg-failure-5', { host: '::1', port });
    try {
      const json = await runCli(['diagnose', `[::1]:${port}`, '--quick', '--json']);
      const stages = (JSON.parse(json.stdout) as { stages: StageJson[] }).stages;
      assert.equal(
        stages.find((stage) => stage.name === 'tcp')?.summary.split(' in ')[0],
        `connected to [::1]:${port}`,
      );
      const text = await runCli(['diagnose', `[::1]:${port}`, '--quick']);
      assert.match(text.stdout, new RegExp(`connected to \\[::1\\]:${port} in`));
      assert.match(text.stdout, new RegExp(`^rdp-doctor diagnose \\[::1\\]:${port}\\n`));
    } finally {
      await server.close();
    }
  });

  it('reports a closed loopback port as refused even with -t 1', async () => {
    const port = await freePort('127.0.0.1');
    const run = await runCli(['diagnose', `127.0.0.1:${port}`, '-t', '1', '--json']);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout) as { stages: StageJson[]; findings: { id: string }[] };
    const tcp = document.stages.find((stage) => stage.name === 'tcp');
    assert.equal(tcp?.reason, 'refused');
    assert.doesNotMatch(tcp?.summary ?? '', /filtered/);
    assert.ok(document.findings.some((finding) => finding.id === 'tcp-refused'));
  });
});
