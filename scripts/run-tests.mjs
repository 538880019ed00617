#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: test/) with node's test runner and tsx,
// on the Node that runs this script (CI runs it on Node 20 and on Node 24).
// Node 20's --test takes no globs, so the files are listed here.
// It closes with one plain line, e.g. "node24: 812 passed, 0 failed, 3 skipped", taken from the
// runner's own totals; RUN_TESTS_SUMMARY_FILE, when set, names a file that line is appended to.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function collect(path, out) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry === 'fixtures') continue;
    collect(join(path, entry), out);
  }
}

const roots = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const files = [];
for (const root of roots.length ? roots : ['test']) collect(root, files);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

// The spec reporter on every Node (Node 20 would print TAP when stdout is not a terminal, Node 24
// never does), plus one that writes the totals; unless the caller chose reporters of their own.
const ownReporters = passThrough.some((arg) => arg.startsWith('--test-reporter'));
const scratch = ownReporters ? undefined : mkdtempSync(join(tmpdir(), 'rdp-doctor-run-tests-'));
const countsFile = scratch && join(scratch, 'counts.json');
const reporters = countsFile
  ? [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${pathToFileURL(join(import.meta.dirname, 'test-counts-reporter.mjs')).href}`,
      `--test-reporter-destination=${countsFile}`,
    ]
  : [];

const result = spawnSync(
  process.execPath,
  // A test that hangs fails after five minutes instead of holding CI until its own limit.
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    ...reporters,
    ...passThrough,
    ...files,
  ],
  { stdio: 'inherit' },
);
let status = result.status ?? 1;
if (countsFile) {
  let counts;
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    counts = undefined;
  }
  rmSync(scratch, { recursive: true, force: true });
  if (counts && Number.isInteger(counts.passed)) {
    const failed = (counts.failed ?? 0) + (counts.cancelled ?? 0);
    // todo tests cannot fail the run, so they count as skipped.
    const skipped = (counts.skipped ?? 0) + (counts.todo ?? 0);
    const line = `node${process.versions.node.split('.')[0]}: ${counts.passed} passed, ${failed} failed, ${skipped} skipped`;
    console.log(line);
    if (process.env.RUN_TESTS_SUMMARY_FILE) appendFileSync(process.env.RUN_TESTS_SUMMARY_FILE, `${line}\n`);
  } else {
    console.error(`run-tests: the test runner ended without totals (exit ${result.status ?? result.signal})`);
    if (status === 0) status = 1;
  }
}
process.exit(status);
