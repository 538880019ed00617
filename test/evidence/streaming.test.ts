import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeFiles } from '../../src/analysis.js';
import { main } from '../../src/cli/main.js';
import { loadEvidence } from '../../src/evidence/load.js';
import { MAX_ATTEMPTS_KEPT, MAX_RECORDS_PER_ATTEMPT, buildTimeline } from '../../src/evidence/timeline.js';
import type { EventRecord } from '../../src/evidence/types.js';
import { MAX_RECORD_IDS } from '../../src/rules/events/evidence.js';
import { EVENT_RULES } from '../../src/rules/events/index.js';
import { writeBigEvtx } from '../helpers/big-evtx.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';

const fixture = (name: string) => new URL(`../fixtures/evtx/${name}`, import.meta.url).pathname;
const SECURITY = fixture('omerbenamram-security.evtx');
const RDPCORETS_LIKE = fixture('evtx2mitre-ID1149-RDP_success_logins_to_multiple_hosts.evtx');
const DENIED = fixture('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx');
const BUNDLE = new URL(
  '../fixtures/collect/bundle/rdp-doctor-server-SRV01-20260101120000.zip',
  import.meta.url,
).pathname;
const CLI = new URL('../../dist/bin/rdp-doctor.js', import.meta.url).pathname;

let scratch: string | undefined;
function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'rdp-doctor-streaming-'));
  return scratch;
}
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function streamed(paths: string[], options: Parameters<typeof analyzeFiles>[1] = {}) {
  const events: EventRecord[] = [];
  const report = await analyzeFiles(paths, { ...options, onEvent: (event) => events.push(event) });
  return { report, events };
}

describe('analyze streams the records', () => {
  it('--since/--until give exactly the records created in the window, skipped ones counted', async () => {
    const all = (await loadEvidence(SECURITY)).events;
    const times = all.map((event) => Date.parse(event.time)).sort((a, b) => a - b);
    // Windows inside, across and outside the log's span.
    const cuts: [number | undefined, number | undefined][] = [
      [times[Math.floor(times.length / 3)], undefined],
      [undefined, times[Math.floor(times.length / 2)]],
      [times[100], times[times.length - 100]],
      [times.at(-1)! + 1, undefined],
      [undefined, times[0]! - 1],
    ];
    for (const [since, until] of cuts) {
      const expected = all.filter((event) => {
        const at = Date.parse(event.time);
        return (since === undefined || at >= since) && (until === undefined || at <= until);
      });
      const { report, events } = await streamed([SECURITY], {
        ...(since !== undefined ? { since: new Date(since) } : {}),
        ...(until !== undefined ? { until: new Date(until) } : {}),
      });
      const label = `${since} .. ${until}`;
      assert.deepEqual(
        events.map((event) => event.recordId),
        expected.map((event) => event.recordId),
        label,
      );
      assert.equal(report.records, expected.length, label);
      assert.equal(report.files[0]!.records, expected.length, label);
      assert.equal(report.files[0]!.outsideWindow, all.length - expected.length, label);
    }
  });

  it('a window skips whole chunks of a big log by their written times, with the same answer', async () => {
    const big = join(scratchDir(), 'big-security.evtx');
    const written = writeBigEvtx(SECURITY, 96, big);
    const all = (await loadEvidence(big)).events;
    assert.equal(all.length, written);
    const after = Math.max(...all.map((event) => Date.parse(event.time))) + 1;
    const started = performance.now();
    const { report, events } = await streamed([big], { since: new Date(after) });
    assert.equal(events.length, 0);
    assert.equal(report.files[0]!.outsideWindow, written);
    // Every chunk skipped unread: far quicker than decoding them (a loose bound, not a benchmark).
    const skipMs = performance.now() - started;
    const fullStarted = performance.now();
    await streamed([big]);
    assert.ok(skipMs < (performance.now() - fullStarted) / 2, `skip ${skipMs} ms`);
  });

  it('several logs come out merged in time order, each log in its own order', async () => {
    const paths = [SECURITY, RDPCORETS_LIKE, DENIED];
    const { events } = await streamed(paths);
    const perFile = await Promise.all(paths.map(async (path) => (await loadEvidence(path)).events));
    assert.equal(
      events.length,
      perFile.reduce((sum, list) => sum + list.length, 0),
    );
    // Each input's records keep their order.
    for (const list of perFile) {
      const keys = list.map((event) => `${event.channel}#${event.recordId}`);
      const seen = events
        .map((event) => `${event.channel}#${event.recordId}`)
        .filter((key) => keys.includes(key));
      assert.deepEqual(seen, keys);
    }
    // Where two logs overlap, the merge goes by time: a record from the second log comes after every
    // earlier record of the first.
    const security = events.filter((event) => event.channel === 'Security');
    const others = events.filter((event) => event.channel !== 'Security');
    for (const other of others) {
      const position = events.indexOf(other);
      const laterBefore = security.filter(
        (event) => events.indexOf(event) < position && Date.parse(event.time) > Date.parse(other.time),
      );
      assert.equal(laterBefore.length, 0, `${other.channel} ${other.recordId}`);
    }
  });

  it('the findings of the streamed run equal the rules run over the whole list', async () => {
    const paths = readdirSync(new URL('../fixtures/evtx/', import.meta.url).pathname)
      .filter((name) => name.endsWith('.evtx'))
      .map(fixture);
    const loaded = await Promise.all(paths.map((path) => loadEvidence(path)));
    const events = loaded.flatMap((entry) => entry.events);
    const files = loaded.flatMap((entry) => entry.files);
    const report = await analyzeFiles(paths);
    for (const rule of EVENT_RULES) {
      const batch = rule.evaluate({ events, files });
      const found = report.findings.filter((finding) => finding.id === rule.meta.id);
      if (batch.status === 'found') assert.equal(found.length, batch.reports.length, rule.meta.id);
      else assert.equal(found.length, 0, rule.meta.id);
    }
  });

  it('a finding lists at most MAX_RECORD_IDS record ids and counts the rest', async () => {
    const denied = (await loadEvidence(DENIED)).events.find((event) => event.eventId === 4825)!;
    const events = Array.from({ length: MAX_RECORD_IDS + 250 }, (_, index) => ({
      ...denied,
      recordId: index + 1,
    }));
    const rule = EVENT_RULES.find((entry) => entry.meta.id === 'not-in-remote-desktop-users')!;
    const outcome = rule.evaluate({ events, files: [] });
    assert.equal(outcome.status, 'found');
    if (outcome.status !== 'found') return;
    const data = outcome.reports[0]!.data as { count: number; recordIds: number[]; recordIdsOmitted: number };
    assert.equal(data.count, MAX_RECORD_IDS + 250);
    assert.equal(data.recordIds.length, MAX_RECORD_IDS);
    assert.equal(data.recordIdsOmitted, 250);
  });

  it('the timeline keeps the latest attempts per address and counts them all', () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const attempts = MAX_ATTEMPTS_KEPT + 20;
    const events: EventRecord[] = [];
    for (let i = 0; i < attempts; i++) {
      // A TCP record opens each attempt.
      events.push({
        eventId: 131,
        provider: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS',
        channel: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
        time: new Date(base + i * 1000).toISOString(),
        recordId: i + 1,
        computer: 'SRV',
        data: { ClientIP: '203.0.113.9:5000' },
      });
    }
    // One long attempt from another address: more records than an attempt lists.
    for (let i = 0; i < MAX_RECORDS_PER_ATTEMPT + 5; i++)
      events.push({
        eventId: 4624,
        provider: 'Microsoft-Windows-Security-Auditing',
        channel: 'Security',
        time: new Date(base + i).toISOString(),
        recordId: 10_000 + i,
        computer: 'SRV',
        data: { LogonType: '10', IpAddress: '198.51.100.7' },
      });
    const timeline = buildTimeline(events);
    const scanner = timeline.find((entry) => entry.address === '203.0.113.9')!;
    assert.equal(scanner.attemptCount, attempts);
    assert.equal(scanner.attempts.length, MAX_ATTEMPTS_KEPT);
    assert.equal(scanner.attempts.at(-1)!.records[0]!.recordId, attempts);
    const user = timeline.find((entry) => entry.address === '198.51.100.7')!;
    assert.equal(user.attempts[0]!.records.length, MAX_RECORDS_PER_ATTEMPT);
    assert.equal(user.attempts[0]!.recordsOmitted, 5);
  });

  it('a collector zip is read without unpacking anything to disk', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('rdp-doctor-bundle-'));
    const { report, events } = await streamed([BUNDLE]);
    const afterRun = readdirSync(tmpdir()).filter((name) => name.startsWith('rdp-doctor-bundle-'));
    assert.deepEqual(afterRun, before);
    assert.deepEqual(
      report.files.map((file) => file.kind),
      ['collect-zip', 'evtx'],
    );
    assert.equal(events.length, report.records);
    assert.equal(
      report.records,
      report.files.reduce((sum, file) => sum + file.records, 0),
    );
  });
});

describe('analyze DIR', () => {
  it('reads every .evtx below a folder, in name order', async () => {
    const dir = join(scratchDir(), 'logs');
    mkdirSync(join(dir, 'srv01', 'archive'), { recursive: true });
    copyFileSync(DENIED, join(dir, 'srv01', 'Security.evtx'));
    copyFileSync(RDPCORETS_LIKE, join(dir, 'srv01', 'archive', 'Archive-RCM.evtx'));
    copyFileSync(DENIED, join(dir, 'notes.txt.bak'));
    const run = await runCli(['analyze', '--json', dir]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.files.map((file: { path: string }) => file.path),
      [join(dir, 'srv01', 'Security.evtx'), join(dir, 'srv01', 'archive', 'Archive-RCM.evtx')].sort(),
    );
    assert.ok(
      report.findings.some((finding: { id: string }) => finding.id === 'not-in-remote-desktop-users'),
    );
  });

  it('a folder without a log is bad input: one line, exit 2', async () => {
    const empty = join(scratchDir(), 'empty');
    mkdirSync(empty, { recursive: true });
    const run = await runCli(['analyze', empty]);
    assert.ok(isOneLineUsageError(run), run.stderr);
    assert.match(run.stderr, /no \.evtx file below it/);
  });
});

describe('analyze output options', () => {
  it('--json --events: the records first, one a line, then the report; parses as one document', async () => {
    const run = await runCli(['analyze', '--json', '--events', DENIED, RDPCORETS_LIKE]);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], '{"events":[');
    const document = JSON.parse(run.stdout);
    assert.equal(document.events.length, document.records);
    assert.equal(lines.filter((line) => line.startsWith('{"eventId":')).length, document.records);
  });

  it('--jsonl --events: a record a line, then {"report": ...}', async () => {
    const run = await runCli(['analyze', '--jsonl', '--events', DENIED]);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const report = lines.at(-1).report;
    assert.equal(lines.length - 1, report.records);
    assert.ok(lines.slice(0, -1).every((line) => typeof line.eventId === 'number'));
    const only = await runCli(['analyze', '--jsonl', DENIED]);
    assert.equal(only.stdout.trimEnd().split('\n').length, 1);
  });

  it('bad combinations are one line and exit 2', async () => {
    for (const argv of [
      ['analyze', '--json', '--jsonl', DENIED],
      ['analyze', '--since', '2026-02-01', '--until', '2026-01-01', DENIED],
      ['analyze', '--until', 'next week', DENIED],
    ]) {
      const run = await runCli(argv);
      assert.ok(isOneLineUsageError(run), `${argv.join(' ')}: ${run.stderr}`);
    }
  });

  it('a progress bar on a terminal for big inputs, none off one', async () => {
    const big = join(scratchDir(), 'progress.evtx');
    writeBigEvtx(SECURITY, 160, big);
    const run = async (tty: boolean) => {
      let stderr = '';
      const code = await main(['analyze', big], {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
        stdoutIsTty: false,
        stderrIsTty: tty,
        env: {},
      });
      return { code, stderr };
    };
    assert.match((await run(true)).stderr, /MiB\/s/);
    assert.equal((await run(false)).stderr, '');
  });

  it(
    'a reader that goes away early (| head) ends the run quietly, exit 0',
    { skip: !existsSync(CLI) && 'npm run build first' },
    async () => {
      const big = join(scratchDir(), 'epipe.evtx');
      writeBigEvtx(SECURITY, 64, big);
      const child = spawn(`set -o pipefail; node ${CLI} analyze --json --events ${big} | head -n 2`, {
        shell: '/bin/bash',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stdout.split('\n')[0], '{"events":[');
      assert.equal(stderr, '');
      assert.equal(code, 0);
    },
  );
});
