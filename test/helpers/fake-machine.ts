/**
 * Runs the shipped collectors on fake Windows machines (test/collect/run-with-fake-machine.ps1
 * -Batch): many machines in one pwsh, since pwsh takes seconds to start. Each run's stdout, calls
 * and errors come back by name; the caller reads the documents from the paths it asked for.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { shippedScriptFile } from './shipped-scripts.js';

const runner = join(import.meta.dirname, '..', 'collect', 'run-with-fake-machine.ps1');
const run = promisify(execFile);

export interface FakeMachineRun {
  /** The scenario file describing the machine. */
  readonly scenario: string;
  /** 'collect-server.ps1' or 'collect-client.ps1' (the shipped text is run). */
  readonly collector: string;
  readonly arguments: readonly string[];
}

export interface FakeMachineOutcome {
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly stdout: string;
  /** Every faked call, with whether it changes the machine. */
  readonly calls: readonly { readonly command: string; readonly mutates: boolean }[];
}

/** The shipped collector for a scenario or machine named 'client-...' or 'server-...'. */
export function collectorFor(name: string): string {
  return name.startsWith('client-') ? 'collect-client.ps1' : 'collect-server.ps1';
}

export async function runOnFakeMachines(
  pwsh: string,
  work: string,
  runs: Readonly<Record<string, FakeMachineRun>>,
): Promise<Map<string, FakeMachineOutcome>> {
  const names = Object.keys(runs);
  const items = names.map((name) => ({
    scenario: runs[name]!.scenario,
    script: shippedScriptFile(runs[name]!.collector),
    callsFile: join(work, `${name}.calls.json`),
    outputFile: join(work, `${name}.stdout.txt`),
    arguments: runs[name]!.arguments,
  }));
  const batch = join(work, `batch-${process.hrtime.bigint()}.json`);
  writeFileSync(batch, JSON.stringify(items));
  const { stdout } = await run(pwsh, ['-NoProfile', '-NonInteractive', '-File', runner, '-Batch', batch], {
    encoding: 'utf8',
    timeout: 280_000,
    maxBuffer: 16 << 20,
  });
  const outcomes = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { ok: boolean; errors: string[] });
  assert.equal(outcomes.length, names.length, stdout);
  return new Map(
    names.map((name, index) => [
      name,
      {
        ok: outcomes[index]!.ok,
        errors: outcomes[index]!.errors,
        stdout: readFileSync(items[index]!.outputFile, 'utf8'),
        calls: JSON.parse(readFileSync(items[index]!.callsFile, 'utf8')) as FakeMachineOutcome['calls'],
      },
    ]),
  );
}
