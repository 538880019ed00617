/**
 * The collector's -Compact output as admins save it (the collector's stdout, `az vm run-command
 * invoke`'s JSON, Invoke-AzVMRunCommand | ConvertTo-Json): the embedded document is unpacked and
 * judged; the summary's own fields are not; damaged inputs give one line and exit 2. The inputs
 * are built here (gzip by node:zlib); test/collect/compact.test.ts feeds the real collectors' output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeFiles } from '../../src/analysis.js';
import { EvidenceFileError, loadEvidence } from '../../src/evidence/load.js';
import { MAX_EMBEDDED_DOCUMENT_BYTES, runCommandStreams } from '../../src/evidence/state/read-run-command.js';
import { runCli } from '../helpers/cli.js';

const DOCUMENT_PATH = new URL(
  '../fixtures/collect/bundle/rdp-doctor-server-SRV01-20260101120000.json',
  import.meta.url,
).pathname;

/** The reduced document the collector embeds: events null and named in `skipped`, compact: true. */
function compactDocument(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const full = JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Record<string, unknown>;
  return {
    ...full,
    skipped: [
      ...(full.skipped as unknown[]),
      {
        check: 'events',
        reason: 'not-applicable',
        detail: 'left out of the compact output (Run Command returns 4,096 bytes)',
      },
    ],
    events: null,
    compact: true,
    ...changes,
  };
}

const pack = (document: unknown) => gzipSync(JSON.stringify(document)).toString('base64');

/** A summary line as the collector prints it; `rdp` here says "denied", the document does not. */
function summaryLine(fields: Record<string, unknown> = { document: pack(compactDocument()) }): string {
  return JSON.stringify({
    schema: 'rdp-doctor/collect-summary',
    role: 'server',
    computer: 'SRV01',
    os: 'Microsoft Windows Server 2022 Datacenter 10.0.20348',
    elevated: true,
    collectedAt: '2026-01-01T12:00:00.0000000Z',
    file: 'C:\\Windows\\Temp\\rdp-doctor-server-SRV01-20260101120000.json',
    skipped: ['tlsCipherSuites:cmdlet-missing'],
    ...fields,
    rdp: { fDenyTSConnections: 1, PortNumber: 3389 },
  });
}

/** `az vm run-command invoke` (JSON output): one status per stream. */
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

/** `Invoke-AzVMRunCommand ... | ConvertTo-Json`: RunCommandResult, PascalCase, the level as a number. */
function azPowerShellEnvelope(stdout: string): string {
  return JSON.stringify({
    Name: null,
    StartTime: '2026-01-01T12:00:00Z',
    EndTime: '2026-01-01T12:00:09Z',
    Status: 'Succeeded',
    Error: null,
    Value: [
      {
        Code: 'ComponentStatus/StdOut/succeeded',
        Level: 0,
        DisplayStatus: 'Provisioning succeeded',
        Message: stdout,
        Time: null,
      },
      {
        Code: 'ComponentStatus/StdErr/succeeded',
        Level: 0,
        DisplayStatus: 'Provisioning succeeded',
        Message: '',
        Time: null,
      },
    ],
  });
}

let scratch: string | undefined;
function scratchFile(name: string, content: string | Uint8Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'rdp-doctor-run-command-'));
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** PowerShell 5.1's `>` writes UTF-16LE with a BOM. */
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('compact output: the embedded document is read', () => {
  const inputs: [string, string, string | Uint8Array][] = [
    [
      'az vm run-command invoke JSON',
      'run-command.json',
      azEnvelope(`WARNING: a line first\n${summaryLine()}\n`),
    ],
    [
      'Invoke-AzVMRunCommand | ConvertTo-Json',
      'run-command-ps.json',
      azPowerShellEnvelope(`${summaryLine()}\r\n`),
    ],
    ['the summary line alone', 'summary.json', `${summaryLine()}\n`],
    [
      'the collector stdout saved by Windows PowerShell',
      'collect-output.txt',
      utf16(`notice\r\n${summaryLine()}\r\n`),
    ],
  ];
  for (const [name, file, content] of inputs)
    it(`${name}: a collector source with the document's registry, no events`, async () => {
      const loaded = await loadEvidence(scratchFile(file, content));
      assert.deepEqual(
        loaded.files.map((entry) => [entry.kind, entry.records, entry.damaged]),
        [['collect', 0, false]],
      );
      assert.equal(loaded.events.length, 0);
      assert.equal(loaded.state?.document?.compact, true);
      assert.equal(loaded.state?.source.role, 'server');
      assert.equal(loaded.state?.registry.length, 4);
    });

  it("judges the document, not the summary's own fields (its rdp says denied, the registry does not)", async () => {
    const denied = compactDocument();
    const registry = denied.registry as { key: string; values: { name: string; value: unknown }[] }[];
    const report = await analyzeFiles([scratchFile('allowed.json', azEnvelope(summaryLine()))]);
    assert.deepEqual(report.unreadable, []);
    assert.equal(
      report.findings.some((finding) => finding.id === 'rdp-connections-denied'),
      false,
    );
    // The same document with fDenyTSConnections = 1 does give the finding.
    registry[0]!.values = registry[0]!.values.map((value) =>
      value.name === 'fDenyTSConnections' ? { ...value, value: 1 } : value,
    );
    const deniedReport = await analyzeFiles([
      scratchFile('denied.json', azEnvelope(summaryLine({ document: pack(denied) }))),
    ]);
    assert.ok(deniedReport.findings.some((finding) => finding.id === 'rdp-connections-denied'));
    assert.equal(deniedReport.sources[0]?.compact, true);
  });

  it('the text report says it came from Run Command output and that events were left out', async () => {
    const run = await runCli(['analyze', scratchFile('text.json', azEnvelope(summaryLine()))]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /-Compact output \(Run Command\): its events were left out/);
    assert.match(
      run.stdout,
      /skipped by the collector: events \(not-applicable: left out of the compact output/,
    );
  });

  it('Run Command streams: StdOut and StdErr by code, any case; other JSON is not one', () => {
    assert.deepEqual(runCommandStreams(JSON.parse(azEnvelope('out', 'err'))), {
      stdout: 'out',
      stderr: 'err',
    });
    assert.deepEqual(runCommandStreams(JSON.parse(azPowerShellEnvelope('out'))), {
      stdout: 'out',
      stderr: '',
    });
    assert.equal(runCommandStreams({ value: [{ code: 'ProvisioningState/succeeded' }] }), undefined);
    assert.equal(runCommandStreams({ schema: 'rdp-doctor/collect' }), undefined);
    assert.equal(runCommandStreams([]), undefined);
  });
});

describe('compact output: damaged inputs give one line and exit 2', () => {
  const document = pack(compactDocument());
  const packedBytes = Buffer.from(document, 'base64');
  const flipped = Buffer.from(packedBytes);
  flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
  const bomb = gzipSync(Buffer.alloc(MAX_EMBEDDED_DOCUMENT_BYTES + 1024, 0x20)).toString('base64');
  const summary = summaryLine();
  const cases: [string, string, RegExp][] = [
    [
      'base64 cut mid-quad',
      azEnvelope(summaryLine({ document: document.slice(0, -5) })),
      /not complete base64/,
    ],
    [
      'base64 cut on a quad (gzip stream cut)',
      azEnvelope(summaryLine({ document: document.slice(0, Math.floor(document.length / 8) * 4) })),
      /not a complete gzip stream/,
    ],
    [
      'bad gzip (a byte flipped)',
      azEnvelope(summaryLine({ document: flipped.toString('base64') })),
      /not a complete gzip stream/,
    ],
    [
      'not gzip at all',
      azEnvelope(summaryLine({ document: Buffer.from('{"schema":1}').toString('base64') })),
      /not gzip data/,
    ],
    ['a gzip bomb', azEnvelope(summaryLine({ document: bomb })), /unpacks to more than 16 MiB: refused/],
    [
      'a summary without document',
      azEnvelope(summaryLine({})),
      /without an embedded document: give the full document/,
    ],
    [
      'a summary whose collector left the document out',
      summaryLine({ documentLeftOut: 'too large for the compact output even reduced' }),
      /without an embedded document \(too large for the compact output even reduced\)/,
    ],
    [
      'StdErr only',
      azEnvelope('', 'At line:1 char:1\n+ & { ... }\nParameterBindingException'),
      /wrote to StdErr: At line:1 char:1$/,
    ],
    ['the summary line cut at its front', azEnvelope(summary.slice(40)), /summary line is cut or damaged/],
    [
      'no summary at all',
      azEnvelope('hello\n'),
      /no collector summary line .* run the collector with -Compact/,
    ],
    [
      'an embedded document of another schema',
      azEnvelope(summaryLine({ document: pack({ schema: 'rdp-doctor/other' }) })),
      /embedded document is not a collector document/,
    ],
    [
      'an embedded document from a newer collector',
      azEnvelope(summaryLine({ document: pack(compactDocument({ schemaVersion: 2 })) })),
      /schemaVersion 2 is newer/,
    ],
  ];
  for (const [name, content, message] of cases)
    it(name, async () => {
      const run = await runCli(['analyze', scratchFile('damaged.json', content)]);
      assert.equal(run.code, 2, run.stdout);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, /^rdp-doctor: .*damaged\.json: /);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

  it('a .txt without a summary line is refused with the reason', async () => {
    await assert.rejects(
      loadEvidence(scratchFile('notes.txt', 'just some notes\n')),
      (error: unknown) =>
        error instanceof EvidenceFileError && /run the collector with -Compact/.test(error.message),
    );
  });

  it('the embedded base64 cut anywhere: read whole or refused with EvidenceFileError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: document.length - 1 }), async (cut) => {
        const path = scratchFile('cut.json', azEnvelope(summaryLine({ document: document.slice(0, cut) })));
        try {
          await loadEvidence(path);
          assert.fail(`a document cut at ${cut} of ${document.length} was read`);
        } catch (error) {
          assert.ok(error instanceof EvidenceFileError, String(error));
          assert.equal(error.code, 'not-collect');
        }
      }),
      { numRuns: 60 },
    );
  });
});
