/**
 * `analyze` on .reg exports alone: each setting that causes a machine-state finding, exported the
 * way `reg export` writes it (UTF-16LE with a BOM, CRLF), gives that finding's id, and the same
 * export with the setting at its healthy value gives no error or warning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const HKLM = 'HKEY_LOCAL_MACHINE';
const TERMINAL_SERVER = `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server`;
const RDP_TCP = `${TERMINAL_SERVER}\\WinStations\\RDP-Tcp`;
const TS_POLICY = `${HKLM}\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services`;
const SCHANNEL = `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols`;
const CREDSSP = `${HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters`;
const CIPHER_POLICY = `${HKLM}\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002`;

type Values = Readonly<Record<string, number | string>>;

/** A .reg export as `reg export` writes one: header, a blank line, each key and its values, CRLF. */
function regExport(keys: Readonly<Record<string, Values>>): Buffer {
  const lines = ['Windows Registry Editor Version 5.00', ''];
  for (const [key, values] of Object.entries(keys)) {
    lines.push(`[${key}]`);
    for (const [name, value] of Object.entries(values))
      lines.push(
        typeof value === 'number'
          ? `"${name}"=dword:${value.toString(16).padStart(8, '0')}`
          : `"${name}"="${value.replace(/\\/g, '\\\\')}"`,
      );
    lines.push('');
  }
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf16le')]);
}

const SERVER_ORDER =
  'TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';

/** A healthy server's keys: RDP on, NLA and TLS required, TLS 1.2 on, a cipher order clients share. */
function healthy(): Record<string, Record<string, number | string>> {
  return {
    [TERMINAL_SERVER]: { fDenyTSConnections: 0, MaxOutstandingConnections: 3000 },
    [RDP_TCP]: { PortNumber: 3389, SecurityLayer: 2, UserAuthentication: 1, MinEncryptionLevel: 2 },
    [TS_POLICY]: {},
    // reg export of the Protocols key writes the key itself first: it covers every protocol below.
    [SCHANNEL]: {},
    [`${SCHANNEL}\\TLS 1.2\\Server`]: { Enabled: 1, DisabledByDefault: 0 },
    [`${SCHANNEL}\\TLS 1.2\\Client`]: { Enabled: 1, DisabledByDefault: 0 },
    [CREDSSP]: {},
    [CIPHER_POLICY]: { Functions: SERVER_ORDER },
  };
}

const CASES: readonly {
  readonly id: string;
  readonly set: (keys: ReturnType<typeof healthy>) => void;
  /** Every id the setting raises, when it means more than one thing. */
  readonly ids?: readonly string[];
}[] = [
  { id: 'rdp-connections-denied', set: (keys) => (keys[TS_POLICY]!.fDenyTSConnections = 1) },
  {
    id: 'max-outstanding-connections-low',
    set: (keys) => (keys[TERMINAL_SERVER]!.MaxOutstandingConnections = 2),
  },
  { id: 'nla-not-required', set: (keys) => (keys[RDP_TCP]!.UserAuthentication = 0) },
  {
    id: 'standard-rdp-security-only',
    set: (keys) => (keys[RDP_TCP]!.SecurityLayer = 0),
    // Standard RDP Security carries no CredSSP: NLA cannot be required either.
    ids: ['nla-not-required', 'standard-rdp-security-only'],
  },
  { id: 'tls12-disabled', set: (keys) => (keys[`${SCHANNEL}\\TLS 1.2\\Server`]!.Enabled = 0) },
  { id: 'credssp-encryption-oracle', set: (keys) => (keys[CREDSSP]!.AllowEncryptionOracle = 2) },
  {
    id: 'cipher-suite-order-restrictive',
    set: (keys) => (keys[CIPHER_POLICY]!.Functions = 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'),
  },
];

const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-reg-findings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function problems(keys: ReturnType<typeof healthy>, name: string): Promise<string[]> {
  const file = join(dir, `${name}.reg`);
  writeFileSync(file, regExport(keys));
  const run = await runCli(['analyze', '--json', file]);
  assert.equal(run.stderr, '');
  const report = JSON.parse(run.stdout) as { findings: { id: string; severity: string }[] };
  return report.findings.filter((finding) => finding.severity !== 'info').map((finding) => finding.id);
}

describe('analyze on .reg exports alone', () => {
  it('a healthy server export gives no error or warning', async () => {
    assert.deepEqual(await problems(healthy(), 'healthy'), []);
  });

  for (const testCase of CASES) {
    it(`the setting behind ${testCase.id} gives ${testCase.id}, and only it`, async () => {
      const keys = healthy();
      testCase.set(keys);
      assert.deepEqual(
        (await problems(keys, testCase.id)).sort(),
        [...(testCase.ids ?? [testCase.id])].sort(),
      );
    });
  }
});
