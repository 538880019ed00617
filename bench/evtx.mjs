#!/usr/bin/env node
// Parse throughput: `rdp-doctor analyze --json --events` (built dist/ CLI, Node start-up included)
// against Debian's `evtxexport` over the same .evtx files: the whole corpus in one run of each,
// median of RUNS alternating runs. Run `npm run build` first. Usage: node bench/evtx.mjs [DIR] [RUNS]
//
// What each tool does, so the comparison stays fair: both read every record of every file and
// write every record's content to stdout (sent to /dev/null here).
// - rdp-doctor decodes each record's Binary XML in full, reduces it to its fields (event id,
//   provider, channel, time, record id, computer, EventData/UserData), runs the event rules and
//   the timeline, and prints one JSON document holding all of it.
// - evtxexport (libevtx) writes each record as XML (-f xml), one process per file as it takes
//   one file per run; a shell loop runs them all in one measured command.
// Both run without NODE_EXTRA_CA_CERTS (Node parses that bundle before any script, ~30 ms; see
// bench/run.ts), and rdp-doctor with its code cache in a directory of this run, warmed by the
// untimed first run, as on any machine after the first analysis.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const corpus = process.argv[2] ?? join(process.cwd(), '../shared/corpus/evtx');
const RUNS = Number(process.argv[3] ?? 5);
const cli = join(process.cwd(), 'dist/bin/rdp-doctor.js');
if (!existsSync(cli)) {
  console.log(`bench: skipped: ${cli} not found; run npm run build first`);
  process.exit(0);
}
if (!existsSync(corpus)) {
  console.log(`bench: skipped: no corpus at ${corpus}`);
  process.exit(0);
}
const files = readdirSync(corpus)
  .filter((name) => name.endsWith('.evtx'))
  .sort()
  .map((name) => join(corpus, name));
if (files.length === 0) {
  console.log(`bench: skipped: no .evtx files in ${corpus}`);
  process.exit(0);
}
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
const codeCache = mkdtempSync(join(tmpdir(), 'rdp-doctor-bench-evtx-'));
process.on('exit', () => rmSync(codeCache, { recursive: true, force: true }));
const env = { ...process.env, RDP_DOCTOR_CODE_CACHE: codeCache };
delete env.NODE_EXTRA_CA_CERTS;

const oursArgs = [cli, 'analyze', '--json', '--events', ...files];
const evtxexportScript = 'for f in "$@"; do evtxexport -f xml "$f" >/dev/null 2>&1; done';
const hasEvtxexport = spawnSync('sh', ['-c', 'command -v evtxexport'], { stdio: 'ignore' }).status === 0;

/** One untimed run of ours: the record count, and a check that it worked (exit 0 or 1). */
function oursRecords() {
  const result = spawnSync(process.execPath, oursArgs, { maxBuffer: 1 << 30, encoding: 'utf8', env });
  if (result.status !== 0 && result.status !== 1) {
    console.log(`bench: rdp-doctor exited ${result.status}: ${result.stderr.trim()}`);
    process.exit(0);
  }
  return JSON.parse(result.stdout).files.reduce((sum, file) => sum + file.records, 0);
}

/** One untimed run of evtxexport: how many records it exported as XML. */
function evtxexportRecords() {
  let records = 0;
  for (const file of files) {
    const result = spawnSync('evtxexport', ['-f', 'xml', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
    records += (result.stdout.match(/<Event[\s>]/g) ?? []).length;
  }
  return records;
}

function timeRun(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'ignore'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const ourRecordCount = oursRecords();
const theirRecordCount = hasEvtxexport ? evtxexportRecords() : undefined;
const ours = [];
const theirs = [];
for (let run = 0; run < RUNS; run++) {
  ours.push(timeRun(process.execPath, oursArgs));
  if (hasEvtxexport) theirs.push(timeRun('sh', ['-c', evtxexportScript, 'sh', ...files]));
}
const oursMs = median(ours);
const theirsMs = hasEvtxexport ? median(theirs) : undefined;
const mib = bytes / 1024 / 1024;
const shownCorpus = relative(process.cwd(), corpus) || '.';

const rows = [
  ['tool', 'files', 'records', 'median ms', 'MiB/s', 'output'],
  [
    'rdp-doctor',
    String(files.length),
    String(ourRecordCount),
    oursMs.toFixed(0),
    (mib / (oursMs / 1000)).toFixed(1),
    'one JSON document: findings, timeline, every record',
  ],
];
if (theirsMs !== undefined)
  rows.push([
    'evtxexport',
    String(files.length),
    String(theirRecordCount),
    theirsMs.toFixed(0),
    (mib / (theirsMs / 1000)).toFixed(1),
    'every record as XML, one process per file',
  ]);
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
const line = (row) =>
  row
    .map((cell, column) =>
      column === 0 || column === 5 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
    )
    .join('  ')
    .trimEnd();

console.log(
  `EVTX parse throughput: ${files.length} files, ${mib.toFixed(1)} MiB, median of ${RUNS} alternating runs`,
);
console.log('');
for (const row of rows) console.log(line(row));
console.log('');
if (theirsMs === undefined) {
  console.log('evtxexport: not installed (Debian/Ubuntu: apt-get install libevtx-utils); comparison skipped');
} else {
  console.log(
    `speed-up (evtxexport / rdp-doctor): ${(theirsMs / oursMs).toFixed(2)}x (target >= 3x, aim 5x)`,
  );
}
console.log('');
console.log('commands:');
console.log(
  `  rdp-doctor: node dist/bin/rdp-doctor.js analyze --json --events ${shownCorpus}/*.evtx > /dev/null`,
);
if (theirsMs !== undefined)
  console.log(`  evtxexport: for f in ${shownCorpus}/*.evtx; do evtxexport -f xml "$f"; done > /dev/null`);
console.log(
  '  produced by: node bench/evtx.mjs' +
    (process.argv[2] ? ` ${process.argv[2]}` : '') +
    (process.argv[3] ? ` ${process.argv[3]}` : ''),
);
