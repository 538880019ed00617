/**
 * `diagnose --evidence` on lab servers: the probe's view from outside and the collector's document
 * from inside become one confirmed cause when they agree, and stay apart when the document is shown
 * to come from another machine. The documents are written by the shipped collector on the fake
 * Windows of test/collect (pwsh), as an admin's would be.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DiagnoseDocument } from '../../src/report/diagnose-json.js';
import type { CorroboratedFinding } from '../../src/rules/corroboration.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';
import { findPwsh, missingPowerShell } from '../helpers/powershell.js';
import { runOnFakeMachines } from '../helpers/fake-machine.js';
import { addressAllocator, type RunningServer, serverTracker, startLab } from '../testbed/index.js';

const root = join(import.meta.dirname, '..', '..');
const scenarioDir = join(root, 'test', 'fixtures', 'collect', 'scenarios');
const pwsh = findPwsh();
const skip = missingPowerShell(pwsh);
const track = serverTracker();
const work = mkdtempSync(join(tmpdir(), 'rdp-doctor-evidence-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Collects the server scenarios with the shipped collector, in one pwsh. */
async function collectServers(names: readonly string[]): Promise<Map<string, string>> {
  const outcomes = await runOnFakeMachines(
    pwsh!,
    work,
    Object.fromEntries(
      names.map((name) => [
        name,
        {
          scenario: join(scenarioDir, `${name}.json`),
          collector: 'collect-server.ps1',
          arguments: ['-OutFile', join(work, `${name}.json`)],
        },
      ]),
    ),
  );
  for (const [name, outcome] of outcomes) assert.ok(outcome.ok, `${name}: ${outcome.errors.join('\n')}`);
  return new Map(names.map((name) => [name, join(work, `${name}.json`)]));
}

async function diagnoseWith(server: RunningServer, evidence: readonly string[]) {
  const target = `${server.host}:${server.port}`;
  const flags = evidence.flatMap((file) => ['--evidence', file]);
  const json = await runCli(['diagnose', target, '--json', '--quick', ...flags]);
  const text = await runCli(['diagnose', target, '--quick', ...flags]);
  return {
    code: json.code,
    stderr: json.stderr,
    document: JSON.parse(json.stdout) as DiagnoseDocument,
    text: text.stdout,
  };
}

describe('diagnose --evidence', { skip }, () => {
  let documents = new Map<string, string>();
  before(async () => {
    documents = await collectServers([
      'server-machinekeys-acl-broken',
      'server-healthy',
      'server-firewall-rule-off',
    ]);
  });

  it('joins a TLS abort seen from outside and broken MachineKeys read inside into one confirmed cause', async () => {
    const lab = await track(startLab('tls-handshake-aborted', await addressAllocator.next()));
    const probeOnly = await diagnoseWith(lab, []);
    assert.ok(probeOnly.document.findings.some((finding) => finding.id === 'tls-handshake-aborted'));

    const joined = await diagnoseWith(lab, [documents.get('server-machinekeys-acl-broken')!]);
    assert.equal(joined.code, 1, joined.stderr);
    const findings = joined.document.findings as readonly CorroboratedFinding[];
    // One finding for the cause, none left over for the symptom.
    assert.equal(findings.filter((finding) => finding.id === 'tls-handshake-aborted').length, 0);
    const root = findings.find((finding) => finding.confirmation?.symptom === 'tls-handshake-aborted');
    assert.ok(root, JSON.stringify(findings.map((finding) => finding.id)));
    assert.equal(root.id, 'machinekeys-acl-broken');
    assert.equal(root.origin, 'both');
    assert.equal(root.severity, 'error');
    // Both sides' evidence: the probe's TLS stage and the collector's MachineKeys section.
    assert.ok(root.evidence.some((item) => item.source === 'tls'));
    assert.ok(root.evidence.some((item) => /machineKeys/.test(item.source ?? '')));
    assert.equal(root.fixes[0]?.script?.asset, 'fixes/repair-machinekeys-acl.ps1');
    assert.match(
      joined.document.verdict,
      /^Connections fail at the TLS step with 0x904: the MachineKeys folder.* \(confirmed from inside: machinekeys-acl-broken, tls-cert-key-unreadable\)\.$/,
    );
    assert.equal(
      joined.document.evidence?.confirmed,
      findings.filter((finding) => finding.origin === 'both').length,
    );
    // A loopback address and no certificate served: nothing ties the document to the host.
    assert.equal(joined.document.evidence?.machine.match, 'unknown');
    assert.match(
      joined.text,
      /confirmed: the probe saw .*\[tls-handshake-aborted\]; machinekeys-acl-broken read from/,
    );
    assert.match(joined.text, /script: rdp-doctor fix repair-machinekeys-acl/);
  });

  it('ties the document to the server by the certificate it presented', async () => {
    const lab = await track(startLab('healthy-tls', await addressAllocator.next()));
    const probe = await diagnoseWith(lab, []);
    const served = (probe.document.server.tls as { certificate?: { sha1Thumbprint: string } }).certificate;
    assert.ok(served?.sha1Thumbprint);
    // The healthy server's document, with its listener bound to the certificate the lab serves.
    const document = JSON.parse(readFileSync(documents.get('server-healthy')!, 'utf8')) as {
      certificates: { boundToListener: boolean; thumbprint: string }[];
    };
    for (const certificate of document.certificates)
      if (certificate.boundToListener) certificate.thumbprint = served.sha1Thumbprint;
    const same = join(work, 'same-machine.json');
    writeFileSync(same, JSON.stringify(document));
    const joined = await diagnoseWith(lab, [same]);
    assert.equal(joined.document.evidence?.machine.match, 'same');
    assert.match(joined.document.evidence!.machine.detail, new RegExp(served.sha1Thumbprint));
    assert.equal(joined.code, probe.code);
  });

  it("keeps another machine's problems out of the verdict and the exit code", async () => {
    const lab = await track(startLab('healthy-tls', await addressAllocator.next()));
    const probe = await diagnoseWith(lab, []);
    const other = await diagnoseWith(lab, [documents.get('server-firewall-rule-off')!]);
    assert.equal(other.document.evidence?.machine.match, 'different');
    assert.equal(other.code, probe.code);
    assert.deepEqual(
      other.document.findings.map((finding) => finding.id),
      probe.document.findings.map((finding) => finding.id),
    );
    assert.ok(
      other.document.evidence?.otherMachineFindings?.some((finding) => finding.id === 'firewall-blocks-rdp'),
    );
    assert.match(other.text, /another machine: not joined with the probe/);
  });
});

describe('diagnose --evidence with bad input', () => {
  it('an unreadable evidence file is one line and exit 2, before any probe', async () => {
    const bad = join(work, 'not-evidence.reg');
    writeFileSync(bad, 'this is no registry export\n');
    const started = Date.now();
    // Port 9 on a documentation address: were the probe to run, it would wait for its timeout.
    const result = await runCli(['diagnose', '192.0.2.1:9', '--timeout', '30000', '--evidence', bad]);
    assert.ok(isOneLineUsageError(result), JSON.stringify(result));
    assert.ok(Date.now() - started < 20_000);
  });
});
