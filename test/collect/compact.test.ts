/**
 * Run Command's output judged end to end: both collectors run with -Compact on the fake Windows
 * (run-with-fake-machine.ps1 -Batch) for every scenario, their stdout wrapped the way
 * `az vm run-command invoke` returns it, and `analyze` on that gives the state rules' findings
 * the full document gives (event-rule findings excepted: the compact document has no events).
 * Damaged outputs give one line and exit 2. test/evidence/run-command.test.ts covers the reader
 * on inputs built in the test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { analyzeFiles } from '../../src/analysis.js';
import type { CollectDocument } from '../../src/evidence/state/collect-document.js';
import { STATE_RULES } from '../../src/rules/state/index.js';
import { findPwsh, missingPowerShell } from '../helpers/powershell.js';
import { collectorFor, runOnFakeMachines } from '../helpers/fake-machine.js';
import { runCli } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const scenarioDir = join(root, 'test', 'fixtures', 'collect', 'scenarios');
const pwsh = findPwsh();
const skip = missingPowerShell(pwsh);

/** Azure Run Command returns only the last 4,096 bytes of a script's output. */
const RUN_COMMAND_OUTPUT_BYTES = 4096;
const COMPACT_DETAIL = 'left out of the compact output (Run Command returns 4,096 bytes)';

interface Summary {
  readonly schema: string;
  readonly document?: string;
  readonly truncated?: string[];
  readonly [field: string]: unknown;
}

interface CompactRun {
  readonly stdout: string;
  readonly summary: Summary;
  /** The full document the same run wrote (-OutFile). */
  readonly fullPath: string;
}

const work = mkdtempSync(join(tmpdir(), 'rdp-doctor-compact-'));
after(() => rmSync(work, { recursive: true, force: true }));
const scenarioFile = (name: string) => join(scenarioDir, `${name}.json`);
const scenarios = readdirSync(scenarioDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length))
  .sort();

/** Extra machines with more to say than any scenario: the document must shrink to fit. */
function writeLargeMachines(): Record<string, string> {
  const server = JSON.parse(readFileSync(scenarioFile('server-healthy'), 'utf8')) as {
    firewallRules: Record<string, unknown>[];
  };
  // 150 enabled rules naming the RDP port, outside the Remote Desktop group.
  for (let index = 0; index < 150; index++)
    server.firewallRules.push({
      ...server.firewallRules[0],
      name: `Contoso-Jump-Host-Allow-RDP-From-Branch-Office-${index}`,
      displayName: `Jump host RDP ${index}`,
      displayGroup: 'Contoso',
      group: 'Contoso',
    });
  const paths = { 'server-many-rules': join(work, 'server-many-rules.json') };
  writeFileSync(paths['server-many-rules'], JSON.stringify(server));
  return paths;
}

/** Runs every scenario with -Compact in one pwsh (pwsh takes seconds to start). */
async function collectCompact(machines: Record<string, string>): Promise<Map<string, CompactRun>> {
  const outcomes = await runOnFakeMachines(
    pwsh!,
    work,
    Object.fromEntries(
      Object.entries(machines).map(([name, scenario]) => [
        name,
        {
          scenario,
          collector: collectorFor(name),
          arguments: ['-OutFile', join(work, `${name}.json`), '-Compact'],
        },
      ]),
    ),
  );
  const runs = new Map<string, CompactRun>();
  for (const [name, outcome] of outcomes) {
    assert.ok(outcome.ok, `${name}: ${outcome.errors.join('\n')}`);
    runs.set(name, {
      stdout: outcome.stdout,
      summary: JSON.parse(outcome.stdout) as Summary,
      fullPath: join(work, `${name}.json`),
    });
  }
  return runs;
}

/** `az vm run-command invoke`'s JSON around a script's output. */
function azEnvelope(stdout: string, stderr = ''): string {
  const stream = (name: string, message: string) => ({
    code: `ComponentStatus/${name}/succeeded`,
    displayStatus: 'Provisioning succeeded',
    level: 'Info',
    message,
    time: null,
  });
  return JSON.stringify({ value: [stream('StdOut', stdout), stream('StdErr', stderr)] }, null, 2);
}

const embedded = (summary: Summary) =>
  JSON.parse(gunzipSync(Buffer.from(summary.document!, 'base64')).toString('utf8')) as CollectDocument;

const ids = (findings: readonly { id: string }[]) => findings.map((finding) => finding.id).sort();
const STATE_RULE_IDS = new Set(STATE_RULES.map((rule) => rule.meta.id as string));
const envelopeOf = (name: string) => join(work, `${name}.run-command.json`);

describe('-Compact output judged as Run Command returns it', { skip }, () => {
  let runs: Map<string, CompactRun>;
  before(async () => {
    const machines: Record<string, string> = Object.fromEntries(
      scenarios.map((name) => [name, scenarioFile(name)]),
    );
    runs = await collectCompact({ ...machines, ...writeLargeMachines() });
    for (const [name, result] of runs) writeFileSync(envelopeOf(name), azEnvelope(result.stdout));
  });

  test(`every scenario prints one line under ${RUN_COMMAND_OUTPUT_BYTES} bytes carrying the document`, () => {
    let largest = { name: '', bytes: 0 };
    for (const [name, result] of runs) {
      const bytes = Buffer.byteLength(result.stdout, 'utf8');
      assert.ok(bytes < RUN_COMMAND_OUTPUT_BYTES, `${name}: ${bytes} bytes`);
      if (bytes > largest.bytes) largest = { name, bytes };
      assert.equal(result.stdout.trimEnd().split('\n').length, 1, name);
      assert.equal(result.summary.schema, 'rdp-doctor/collect-summary');
      assert.equal(typeof result.summary.document, 'string', `${name}: no document`);
      // Right after the header fields, before the human-readable parts.
      assert.equal(
        Object.keys(result.summary)[Object.keys(result.summary).indexOf('skipped') + 1],
        'document',
      );
    }
    // The largest scenario file is among them, and so is the 150-rule machine.
    assert.ok(runs.has('server-many-rules') && largest.bytes > 3000, JSON.stringify(largest));
  });

  test('the embedded document: the same schema, compact, events left out and named in skipped', () => {
    for (const [name, result] of runs) {
      const document = embedded(result.summary);
      const full = JSON.parse(readFileSync(result.fullPath, 'utf8')) as CollectDocument;
      assert.equal(document.schema, 'rdp-doctor/collect', name);
      assert.equal(document.compact, true, name);
      assert.equal(document.events, null, name);
      assert.deepEqual(
        document.skipped.find((entry) => entry.check === 'events'),
        { check: 'events', reason: 'not-applicable', detail: COMPACT_DETAIL },
        name,
      );
      // What the collector itself skipped is kept, in front of what the compact copy left out.
      assert.deepEqual(document.skipped.slice(0, full.skipped.length), full.skipped, name);
      for (const entry of document.skipped.slice(full.skipped.length + 1)) {
        assert.equal(entry.reason, 'not-applicable', name);
        assert.ok(entry.detail.endsWith(COMPACT_DETAIL), `${name}: ${entry.detail}`);
      }
      assert.deepEqual(document.computer, full.computer, name);
    }
  });

  test("analyze on the az JSON gives the full document's state-rule findings, for every scenario", async () => {
    for (const [name, result] of runs) {
      const compact = await analyzeFiles([envelopeOf(name)]);
      assert.deepEqual(compact.unreadable, [], name);
      assert.deepEqual(
        compact.files.map((file) => [file.kind, file.damaged]),
        [['collect', false]],
        name,
      );
      assert.equal(compact.sources[0]?.compact, true, name);
      // No events, so only the state rules ran on it (none is listed as "not evaluated" either).
      for (const entry of compact.notEvaluated)
        assert.ok(STATE_RULE_IDS.has(entry.id), `${name}: ${entry.id}`);
      // The full document with its events set aside: only the state rules judge it.
      const full = JSON.parse(readFileSync(result.fullPath, 'utf8')) as Record<string, unknown>;
      const stateOnly = join(work, `${name}.state-only.json`);
      writeFileSync(stateOnly, JSON.stringify({ ...full, events: undefined }));
      const fullReport = await analyzeFiles([stateOnly]);
      assert.deepEqual(fullReport.unreadable, [], name);
      assert.deepEqual(ids(compact.findings), ids(fullReport.findings), name);
    }
  });

  test('the scenarios that break something show it through Run Command too', async () => {
    const expected: Record<string, string> = {
      'server-machinekeys-acl-broken': 'machinekeys-acl-broken',
      'server-tls12-disabled': 'tls12-disabled',
      'server-rdp-denied-by-policy': 'rdp-connections-denied',
      'server-firewall-rule-off': 'firewall-blocks-rdp',
      'server-cert-key-missing': 'tls-cert-key-unreadable',
      'client-stale-prt': 'wam-token-stale',
    };
    for (const [scenario, id] of Object.entries(expected)) {
      const report = await analyzeFiles([envelopeOf(scenario)]);
      assert.ok(
        report.findings.some((finding) => finding.id === id),
        `${scenario}: ${ids(report.findings).join(', ')}`,
      );
    }
  });

  test('a machine with too much to say: sections dropped in order, each named; the rule says not evaluated', async () => {
    const result = runs.get('server-many-rules')!;
    const document = embedded(result.summary);
    assert.equal(document.firewall, null);
    const left = document.skipped
      .filter((entry) => entry.detail.endsWith(COMPACT_DETAIL))
      .map((entry) => entry.check);
    // The fixed order of least value, up to the firewall (the one that made it too large); no
    // disabled rule and no binary value to leave out here.
    assert.deepEqual(left, [
      'events',
      'tlsCipherSuites',
      'listeners',
      'certificates:not-bound',
      'azure',
      'firewall',
    ]);
    const report = await analyzeFiles([envelopeOf('server-many-rules')]);
    assert.ok(report.notEvaluated.some((entry) => entry.id === 'firewall-blocks-rdp'));
    assert.equal(
      report.findings.some((finding) => finding.id === 'firewall-blocks-rdp'),
      false,
    );
  });

  test('the CLI: the text report says the source is Run Command output; exit as the findings say', async () => {
    const cli = await runCli(['analyze', envelopeOf('server-machinekeys-acl-broken')]);
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stdout, /-Compact output \(Run Command\): its events were left out/);
    assert.match(cli.stdout, /machinekeys-acl-broken/);
    const healthy = await runCli(['analyze', envelopeOf('server-healthy')]);
    assert.equal(healthy.code, 0, healthy.stdout);
  });

  test('damaged Run Command output: one line, exit 2, no stack trace', async () => {
    const { summary, stdout } = runs.get('server-healthy')!;
    const withDocument = (document: string | undefined) =>
      `${JSON.stringify({ ...summary, document })}\n`.replace(/,"document":null/, '');
    const packed = Buffer.from(summary.document!, 'base64');
    const flipped = Buffer.from(packed);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    const bomb = gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20)).toString('base64');
    const cases: [string, string, RegExp][] = [
      ['cut base64', azEnvelope(withDocument(summary.document!.slice(0, -3))), /not complete base64/],
      ['bad gzip', azEnvelope(withDocument(flipped.toString('base64'))), /not a complete gzip stream/],
      ['a gzip bomb', azEnvelope(withDocument(bomb)), /unpacks to more than 16 MiB: refused/],
      [
        'a summary without document',
        azEnvelope(withDocument(undefined)),
        /summary \(-Compact output\) without an embedded document/,
      ],
      [
        'StdErr instead of the summary',
        azEnvelope('', 'Access is denied.\n'),
        /wrote to StdErr: Access is denied\.$/,
      ],
      ['the summary cut at its start', azEnvelope(stdout.slice(200)), /summary line is cut or damaged/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(work, 'damaged.run-command.json');
      writeFileSync(path, content);
      const cli = await runCli(['analyze', path]);
      assert.equal(cli.code, 2, `${name}: ${cli.stdout}`);
      const lines = cli.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${name}: ${cli.stderr}`);
      assert.match(lines[0]!, message, name);
      assert.doesNotMatch(cli.stderr, /\n\s+at /, name);
    }
  });
});
