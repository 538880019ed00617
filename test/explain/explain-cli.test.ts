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
    assert.match(run.stdout, /Nearest known codes: 0x2107 /);
    assert.match(run.stdout, /Generic guidance for its range/);
    assert.equal(
      run.stderr,
      "rdp-doctor: code 0x1F07 is not in rdp-doctor's tables; the causes shown are generic for its range " +
        '(mstsc disconnect reason ending in 0x07 (NLA/CredSSP authentication))\n',
    );
  });

  it('never speaks of guidance when a code has none, exit 1', async () => {
    const run = await runCli(['explain', '0xDEADBEEF']);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout + run.stderr, /guidance above|Generic guidance|range: no known range/);
    assert.match(run.stdout, /No known code is near it: no table holds a code of its family \(0xDEADxxxx\)/);
    assert.match(run.stdout, /rdp-doctor has no guidance for this code/);
    assert.equal(
      run.stderr,
      "rdp-doctor: code 0xDEADBEEF is not in rdp-doctor's tables, and no known range gives guidance for it\n",
    );
  });

  it('names the unknown extended code, not "this code", exit 1', async () => {
    const run = await runCli(['explain', '0x904', '0x9999']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^rdp-doctor: extended code 0x9999 is not in rdp-doctor's tables;/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('lists the nearest known codes in JSON', async () => {
    const run = await runCli(['explain', '0x80090399', '--json']);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.stdout);
    assert.equal(json.known, false);
    assert.deepEqual(Object.keys(json.code.nearest[0]).sort(), [
      'hex',
      'name',
      'table',
      'tableTitle',
      'value',
    ]);
    assert.equal(json.code.nearest[0].name, 'SEC_E_MUTUAL_AUTH_FAILED');
    assert.equal(run.stderr, '');
  });

  it('rejects a word that is no code and no name with one line, exit 2', async () => {
    const run = await runCli(['explain', 'banana']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(
      run.stderr,
      /unknown code 'banana': not a code or a name in rdp-doctor's tables; expected hex/,
    );
    assert.equal(run.stdout, '');
  });

  it('suggests the nearest names for a misspelt one, exit 2', async () => {
    const run = await runCli(['explain', 'ERRCONNECT_TLS_CONNECT_FAILD', '--json']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(run.stderr, /did you mean ERRCONNECT_TLS_CONNECT_FAILED, /);
    assert.equal(run.stdout, '');
  });

  it('rejects an extended code that names a code of another table, exit 2', async () => {
    const run = await runCli(['explain', '0x904', 'SEC_E_LOGON_DENIED']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(
      run.stderr,
      /invalid extended code 'SEC_E_LOGON_DENIED': it names a code in the table "SSPI/,
    );
  });

  it('documents the exit codes in --help', async () => {
    const help = (await runCli(['explain', '--help'])).stdout.replace(/\s+/g, ' ');
    assert.match(help, /1 a well-formed number no table holds/);
    assert.match(help, /2 bad input, including a name no table holds/);
  });

  it('says which reading of a bare number it used', async () => {
    const run = await runCli(['explain', '904']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Read code '904' as hex 0x904/);
  });
});
