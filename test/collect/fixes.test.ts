/**
 * Every shipped fix script (SCRIPTED_FIXES, src/collect/fixes/*.ps1) run under pwsh on a fake
 * Windows machine (test/collect/fake-windows): it parses; -WhatIf changes nothing and writes no
 * backup; a real run backs up before its first change, changes what it should, and prints undo
 * commands that parse and, where the fakes implement them, put the machine back as it was; a
 * second run changes nothing. Where a Group Policy sets the value, the fix changes nothing. The
 * Azure Run Command form of each server fix is valid bash.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { onAzure, SCRIPTED_FIXES } from '../../src/collect/fix-catalog.js';
import type { Fix } from '../../src/rules/types.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';
import { DEFAULT_MACHINE_KEYS_ACL } from '../helpers/state.js';

const root = join(import.meta.dirname, '..', '..');
const runner = join(import.meta.dirname, 'fake-windows', 'invoke-fix.ps1');
const scenarios = join(root, 'test', 'fixtures', 'collect', 'fix-scenarios');
const pwsh = findPwsh();
const skip = pwsh ? false : 'needs pwsh (scripts/install-powershell.sh installs it into ~/.dotnet/tools)';

// --- the fake machine's state, as Save-FakeMachine writes it -----------------------------------

interface RegistryEntry {
  readonly type: string;
  readonly value: unknown;
}
interface Ace {
  readonly identity: string;
  readonly sid?: string;
  readonly rights: string;
  readonly type: string;
  readonly inherited: boolean;
}
interface Machine {
  readonly registry: Record<string, Record<string, RegistryEntry>>;
  readonly acls?: Record<string, { owner: string; access: Ace[] }>;
  readonly certificates?: {
    store: string;
    thumbprint: string;
    subject: string;
    issuer: string;
    notAfter: string;
    hasPrivateKey: boolean;
  }[];
  readonly services?: { name: string; status: string; startType: string }[];
  readonly firewallRules?: {
    name: string;
    group: string;
    enabled: boolean;
    direction: string;
    action: string;
    protocol: string;
    localPorts: string[];
  }[];
  readonly userRights?: Record<string, string[]>;
  readonly dsregcmd?: string;
}
interface Call {
  readonly command: string;
  readonly mutates: boolean;
  readonly arguments: Record<string, unknown>;
}
interface Phase {
  readonly name: 'whatif' | 'apply' | 'again' | 'undo';
  readonly output: string[];
  readonly error: string | null;
  readonly calls: Call[];
  readonly state: Machine;
  readonly skipped?: string[];
}
interface JobResult {
  readonly id: string;
  readonly original: Machine;
  readonly phases: Phase[];
}

const TS = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
const RDP_TCP = `${TS}\\WinStations\\RDP-Tcp`;
const TLS12 =
  'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2';
const CIPHER_POLICY =
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002';
const CREDSSP =
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters';
const MACHINE_KEYS = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys';
const RDP_KEY_FILE = `${MACHINE_KEYS}\\f686aace6942fb7f7ceb231212eef4a4_6b3f1c2e-0d4a-4c7e-9a51-2f7c8e9d0a11`;
const RDP_FIREWALL_GROUP = '@FirewallAPI.dll,-28752';

function value(machine: Machine, key: string, name: string): unknown {
  return machine.registry[key]?.[name]?.value;
}

/** How a fix backs up: a faked call that writes the backup, or a JSON file the script writes itself. */
type Backup =
  | { readonly call: (call: Call) => boolean }
  | { readonly json: string; readonly holdsOldState: (backup: unknown) => void }
  | { readonly none: string };

const regExport: Backup = { call: (call) => call.command === 'reg' && call.arguments.verb === 'export' };

interface FixCase {
  readonly scenario: string;
  readonly arguments?: Record<string, unknown>;
  readonly backup: Backup;
  /** The change the fix is for, seen in the state after it ran. */
  readonly changed: (after: Machine, before: Machine, apply: Phase) => void;
  /** Every undo line runs on the fakes and the machine ends as it began. */
  readonly undoRestores: boolean;
}

const CASES: Record<string, FixCase> = {
  'fixes/repair-machinekeys-acl.ps1': {
    scenario: 'server-broken.json',
    backup: { call: (call) => call.command === 'icacls' && call.arguments.verb === 'save' },
    changed: (after) => {
      // Windows' default, as the state rules' tests describe it.
      assert.deepEqual(after.acls?.[MACHINE_KEYS]?.access, DEFAULT_MACHINE_KEYS_ACL.access);
      const keyFile = after.acls?.[RDP_KEY_FILE]?.access ?? [];
      assert.ok(
        keyFile.some((ace) => ace.sid === 'S-1-5-20' && ace.type === 'Allow' && ace.rights.includes('Read')),
      );
      assert.ok(keyFile.some((ace) => ace.sid === 'S-1-5-18' && ace.rights === 'FullControl'));
      assert.deepEqual(
        keyFile.filter((ace) => ace.type === 'Deny'),
        [],
      );
    },
    undoRestores: true,
  },
  'fixes/regenerate-rdp-certificate.ps1': {
    scenario: 'server-cert-expired.json',
    backup: { call: (call) => call.command === 'Export-Certificate' },
    changed: (after, before, apply) => {
      const selfSigned = (machine: Machine) =>
        (machine.certificates ?? []).filter(
          (cert) => cert.store === 'Remote Desktop' && cert.subject === cert.issuer,
        );
      const [old] = selfSigned(before);
      const fresh = selfSigned(after);
      assert.equal(fresh.length, 1);
      assert.notEqual(fresh[0]!.thumbprint, old!.thumbprint);
      assert.ok(fresh[0]!.hasPrivateKey);
      assert.ok(Date.parse(fresh[0]!.notAfter) > Date.now());
      // The CA certificate in My is not the listener's and stays.
      assert.ok(after.certificates?.some((cert) => cert.store === 'My'));
      const restarted = apply.calls
        .filter((call) => call.command === 'Restart-Service')
        .map((call) => call.arguments.name);
      assert.deepEqual(restarted, ['SessionEnv', 'TermService']);
    },
    // Import-Certificate and certutil are not faked: the lines are parsed only.
    undoRestores: false,
  },
  'fixes/raise-max-outstanding-connections.ps1': {
    scenario: 'server-broken.json',
    arguments: { Value: 3000 },
    backup: regExport,
    changed: (after, _before, apply) => {
      assert.equal(value(after, TS, 'MaxOutstandingConnections'), 3000);
      assert.ok(apply.output.some((line) => /flood of connection attempts/.test(line)));
    },
    undoRestores: true,
  },
  'fixes/enable-tls12.ps1': {
    scenario: 'server-broken.json',
    arguments: { Side: 'Both' },
    backup: regExport,
    changed: (after) => {
      for (const side of ['Server', 'Client']) {
        assert.equal(value(after, `${TLS12}\\${side}`, 'Enabled'), 1, side);
        assert.equal(value(after, `${TLS12}\\${side}`, 'DisabledByDefault'), 0, side);
      }
    },
    undoRestores: true,
  },
  'fixes/allow-rdp-connections.ps1': {
    scenario: 'server-broken.json',
    backup: regExport,
    changed: (after) => assert.equal(value(after, TS, 'fDenyTSConnections'), 0),
    undoRestores: true,
  },
  'fixes/enable-rdp-firewall-rules.ps1': {
    scenario: 'server-broken.json',
    backup: {
      json: 'remote-desktop-firewall-rules.json',
      holdsOldState: (backup) => {
        const rules = (backup as { rules: { name: string; enabled: boolean }[] }).rules;
        assert.equal(rules.length, 3);
        assert.ok(rules.every((rule) => !rule.enabled));
      },
    },
    changed: (after) => {
      const group = (after.firewallRules ?? []).filter((rule) => rule.group === RDP_FIREWALL_GROUP);
      assert.equal(group.length, 3);
      assert.ok(group.every((rule) => rule.enabled));
    },
    undoRestores: true,
  },
  'fixes/allow-listener-port.ps1': {
    scenario: 'server-broken.json',
    backup: {
      json: 'listener-port-rule.json',
      holdsOldState: (backup) =>
        assert.deepEqual(backup, {
          port: 3390,
          rule: 'rdp-doctor-RDP-TCP-3390',
          existed: false,
          enabled: false,
        }),
    },
    changed: (after, before) => {
      const added = (after.firewallRules ?? []).filter(
        (rule) => !(before.firewallRules ?? []).some((old) => old.name === rule.name),
      );
      assert.equal(added.length, 1);
      assert.deepEqual(
        {
          direction: added[0]!.direction,
          action: added[0]!.action,
          protocol: added[0]!.protocol,
          localPorts: added[0]!.localPorts,
          enabled: added[0]!.enabled,
        },
        { direction: 'Inbound', action: 'Allow', protocol: 'TCP', localPorts: ['3390'], enabled: true },
      );
    },
    undoRestores: true,
  },
  'fixes/start-rdp-services.ps1': {
    scenario: 'server-broken.json',
    backup: {
      json: 'rdp-services.json',
      holdsOldState: (backup) =>
        assert.deepEqual(backup, [
          { name: 'TermService', status: 'Stopped', startType: 'Disabled' },
          { name: 'SessionEnv', status: 'Running', startType: 'Manual' },
          { name: 'UmRdpService', status: 'Stopped', startType: 'Manual' },
        ]),
    },
    changed: (after) => {
      assert.deepEqual(after.services, [
        { name: 'TermService', status: 'Running', startType: 'Manual' },
        { name: 'SessionEnv', status: 'Running', startType: 'Manual' },
        { name: 'UmRdpService', status: 'Running', startType: 'Manual' },
      ]);
    },
    undoRestores: true,
  },
  'fixes/restore-cipher-suite-order.ps1': {
    scenario: 'server-broken.json',
    backup: regExport,
    changed: (after) => {
      assert.equal(value(after, CIPHER_POLICY, 'Functions'), undefined);
      // EccCurves goes only with -IncludeEccCurves.
      assert.deepEqual(value(after, CIPHER_POLICY, 'EccCurves'), ['NistP256', 'NistP384']);
    },
    undoRestores: true,
  },
  'fixes/grant-remote-logon-right.ps1': {
    scenario: 'server-broken.json',
    backup: {
      call: (call) =>
        call.command === 'secedit' && (call.arguments.Arguments as string[])?.includes('/export'),
    },
    changed: (after, before) => {
      assert.deepEqual(after.userRights?.SeRemoteInteractiveLogonRight, ['*S-1-5-32-544', '*S-1-5-32-555']);
      assert.deepEqual(
        after.userRights?.SeDenyRemoteInteractiveLogonRight,
        before.userRights?.SeDenyRemoteInteractiveLogonRight,
      );
    },
    undoRestores: true,
  },
  'fixes/require-nla.ps1': {
    scenario: 'server-broken.json',
    backup: regExport,
    changed: (after) => {
      assert.equal(value(after, RDP_TCP, 'UserAuthentication'), 1);
      assert.equal(value(after, RDP_TCP, 'SecurityLayer'), 2);
    },
    undoRestores: true,
  },
  'fixes/reset-credssp-oracle.ps1': {
    scenario: 'client-broken.json',
    backup: regExport,
    changed: (after) => assert.equal(value(after, CREDSSP, 'AllowEncryptionOracle'), undefined),
    undoRestores: true,
  },
  'fixes/refresh-cloud-sign-in.ps1': {
    scenario: 'client-broken.json',
    backup: { none: 'a new token replaces the old one; no setting changes' },
    changed: (after, _before, apply) => {
      const updated = /AzureAdPrtUpdateTime : (\S+ \S+) UTC/.exec(after.dsregcmd ?? '');
      assert.ok(updated, 'no AzureAdPrtUpdateTime');
      assert.ok(Date.now() - Date.parse(`${updated[1]!.replace(' ', 'T')}Z`) < 60 * 60 * 1000);
      assert.ok(
        apply.calls.some((call) => call.command === 'dsregcmd' && call.arguments.verb === 'refreshprt'),
      );
    },
    undoRestores: false,
  },
};

/** Fixes that must leave a policy-set value alone (server-policy.json sets each one by policy). */
const POLICY_GUARDED = [
  'fixes/allow-rdp-connections.ps1',
  'fixes/require-nla.ps1',
  'fixes/reset-credssp-oracle.ps1',
  'fixes/regenerate-rdp-certificate.ps1',
];

function assetOf(fix: Fix): string {
  assert.ok(fix.script?.asset, `${fix.title} has no script asset`);
  return fix.script.asset;
}

function undoLines(phase: Phase): string[] {
  return phase.output.filter((line) => line.startsWith('Undo: ')).map((line) => line.slice('Undo: '.length));
}

function firstIndex(calls: readonly Call[], wanted: (call: Call) => boolean): number {
  return calls.findIndex(wanted);
}

describe('shipped fix scripts on a fake Windows machine', { skip }, () => {
  let work = '';
  const results = new Map<string, JobResult>();
  const undoProblems = new Map<string, string[]>();

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'rdp-doctor-fixes-'));
    const jobs = SCRIPTED_FIXES.flatMap((fix) => {
      const asset = assetOf(fix);
      const spec = CASES[asset];
      if (!spec) return [];
      // The text the CLI hands over (scripts.generated.ts), not the .ps1 beside it.
      const script = join(work, asset.replace('/', '-'));
      writeFileSync(script, fix.script!.code);
      const base = { script, scenario: join(scenarios, spec.scenario), arguments: spec.arguments ?? {} };
      const policy = POLICY_GUARDED.includes(asset)
        ? [
            {
              ...base,
              id: `policy:${asset}`,
              mode: 'Apply',
              scenario: join(scenarios, 'server-policy.json'),
              arguments: {},
            },
          ]
        : [];
      return [
        { ...base, id: `whatif:${asset}`, mode: 'WhatIf' },
        { ...base, id: `apply:${asset}`, mode: 'Apply' },
        ...policy,
      ].map((job) => ({ ...job, workDirectory: join(work, job.id.replace(/[:/]/g, '-')) }));
    });
    const jobsPath = join(work, 'jobs.json');
    const resultPath = join(work, 'results.json');
    writeFileSync(jobsPath, JSON.stringify(jobs));
    const run = spawnSync(
      pwsh!,
      ['-NoProfile', '-NonInteractive', '-File', runner, '-JobsPath', jobsPath, '-ResultPath', resultPath],
      { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    for (const result of JSON.parse(readFileSync(resultPath, 'utf8')) as JobResult[])
      results.set(result.id, result);
    // One pwsh for every undo line of every fix.
    const lines = [...new Set([...results.values()].flatMap((result) => result.phases.flatMap(undoLines)))];
    const problems = parsePowerShell(pwsh!, lines);
    for (const [index, line] of lines.entries()) {
      undoProblems.set(
        line,
        problems.filter((problem) => problem.index === index).map((problem) => problem.message),
      );
    }
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function phase(id: string, name: Phase['name']): Phase {
    const found = results.get(id)?.phases.find((candidate) => candidate.name === name);
    assert.ok(found, `no ${name} phase for ${id}`);
    assert.equal(found.error, null, `${id} ${name} threw:\n${found.error}\n${found.output.join('\n')}`);
    return found;
  }

  test('every shipped fix has a case here (a new fix cannot go untested)', () => {
    assert.deepEqual(SCRIPTED_FIXES.map(assetOf).sort(), Object.keys(CASES).sort());
  });

  test('PowerShell parses every fix script', () => {
    const problems = parsePowerShell(
      pwsh!,
      SCRIPTED_FIXES.map((fix) => fix.script!.code),
    );
    assert.deepEqual(problems, []);
  });

  for (const fix of SCRIPTED_FIXES) {
    const asset = assetOf(fix);
    const spec = CASES[asset];
    if (!spec) continue;

    describe(asset, () => {
      test('-WhatIf changes nothing and writes no backup', () => {
        const whatIf = phase(`whatif:${asset}`, 'whatif');
        assert.deepEqual(
          whatIf.calls.filter((call) => call.mutates),
          [],
        );
        assert.deepEqual(whatIf.state, results.get(`whatif:${asset}`)!.original);
        const backups = join(work, `whatif:${asset}`.replace(/[:/]/g, '-'), 'backup');
        assert.ok(!existsSync(backups) || readdirSync(backups).length === 0, `backup written under -WhatIf`);
      });

      test('a real run backs up first, changes what it should and prints undo commands that parse', () => {
        const result = results.get(`apply:${asset}`)!;
        const apply = phase(`apply:${asset}`, 'apply');
        const firstChange = firstIndex(apply.calls, (call) => call.mutates);
        assert.ok(firstChange >= 0, `no change made:\n${apply.output.join('\n')}`);
        const backup = spec.backup;
        if ('call' in backup) {
          const backedUp = firstIndex(apply.calls, backup.call);
          assert.ok(
            backedUp >= 0 && backedUp < firstChange,
            `backup (call ${backedUp}) not before the first change (${firstChange})`,
          );
        } else if ('json' in backup) {
          const file = join(work, `apply:${asset}`.replace(/[:/]/g, '-'), 'backup', backup.json);
          backup.holdsOldState(JSON.parse(readFileSync(file, 'utf8')));
        }
        spec.changed(apply.state, result.original, apply);

        const undo = undoLines(apply);
        if ('none' in backup) {
          assert.deepEqual(undo, []);
          assert.ok(apply.output.some((line) => line.startsWith('Nothing to undo')));
          return;
        }
        assert.ok(undo.length > 0, `no Undo: line:\n${apply.output.join('\n')}`);
        for (const line of undo) assert.deepEqual(undoProblems.get(line), [], line);
      });

      test('a second run changes nothing and says so', () => {
        const again = phase(`apply:${asset}`, 'again');
        assert.deepEqual(
          again.calls.filter((call) => call.mutates),
          [],
        );
        assert.ok(
          again.output.some((line) => /already/.test(line)),
          again.output.join('\n'),
        );
        const second = join(work, `apply:${asset}`.replace(/[:/]/g, '-'), 'backup-again');
        assert.ok(!existsSync(second), 'the second run wrote a backup');
      });

      if (spec.undoRestores) {
        test('running the undo commands puts the machine back as it was', () => {
          const undo = phase(`apply:${asset}`, 'undo');
          assert.deepEqual(undo.skipped, []);
          assert.ok(undo.calls.some((call) => call.mutates));
          assert.deepEqual(undo.state, results.get(`apply:${asset}`)!.original);
        });
      }

      if (POLICY_GUARDED.includes(asset)) {
        test('where Group Policy sets the value, it says so and changes nothing', () => {
          const apply = phase(`policy:${asset}`, 'apply');
          assert.deepEqual(
            apply.calls.filter((call) => call.mutates),
            [],
          );
          assert.ok(
            apply.output.some((line) => /Group Policy/.test(line)),
            apply.output.join('\n'),
          );
          assert.deepEqual(undoLines(apply), []);
        });
      }

      if (fix.where === 'server') {
        test('its Azure Run Command form writes the script, looks with -WhatIf, applies only on yes', () => {
          const azure = onAzure(fix);
          assert.equal(azure.script?.language, 'bash');
          assert.equal(spawnSync('bash', ['-n'], { input: azure.script.code, encoding: 'utf8' }).status, 0);
          const name = fix.script!.asset!.replace(/^fixes\//, '').replace(/\.ps1$/, '');
          const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-azure-fix-'));
          try {
            const source = join(dir, 'source.ps1');
            writeFileSync(source, fix.script!.code);
            // Stand-ins: rdp-doctor writes the shipped script; az records what it was handed.
            const stubs = [
              `rdp-doctor() { cp ${JSON.stringify(source)} "$4"; }`,
              'calls=0',
              'az() { calls=$((calls + 1)); printf "%s\\0" "$@" > "az.$calls"; }',
            ].join('\n');
            for (const answer of ['n', 'y']) {
              for (const call of ['az.1', 'az.2']) rmSync(join(dir, call), { force: true });
              const shell: SpawnSyncReturns<string> = spawnSync(
                'bash',
                ['-c', `${stubs}\n${azure.script!.code}`],
                {
                  cwd: dir,
                  input: `${answer}\n`,
                  encoding: 'utf8',
                },
              );
              assert.equal(shell.status, 0, shell.stderr);
              const calls = ['az.1', 'az.2']
                .filter((call) => existsSync(join(dir, call)))
                .map((call) => readFileSync(join(dir, call), 'utf8'));
              const scriptsOf = (call: string) => {
                const args = call.split('\0');
                return args[args.indexOf('--scripts') + 1];
              };
              assert.equal(scriptsOf(calls[0]!), `& { ${fix.script!.code.replace(/\n+$/, '')} } -WhatIf`);
              assert.equal(calls.length, answer === 'y' ? 2 : 1);
              if (answer === 'y') assert.equal(scriptsOf(calls[1]!), `@${name}.ps1`);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    });
  }
});
