/**
 * The collectors (src/collect/collect-server.ps1, collect-client.ps1) run under pwsh on every
 * scenario of test/fixtures/collect/scenarios, on the fake Windows of test/collect/fake-windows
 * (run-with-fake-machine.ps1): the document they write is one the reader accepts without damage,
 * the scenario's broken thing shows in the field that carries it, checks that cannot run are
 * skipped with the reason, -Compact fits Azure Run Command's 4,096 bytes, -ExportEvents writes the
 * zip layout, and no faked call changes the machine. The Pester suite (collector.Tests.ps1) covers
 * single failure paths with Pester's Mock.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type {
  CollectDocument,
  CollectedAcl,
  CollectedCertificate,
  CollectedRegistryKey,
} from '../../src/evidence/state/collect-document.js';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';
import { readCollectDocument } from '../../src/evidence/state/read-collect.js';
import { extractZip } from '../../src/evidence/zip.js';
import { findPwsh, missingPowerShell, PESTER_MANIFEST } from '../helpers/powershell.js';
import { collectorFor, runOnFakeMachines } from '../helpers/fake-machine.js';
import { shippedScriptFile } from '../helpers/shipped-scripts.js';

const root = join(import.meta.dirname, '..', '..');
const runner = join(import.meta.dirname, 'run-with-fake-machine.ps1');
const scenarioDir = join(root, 'test', 'fixtures', 'collect', 'scenarios');
const collectorOf = (scenario: string) =>
  shippedScriptFile(scenario.startsWith('client-') ? 'collect-client.ps1' : 'collect-server.ps1');
const pwsh = findPwsh();
const skip = missingPowerShell(pwsh);
const run = promisify(execFile);

/** Azure Run Command returns only the last 4,096 bytes of a script's output. */
const RUN_COMMAND_OUTPUT_BYTES = 4096;

const TOP_LEVEL_FIELDS = new Set([
  'schema',
  'schemaVersion',
  'role',
  'collector',
  'collectedAt',
  'computer',
  'skipped',
  'registry',
  'certificates',
  'machineKeys',
  'tlsCipherSuites',
  'services',
  'firewall',
  'listeners',
  'logonRights',
  'licensing',
  'azure',
  'dsregStatus',
  'clientApps',
  'events',
  'eventDays',
  'exportedLogs',
]);
const SERVER_ONLY = [
  'certificates',
  'machineKeys',
  'tlsCipherSuites',
  'services',
  'firewall',
  'listeners',
  'logonRights',
  'licensing',
  'azure',
];
const CLIENT_ONLY = ['dsregStatus', 'clientApps'];

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outFile: string;
  readonly text: string;
  readonly document: CollectDocument;
  readonly calls: { command: string; mutates: boolean }[];
}

const work = mkdtempSync(join(tmpdir(), 'rdp-doctor-collector-'));
const scenarios = readdirSync(scenarioDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length))
  .sort();

async function collect(scenario: string, scenarioPath: string, extra: string[] = [], tag = ''): Promise<Run> {
  const outFile = join(work, `${scenario}${tag}.json`);
  const callsFile = join(work, `${scenario}${tag}.calls.json`);
  const args = ['-NoProfile', '-NonInteractive', '-File', runner, '-Scenario', scenarioPath];
  args.push('-Script', collectorOf(scenario), '-CallsFile', callsFile, '-OutFile', outFile, ...extra);
  let status = 0;
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await run(pwsh!, args, {
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 16 << 20,
    }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    status = typeof failed.code === 'number' ? failed.code : 1;
    stdout = failed.stdout ?? '';
    stderr = failed.stderr ?? String(error);
  }
  assert.equal(status, 0, `${scenario}: pwsh exited ${status}\n${stdout}\n${stderr}`);
  const text = readFileSync(outFile, 'utf8');
  const calls = JSON.parse(readFileSync(callsFile, 'utf8')) as Run['calls'];
  return { status, stdout, stderr, outFile, text, document: JSON.parse(text) as CollectDocument, calls };
}

/** Runs every scenario in one pwsh (run-with-fake-machine.ps1 -Batch): pwsh takes seconds to start. */
async function collectAll(names: readonly string[]): Promise<Map<string, Run>> {
  const outcomes = await runOnFakeMachines(
    pwsh!,
    work,
    Object.fromEntries(
      names.map((scenario) => [
        scenario,
        {
          scenario: join(scenarioDir, `${scenario}.json`),
          collector: collectorFor(scenario),
          arguments: ['-OutFile', join(work, `${scenario}.json`)],
        },
      ]),
    ),
  );
  const runs = new Map<string, Run>();
  for (const [scenario, outcome] of outcomes) {
    const outFile = join(work, `${scenario}.json`);
    const text = readFileSync(outFile, 'utf8');
    runs.set(scenario, {
      status: outcome.ok ? 0 : 1,
      stdout: outcome.stdout,
      stderr: outcome.errors.join('\n'),
      outFile,
      text,
      document: JSON.parse(text) as CollectDocument,
      calls: outcome.calls as Run['calls'],
    });
  }
  return runs;
}

// --- reading the documents ---------------------------------------------------------------------

function key(document: CollectDocument, suffix: string): CollectedRegistryKey {
  const found = document.registry.find((record) => record.key.toLowerCase().endsWith(suffix.toLowerCase()));
  assert.ok(found, `registry has no key ending in ${suffix}`);
  return found;
}

function value(document: CollectDocument, suffix: string, name: string) {
  return key(document, suffix).values.find((entry) => entry.name === name)?.value;
}

function boundCertificate(document: CollectDocument): CollectedCertificate {
  const bound = (document.certificates ?? []).filter((certificate) => certificate.boundToListener);
  assert.equal(bound.length, 1, "exactly one certificate is the listener's");
  return bound[0]!;
}

/** Whether an ACL lets this SID read (an Allow entry for it or for a group every account is in). */
function grantsRead(acl: CollectedAcl, sid: string): boolean {
  const everyone = ['S-1-1-0', 'S-1-5-11', 'S-1-5-32-545'];
  return acl.access.some(
    (ace) =>
      ace.type === 'Allow' &&
      (ace.sid === sid || everyone.includes(ace.sid ?? '')) &&
      /FullControl|Read|Modify/.test(ace.rights),
  );
}

function skippedFor(document: CollectDocument, check: string) {
  return document.skipped.filter((entry) => entry.check === check).map((entry) => entry.reason);
}

const NETWORK_SERVICE = 'S-1-5-20';
const TS = 'Control\\Terminal Server';
const RDP_TCP = 'WinStations\\RDP-Tcp';
const POLICY = 'Policies\\Microsoft\\Windows NT\\Terminal Services';
const PROTOCOLS = 'SCHANNEL\\Protocols';

/** What each scenario's document must show; a scenario without an entry fails the suite. */
const EXPECTED: Record<string, (document: CollectDocument, text: string) => void> = {
  'server-healthy': (document) => {
    assert.deepEqual(document.skipped, []);
    const certificate = boundCertificate(document);
    assert.equal(certificate.store, 'Remote Desktop');
    assert.equal(certificate.privateKeyReadable, true);
    assert.match(certificate.keyFile ?? '', /^f686aace6942fb7f7ceb231212eef4a4_/);
    assert.ok(certificate.keyFileAcl && grantsRead(certificate.keyFileAcl, NETWORK_SERVICE));
    assert.ok(grantsRead(document.machineKeys!, NETWORK_SERVICE), 'Everyone can read MachineKeys');
    assert.equal(value(document, TS, 'fDenyTSConnections'), 0);
    assert.equal(value(document, RDP_TCP, 'UserAuthentication'), 1);
    assert.ok(document.firewall!.rules.every((rule) => rule.enabled));
    assert.ok(document.services!.every((service) => service.status === 'Running'));
    assert.ok(
      document.listeners!.some(
        (listener) => listener.services.includes('TermService') && listener.port === 3389,
      ),
    );
    assert.ok(document.logonRights!.SeRemoteInteractiveLogonRight.includes('*S-1-5-32-555'));
    assert.deepEqual(document.logonRights!.remoteDesktopUsers, ['CONTOSO\\helpdesk', 'CONTOSO\\RDS Users']);
    assert.equal(document.tlsCipherSuites!.length, 25);
    assert.equal(document.azure!.isAzureVm, false);
    assert.equal(key(document, 'TLS 1.2\\Server').exists, false);
    assert.equal(document.events!.length, 2);
  },
  'server-machinekeys-acl-broken': (document) => {
    assert.equal(
      grantsRead(document.machineKeys!, NETWORK_SERVICE),
      false,
      'MachineKeys lacks read for NETWORK SERVICE',
    );
    const certificate = boundCertificate(document);
    assert.equal(grantsRead(certificate.keyFileAcl!, NETWORK_SERVICE), false, 'the key file lacks it too');
    const schannel = document.events!.filter(
      (event) => event.provider === 'Schannel' && event.eventId === 36870,
    );
    assert.equal(schannel.length, 40);
    assert.equal(schannel[0]!.data.ErrorCode, '0x8009030d');
  },
  'server-cert-key-missing': (document) => {
    const certificate = boundCertificate(document);
    assert.equal(certificate.hasPrivateKey, false);
    assert.equal(certificate.privateKeyReadable, false);
    assert.equal(certificate.keyFile, null);
    assert.equal(certificate.keyFileAcl, null);
  },
  'server-tls12-disabled': (document) => {
    assert.equal(key(document, `${PROTOCOLS}\\TLS 1.2\\Server`).exists, true);
    assert.equal(value(document, `${PROTOCOLS}\\TLS 1.2\\Server`, 'Enabled'), 0);
    assert.equal(value(document, `${PROTOCOLS}\\TLS 1.2\\Server`, 'DisabledByDefault'), 1);
    assert.equal(value(document, `${PROTOCOLS}\\TLS 1.2\\Client`, 'Enabled'), 1);
  },
  'server-rdp-denied-by-policy': (document) => {
    assert.equal(value(document, POLICY, 'fDenyTSConnections'), 1);
    assert.equal(value(document, TS, 'fDenyTSConnections'), 0);
  },
  'server-firewall-rule-off': (document) => {
    const rule = document.firewall!.rules.find((entry) => entry.name === 'RemoteDesktop-UserMode-In-TCP');
    assert.ok(rule);
    assert.equal(rule.enabled, false);
    assert.equal(rule.group, '@FirewallAPI.dll,-28752');
    assert.deepEqual(rule.localPorts, ['3389']);
  },
  'server-termservice-stopped': (document) => {
    assert.deepEqual(
      document.services!.find((service) => service.name === 'TermService'),
      {
        name: 'TermService',
        status: 'Stopped',
        startType: 'Disabled',
      },
    );
    assert.deepEqual(document.listeners, []);
  },
  'server-port-mismatch': (document) => {
    assert.equal(value(document, RDP_TCP, 'PortNumber'), 3390);
    assert.ok(document.listeners!.every((listener) => listener.port === 3390));
    const ports = document.firewall!.rules.flatMap((rule) => rule.localPorts);
    assert.equal(ports.includes('3390'), false);
  },
  'server-licensing-expired': (document) => {
    assert.deepEqual(document.licensing, {
      sessionHostInstalled: true,
      licensingType: 5,
      licensingName: 'Not configured',
      graceDaysLeft: 0,
      licenseServers: [],
    });
  },
  'server-logon-right-missing': (document) => {
    assert.deepEqual(document.logonRights!.SeRemoteInteractiveLogonRight, ['*S-1-5-32-544']);
    assert.deepEqual(document.logonRights!.SeDenyRemoteInteractiveLogonRight, ['*S-1-5-32-546']);
  },
  'server-cipher-order-restrictive': (document) => {
    const functions = value(
      document,
      'Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002',
      'Functions',
    );
    assert.equal(typeof functions, 'string');
    assert.equal((functions as string).includes('_RSA_'), false);
    assert.equal(document.tlsCipherSuites!.length, 4);
  },
  'server-not-elevated': (document) => {
    assert.equal(document.computer.elevated, false);
    assert.deepEqual(skippedFor(document, 'logonRights'), ['not-elevated']);
    assert.deepEqual(skippedFor(document, 'licensing'), ['not-elevated']);
    assert.deepEqual(skippedFor(document, 'certificates.privateKeyReadable'), ['not-elevated']);
    assert.equal(document.logonRights, null);
    assert.equal(document.licensing, null);
    assert.ok(document.certificates!.every((certificate) => certificate.privateKeyReadable === null));
    // What a user may read is still read.
    assert.ok(document.machineKeys);
    assert.ok(document.firewall);
  },
  'server-2012r2': (document) => {
    assert.equal(document.computer.osVersion, '6.3.9600');
    assert.equal(document.tlsCipherSuites, null);
    assert.deepEqual(skippedFor(document, 'tlsCipherSuites'), ['cmdlet-missing']);
    assert.equal(document.logonRights!.remoteDesktopUsers, null);
    assert.deepEqual(skippedFor(document, 'logonRights.remoteDesktopUsers'), ['cmdlet-missing']);
  },
  'server-azure': (document) => {
    assert.deepEqual(document.azure, {
      isAzureVm: true,
      vmId: '5e1f6a2c-8d3b-4f7e-9a1c-2b4d6e8f0a13',
      location: 'westeurope',
      resourceGroup: 'rg-rds',
      vmName: 'vm-rds01',
    });
    assert.equal(document.firewall!.profiles.find((profile) => profile.active)?.name, 'Public');
  },
  'server-max-outstanding-low': (document) => {
    assert.equal(value(document, TS, 'MaxOutstandingConnections'), 2);
  },
  'client-healthy': (document, text) => {
    assert.equal(document.dsregStatus!.AzureAdPrt, 'YES');
    assert.equal(document.dsregStatus!.AzureAdJoined, 'YES');
    assert.deepEqual(
      document.clientApps!.map((app) => `${app.name} ${app.version}`),
      ['mstsc 10.0.22621.3527', 'windows-app 2.0.327.0'],
    );
    // Servers\<name>: the names only; the user names and certificate hashes stay on the machine.
    const servers = document.registry.filter((record) =>
      record.key.includes('Terminal Server Client\\Servers\\'),
    );
    assert.deepEqual(
      servers.map((record) => record.values.length),
      [0, 0],
    );
    assert.equal(text.includes('UsernameHint'), false);
    assert.equal(value(document, 'Terminal Server Client\\Default', 'MRU0'), 'rds01.contoso.com');
    assert.ok(document.events!.some((event) => event.eventId === 1026 && event.data.Value === '1'));
  },
  'client-stale-prt': (document) => {
    assert.equal(document.dsregStatus!.AzureAdPrt, 'NO');
    // The scenario's clock moves with the test's (eventsRelativeTo): renewed 34 days before "now".
    const renewed = Date.parse(
      document.dsregStatus!.AzureAdPrtUpdateTime!.replace(' UTC', 'Z').replace(' ', 'T'),
    );
    const age = Date.parse(document.collectedAt) - renewed;
    assert.ok(
      Math.abs(age - (34 * 86_400_000 + 4 * 3_600_000 + 47 * 60_000 + 20_000)) < 120_000,
      `${age} ms`,
    );
    assert.equal(document.dsregStatus!['Server Error Code'], 'invalid_grant');
    const disconnects = document.events!.filter((event) => event.eventId === 1026);
    assert.deepEqual([...new Set(disconnects.map((event) => event.data.Value))], ['2308']);
    assert.equal(disconnects.length, 6);
  },
  'client-tls12-disabled': (document) => {
    assert.equal(value(document, `${PROTOCOLS}\\TLS 1.2\\Client`, 'Enabled'), 0);
  },
};

describe('collectors on the fake Windows scenarios', { skip }, () => {
  let runs = new Map<string, Run>();

  before(async () => {
    runs = await collectAll(scenarios);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('every scenario has expectations, and every expectation a scenario', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), scenarios);
    for (const required of [
      'server-healthy',
      'server-machinekeys-acl-broken',
      'server-cert-key-missing',
      'server-tls12-disabled',
      'server-rdp-denied-by-policy',
      'server-firewall-rule-off',
      'client-healthy',
      'client-stale-prt',
    ])
      assert.ok(scenarios.includes(required), `missing scenario ${required}`);
  });

  for (const scenario of scenarios) {
    test(`${scenario}: a valid document, under StrictMode, changing nothing`, () => {
      const result = runs.get(scenario)!;
      assert.equal(result.status, 0, result.stderr);
      // Set-StrictMode -Version Latest and $ErrorActionPreference = 'Stop' hold (runner and script):
      // any error would be on stderr or end the run.
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /wrote .+\.json/);
      const read = readCollectDocument(result.text, result.outFile);
      assert.deepEqual(read.damage, [], 'the reader drops nothing');
      const document = result.document;
      assert.equal(document.role, scenario.startsWith('client-') ? 'client' : 'server');
      assert.equal(document.collector.version, 'dev');
      for (const field of Object.keys(document))
        assert.ok(TOP_LEVEL_FIELDS.has(field), `unknown field ${field}`);
      for (const field of document.role === 'server' ? CLIENT_ONLY : SERVER_ONLY)
        assert.equal(field in document, false, `${field} belongs to the other role`);
      for (const record of document.registry) {
        assert.match(record.key, /^HKEY_(LOCAL_MACHINE|CURRENT_USER)\\[^\\]/);
        assert.equal(record.key.endsWith('\\'), false);
        if (!record.exists) assert.deepEqual(record.values, []);
      }
      const scenarioFile = JSON.parse(readFileSync(join(scenarioDir, `${scenario}.json`), 'utf8')) as {
        computer: { name: string };
      };
      assert.equal(document.computer.name, scenarioFile.computer.name);
      const changed = result.calls.filter((call) => call.mutates);
      assert.deepEqual(changed, [], 'no faked call changes the machine');
      assert.ok(result.calls.length > 10, 'the collector read through the fakes');
      EXPECTED[scenario]!(document, result.text);
    });
  }

  test('no secret leaves the machine: no private key, no hash, no saved password', () => {
    for (const [scenario, result] of runs) {
      assert.doesNotMatch(result.text, /BEGIN (RSA )?PRIVATE KEY|PRIVATE KEY-----/, scenario);
      assert.doesNotMatch(result.text, /UsernameHint|Password\s*=/i, scenario);
    }
  });

  test(`-Compact prints one JSON line under ${RUN_COMMAND_OUTPUT_BYTES} bytes on the largest scenarios`, async () => {
    const bySize = (names: string[]) =>
      names.sort(
        (a, b) =>
          statSync(join(scenarioDir, `${b}.json`)).size - statSync(join(scenarioDir, `${a}.json`)).size,
      )[0]!;
    const largest = [
      bySize(scenarios.filter((name) => name.startsWith('server-'))),
      bySize(scenarios.filter((name) => name.startsWith('client-'))),
    ];
    for (const scenario of largest) {
      const result = await collect(scenario, join(scenarioDir, `${scenario}.json`), ['-Compact'], '.compact');
      const bytes = Buffer.byteLength(result.stdout, 'utf8');
      assert.ok(bytes < RUN_COMMAND_OUTPUT_BYTES, `${scenario}: ${bytes} bytes`);
      const lines = result.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      const summary = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.equal(summary.schema, 'rdp-doctor/collect-summary');
      assert.equal(summary.file, result.outFile);
      // The embedded document comes first (test/collect/compact.test.ts reads it); each
      // human-readable part that did not fit after it is named in `truncated`.
      assert.equal(typeof summary.document, 'string');
      for (const part of (summary.truncated ?? []) as string[]) assert.equal(part in summary, false, part);
      // The full document is still written.
      assert.equal(result.document.schema, 'rdp-doctor/collect');
    }
    const broken = (
      await collect(
        'server-machinekeys-acl-broken',
        join(scenarioDir, 'server-machinekeys-acl-broken.json'),
        ['-Compact'],
        '.compact',
      )
    ).stdout;
    const summary = JSON.parse(broken) as {
      machineKeys?: string[];
      eventCounts?: Record<string, number>;
      truncated?: string[];
    };
    // Either shown as the collector read them, or named as left out: never something else.
    if (summary.machineKeys)
      assert.deepEqual(summary.machineKeys, [
        'Allow BUILTIN\\Administrators: FullControl',
        'Allow NT AUTHORITY\\SYSTEM: FullControl',
      ]);
    else assert.ok(summary.truncated?.includes('machineKeys'));
    if (summary.eventCounts) assert.equal(summary.eventCounts['Schannel 36870'], 40);
    else assert.ok(summary.truncated?.includes('eventCounts'));
  });

  test('-Compact leaves out whole sections, and names them, when a machine has too much to say', async () => {
    // A server with 150 inbound rules on the RDP port: the summary must still fit.
    const scenario = JSON.parse(readFileSync(join(scenarioDir, 'server-healthy.json'), 'utf8')) as {
      firewallRules: Record<string, unknown>[];
    };
    for (let index = 0; index < 150; index++)
      scenario.firewallRules.push({
        ...scenario.firewallRules[0],
        name: `Contoso-Jump-Host-Allow-RDP-From-Branch-Office-${index}`,
        displayName: `Jump host RDP ${index}`,
        displayGroup: 'Contoso',
        group: 'Contoso',
      });
    const path = join(work, 'server-many-rules.json');
    writeFileSync(path, JSON.stringify(scenario));
    const result = await collect('server-many-rules', path, ['-Compact'], '.compact');
    const bytes = Buffer.byteLength(result.stdout, 'utf8');
    assert.ok(bytes < RUN_COMMAND_OUTPUT_BYTES, `${bytes} bytes`);
    const summary = JSON.parse(result.stdout) as { truncated?: string[]; document?: string };
    assert.ok(summary.truncated?.includes('firewallRules'));
    assert.equal(typeof summary.document, 'string', 'the embedded document still fits, reduced');
    assert.equal(result.document.firewall!.rules.length, 153, 'the file has them all');
  });

  test('-ExportEvents writes <name>.zip beside the JSON: the JSON at its root, the logs under logs/', async () => {
    for (const [scenario, expectedLogs, skippedLogs] of [
      [
        'server-healthy',
        [
          'System',
          'Security',
          'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational',
          'Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational',
          'Microsoft-Windows-TerminalServices-LocalSessionManager-Operational',
        ],
        [],
      ],
      [
        'client-healthy',
        [
          'System',
          'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational',
          'Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational',
          'Microsoft-Windows-TerminalServices-RDPClient-Operational',
        ],
        ['exportedLogs:Security'],
      ],
    ] as const) {
      const result = await collect(
        scenario,
        join(scenarioDir, `${scenario}.json`),
        ['-ExportEvents', '-EventDays', '3'],
        '.export',
      );
      const zip = result.outFile.replace(/\.json$/, '.zip');
      assert.match(result.stdout, new RegExp(`wrote ${zip.replace(/[.\\/]/g, '\\$&')}`));
      const names = expectedLogs.map((log) => `${log}.evtx`);
      assert.deepEqual(result.document.exportedLogs, names);
      assert.equal(result.document.eventDays, 3);
      assert.deepEqual(
        result.document.skipped.map((entry) => entry.check),
        [...skippedLogs],
        scenario,
      );
      const extracted = await extractZip(zip, () => true, mkdtempSync(join(work, 'zip-')));
      const jsonName = `${scenario}.export.json`;
      assert.deepEqual(
        extracted.extracted.map((entry) => entry.name).sort(),
        [jsonName, ...names.map((name) => `logs/${name}`)].sort(),
      );
      const inside = extracted.extracted.find((entry) => entry.name === jsonName)!;
      assert.equal(readFileSync(inside.file, 'utf8'), result.text, 'the zip holds the same document');
      const system = extracted.extracted.find((entry) => entry.name === 'logs/System.evtx')!;
      assert.equal(readFileSync(system.file).subarray(0, 7).toString('latin1'), 'ElfFile');
    }
  });

  test('the Run Command form (the script as a script block, arguments after it) runs as the file does', async () => {
    // docs/collect.md: --scripts "& { $(cat collect-server.ps1) } -Compact", because Run Command
    // hands --parameters over as strings and a switch takes none.
    const wrapper = join(work, 'run-command-form.ps1');
    const script = readFileSync(collectorOf('server-azure'), 'utf8');
    const outFile = join(work, 'run-command-form.json');
    writeFileSync(wrapper, `& { ${script} } -Compact -EventDays 2 -OutFile '${outFile}'\n`);
    const { stdout, stderr } = await run(
      pwsh!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-File',
        runner,
        '-Scenario',
        join(scenarioDir, 'server-azure.json'),
        '-Script',
        wrapper,
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    assert.equal(stderr, '');
    const summary = JSON.parse(stdout) as { schema: string; document: string };
    assert.equal(summary.schema, 'rdp-doctor/collect-summary');
    const embedded = JSON.parse(
      gunzipSync(Buffer.from(summary.document, 'base64')).toString('utf8'),
    ) as CollectDocument;
    assert.equal(embedded.azure?.isAzureVm, true);
    assert.equal(embedded.azure?.vmName, 'vm-rds01');
    assert.equal((JSON.parse(readFileSync(outFile, 'utf8')) as CollectDocument).eventDays, 2);
  });

  test('each shipped collector has the one version line the CLI stamps, and StrictMode at the top', () => {
    for (const name of ['collect-server.ps1', 'collect-client.ps1']) {
      const text = COLLECT_SCRIPTS[name]!;
      assert.equal(text.match(/^\$CollectorVersion = 'dev'$/gm)?.length, 1, name);
      assert.match(
        text,
        /^param\([\s\S]*?\n\)\nSet-StrictMode -Version Latest\n\$ErrorActionPreference = 'Stop'\n/m,
        name,
      );
      assert.equal(text.charCodeAt(0) === 0xfeff, false, `${name} has no BOM`);
    }
  });

  test('the Pester suite (collector.Tests.ps1) passes', () => {
    const result = spawnSync(
      pwsh!,
      [
        '-NoProfile',
        '-NonInteractive',
        '-File',
        join(root, 'test', 'toolchain', 'fixtures', 'invoke-pester.ps1'),
        '-PesterManifest',
        PESTER_MANIFEST,
        join(import.meta.dirname, 'collector.Tests.ps1'),
      ],
      {
        encoding: 'utf8',
        timeout: 300_000,
        // The suite runs the collector users get, not the src file with its #include line.
        env: { ...process.env, RDP_DOCTOR_SHIPPED_COLLECTOR: shippedScriptFile('collect-server.ps1') },
      },
    );
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const counts = JSON.parse(result.stdout.trim()) as {
      result: string;
      passed: number;
      failed: number;
      failedTests: string[];
    };
    assert.deepEqual(
      { result: counts.result, failed: counts.failed, failedTests: counts.failedTests },
      { result: 'Passed', failed: 0, failedTests: [] },
    );
    assert.equal(counts.passed, 6);
  });
});
