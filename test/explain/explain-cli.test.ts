import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';

describe('rdp-doctor explain', () => {
  it('explains 0x904 0x7 in text, exit 0', async () => {
    const run = await runCli(['explain', '0x904', '0x7']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /disconnectReasonAtClientWinsockFDCLOSE/);
    assert.match(run.stdout, /ERRINFO_SERVER_DENIED_CONNECTION/);
    assert.match(run.stdout, /MaxOutstandingConnections/);
    assert.doesNotMatch(run.stdout, /Sources:/);
    assert.doesNotMatch(run.stdout, /\u001b\[/);
  });

  it('shows sources and scripts with --verbose', async () => {
    const run = await runCli(['explain', '0x904', '0x7', '--verbose']);
    assert.match(run.stdout, /Sources: https:\/\/learn\.microsoft\.com/);
    assert.match(run.stdout, /Set-ItemProperty/);
  });

  it('prints the documented JSON shape', async () => {
    const run = await runCli(['explain', '2308', '7', '--json', '--after-credentials']);
    assert.equal(run.code, 0);
    const json = JSON.parse(run.stdout);
    assert.deepEqual(
      { value: json.code.value, hex: json.code.hex, name: json.code.name },
      { value: 2308, hex: '0x904', name: 'disconnectReasonAtClientWinsockFDCLOSE' },
    );
    assert.equal(json.extended.value, 7);
    assert.equal(typeof json.extended.meaning, 'string');
    assert.equal(json.phase, 'connection-setup');
    assert.ok(json.causes.length > 5);
    for (const cause of json.causes) {
      assert.ok(
        'finding' in cause && 'likelihood' in cause && 'confirm' in cause && Array.isArray(cause.fixes),
      );
    }
  });

  it('accepts a symbolic name', async () => {
    const run = await runCli(['explain', 'ERRCONNECT_TLS_CONNECT_FAILED', '--json']);
    assert.equal(run.code, 0);
    assert.equal(JSON.parse(run.stdout).code.hex, '0x00020008');
  });

  it('rejects a malformed code with one line, exit 2', async () => {
    const run = await runCli(['explain', '904a']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(run.stderr, /0x prefix/);
  });

  it('rejects an unknown --client listing the valid ones, exit 2', async () => {
    const run = await runCli(['explain', '0x904', '--client', 'windows-95']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(run.stderr, /freerdp-3/);
  });

  it('says plainly when a well-formed code is not in the tables, exit 1', async () => {
    const run = await runCli(['explain', '0x1F07']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /not in rdp-doctor's tables/);
    assert.match(run.stdout, /Generic guidance for its range/);
  });

  it('says which reading of a bare number it used', async () => {
    const run = await runCli(['explain', '904']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Read code '904' as hex 0x904/);
  });
});
