import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string) => new URL(`../fixtures/evtx/${name}`, import.meta.url).pathname;

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
    const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-'));
    const bad = join(dir, 'System.evtx');
    writeFileSync(bad, 'this is a text file, not a log');
    const run = await runCli([
      'analyze',
      '--json',
      bad,
      fixture('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx'),
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^rdp-doctor: .*System\.evtx: not an EVTX file/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.equal(JSON.parse(run.stdout).files.length, 1);
  });

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
