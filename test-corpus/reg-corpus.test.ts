import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRegFile } from '../src/evidence/reg.js';
import type { RegistryKeyRecord } from '../src/evidence/state/types.js';
import { runCli } from '../test/helpers/cli.js';

// The corpus's .reg files read in place: the winapps ones (AGPL-3.0, parts unlicensed) are never
// copied into the repository, so they are checked only here, where ../shared/corpus exists.
const REG = join(process.cwd(), '../shared/corpus/reg');
const MANIFEST = join(process.cwd(), '../shared/corpus/manifest.json');
const files = existsSync(REG)
  ? readdirSync(REG)
      .filter((name) => name.endsWith('.reg'))
      .sort()
  : [];

const TS = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
const value = (keys: readonly RegistryKeyRecord[], key: string, name: string) =>
  keys.find((record) => record.key === key)?.values.find((entry) => entry.name === name)?.value;

/** Facts from the corpus MANIFEST.md "contents" of each file. */
const FACTS: Record<string, (keys: readonly RegistryKeyRecord[]) => void> = {
  'RDP-Ressource-Fix-rdp.reg': (keys) => {
    const client = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\Client';
    assert.equal(keys.length, 3);
    assert.equal(value(keys, client, ''), '');
    assert.equal(value(keys, client, 'RedirectionWarningDialogVersion'), 1);
  },
  'winapps-RDPApps.reg': (keys) => {
    assert.equal(value(keys, TS, 'fDenyTSConnections'), 0);
    assert.equal(value(keys, `${TS}\\WinStations\\RDP-Tcp`, 'UserAuthentication'), 1);
    assert.equal(
      value(
        keys,
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Terminal Server\\TSAppAllowList',
        'fDisabledAllowList',
      ),
      1,
    );
    assert.equal(
      value(
        keys,
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services',
        'fAllowUnlistedRemotePrograms',
      ),
      1,
    );
    assert.equal(
      value(
        keys,
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon',
        'AutoAdminLogon',
      ),
      '0',
    );
    const last = keys.at(-1)!;
    assert.equal(
      last.key,
      'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Network\\NewNetworkWindowOff',
    );
    assert.deepEqual([last.exists, last.values.length], [true, 0]);
  },
  'winapps-Container.reg': (keys) => {
    assert.deepEqual(keys.length, 1);
    assert.equal(
      value(
        keys,
        'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\TimeZoneInformation',
        'RealTimeIsUniversal',
      ),
      1,
    );
  },
};

describe(
  '.reg corpus: every export reads without damage and gives its documented values',
  {
    skip: files.length === 0 ? 'no ../shared/corpus' : false,
  },
  () => {
    const manifest =
      files.length > 0
        ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { path: string; sha256: string }[])
        : [];
    for (const name of files) {
      it(name, () => {
        const path = join(REG, name);
        const entry = manifest.find((item) => item.path === `reg/${name}`);
        assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), entry?.sha256);
        const reg = readRegFile(path);
        assert.deepEqual(reg.damage, []);
        assert.ok(FACTS[name], `no facts listed for ${name}`);
        FACTS[name]!(reg.keys);
      });
    }

    it('analyze reads the hand-written winapps export as a server state source, exit 0', async () => {
      const run = await runCli(['analyze', '--json', join(REG, 'winapps-RDPApps.reg')]);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.deepEqual(
        report.sources.map((source: { kind: string; role: string }) => [source.kind, source.role]),
        [['reg', 'server']],
      );
      // Eight keys, seven top keys: RDP-Tcp is below Terminal Server, so not a root of its own.
      assert.equal(report.sources[0].keys, 8);
      assert.equal(report.sources[0].registryRoots.length, 7);
      assert.ok(!report.sources[0].registryRoots.some((root: string) => root.endsWith('RDP-Tcp')));
    });
  },
);
