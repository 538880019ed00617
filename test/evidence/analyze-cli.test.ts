import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string) => new URL(`../fixtures/evtx/${name}`, import.meta.url).pathname;
const DENIED = fixture('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx');
const QUIET = fixture('omerbenamram-issue_201.evtx');

/** One temporary folder for the files these tests write, removed when they end. */
let scratch: string | undefined;
function scratchFile(name: string, content: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'rdp-doctor-analyze-'));
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('rdp-doctor analyze', () => {
  it('4825 evtx: error finding with the account, exit 1, JSON shape', async () => {
    const run = await runCli([
      'analyze',
      '--json',
      fixture('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx'),
    ]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.files.map((f: { kind: string; records: number; damaged: boolean }) => [
        f.kind,
        f.records,
        f.damaged,
      ]),
      [['evtx', 2, false]],
    );
    const finding = report.findings.find((f: { id: string }) => f.id === 'not-in-remote-desktop-users');
    assert.deepEqual(finding.data.accounts, ['OFFSEC\\svc6test1']);
    assert.equal(report.events, undefined);
    assert.ok(Array.isArray(report.timeline));
  });

  it('--events lists every record; --since filters them', async () => {
    const path = fixture('omerbenamram-Security_short_selected.evtx');
    const all = JSON.parse((await runCli(['analyze', '--json', '--events', path])).stdout);
    assert.equal(all.events.length, 7);
    assert.deepEqual(Object.keys(all.events[0]).sort(), [
      'channel',
      'computer',
      'data',
      'eventId',
      'provider',
      'recordId',
      'time',
    ]);
    const later = JSON.parse(
      (await runCli(['analyze', '--json', '--events', '--since', '2030-01-01', path])).stdout,
    );
    assert.equal(later.events.length, 0);
  });

  it('a bad file gets one error line and exit 2, the others are still analysed', async () => {
    const bad = scratchFile('System.evtx', 'this is a text file, not a log');
    const run = await runCli(['analyze', '--json', bad, DENIED]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^rdp-doctor: .*System\.evtx: not an EVTX file/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    const report = JSON.parse(run.stdout);
    assert.equal(report.files.length, 1);
    assert.deepEqual(
      report.unreadable.map((input: { path: string; problem: string }) => [input.path, input.problem]),
      [[bad, 'not-evtx']],
    );
    assert.ok(
      report.findings.some((finding: { id: string }) => finding.id === 'not-in-remote-desktop-users'),
    );
  });

  it('text names the unread file and does not call the partial answer clean, exit 2', async () => {
    const missing = join(tmpdir(), 'rdp-doctor-no-such-dir', 'Security.evtx');
    const run = await runCli(['analyze', QUIET, missing]);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /not read: .*Security\.evtx: cannot read \(ENOENT\)/);
    assert.match(run.stdout, /No RDP problem shown by the 1 log\(s\) read; 1 could not be read\./);
    assert.doesNotMatch(run.stdout, /No RDP problem shown by these logs/);
  });

  for (const json of [false, true]) {
    it(`every input unreadable${json ? ' (--json)' : ''}: the errors and exit 2 only`, async () => {
      const bad = scratchFile('Application.evtx', 'not a log either');
      const missing = join(tmpdir(), 'rdp-doctor-no-such-dir', 'System.evtx');
      const run = await runCli(['analyze', ...(json ? ['--json'] : []), bad, missing]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^rdp-doctor: .*Application\.evtx: not an EVTX file/);
      assert.match(lines[1]!, /^rdp-doctor: .*System\.evtx: cannot read \(ENOENT\)/);
    });
  }

  it('rejects a bad --since as a usage error', async () => {
    const run = await runCli(['analyze', '--since', 'yesterday-ish', fixture('omerbenamram-issue_201.evtx')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid --since/);
  });

  it('text output names the damage and the findings', async () => {
    const run = await runCli(['analyze', fixture('plaso-System2-truncated.evtx')]);
    assert.match(run.stdout, /plaso-System2-truncated\.evtx: evtx, 283 records damaged/);
  });
});

describe('rdp-doctor analyze: machine state (.reg, collector documents and bundles)', () => {
  const REG = new URL('../fixtures/reg/RDP-Ressource-Fix-rdp.reg', import.meta.url).pathname;
  const BUNDLE = new URL('../fixtures/collect/bundle/', import.meta.url).pathname;
  const DOCUMENT = join(BUNDLE, 'rdp-doctor-server-SRV01-20260101120000.json');
  const ZIP = join(BUNDLE, 'rdp-doctor-server-SRV01-20260101120000.zip');
  const ids = (report: { findings: { id: string }[] }) => report.findings.map((finding) => finding.id);

  it('a .reg plus an .evtx in one run: both read, JSON has `sources`, exit 1 for the log finding', async () => {
    const run = await runCli(['analyze', '--json', REG, DENIED]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.files.map((file: { path: string; kind: string; records: number }) => [
        file.path,
        file.kind,
        file.records,
      ]),
      [
        [REG, 'reg', 3],
        [DENIED, 'evtx', 2],
      ],
    );
    const client = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\Client';
    assert.deepEqual(report.sources, [
      { path: REG, kind: 'reg', role: 'client', registryRoots: [client], keys: 3 },
    ]);
    assert.ok(ids(report).includes('not-in-remote-desktop-users'));
  });

  // Event and state rules share some ids (tls-cert-missing...): the event rules' only
  // not-evaluated reason is a missing log, which tells the two sets apart.
  const missingLog = /^no records from /;

  it('a .reg file alone: no event rule is listed as not evaluated, exit 0', async () => {
    const run = await runCli(['analyze', '--json', REG]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.notEvaluated.filter((entry: { reason: string }) => missingLog.test(entry.reason)),
      [],
    );
    assert.doesNotMatch((await runCli(['analyze', REG])).stdout, /no records from/);
  });

  it('an .evtx alone: the state rules are not run (no state source given)', async () => {
    const report = JSON.parse((await runCli(['analyze', '--json', QUIET])).stdout);
    assert.deepEqual(report.sources, []);
    assert.ok(report.notEvaluated.length > 0);
    assert.deepEqual(
      report.notEvaluated.filter((entry: { reason: string }) => !missingLog.test(entry.reason)),
      [],
    );
  });

  it('a .reg file that is not one: one error line, exit 2', async () => {
    const bad = scratchFile('rdp-tcp.reg', 'PortNumber = 3389\n');
    const run = await runCli(['analyze', bad]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    assert.match(
      run.stderr,
      /^rdp-doctor: .*rdp-tcp\.reg: not a \.reg file \(no "Windows Registry Editor Version 5\.00"/,
    );
  });

  it('damaged .reg lines are named in the text, the rest is read', async () => {
    const path = scratchFile(
      'damaged.reg',
      'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server]\r\n"fDenyTSConnections"=dword:xyz\r\n',
    );
    const run = await runCli(['analyze', path]);
    assert.match(
      run.stdout,
      /damaged\.reg: \.reg export, 1 key\(s\) damaged \(1 place\(s\) not read, the rest read\)/,
    );
    assert.match(run.stdout, /not read: line 4: value 'fDenyTSConnections': bad dword 'xyz'/);
  });

  it('a collector document: its source, computer and skipped checks in the text; its events judged', async () => {
    const run = await runCli(['analyze', DOCUMENT]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /rdp-doctor-server-SRV01-20260101120000\.json: collector document, 2 event\(s\)/,
    );
    assert.match(
      run.stdout,
      /: collector document, server of SRV01 \(collected 2026-01-01T12:00:00Z\), 4 registry key\(s\)/,
    );
    assert.match(
      run.stdout,
      /skipped by the collector: tlsCipherSuites \(cmdlet-missing: Get-TlsCipherSuite is not available\)/,
    );
    assert.match(run.stdout, /\[tls-cert-key-unreadable\]/);
  });

  it('a collector bundle zip: the document and its logs, findings from both', async () => {
    const run = await runCli(['analyze', '--json', ZIP]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.files.map((file: { kind: string }) => file.kind),
      ['collect-zip', 'evtx'],
    );
    assert.deepEqual(
      report.sources.map((source: { kind: string; computer: string }) => [source.kind, source.computer]),
      [['collect', 'SRV01']],
    );
    assert.ok(ids(report).includes('tls-cert-key-unreadable'));
    assert.ok(ids(report).includes('not-in-remote-desktop-users'));
  });

  it('a collector document of a newer schemaVersion: one error line naming the version read, exit 2', async () => {
    const newer = { ...JSON.parse(readFileSync(DOCUMENT, 'utf8')), schemaVersion: 2 };
    const path = scratchFile('newer.json', JSON.stringify(newer));
    const run = await runCli(['analyze', path]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `rdp-doctor: ${path}: collector document schemaVersion 2 is newer than this rdp-doctor reads (1): update rdp-doctor\n`,
    );
  });
});
