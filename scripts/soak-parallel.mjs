#!/usr/bin/env node
// Issue #13's soak: rounds of parallel long-timeout `diagnose` runs against one slow lab server
// (the `drip` scenario by default), each run checked to end in a report or a one-line error,
// never in an empty exit. Uses the built bin (npm run build first). Loopback only, bounded in
// rounds and in time; every child is stopped at the end.
//
//   node scripts/soak-parallel.mjs [--rounds 30] [--parallel 3] [--timeout 8000]
//       [--scenario drip] [--listen 127.0.13.1:3389] [--bin dist/bin/rdp-doctor.js] [--json]
//
// Exit 0 when every run passed, 1 when one did not, 2 on bad arguments.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const LIMITS = { rounds: [1, 100], parallel: [1, 8], timeout: [100, 60_000] };
/** A run still going after this many step timeouts (plus start-up) is counted as hung and stopped. */
const HUNG_AFTER_STEPS = 8;
const START_UP_MS = 15_000;

function usage(message) {
  process.stderr.write(`soak-parallel: ${message}\n`);
  process.exit(2);
}

function parseArguments(argv) {
  const options = {
    rounds: 30,
    parallel: 3,
    timeout: 8000,
    scenario: 'drip',
    listen: '127.0.13.1:3389',
    bin: join(root, 'dist', 'bin', 'rdp-doctor.js'),
    json: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const name = argv[index];
    if (name === '--json') {
      options.json = true;
      continue;
    }
    const key = name?.startsWith('--') ? name.slice(2) : undefined;
    if (!key || !(key in options) || key === 'json') usage(`unknown argument '${name}'`);
    const value = argv[++index];
    if (value === undefined) usage(`${name} needs a value`);
    if (key in LIMITS) {
      const number = Number(value);
      const [low, high] = LIMITS[key];
      if (!Number.isInteger(number) || number < low || number > high)
        usage(`${name} must be an integer from ${low} to ${high}, not '${value}'`);
      options[key] = number;
    } else {
      options[key] = value;
    }
  }
  // INVARIANT: loopback only: this sends traffic to the address it is given.
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/.test(options.listen))
    usage(`--listen must be a loopback IPv4 address with a port (127.x.y.z:PORT), not '${options.listen}'`);
  if (!existsSync(options.bin)) usage(`${options.bin} is missing: run npm run build`);
  return options;
}

/** Runs the bin; resolves with how it ended. Stopped (and counted as hung) after `limitMs`. */
function runBin(bin, args, limitMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/** What a run must end in: a report (exit 0/1) or exactly one line on stderr (exit 2/3). */
export function judgeRun(run) {
  if (run.hung) return 'hung: stopped after its time limit';
  if (run.signal) return `killed by ${run.signal}`;
  const stderrLines = run.stderr.trimEnd() === '' ? [] : run.stderr.trimEnd().split('\n');
  if (run.code === 0 || run.code === 1) {
    if (!/^Verdict: /m.test(run.stdout))
      return `exit ${run.code} without a report (${run.stdout.length} bytes on stdout)`;
    if (stderrLines.length > 0) return `exit ${run.code} with stderr: ${stderrLines[0]}`;
    return undefined;
  }
  if (run.code === 2 || run.code === 3) {
    if (stderrLines.length !== 1 || !stderrLines[0].startsWith('rdp-doctor: '))
      return `exit ${run.code} without a one-line error (${stderrLines.length} lines)`;
    return undefined;
  }
  return `exit ${run.code}`;
}

function startLab(options) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [options.bin, 'lab', options.scenario, '--listen', options.listen],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the lab did not start within 15 s: ${output.split('\n')[0]}`));
    }, 15_000);
    const onData = (chunk) => {
      output += chunk;
      if (/listening on /.test(output)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab exited (${code}): ${output.trim().split('\n')[0]}`));
    });
  });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  let lab;
  try {
    lab = await startLab(options);
  } catch (error) {
    process.stderr.write(`soak-parallel: ${error.message}\n`);
    process.exit(1);
  }
  lab.removeAllListeners('close');
  const limitMs = HUNG_AFTER_STEPS * options.timeout + START_UP_MS;
  const rounds = [];
  const log = (text) => {
    if (!options.json) process.stdout.write(text);
  };
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const args = ['diagnose', options.listen, '-t', String(options.timeout)];
      const runs = await Promise.all(
        Array.from({ length: options.parallel }, () => runBin(options.bin, args, limitMs)),
      );
      const judged = runs.map((run) => ({ code: run.code, ms: run.ms, problem: judgeRun(run) }));
      rounds.push(judged);
      log(
        `round ${round}/${options.rounds}: ${judged
          .map((run) => (run.problem ? `FAIL (${run.problem})` : `exit ${run.code} in ${run.ms} ms`))
          .join(', ')}\n`,
      );
    }
  } finally {
    lab.kill('SIGTERM');
  }
  const all = rounds.flat();
  const failed = all.filter((run) => run.problem);
  const summary = {
    scenario: options.scenario,
    timeoutMs: options.timeout,
    rounds: rounds.length,
    runs: all.length,
    passed: all.length - failed.length,
    failed: failed.length,
    slowestMs: Math.max(...all.map((run) => run.ms)),
    problems: failed.map((run) => run.problem),
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else
    log(
      `${summary.runs} runs (${summary.rounds} rounds of ${options.parallel}, -t ${options.timeout}, scenario ${options.scenario}): ` +
        `${summary.passed} passed, ${summary.failed} failed; slowest ${summary.slowestMs} ms\n`,
    );
  process.exitCode = failed.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
