import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
