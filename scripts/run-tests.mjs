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

/**
 * The PowerShell tests (test/collect) run after the others, not beside them: each keeps a pwsh
 * busy on both cores for a minute, which starved the timing-bound probes of real servers.
 */
const isPowerShellHeavy = (file) => /(^|[\\/])test[\\/]collect[\\/]/.test(file);
const phases = [files.filter((file) => !isPowerShellHeavy(file)), files.filter(isPowerShellHeavy)].filter(
  (phase) => phase.length > 0,
);

function runPhase(phaseFiles) {
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
      ...phaseFiles,
    ],
    { stdio: 'inherit' },
  );
  let counts;
  if (countsFile) {
    try {
      counts = JSON.parse(readFileSync(countsFile, 'utf8'));
    } catch {
      counts = undefined;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  return { status: result.status ?? 1, exit: result.status ?? result.signal, counts };
}

let status = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
let totalsComplete = true;
for (const phase of phases) {
  const run = runPhase(phase);
  if (run.status !== 0) status = run.status;
  if (ownReporters) continue;
  if (run.counts && Number.isInteger(run.counts.passed)) {
    totals.passed += run.counts.passed;
    totals.failed += (run.counts.failed ?? 0) + (run.counts.cancelled ?? 0);
    // todo tests cannot fail the run, so they count as skipped.
    totals.skipped += (run.counts.skipped ?? 0) + (run.counts.todo ?? 0);
  } else {
    console.error(`run-tests: the test runner ended without totals (exit ${run.exit})`);
    totalsComplete = false;
    if (status === 0) status = 1;
  }
}
if (!ownReporters && totalsComplete) {
  const line = `node${process.versions.node.split('.')[0]}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  console.log(line);
  if (process.env.RUN_TESTS_SUMMARY_FILE) appendFileSync(process.env.RUN_TESTS_SUMMARY_FILE, `${line}\n`);
}
process.exit(status);
