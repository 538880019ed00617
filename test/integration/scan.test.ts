/**
 * `rdp-doctor scan` end to end: the built CLI against a lab fleet of hundreds of loopback
 * listeners (test/testbed/lab-fleet.ts), each host's line, row or document checked against the
 * scenario it plays; the exit codes; the progress line under a real pseudo-terminal (python3's
 * pty), none without one; and Ctrl-C. Run `npm run build` first (npm test does).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fleetAddress, type FleetHost, type LabFleet, startLabFleet } from '../testbed/lab-fleet.js';
import { hasBinary } from '../testbed/index.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist', 'bin', 'rdp-doctor.js');
const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-scan-'));
/** This file's part of the fleet block: 127.77.1.x and 127.77.2.x. */
const FIRST_OCTET = 1;
/** Step timeout and host deadline for the runs: a silent host (two step timeouts) misses it. */
const TIMING = ['--timeout', '2000', '--deadline', '3000'];

/** What each scenario must show in a quick scan: status, a finding, and facts. */
interface Expectation {
  readonly status: 'ok' | 'warning' | 'error' | 'no-verdict';
  readonly finding?: string;
  readonly failingStage?: string;
  readonly selectedProtocol?: string;
  readonly nlaRequired?: boolean;
  readonly tlsVersion?: string;
  /** The certificate has expired (true) or has a year left (false). */
  readonly expired?: boolean;
}

const EXPECTED: Readonly<Record<string, Expectation>> = {
  'healthy-tls': {
    status: 'warning',
    finding: 'nla-not-required',
    selectedProtocol: 'SSL',
    nlaRequired: false,
    tlsVersion: 'TLS 1.3',
    expired: false,
  },
  'tls10-only': {
    status: 'error',
    finding: 'tls-legacy-only',
    // Our handshake completes; current clients' do not.
    failingStage: 'tls',
    selectedProtocol: 'SSL',
    tlsVersion: 'TLS 1.0',
  },
  'tls-cert-expired': {
    status: 'warning',
    finding: 'tls-cert-expired',
    tlsVersion: 'TLS 1.3',
    expired: true,
  },
  'nla-accounts': { status: 'ok', finding: 'nla-required', selectedProtocol: 'HYBRID_EX', nlaRequired: true },
  'standard-rdp-only': { status: 'warning', finding: 'standard-rdp-security-only', nlaRequired: false },
  'tls-handshake-aborted': { status: 'error', finding: 'tls-handshake-aborted', failingStage: 'tls' },
  closed: { status: 'error', finding: 'tcp-refused', failingStage: 'tcp' },
  silent: { status: 'no-verdict' },
};

/** 250 hosts on 127.77.1.1-250 (one /24), then 10 more on 127.77.2.x. */
const PLAN = [
  { scenario: 'healthy-tls', count: 70 },
  { scenario: 'tls10-only', count: 40 },
  { scenario: 'tls-cert-expired', count: 40 },
  { scenario: 'nla-accounts', count: 40 },
  { scenario: 'standard-rdp-only', count: 20 },
  { scenario: 'tls-handshake-aborted', count: 10 },
  { scenario: 'closed', count: 26 },
  { scenario: 'silent', count: 4 },
  { scenario: 'healthy-tls', count: 5 },
  { scenario: 'nla-accounts', count: 5 },
] as const;

let fleet: LabFleet;
let byTarget: Map<string, FleetHost>;
const built = existsSync(bin);

before(async () => {
  if (!built) return;
  fleet = await startLabFleet(PLAN, FIRST_OCTET);
  byTarget = new Map(fleet.hosts.map((host) => [`${host.host}:${host.port}`, host]));
});
after(async () => {
  await fleet?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function targetsFile(name: string, hosts: readonly FleetHost[]): string {
  const path = join(scratch, name);
  writeFileSync(
    path,
    `# scan test fleet\n\n${hosts.map((host) => `${host.host}:${host.port}`).join('\n')}\n`,
  );
  return path;
}

function runBin(args: string[], timeout = 120_000) {
  const result = spawnSync(process.execPath, [bin, 'scan', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A test-only RFC 4180 reader for the rows scan writes (CRLF records, quoted fields). */
function readCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index++;
    } else field += char;
  }
  assert.equal(field + record.join(''), '', 'the last record must end with CRLF');
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((name, column) => [name, row[column]!])));
}

describe(
  'rdp-doctor scan on a lab fleet',
  { skip: built ? false : `${bin} is missing: run npm run build`, timeout: 600_000 },
  () => {
    it('--jsonl: one line per host as it finishes, each what its scenario shows', async () => {
      const started = performance.now();
      const run = runBin(['-f', targetsFile('all.txt', fleet.hosts), '--quick', '--jsonl', ...TIMING]);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stderr, '', 'stderr is not a terminal: no progress, no summary');
      const lines = run.stdout.trimEnd().split('\n');
      assert.equal(lines.length, fleet.hosts.length);
      const seen = new Set<string>();
      for (const line of lines) {
        const document = JSON.parse(line) as {
          schemaVersion: number;
          target: { host: string; port: number };
          findings?: { id: string; severity: string }[];
          noVerdict?: { kind: string; message: string };
          stages?: { name: string; status: string }[];
        };
        const target = `${document.target.host}:${document.target.port}`;
        const host = byTarget.get(target);
        assert.ok(host, `${target} is not in the fleet`);
        seen.add(target);
        assert.equal(document.schemaVersion, 1);
        const expected = EXPECTED[host.scenario]!;
        if (expected.status === 'no-verdict') {
          assert.deepEqual(document.noVerdict, { kind: 'deadline', message: 'no verdict within 3000 ms' });
          continue;
        }
        assert.equal(document.noVerdict, undefined, `${host.scenario}: ${line.slice(0, 300)}`);
        const ids = document.findings!.map((finding) => finding.id);
        if (expected.finding)
          assert.ok(ids.includes(expected.finding), `${host.scenario} ${target}: ${ids.join(' ')}`);
        const errors = document.findings!.some((finding) => finding.severity === 'error');
        assert.equal(errors, expected.status === 'error', `${host.scenario} ${target}: ${ids.join(' ')}`);
      }
      assert.equal(seen.size, fleet.hosts.length);
      console.log(
        `# --quick --jsonl: ${fleet.hosts.length} hosts in ${seconds.toFixed(1)} s (${Math.round((fleet.hosts.length / seconds) * 60)} hosts/min, silent hosts included)`,
      );
      const stats = await fleet.stats();
      assert.ok(stats.peakOpenPerHost <= 4, `${stats.peakOpenPerHost} connections at once to one lab host`);
      assert.ok(stats.peakOpen <= 128, `${stats.peakOpen} connections at once to the fleet`);
    });

    it('--csv on a CIDR range: quick by default, one RFC 4180 row per address', () => {
      const range = `${fleetAddress(0, FIRST_OCTET).replace(/\.\d+$/, '.0')}/24`;
      const run = runBin([range, '--csv', ...TIMING]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stderr, '');
      assert.ok(
        run.stdout.startsWith(
          'target,status,verdict,failing_stage,selected_protocol,nla_required,tls_versions,cert_not_after,cert_days_left,findings\r\n',
        ),
      );
      const rows = readCsv(run.stdout);
      // A /24 is 254 to 256 addresses, depending on whether the network and broadcast ones count.
      assert.ok(rows.length >= 254 && rows.length <= 256, `${rows.length} rows`);
      assert.equal(new Set(rows.map((row) => row.target)).size, rows.length, 'a target probed twice');
      for (const row of rows) {
        const host = byTarget.get(row.target!);
        // Addresses of the range where nothing listens.
        const expected = EXPECTED[host?.scenario ?? 'closed']!;
        const where = `${host?.scenario ?? 'no listener'} ${JSON.stringify(row)}`;
        assert.equal(row.status, expected.status, where);
        if (expected.finding) assert.ok(row.findings!.split(' ').includes(expected.finding), where);
        if (expected.failingStage) assert.equal(row.failing_stage, expected.failingStage, where);
        if (expected.selectedProtocol) assert.equal(row.selected_protocol, expected.selectedProtocol, where);
        if (expected.nlaRequired !== undefined)
          assert.equal(row.nla_required, String(expected.nlaRequired), where);
        // Quick: no enumeration, so the handshake's version alone.
        if (expected.tlsVersion) assert.equal(row.tls_versions, expected.tlsVersion, where);
        if (expected.expired !== undefined) {
          assert.match(row.cert_not_after!, /^\d{4}-\d\d-\d\d/, where);
          assert.equal(Number(row.cert_days_left) < 0, expected.expired, where);
        }
        if (expected.status === 'no-verdict') assert.equal(row.verdict, 'no verdict within 3000 ms');
      }
    });

    it('--json --full: one document, the enumeration ran, the summary counts every host', () => {
      const subset = fleet.hosts
        .filter((host) => ['tls10-only', 'nla-accounts'].includes(host.scenario))
        .slice(0, 20);
      const run = runBin(['-f', targetsFile('subset.txt', subset), '--full', '--json', ...TIMING]);
      assert.equal(run.code, 1, run.stderr);
      const document = JSON.parse(run.stdout) as {
        schemaVersion: number;
        hosts: {
          target: { host: string };
          server: { tls?: { versions?: { version: string; accepted: boolean }[] } };
          findings: { id: string }[];
        }[];
        summary: {
          total: number;
          probed: number;
          notProbed: number;
          stopped: boolean;
          byStatus: Record<string, number>;
          findings: { id: string; hosts: number }[];
        };
      };
      assert.equal(document.schemaVersion, 1);
      assert.equal(document.hosts.length, subset.length);
      const tls10 = subset.filter((host) => host.scenario === 'tls10-only').length;
      assert.deepEqual(
        document.summary.byStatus,
        { error: tls10, 'no-verdict': 0, warning: 0, ok: subset.length - tls10 },
        JSON.stringify(document.summary),
      );
      assert.deepEqual(
        [
          document.summary.total,
          document.summary.probed,
          document.summary.notProbed,
          document.summary.stopped,
        ],
        [subset.length, subset.length, 0, false],
      );
      assert.equal(
        document.summary.findings.find((finding) => finding.id === 'tls-legacy-only')?.hosts,
        tls10,
      );
      for (const host of document.hosts) {
        const versions = host.server.tls?.versions ?? [];
        assert.ok(versions.length >= 3, `no TLS enumeration for ${host.target.host}`);
        const scenario = byTarget.get(`${host.target.host}:3389`)!.scenario;
        const accepted = versions.filter((entry) => entry.accepted).map((entry) => entry.version);
        assert.deepEqual(accepted, scenario === 'tls10-only' ? ['TLSv1'] : ['TLSv1.2', 'TLSv1.3']);
      }
    });

    it('exits 0 when no host has an error finding (warnings allowed), and lists only the problems', () => {
      // Both kinds, 15 of each: warnings are listed, healthy hosts are not.
      const fine = ['healthy-tls', 'nla-accounts'].flatMap((scenario) =>
        fleet.hosts.filter((host) => host.scenario === scenario).slice(0, 15),
      );
      const run = runBin(['-f', targetsFile('fine.txt', fine), '--quick', ...TIMING]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const ok = fine.filter((host) => host.scenario === 'nla-accounts').length;
      assert.match(
        run.stdout,
        new RegExp(
          `^Scanned 30 of 30 hosts in [\\d.]+ s \\(\\d+ hosts/min\\): 0 error, 0 no verdict, ${30 - ok} warning, ${ok} ok$`,
          'm',
        ),
      );
      assert.match(run.stdout, /^HOST +STATUS +FAILING STAGE +TOP FINDING +VERDICT$/m);
      assert.match(
        run.stdout,
        new RegExp(`^${ok} healthy hosts not listed \\(--verbose lists them\\)$`, 'm'),
      );
      const listed = run.stdout.split('\n').filter((line) => /^127\.77\./.test(line));
      assert.equal(listed.length, 30 - ok);
    });

    it('refuses bad input with one line and exit 2', () => {
      for (const args of [
        [],
        ['127.0.0.1', '--jsonl', '--csv'],
        ['127.0.0.1', '--quick', '--full'],
        ['127.0.0.1', '--max-sockets', '2'],
        ['not a host!'],
      ]) {
        const run = runBin(args);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
        assert.match(run.stderr, /^rdp-doctor: /);
        assert.equal(run.stdout, '');
      }
    });

    it(
      'shows the progress line on a terminal (real pty), then the summary',
      { skip: hasBinary('python3') ? false : 'needs python3' },
      () => {
        const range = `${fleetAddress(0, FIRST_OCTET).replace(/\.\d+$/, '.0')}/24`;
        const driver = [
          'import os, pty, sys, select',
          'pid, fd = pty.fork()',
          'if pid == 0:',
          `    os.execvpe(${JSON.stringify(process.execPath)}, ['node', ${JSON.stringify(bin)}, 'scan', ${JSON.stringify(range)}, '--concurrency', '8', ${TIMING.map((part) => JSON.stringify(part)).join(', ')}], dict(os.environ, NO_COLOR='1', COLUMNS='120'))`,
          'out = b""',
          'while True:',
          '    r, _, _ = select.select([fd], [], [], 60)',
          '    if not r: break',
          '    try: chunk = os.read(fd, 65536)',
          '    except OSError: break',
          '    if not chunk: break',
          '    out += chunk',
          '_, status = os.waitpid(pid, 0)',
          'sys.stdout.write(out.decode("utf-8", "replace"))',
          'sys.stdout.write("\\nEXIT:%d\\n" % os.waitstatus_to_exitcode(status))',
        ].join('\n');
        const result = spawnSync('python3', ['-c', driver], { encoding: 'utf8', timeout: 120_000 });
        const screen = result.stdout;
        assert.match(screen, /EXIT:1\n$/, result.stderr);
        const progress = [
          ...screen.matchAll(/(\d+)\/(\d+) hosts \| (\d+) failing \| (\d+) hosts\/min \| ETA /g),
        ];
        assert.ok(progress.length >= 2, `no progress lines in: ${JSON.stringify(screen.slice(0, 2000))}`);
        const last = progress.at(-1)!;
        assert.ok(Number(last[1]) > 0 && Number(last[2]) >= 254, last[0]);
        assert.ok(Number(last[3]) > 0, 'failures so far are counted');
        // Drawn in place (carriage return / cursor moves), then cleared before the summary.
        assert.match(screen, /\x1b\[/);
        assert.match(screen, /Scanned \d+ of \d+ hosts/);
      },
    );

    it('Ctrl-C stops new probes, lets the running ones end, and prints what it has', async () => {
      const child = spawn(
        process.execPath,
        [
          bin,
          'scan',
          '-f',
          targetsFile('all-again.txt', fleet.hosts),
          '--quick',
          '--jsonl',
          '--concurrency',
          '2',
          ...TIMING,
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.split('\n').length > 10 && !child.killed) child.kill('SIGINT');
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) =>
        child.once('exit', (status) => resolve(status)),
      );
      const lines = stdout.trimEnd().split('\n');
      const match = /stopped by Ctrl-C: (\d+) of (\d+) hosts not probed/.exec(stderr);
      assert.ok(match, stderr);
      assert.equal(Number(match[2]), fleet.hosts.length);
      assert.equal(Number(match[1]), fleet.hosts.length - lines.length, `${lines.length} lines`);
      assert.ok(lines.length < 20, `${lines.length} hosts probed after Ctrl-C at 10`);
      for (const line of lines) JSON.parse(line);
      // The exit code is the results': an error finding among the probed hosts, or none.
      const anyFailing = lines.some((line) => /"severity":"error"|"noVerdict"/.test(line));
      assert.equal(code, anyFailing ? 1 : 0, stderr);
    });
  },
);
