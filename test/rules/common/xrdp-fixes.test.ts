import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Fix } from '../../../src/rules/types.js';
import {
  iniLinesOf,
  XRDP_CA_CERTIFICATE,
  XRDP_KEY_READABLE,
  XRDP_LOWER_SECLEVEL,
  XRDP_MODERN_TLS,
  XRDP_NEW_CERTIFICATE,
  XRDP_NO_DHE,
  XRDP_RESTART,
  XRDP_STRONG_CIPHER_SUITES,
  XRDP_TLS_ONLY,
  xrdpKeyFixes,
} from '../../../src/rules/common/xrdp-fixes.js';
import { setIniValues } from '../../testbed/servers.js';

const INI_FIXES: readonly Fix[] = [
  XRDP_MODERN_TLS,
  XRDP_STRONG_CIPHER_SUITES,
  XRDP_NO_DHE,
  XRDP_TLS_ONLY,
  XRDP_LOWER_SECLEVEL,
  XRDP_NEW_CERTIFICATE,
];
const ALL_FIXES: readonly Fix[] = [...INI_FIXES, XRDP_CA_CERTIFICATE, XRDP_KEY_READABLE];

/** A faulty xrdp.ini shaped like the packaged one: values to replace, a commented key, two sections. */
const FAULTY_INI = [
  '[Globals]',
  'port=3389',
  'security_layer=negotiate',
  'certificate=',
  'key_file=',
  'ssl_protocols=TLSv1',
  '#tls_ciphers=HIGH',
  '',
  '[Logging]',
  'LogFile=xrdp.log',
  'tls_ciphers=not-this-section',
  '',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-xrdp-fixes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH whose systemctl only records that it was called: the scripts run, the host is untouched. */
function fakeBin(): { path: string; log: string } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'systemctl.log');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> '${log}'\n`);
  chmodSync(join(bin, 'systemctl'), 0o755);
  return { path: `${bin}:${process.env.PATH ?? ''}`, log };
}

function section(text: string, name: string): Record<string, string> {
  const values: Record<string, string> = {};
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^\s*\[/.test(line)) inside = line.trim() === `[${name}]`;
    else if (inside && /^[A-Za-z_]+=/.test(line))
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return values;
}

function runScript(fix: Fix, env: Record<string, string>): void {
  const { path } = fakeBin();
  execFileSync('bash', ['-c', fix.script!.code], {
    env: { ...process.env, PATH: path, ...env },
    stdio: 'pipe',
  });
}

describe('xrdp fixes', () => {
  it('every script parses with bash -n', () => {
    for (const fix of ALL_FIXES) {
      assert.equal(fix.script?.language, 'bash', fix.title);
      execFileSync('bash', ['-n'], { input: fix.script!.code });
    }
  });

  it('every ini fix names the [Globals] section and the restart, in its steps and its script', () => {
    for (const fix of INI_FIXES) {
      const lines = iniLinesOf(fix);
      assert.equal(lines?.section, 'Globals', fix.title);
      assert.ok(Object.keys(lines?.values ?? {}).length > 0, fix.title);
      assert.ok(
        fix.steps.some((step) => step.includes('[Globals]') && step.includes(XRDP_RESTART)),
        fix.title,
      );
      assert.ok(fix.script!.code.trimEnd().endsWith(XRDP_RESTART), fix.title);
    }
  });

  it('a fix that lowers OpenSSL security is last and says what it costs', () => {
    const fixes = xrdpKeyFixes();
    assert.equal(fixes.at(-1), XRDP_LOWER_SECLEVEL);
    assert.ok(XRDP_LOWER_SECLEVEL.weakensSecurity);
    assert.ok(fixes.slice(0, -1).every((fix) => !fix.weakensSecurity));
  });

  for (const fix of INI_FIXES.filter((entry) => entry !== XRDP_NEW_CERTIFICATE)) {
    it(`"${fix.title}" sets its lines inside [Globals] only, restarts xrdp, and is idempotent`, () => {
      const ini = join(dir, `${fix.title.replace(/\W+/g, '-')}.ini`);
      writeFileSync(ini, FAULTY_INI);
      const { log } = fakeBin();
      rmSync(log, { force: true });
      runScript(fix, { XRDP_INI: ini });
      const once = readFileSync(ini, 'utf8');
      runScript(fix, { XRDP_INI: ini });
      assert.equal(readFileSync(ini, 'utf8'), once, 'a second run changes nothing');
      const expected = iniLinesOf(fix)!.values;
      const globals = section(once, 'Globals');
      for (const [key, value] of Object.entries(expected)) assert.equal(globals[key], value, key);
      // The same lines applied by the test bed's own ini editor give the same [Globals].
      assert.deepEqual(section(setIniValues(FAULTY_INI, 'Globals', expected), 'Globals'), globals);
      assert.equal(section(once, 'Logging').tls_ciphers, 'not-this-section');
      assert.ok(once.includes('#tls_ciphers=HIGH'), 'comments are kept');
      assert.ok(existsSync(`${ini}.rdp-doctor.bak`));
      assert.equal(readFileSync(`${ini}.rdp-doctor.bak`, 'utf8'), FAULTY_INI);
      assert.equal(readFileSync(log, 'utf8').trim().split('\n').at(-1), 'restart xrdp');
    });
  }

  it('the new-certificate script makes a 2048-bit, SHA-256, serverAuth certificate for the name and points xrdp at it', () => {
    const certDir = join(dir, 'certs');
    execFileSync('mkdir', ['-p', certDir]);
    const ini = join(dir, 'cert.ini');
    writeFileSync(ini, FAULTY_INI);
    let env: Record<string, string> = { XRDP_INI: ini, XRDP_CERT_DIR: certDir, RDP_NAME: 'rdp.example.test' };
    const haveGroup = execFileSync('getent', ['group'], { encoding: 'utf8' }).includes('ssl-cert:');
    if (!haveGroup || process.getuid?.() !== 0) {
      // chown root:ssl-cert needs root and the group (the xrdp package brings it): fake only chown.
      const bin = join(dir, 'chown-bin');
      execFileSync('mkdir', ['-p', bin]);
      writeFileSync(join(bin, 'chown'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(bin, 'chown'), 0o755);
      env = { ...env, PATH: `${bin}:${fakeBin().path}` };
    }
    const { path } = fakeBin();
    execFileSync('bash', ['-c', XRDP_NEW_CERTIFICATE.script!.code], {
      env: { ...process.env, PATH: path, ...env },
      stdio: 'pipe',
    });
    const cert = join(certDir, 'rdp-doctor-cert.pem');
    const text = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /sha256WithRSAEncryption/);
    assert.match(text, /DNS:rdp\.example\.test/);
    assert.match(text, /TLS Web Server Authentication/);
    const globals = section(readFileSync(ini, 'utf8'), 'Globals');
    assert.equal(globals.certificate, cert);
    assert.equal(globals.key_file, join(certDir, 'rdp-doctor-key.pem'));
    const mode = Number.parseInt(
      execFileSync('stat', ['-c', '%a', globals.key_file!], { encoding: 'utf8' }),
      8,
    );
    assert.equal(mode, 0o640);
  });

  it('the key-access script puts xrdp in ssl-cert and makes the real key (through a symlink) root:ssl-cert 0640', (context) => {
    const groups = execFileSync('getent', ['group'], { encoding: 'utf8' });
    if (!groups.includes('ssl-cert:') || process.getuid?.() !== 0) {
      context.skip('needs root and the ssl-cert group (the xrdp package brings it)');
      return;
    }
    const keyDir = join(dir, 'key-access');
    const bin = join(dir, 'key-access-bin');
    execFileSync('mkdir', ['-p', keyDir, bin]);
    const log = join(dir, 'adduser.log');
    // adduser would change this machine's groups: a stand-in records the call instead.
    writeFileSync(join(bin, 'adduser'), `#!/bin/sh\necho "$@" >> '${log}'\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const key = join(keyDir, 'real-key.pem');
    writeFileSync(key, 'not a real key', { mode: 0o600 });
    execFileSync('ln', ['-sf', key, join(keyDir, 'key.pem')]);
    execFileSync('bash', ['-c', XRDP_KEY_READABLE.script!.code], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, KEY: join(keyDir, 'key.pem') },
      stdio: 'pipe',
    });
    assert.equal(readFileSync(log, 'utf8').trim(), 'xrdp ssl-cert');
    assert.equal(
      execFileSync('stat', ['-c', '%a %U:%G', key], { encoding: 'utf8' }).trim(),
      '640 root:ssl-cert',
    );
  });

  it('the CA script makes a key and a CSR that verifies, for the name', () => {
    const certDir = join(dir, 'csr');
    execFileSync('mkdir', ['-p', certDir]);
    const bin = join(dir, 'chown-bin-csr');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'chown'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'chown'), 0o755);
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      XRDP_CERT_DIR: certDir,
      RDP_NAME: 'rdp.example.test',
    };
    execFileSync('bash', ['-c', XRDP_CA_CERTIFICATE.script!.code], { env, stdio: 'pipe' });
    const key = readFileSync(join(certDir, 'rdp-doctor-key.pem'), 'utf8');
    execFileSync('bash', ['-c', XRDP_CA_CERTIFICATE.script!.code], { env, stdio: 'pipe' });
    assert.equal(
      readFileSync(join(certDir, 'rdp-doctor-key.pem'), 'utf8'),
      key,
      'a second run keeps the key',
    );
    const csr = execFileSync(
      'openssl',
      ['req', '-in', join(certDir, 'rdp-doctor.csr'), '-noout', '-verify', '-text'],
      {
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );
    assert.match(csr, /DNS:rdp\.example\.test/);
    assert.match(csr, /Public-Key: \(2048 bit\)/);
  });
});
