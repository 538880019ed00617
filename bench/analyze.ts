/**
 * `rdp-doctor analyze` on big logs, against libevtx's evtxexport (issue #17, "done when"):
 * - memory flat in the file size: max RSS under 256 MiB on a 3 GiB log, with and without --events;
 * - throughput at least 10x evtxexport's on a 1 GiB log;
 * - the whole corpus in one run at least 3x evtxexport over the same files (bench/evtx.mjs).
 *
 *   npm run bench:analyze     (builds, then: node --import tsx bench/analyze.ts)
 *
 * The logs are a real Security log of the corpus repeated by ../shared/tools/make-big-evtx.py:
 * 16,384 chunks (1 GiB) and 49,152 (3 GiB), built once into BENCH_ANALYZE_CACHE (default
 * $TMPDIR/rdp-doctor-bench-analyze) and reused. In each of BENCH_ROUNDS rounds (3 by default,
 * order alternating) on the 1 GiB log: `analyze --json`, `analyze --json --events` and
 * `evtxexport -f xml`; then each analyze once on the 3 GiB log. Wall time and max RSS come from
 * GNU time (`/usr/bin/time -f '%e %M'`, Node start-up included); the table shows median wall
 * times and the largest max RSS.
 *
 * What each writes: evtxexport every record as XML; analyze --json --events every record as JSON
 * besides findings and timeline (the like-for-like comparison); analyze --json reads every record
 * but writes findings and timeline only. Output goes to /dev/null, except analyze --json's, which
 * is small and read to check its record count against the generator's.
 * All run without NODE_EXTRA_CA_CERTS (a machine setting only Node tools pay, see bench/run.ts);
 * analyze with its code cache in a directory of this run, warmed by an untimed first run, and with
 * Node's default heap, as a user runs it.
 * Skips (exit 0, one line) when ../shared, python3, evtxexport or GNU time is missing.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'rdp-doctor.js');
const SHARED = join(ROOT, '..', 'shared');
const MAKE_BIG_EVTX = join(SHARED, 'tools', 'make-big-evtx.py');
const CORPUS = join(SHARED, 'corpus', 'evtx');
/** The corpus's Security log richest in logon events (4624 x583), so the rules have work. */
const SOURCE = join(CORPUS, 'omerbenamram-security.evtx');
const GNU_TIME = '/usr/bin/time';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CACHE = process.env.BENCH_ANALYZE_CACHE ?? join(os.tmpdir(), 'rdp-doctor-bench-analyze');

const FILE_HEADER_SIZE = 4096;
const CHUNK_SIZE = 65536;
const ONE_GIB_CHUNKS = 16_384;
const THREE_GIB_CHUNKS = 49_152;
const RSS_TARGET_MIB = 256;
const THROUGHPUT_TARGET = 10;
const CORPUS_TARGET = 3;

interface BigLog {
  readonly path: string;
  readonly label: string;
  readonly bytes: number;
  readonly records: number;
}

interface Measured {
  readonly seconds: number;
  readonly maxRssKiB: number;
  /** Why the run failed (exit code or signal, and the end of stderr); undefined when it worked. */
  readonly failure: string | undefined;
}

interface Command {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Exit codes that mean it worked: analyze exits 1 when it found problems. */
  readonly okCodes: readonly number[];
  /** Whether its stdout is read (to check the record count) rather than thrown away. */
  readonly readsOutput?: boolean;
}

interface Row {
  readonly command: Command;
  readonly log: BigLog;
  readonly runs: Measured[];
  /** What the output said, checked against the generator's record count. */
  note: string;
}

function missingPrerequisite(): string | undefined {
  if (!existsSync(CLI)) return `${relative(ROOT, CLI)} not found; run npm run build first`;
  if (!existsSync(MAKE_BIG_EVTX)) return `${MAKE_BIG_EVTX} not found (no ../shared on this machine)`;
  if (!existsSync(SOURCE)) return `${SOURCE} not found`;
  if (!existsSync(GNU_TIME)) return `${GNU_TIME} not found (Debian package time)`;
  for (const [tool, hint] of [
    ['python3', ''],
    ['evtxexport', ' (Debian package libevtx-utils)'],
  ] as const)
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0)
      return `${tool} not found${hint}`;
  return undefined;
}

/** The log of `chunks` chunks, built by make-big-evtx.py unless the cache has it already. */
function bigLog(chunks: number, label: string): BigLog {
  const path = join(CACHE, `security-${chunks}.evtx`);
  const factsPath = `${path}.json`;
  const bytes = FILE_HEADER_SIZE + chunks * CHUNK_SIZE;
  if (existsSync(path) && existsSync(factsPath) && statSync(path).size === bytes) {
    const facts = JSON.parse(readFileSync(factsPath, 'utf8')) as { records: number };
    return { path, label, bytes, records: facts.records };
  }
  mkdirSync(CACHE, { recursive: true });
  console.error(`bench: building ${path} (${label}, ${chunks.toLocaleString('en-US')} chunks)`);
  // Built under another name first, so an interrupted build is never taken for a finished one.
  const partial = `${path}.partial`;
  const run = spawnSync('python3', [MAKE_BIG_EVTX, SOURCE, String(chunks), partial], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`make-big-evtx.py exited ${run.status}: ${run.stderr.trim()}`);
  // "OUT: N chunks, R records, B bytes, ids A..Z"
  const records = Number(/, (\d+) records,/.exec(run.stdout)?.[1]);
  if (!Number.isInteger(records)) throw new Error(`make-big-evtx.py said: ${run.stdout.trim()}`);
  renameSync(partial, path);
  writeFileSync(factsPath, `${JSON.stringify({ chunks, records, bytes })}\n`);
  return { path, label, bytes, records };
}

/** One run of `command` on `log` under GNU time, stdout to /dev/null or to `stdoutPath`. */
function measure(command: Command, log: BigLog, work: string, stdoutPath = '/dev/null'): Measured {
  const timeFile = join(work, 'time.txt');
  rmSync(timeFile, { force: true });
  const stdout = openSync(stdoutPath, 'w');
  let run;
  try {
    run = spawnSync(GNU_TIME, ['-f', '%e %M', '-o', timeFile, command.command, ...command.args, log.path], {
      env: command.env,
      stdio: ['ignore', stdout, 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    closeSync(stdout);
  }
  // GNU time writes "Command exited with non-zero status N" or "Command terminated by signal N"
  // before the figures when the command did not exit 0.
  const timeLines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
  const [seconds = Number.NaN, maxRssKiB = Number.NaN] = (timeLines.at(-1) ?? '').split(' ').map(Number);
  const signal = /terminated by signal (\d+)/.exec(timeLines.join('\n'))?.[1];
  const failure =
    signal !== undefined
      ? `signal ${signal}`
      : run.status === null || !command.okCodes.includes(run.status)
        ? `exit ${run.status ?? run.signal}`
        : undefined;
  const stderrTail = failure ? run.stderr.toString('utf8').trim().split('\n').slice(-3).join(' / ') : '';
  return { seconds, maxRssKiB, failure: failure && `${failure}${stderrTail ? `: ${stderrTail}` : ''}` };
}

/** Runs `row`'s command once more and notes what its output said. */
function runRow(row: Row, work: string): void {
  if (!row.command.readsOutput) {
    row.runs.push(measure(row.command, row.log, work));
    return;
  }
  const outputPath = join(work, 'output.json');
  const run = measure(row.command, row.log, work, outputPath);
  row.runs.push(run);
  if (run.failure) return;
  const files = (JSON.parse(readFileSync(outputPath, 'utf8')) as { files: { records: number }[] }).files;
  const records = files.reduce((sum, file) => sum + file.records, 0);
  row.note =
    records === row.log.records
      ? `${records.toLocaleString('en-US')} records, as generated`
      : `${records.toLocaleString('en-US')} records, NOT the ${row.log.records.toLocaleString('en-US')} generated`;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const toMiB = (bytes: number): number => bytes / 1024 / 1024;

interface Figures {
  readonly seconds: number;
  readonly mibPerSecond: number;
  readonly maxRssMiB: number;
  readonly failures: readonly string[];
}

function figures(row: Row): Figures {
  const seconds = median(row.runs.map((run) => run.seconds));
  return {
    seconds,
    mibPerSecond: toMiB(row.log.bytes) / seconds,
    maxRssMiB: Math.max(...row.runs.map((run) => run.maxRssKiB)) / 1024,
    failures: row.runs.flatMap((run) => (run.failure ? [run.failure] : [])),
  };
}

function tableRow(row: Row): string {
  const { seconds, mibPerSecond, maxRssMiB, failures } = figures(row);
  const note = failures.length
    ? `FAILED in ${failures.length} of ${row.runs.length} run(s): ${failures[0]}`
    : row.note;
  return `| \`${row.command.name}\` | ${row.log.label} | ${row.runs.length} | ${seconds.toFixed(2)} s | ${mibPerSecond.toFixed(1)} | ${maxRssMiB.toFixed(0)} MiB | ${note} |`;
}

const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');

/** bench/evtx.mjs over the corpus: its report and its speed-up (evtxexport time / ours). */
function corpusBench(): { report: string; speedUp: number | undefined } {
  const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'evtx.mjs'), CORPUS], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = `${run.stdout}${run.stderr}`.trim();
  const speedUp = Number(/speed-up \(evtxexport \/ rdp-doctor\): ([\d.]+)x/.exec(report)?.[1]);
  return { report, speedUp: Number.isFinite(speedUp) ? speedUp : undefined };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const evtxexport = /evtxexport (\S+)/.exec(
    spawnSync('evtxexport', ['-V'], { encoding: 'utf8' }).stdout,
  )?.[1];
  return `${os.availableParallelism()} cores (${cpu}), Node ${process.version}, evtxexport ${evtxexport ?? 'unknown'}`;
}

function main(): number {
  const missing = missingPrerequisite();
  if (missing) {
    console.log(`bench:analyze: skipped: ${missing}`);
    return 0;
  }
  const oneGiB = bigLog(ONE_GIB_CHUNKS, '1 GiB');
  const threeGiB = bigLog(THREE_GIB_CHUNKS, '3 GiB');
  const work = mkdtempSync(join(os.tmpdir(), 'rdp-doctor-bench-analyze-run-'));
  try {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const ourEnv = { ...env, RDP_DOCTOR_CODE_CACHE: join(work, 'code-cache') };
    const analyzeJson: Command = {
      name: 'rdp-doctor analyze --json',
      command: process.execPath,
      args: [CLI, 'analyze', '--json'],
      env: ourEnv,
      okCodes: [0, 1],
      readsOutput: true,
    };
    const analyzeEvents: Command = {
      name: 'rdp-doctor analyze --json --events',
      command: process.execPath,
      args: [CLI, 'analyze', '--json', '--events'],
      env: ourEnv,
      okCodes: [0, 1],
    };
    const evtxexport: Command = {
      name: 'evtxexport -f xml',
      command: 'evtxexport',
      args: ['-f', 'xml'],
      env,
      okCodes: [0],
    };
    // Untimed: writes the code cache, as any run after the first finds it.
    spawnSync(process.execPath, [CLI, 'analyze', '--json', SOURCE], { env: ourEnv, stdio: 'ignore' });

    const newRow = (command: Command, log: BigLog): Row => ({ command, log, runs: [], note: '' });
    const json1 = newRow(analyzeJson, oneGiB);
    const events1 = newRow(analyzeEvents, oneGiB);
    const theirs1 = newRow(evtxexport, oneGiB);
    theirs1.note = 'every record as XML';
    const json3 = newRow(analyzeJson, threeGiB);
    const events3 = newRow(analyzeEvents, threeGiB);
    events1.note = events3.note = 'every record as JSON, findings, timeline';
    const oneGiBRows = [json1, events1, theirs1];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating the order, so no tool always finds the page cache as another left it.
      for (const row of round % 2 === 0 ? oneGiBRows : [...oneGiBRows].reverse()) {
        console.error(`bench: round ${round + 1}/${ROUNDS}: ${row.command.name} (${row.log.label})`);
        runRow(row, work);
      }
    }
    for (const row of [json3, events3]) {
      console.error(`bench: ${row.command.name} (${row.log.label})`);
      runRow(row, work);
    }
    console.error('bench: bench/evtx.mjs (the corpus)');
    const corpus = corpusBench();

    const [fJson1, fEvents1, fTheirs1, fJson3, fEvents3] = [json1, events1, theirs1, json3, events3].map(
      figures,
    ) as [Figures, Figures, Figures, Figures, Figures];
    const worked = (f: Figures) => f.failures.length === 0;
    const ratio = (ours: Figures) => ours.mibPerSecond / fTheirs1.mibPerSecond;
    const rssMet = (f: Figures) => worked(f) && f.maxRssMiB < RSS_TARGET_MIB;
    const lines = [
      `Command: npm run bench:analyze (rounds on 1 GiB: ${ROUNDS}, alternating; 3 GiB once; median wall time, Node start-up included; max RSS from GNU time)`,
      `- machine: ${machine()}`,
      `- logs: ${relative(ROOT, SOURCE)} (${oneGiB.records.toLocaleString('en-US')} records in 1 GiB, ${threeGiB.records.toLocaleString('en-US')} in 3 GiB) repeated by make-big-evtx.py, cached in ${CACHE}`,
      '',
      '| command | log | runs | median wall | MiB/s | max RSS | output |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...[json1, events1, theirs1, json3, events3].map(tableRow),
      '',
      `MiB/s, ours / evtxexport on 1 GiB: --json ${ratio(fJson1).toFixed(1)}x, --json --events ${ratio(fEvents1).toFixed(1)}x.`,
      `Max RSS, 3 GiB / 1 GiB: --json ${fJson3.maxRssMiB.toFixed(0)} / ${fJson1.maxRssMiB.toFixed(0)} MiB, --json --events ${fEvents3.maxRssMiB.toFixed(0)} / ${fEvents1.maxRssMiB.toFixed(0)} MiB.`,
      '',
      'Targets (issue #17):',
      `- max RSS under ${RSS_TARGET_MIB} MiB on 3 GiB, analyze --json (${fJson3.maxRssMiB.toFixed(0)} MiB): ${verdict(rssMet(fJson3))}`,
      `- max RSS under ${RSS_TARGET_MIB} MiB on 3 GiB, analyze --json --events (${fEvents3.maxRssMiB.toFixed(0)} MiB): ${verdict(rssMet(fEvents3))}`,
      `- at least ${THROUGHPUT_TARGET}x evtxexport's MiB/s on 1 GiB, both writing every record (--json --events: ${ratio(fEvents1).toFixed(1)}x): ${verdict(worked(fEvents1) && ratio(fEvents1) >= THROUGHPUT_TARGET)}`,
      `- the corpus in one run at least ${CORPUS_TARGET}x evtxexport (bench/evtx.mjs: ${corpus.speedUp === undefined ? 'not measured' : `${corpus.speedUp.toFixed(2)}x`}): ${verdict(corpus.speedUp !== undefined && corpus.speedUp >= CORPUS_TARGET)}`,
      '',
      'bench/evtx.mjs (the corpus):',
      '',
      ...corpus.report.split('\n').map((line) => `    ${line}`.trimEnd()),
    ];
    console.log(lines.join('\n'));
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
