/**
 * `rdp-doctor scan` on a fleet of lab listeners, against nmap on the same targets (issue #16,
 * "Speed": at least 1,000 hosts a minute with --quick, memory that does not grow with the hosts).
 *
 *   npm run bench:scan       (builds, then: node --import tsx bench/scan.ts)
 *
 * Starts 1,000 lab hosts of mixed scenarios on 127.77.100-103.x (test/testbed/lab-fleet.ts: one
 * child process), then in each round (BENCH_SCAN_ROUNDS, 3 by default; the order alternates):
 * - the built CLI, `scan -f FILE --quick --jsonl`, over the 1,000 targets;
 * - nmap's `rdp-enum-encryption` over the same hosts, with nmap's default timing;
 * - the CLI over 10,000 targets: the 1,000 lab hosts and 9,000 loopback addresses where nothing
 *   listens (refused at once), to show that its memory does not grow with the number of hosts.
 * Wall time is measured here (Node start-up included); max RSS and CPU time come from GNU time
 * (/usr/bin/time, Debian package `time`). Every JSON line the CLI prints is read as it comes and
 * checked: one line per target, each target once. If nmap takes longer than 10 minutes over the
 * 1,000 hosts, both tools run on a 200-host subset instead and the report says so.
 * Nothing leaves the machine: every target is a 127.77.x address.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { missingBinaries } from '../test/testbed/index.js';
import { fleetAddress, type FleetHost, type FleetPlan, startLabFleet } from '../test/testbed/lab-fleet.js';
import { makeWorkDir, onProcessExit, removeDir } from '../test/testbed/process.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'rdp-doctor.js');
const ROUNDS = Number(process.env.BENCH_SCAN_ROUNDS ?? 3);
/** The issue's target, with --quick on 2 cores against loopback lab servers. */
const TARGET_HOSTS_PER_MINUTE = 1000;
/** Octets of 127.77.x this bench uses (the tests use low ones): the fleet's, then the empty ones. */
const FLEET_FIRST_OCTET = 100;
const EMPTY_FIRST_OCTET = 150;
const EMPTY_HOSTS = 9000;
const STEP_TIMEOUT_MS = 2000;
/** Past this, nmap runs on a subset (the bench must end in a sensible time). */
const NMAP_LIMIT_MS = 10 * 60_000;
const SUBSET_EVERY = 5;

/** Mostly what a real fleet holds: healthy and NLA hosts, legacy TLS, expired certificates, gone listeners. */
const PLAN: FleetPlan = [
  { scenario: 'healthy-tls', count: 400 },
  { scenario: 'nla-accounts', count: 250 },
  { scenario: 'tls10-only', count: 150 },
  { scenario: 'tls-cert-expired', count: 150 },
  { scenario: 'closed', count: 50 },
];

const SCAN_ARGS = ['--quick', '--jsonl', '--timeout', String(STEP_TIMEOUT_MS)];
const NMAP_ARGS = ['-Pn', '-n', '-p3389', '--script', 'rdp-enum-encryption'];

interface Measured {
  readonly ms: number;
  /** Max resident set size, in KiB (GNU time's %M). */
  readonly maxRssKiB: number;
  /** User plus system CPU time, in seconds. */
  readonly cpuSeconds: number;
  readonly timedOut: boolean;
}

interface ScanRun extends Measured {
  readonly lines: number;
  readonly withErrorFinding: number;
  readonly noVerdict: number;
}

const running = new Set<ReturnType<typeof spawn>>();
onProcessExit(() => {
  for (const child of running) child.kill('SIGKILL');
});
// Ctrl-C and kill: exit through 'exit', so the fleet and the running tool are killed too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/**
 * Runs `command` under GNU time; `onStdout` reads its stdout line by line. Kills it after
 * `limitMs` (then `timedOut`).
 */
async function measure(
  command: string,
  args: readonly string[],
  work: string,
  onStdout: (line: string) => void,
  limitMs = Number.POSITIVE_INFINITY,
): Promise<Measured & { code: number | null; stderr: string }> {
  const timeFile = join(work, 'time.txt');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let timedOut = false;
  const timer = Number.isFinite(limitMs)
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
      }, limitMs)
    : undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', onStdout);
  const [code] = await Promise.all([
    new Promise<number | null>((resolve) => child.once('close', resolve)),
    new Promise((resolve) => lines.once('close', resolve)),
  ]);
  const ms = performance.now() - started;
  clearTimeout(timer);
  running.delete(child);
  if (timedOut) return { ms, maxRssKiB: 0, cpuSeconds: 0, timedOut, code, stderr };
  // GNU time writes "Command exited with non-zero status N" first when the exit code is not 0.
  const figures = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  const [maxRssKiB, user, system] = figures as [number, number, number];
  return { ms, maxRssKiB, cpuSeconds: user + system, timedOut, code, stderr };
}

/** What the bench reads of a `scan --jsonl` line (the document of `diagnose --json`). */
interface ScanLine {
  readonly target?: { host: string; port: number };
  readonly findings?: { severity: string }[];
  readonly noVerdict?: unknown;
}

/** `rdp-doctor scan` over `targets`, checking one JSON line per target. */
async function runScan(targets: readonly string[], file: string, work: string): Promise<ScanRun> {
  const expected = new Set(targets);
  const seen = new Set<string>();
  let withErrorFinding = 0;
  let noVerdict = 0;
  const problems: string[] = [];
  const run = await measure(process.execPath, [CLI, 'scan', '-f', file, ...SCAN_ARGS], work, (line) => {
    let document: ScanLine;
    try {
      document = JSON.parse(line) as ScanLine;
    } catch {
      problems.push(`scan printed a line that is not JSON: ${line.slice(0, 120)}`);
      return;
    }
    const target = `${document.target?.host}:${document.target?.port}`;
    if (!expected.has(target)) problems.push(`scan printed a line for ${target}, which it was not given`);
    if (seen.has(target)) problems.push(`scan printed ${target} twice`);
    seen.add(target);
    if (document.noVerdict) noVerdict++;
    if (document.findings?.some((finding) => finding.severity === 'error')) withErrorFinding++;
  });
  // Exit 1 means some host has an error finding, which this fleet has by design.
  if (run.code !== 0 && run.code !== 1)
    throw new Error(`rdp-doctor scan exited with ${run.code}: ${run.stderr.trim().slice(0, 500)}`);
  if (problems.length > 0) throw new Error(problems.slice(0, 5).join('; '));
  if (seen.size !== expected.size)
    throw new Error(`rdp-doctor scan printed ${seen.size} lines for ${expected.size} targets`);
  return { ...run, lines: seen.size, withErrorFinding, noVerdict };
}

/** nmap over `hosts` (one address a line in `file`); its host reports are counted, not parsed. */
async function runNmap(hostCount: number, file: string, work: string, limitMs?: number): Promise<Measured> {
  let reports = 0;
  const run = await measure(
    'nmap',
    [...NMAP_ARGS, '-iL', file],
    work,
    (line) => {
      if (line.startsWith('Nmap scan report for ')) reports++;
    },
    limitMs,
  );
  if (run.timedOut) return run;
  if (run.code !== 0) throw new Error(`nmap exited with ${run.code}: ${run.stderr.trim().slice(0, 500)}`);
  if (reports !== hostCount) throw new Error(`nmap reported ${reports} hosts of ${hostCount}`);
  return run;
}

/** Cores, CPU model and the versions, for the command line of the report. */
function machine(): string {
  const cpus = os.cpus();
  const nmap = /Nmap version (\S+)/.exec(spawnSync('nmap', ['--version'], { encoding: 'utf8' }).stdout)?.[1];
  return `${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, nmap ${nmap ?? 'unknown'}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const perMinute = (hosts: number, ms: number): number => (hosts / ms) * 60_000;
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

/** One table row; `rate` false for the memory row, whose targets are mostly refused at once. */
function row(tool: string, hosts: number, runs: readonly Measured[], extra: string, rate = true): string {
  const ms = median(runs.map((run) => run.ms));
  return (
    `| ${tool} | ${hosts.toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} s | ` +
    `${rate ? Math.round(perMinute(hosts, ms)).toLocaleString('en-US') : '(not a rate: mostly refused)'} | ` +
    `${mib(Math.max(...runs.map((run) => run.maxRssKiB)))} | ` +
    `${median(runs.map((run) => run.cpuSeconds)).toFixed(1)} s | ${extra} |`
  );
}

function scanFacts(runs: readonly ScanRun[]): string {
  const last = runs.at(-1)!;
  return `${last.lines.toLocaleString('en-US')} JSON lines, one per target; ${last.withErrorFinding.toLocaleString('en-US')} with an error finding; ${last.noVerdict} without a verdict`;
}

interface Rounds {
  readonly scanRuns: ScanRun[];
  readonly nmapRuns: Measured[];
  readonly manyRuns: ScanRun[];
}

/** ROUNDS rounds of the three runs, in alternating order; undefined when nmap is too slow. */
async function measureRounds(
  hosts: readonly FleetHost[],
  manyTargets: readonly string[],
  manyFile: string,
  work: string,
): Promise<Rounds | undefined> {
  const targets = hosts.map((host) => `${host.host}:${host.port}`);
  const targetsFile = writeList(work, `targets-${hosts.length}.txt`, targets);
  const hostsFile = writeList(
    work,
    `hosts-${hosts.length}.txt`,
    hosts.map((host) => host.host),
  );
  const rounds: Rounds = { scanRuns: [], nmapRuns: [], manyRuns: [] };
  let nmapTooSlow = false;
  const steps = [
    async () => rounds.scanRuns.push(await runScan(targets, targetsFile, work)),
    async () => {
      const run = await runNmap(hosts.length, hostsFile, work, NMAP_LIMIT_MS);
      if (run.timedOut) nmapTooSlow = true;
      else rounds.nmapRuns.push(run);
    },
    async () => rounds.manyRuns.push(await runScan(manyTargets, manyFile, work)),
  ];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order each round so no tool always finds the fleet warm.
    for (const step of round % 2 === 0 ? steps : [...steps].reverse()) {
      await step();
      if (nmapTooSlow) return undefined;
    }
  }
  return rounds;
}

function writeList(work: string, name: string, lines: readonly string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function main(): Promise<number> {
  const missing = missingBinaries('nmap', '/usr/bin/time');
  if (missing) {
    console.error(`bench: ${missing}; install them with scripts/install-debian-packages.sh`);
    return 2;
  }
  const work = makeWorkDir('bench-scan');
  const fleet = await startLabFleet(PLAN, FLEET_FIRST_OCTET);
  try {
    const empty = Array.from(
      { length: EMPTY_HOSTS },
      (_, index) => `${fleetAddress(index, EMPTY_FIRST_OCTET)}:3389`,
    );
    const manyTargets = [...fleet.hosts.map((host) => `${host.host}:${host.port}`), ...empty];
    const manyFile = writeList(work, `targets-${manyTargets.length}.txt`, manyTargets);

    let hosts: readonly FleetHost[] = fleet.hosts;
    let subsetNote = '';
    let rounds = await measureRounds(hosts, manyTargets, manyFile, work);
    if (!rounds) {
      // A subset with every scenario in it, for both tools alike.
      hosts = fleet.hosts.filter((_, index) => index % SUBSET_EVERY === 0);
      subsetNote = `nmap took over ${NMAP_LIMIT_MS / 60_000} min on ${fleet.hosts.length.toLocaleString('en-US')} hosts, so both tools ran on every ${SUBSET_EVERY}th: ${hosts.length} hosts.`;
      rounds = await measureRounds(hosts, manyTargets, manyFile, work);
      if (!rounds) throw new Error(`nmap took over ${NMAP_LIMIT_MS / 60_000} min on ${hosts.length} hosts`);
    }
    const { scanRuns, nmapRuns, manyRuns } = rounds;

    const ours = median(scanRuns.map((run) => run.ms));
    const theirs = median(nmapRuns.map((run) => run.ms));
    const oursRate = perMinute(hosts.length, ours);
    const rssFew = Math.max(...scanRuns.map((run) => run.maxRssKiB));
    const rssMany = Math.max(...manyRuns.map((run) => run.maxRssKiB));
    const lines = [
      `Command: npm run bench:scan (rounds: ${ROUNDS}, alternating; medians of wall time, Node start-up included; max RSS and CPU from GNU time)`,
      `- machine: ${machine()}`,
      `- ours: \`rdp-doctor scan -f FILE ${SCAN_ARGS.join(' ')}\` (default --concurrency and --max-sockets)`,
      `- nmap: \`nmap ${NMAP_ARGS.join(' ')} -iL FILE\` (default timing), the same hosts`,
      `- fleet: ${PLAN.map((entry) => `${entry.count} ${entry.scenario}`).join(', ')} (lab listeners on 127.77.${FLEET_FIRST_OCTET}-${FLEET_FIRST_OCTET + 3}.x, one child process); 10,000 targets = those 1,000 + ${EMPTY_HOSTS.toLocaleString('en-US')} loopback addresses where nothing listens`,
      ...(subsetNote ? [`- ${subsetNote}`] : []),
      '',
      '| tool | targets | median wall time | hosts/min | max RSS | CPU (user+sys) | what it reported |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      row('rdp-doctor scan --quick', hosts.length, scanRuns, scanFacts(scanRuns)),
      row(
        'nmap rdp-enum-encryption',
        hosts.length,
        nmapRuns,
        `${hosts.length.toLocaleString('en-US')} host reports`,
      ),
      row('rdp-doctor scan --quick', manyTargets.length, manyRuns, scanFacts(manyRuns), false),
      '',
      `Ours / nmap on the same ${hosts.length.toLocaleString('en-US')} hosts: ${(ours / theirs).toFixed(2)} of the wall time, ${(oursRate / perMinute(hosts.length, theirs)).toFixed(1)} x the rate.`,
      `Max RSS, ${manyTargets.length.toLocaleString('en-US')} targets / ${hosts.length.toLocaleString('en-US')}: ${mib(rssMany)} / ${mib(rssFew)} = ${(rssMany / rssFew).toFixed(2)}.`,
      '',
      `Targets: at least ${TARGET_HOSTS_PER_MINUTE.toLocaleString('en-US')} hosts/min with --quick (${Math.round(oursRate).toLocaleString('en-US')}): ${oursRate >= TARGET_HOSTS_PER_MINUTE ? 'met' : 'NOT met'}.`,
    ];
    const report = lines.join('\n');
    console.log(report);
    if (process.env.BENCH_SCAN_OUT) writeFileSync(process.env.BENCH_SCAN_OUT, `${report}\n`);
    return 0;
  } finally {
    await fleet.stop();
    removeDir(work);
  }
}

process.exitCode = await main();
