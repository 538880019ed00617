/**
 * Collector, analyzer and fixes as one path, on the fake Windows of test/collect/fake-windows:
 * every scenario is collected by the shipped collector and judged by `analyze` exactly as an admin's
 * file would be; then each fix runs on its broken machine, the machine is collected again, and the
 * finding it fixes is gone (or, where a Group Policy owns the value, stays, and the fix said why).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { analyzeFiles } from '../../src/analysis.js';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';
import { loadEvidence } from '../../src/evidence/load.js';
import { buildStateEvidence } from '../../src/evidence/state/load-state.js';
import { evaluateRules } from '../../src/rules/engine.js';
import { STATE_RULES } from '../../src/rules/state/index.js';
import { findPwsh, missingPowerShell } from '../helpers/powershell.js';
import { collectorFor, runOnFakeMachines } from '../helpers/fake-machine.js';

const root = join(import.meta.dirname, '..', '..');
const fixRunner = join(import.meta.dirname, 'fake-windows', 'invoke-fix.ps1');
const scenarioDir = join(root, 'test', 'fixtures', 'collect', 'scenarios');
const pwsh = findPwsh();
const skip = missingPowerShell(pwsh);
const run = promisify(execFile);

/** What `analyze` says of each scenario's collected document: every error and warning, by id. */
const VERDICTS: Readonly<Record<string, readonly string[]>> = {
  'server-healthy': [],
  'server-2012r2': [],
  'server-azure': [],
  'server-not-elevated': [],
  // The logged 36870s and the broken ACL are one cause: the state's finding, the log's evidence.
  'server-machinekeys-acl-broken': ['machinekeys-acl-broken'],
  'server-cert-key-missing': ['tls-cert-key-unreadable'],
  'server-tls12-disabled': ['tls12-disabled'],
  'server-rdp-denied-by-policy': ['rdp-connections-denied'],
  'server-firewall-rule-off': ['firewall-blocks-rdp'],
  'server-termservice-stopped': ['termservice-stopped'],
  'server-port-mismatch': ['listener-port-mismatch'],
  'server-licensing-expired': ['licensing-grace-expired'],
  'server-logon-right-missing': ['logon-right-missing'],
  'server-cipher-order-restrictive': ['cipher-suite-order-restrictive'],
  'server-max-outstanding-low': ['max-outstanding-connections-low'],
  'client-healthy': [],
  'client-stale-prt': ['wam-token-stale', 'client-disconnects'],
  'client-tls12-disabled': ['tls12-disabled', 'client-disconnects'],
};

interface FixCase {
  readonly scenario: string;
  readonly fix: string;
  readonly arguments?: Readonly<Record<string, string>>;
  /** The state finding the fix clears. */
  readonly clears: string;
  /** A Group Policy owns the value: the fix changes nothing and says so. */
  readonly policyOwned?: RegExp;
}

const FIXES: readonly FixCase[] = [
  {
    scenario: 'server-machinekeys-acl-broken',
    fix: 'repair-machinekeys-acl',
    clears: 'machinekeys-acl-broken',
  },
  {
    scenario: 'server-cert-key-missing',
    fix: 'regenerate-rdp-certificate',
    clears: 'tls-cert-key-unreadable',
  },
  {
    scenario: 'server-tls12-disabled',
    fix: 'enable-tls12',
    arguments: { Side: 'Server' },
    clears: 'tls12-disabled',
  },
  { scenario: 'server-firewall-rule-off', fix: 'enable-rdp-firewall-rules', clears: 'firewall-blocks-rdp' },
  { scenario: 'server-termservice-stopped', fix: 'start-rdp-services', clears: 'termservice-stopped' },
  { scenario: 'server-port-mismatch', fix: 'allow-listener-port', clears: 'listener-port-mismatch' },
  { scenario: 'server-logon-right-missing', fix: 'grant-remote-logon-right', clears: 'logon-right-missing' },
  {
    scenario: 'server-cipher-order-restrictive',
    fix: 'restore-cipher-suite-order',
    clears: 'cipher-suite-order-restrictive',
  },
  {
    scenario: 'server-max-outstanding-low',
    fix: 'raise-max-outstanding-connections',
    clears: 'max-outstanding-connections-low',
  },
  {
    scenario: 'client-tls12-disabled',
    fix: 'enable-tls12',
    arguments: { Side: 'Client' },
    clears: 'tls12-disabled',
  },
  { scenario: 'client-stale-prt', fix: 'refresh-cloud-sign-in', clears: 'wam-token-stale' },
  {
    scenario: 'server-rdp-denied-by-policy',
    fix: 'allow-rdp-connections',
    clears: 'rdp-connections-denied',
    policyOwned: /polic/i,
  },
];

const work = mkdtempSync(join(tmpdir(), 'rdp-doctor-e2e-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Collects every (name, scenario file) in one pwsh; returns the document paths by name. */
async function collect(machines: readonly (readonly [string, string])[]): Promise<Map<string, string>> {
  const outcomes = await runOnFakeMachines(
    pwsh!,
    work,
    Object.fromEntries(
      machines.map(([name, scenario]) => [
        name,
        { scenario, collector: collectorFor(name), arguments: ['-OutFile', join(work, `${name}.json`)] },
      ]),
    ),
  );
  for (const [name, outcome] of outcomes) assert.ok(outcome.ok, `${name}: ${outcome.errors.join('\n')}`);
  return new Map(machines.map(([name]) => [name, join(work, `${name}.json`)]));
}

/** The state rules' findings on one document (the event rules judge the log history, not the state). */
async function stateFindings(path: string): Promise<string[]> {
  const loaded = await loadEvidence(path);
  assert.ok(loaded.state, `${path} is no state source`);
  return evaluateRules(STATE_RULES, buildStateEvidence([loaded.state])).findings.map((finding) => finding.id);
}

describe('collector -> analyze -> fix -> collector', { skip }, () => {
  let documents = new Map<string, string>();
  before(async () => {
    documents = await collect(
      Object.keys(VERDICTS).map((name) => [name, join(scenarioDir, `${name}.json`)] as const),
    );
  });

  test('analyze names exactly the broken thing of each scenario, from the collected document', async () => {
    const seen: Record<string, string[]> = {};
    for (const name of Object.keys(VERDICTS)) {
      const report = await analyzeFiles([documents.get(name)!]);
      assert.deepEqual(report.unreadable, []);
      seen[name] = [
        ...new Set(
          report.findings.filter((finding) => finding.severity !== 'info').map((finding) => finding.id),
        ),
      ].sort();
    }
    const wanted = Object.fromEntries(Object.entries(VERDICTS).map(([name, ids]) => [name, [...ids].sort()]));
    assert.deepEqual(seen, wanted);
  });

  test('each fix, run on its broken machine, clears its finding when collected again', async () => {
    const jobs = FIXES.map((fixCase, index) => {
      const script = join(work, `${fixCase.fix}-${index}.ps1`);
      writeFileSync(script, COLLECT_SCRIPTS[`fixes/${fixCase.fix}.ps1`]!);
      return {
        id: `${fixCase.scenario}/${fixCase.fix}`,
        scenario: join(scenarioDir, `${fixCase.scenario}.json`),
        script,
        mode: 'Apply',
        arguments: fixCase.arguments ?? {},
        workDirectory: join(work, `fix-${index}`),
      };
    });
    const jobsPath = join(work, 'fix-jobs.json');
    const resultPath = join(work, 'fix-results.json');
    writeFileSync(jobsPath, JSON.stringify(jobs));
    await run(
      pwsh!,
      ['-NoProfile', '-NonInteractive', '-File', fixRunner, '-JobsPath', jobsPath, '-ResultPath', resultPath],
      {
        encoding: 'utf8',
        timeout: 280_000,
        maxBuffer: 16 << 20,
      },
    );
    const results = JSON.parse(readFileSync(resultPath, 'utf8')) as {
      id: string;
      phases: { name: string; output: string[]; error: string | null; state: unknown }[];
    }[];
    // The machine as the fix left it becomes a scenario of its own, collected like the others.
    const fixed = FIXES.map((fixCase, index) => {
      const apply = results[index]!.phases.find((phase) => phase.name === 'apply')!;
      assert.equal(apply.error, null, `${results[index]!.id}: ${apply.error}`);
      const path = join(work, `fixed-${index}.scenario.json`);
      writeFileSync(path, JSON.stringify(apply.state));
      return [`${fixCase.scenario.split('-')[0]}-fixed-${index}`, path, apply.output.join('\n')] as const;
    });
    const recollected = await collect(fixed.map(([name, path]) => [name, path] as const));
    for (const [index, fixCase] of FIXES.entries()) {
      const [name, , output] = fixed[index]!;
      const before = await stateFindings(documents.get(fixCase.scenario)!);
      const afterFix = await stateFindings(recollected.get(name)!);
      assert.ok(
        before.includes(fixCase.clears),
        `${fixCase.scenario} lacks ${fixCase.clears} before the fix`,
      );
      if (fixCase.policyOwned) {
        assert.ok(afterFix.includes(fixCase.clears), `${fixCase.fix} changed a policy-owned value`);
        assert.match(output, fixCase.policyOwned);
      } else {
        assert.ok(
          !afterFix.includes(fixCase.clears),
          `${fixCase.fix} left ${fixCase.clears} on ${fixCase.scenario}:\n${output}`,
        );
        assert.match(output, /Undo:|Nothing to undo/);
      }
      // A fix adds no new problem of its own.
      assert.deepEqual(
        afterFix.filter((id) => !before.includes(id)),
        [],
        `${fixCase.fix} on ${fixCase.scenario} introduced findings`,
      );
    }
  });
});
