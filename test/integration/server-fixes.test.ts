/**
 * Fixes that fit the server, tested for real: the fingerprint on real xrdp, FreeRDP shadow and lab
 * servers; then each xrdp fix's ini lines, read back from its script, applied to a real xrdp that
 * has the fault, and the fault re-diagnosed away. The weak DHE group is cross-checked with sslscan.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Diagnosis, diagnose } from '../../src/diagnosis.js';
import { serverKind } from '../../src/rules/common/server-kind.js';
import { iniLinesOf, XRDP_NEW_CERTIFICATE } from '../../src/rules/common/xrdp-fixes.js';
import type { Finding, Fix } from '../../src/rules/types.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startLab,
  startXrdp,
  type XrdpOptions,
  serverTracker,
} from '../testbed/index.js';

const track = serverTracker();
const workDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-server-fixes-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function diagnoseServer(server: RunningServer): Promise<Diagnosis> {
  // A roomy step timeout: the posture's budget is two steps, and this machine is shared.
  return diagnose({ host: server.host, port: server.port }, { timeoutMs: 10_000 });
}

function findingOf(diagnosis: Diagnosis, id: string): Finding | undefined {
  return diagnosis.document.findings.find((finding) => finding.id === id);
}

function context(diagnosis: Diagnosis): string {
  return JSON.stringify(diagnosis.document.findings.map((finding) => [finding.id, finding.title]));
}

/** The finding is raised, offers only xrdp fixes (bash, no registry), and names xrdp as the server. */
function xrdpFindingOf(diagnosis: Diagnosis, id: string): Finding {
  const finding = findingOf(diagnosis, id);
  assert.ok(finding, `expected ${id}: ${context(diagnosis)}`);
  assert.ok(finding.fixes.length > 0);
  for (const fix of finding.fixes) assert.notEqual(fix.script?.language, 'powershell', fix.title);
  assert.ok(
    finding.evidence.some((entry) => entry.label === 'server software' && /^xrdp/.test(String(entry.value))),
  );
  return finding;
}

function iniFixOf(finding: Finding, key: string): Fix {
  const fix = finding.fixes.find((entry) => iniLinesOf(entry)?.values[key] !== undefined);
  assert.ok(
    fix,
    `${finding.id} offers no fix setting ${key}: ${JSON.stringify(finding.fixes.map((entry) => entry.title))}`,
  );
  return fix;
}

/** Starts the faulty xrdp, checks the finding, applies the fix's lines, checks the finding is gone. */
async function roundTrip(fault: Omit<XrdpOptions, 'address'>, id: string, key: string): Promise<Diagnosis> {
  const before = await diagnoseServer(
    await track(startXrdp({ ...fault, address: await addressAllocator.next() })),
  );
  const fix = iniFixOf(xrdpFindingOf(before, id), key);
  const lines = iniLinesOf(fix)!;
  assert.equal(lines.section, 'Globals');
  const fixed = await diagnoseServer(
    await track(startXrdp({ ...fault, address: await addressAllocator.next(), globals: lines.values })),
  );
  assert.equal(findingOf(fixed, id), undefined, `${id} still raised after "${fix.title}": ${context(fixed)}`);
  assert.equal(fixed.observations.tls?.observation?.outcome, 'established', 'TLS still works after the fix');
  // A finding of the TLS enumeration is only "gone" when the enumeration itself completed.
  assert.equal(fixed.observations.tlsPosture?.status, 'ok', fixed.observations.tlsPosture?.summary);
  return fixed;
}

/**
 * Runs the new-certificate fix's script as a user would (real openssl, chown, chmod), on a scratch
 * ini, with a systemctl that only succeeds; returns its ini lines with $DIR expanded as bash does.
 */
function runNewCertificateFix(name: string): Record<string, string> {
  const certDir = join(workDir, name);
  const bin = join(workDir, `${name}-bin`);
  execFileSync('mkdir', ['-p', certDir, bin]);
  writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const ini = join(workDir, `${name}.ini`);
  writeFileSync(ini, '[Globals]\ncertificate=\nkey_file=\n');
  execFileSync('bash', ['-c', XRDP_NEW_CERTIFICATE.script!.code], {
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      XRDP_INI: ini,
      XRDP_CERT_DIR: certDir,
      RDP_NAME: 'localhost',
    },
    stdio: 'pipe',
  });
  return Object.fromEntries(
    Object.entries(iniLinesOf(XRDP_NEW_CERTIFICATE)!.values).map(([key, value]) => [
      key,
      value.replaceAll('$DIR', certDir),
    ]),
  );
}

describe(
  'server fingerprint on real servers',
  { skip: missingBinaries('xrdp', 'freerdp-shadow-cli', 'Xvfb') },
  () => {
    it('xrdp 0.9.21 is certainly xrdp', async () => {
      const diagnosis = await diagnoseServer(
        await track(startXrdp({ address: await addressAllocator.next() })),
      );
      const kind = serverKind(diagnosis.observations);
      assert.deepEqual([kind.kind, kind.confidence], ['xrdp', 'certain'], JSON.stringify(kind.evidence));
    });

    for (const sec of ['nla', 'tls'] as const) {
      it(`FreeRDP's shadow server (/sec:${sec}) is FreeRDP`, async () => {
        const server = await track(startFreerdpShadow({ address: await addressAllocator.next(), sec }));
        const kind = serverKind((await diagnoseServer(server)).observations);
        assert.equal(kind.kind, 'freerdp', JSON.stringify(kind));
      });
    }

    it('the lab, which imitates Windows, is not taken for Windows (it selects what it was not offered)', async () => {
      const kind = serverKind(
        (await diagnoseServer(await track(startLab('healthy-tls', await addressAllocator.next()))))
          .observations,
      );
      assert.equal(kind.kind, 'unknown', JSON.stringify(kind));
    });
  },
);

describe('xrdp fixes applied to real xrdp', { skip: missingBinaries('xrdp', 'openssl', 'sslscan') }, () => {
  it('TLS 1.0 only: ssl_protocols brings TLS 1.2 back', async () => {
    const fixed = await roundTrip(
      { sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT@SECLEVEL=0' },
      'tls-legacy-only',
      'ssl_protocols',
    );
    assert.match(fixed.observations.tls?.observation?.version ?? '', /TLSv1\.[23]/);
  });

  it('TLS 1.0 and 1.1 still enabled: ssl_protocols turns them off', async () => {
    await roundTrip(
      {
        sslProtocols: 'TLSv1, TLSv1.1, TLSv1.2, TLSv1.3',
        tlsCiphers: 'AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
      },
      'tls-legacy-enabled',
      'ssl_protocols',
    );
  });

  it('an anonymous suite accepted: tls_ciphers removes it', async () => {
    await roundTrip(
      { tlsCiphers: 'AES128-SHA:ADH-AES128-SHA:@SECLEVEL=0' },
      'tls-weak-cipher',
      'tls_ciphers',
    );
  });

  it('Standard RDP Security allowed: security_layer=tls, and NLA is never "required" of xrdp', async () => {
    // A short suite list keeps the enumeration inside its budget on a busy machine; ARIA shows OpenSSL.
    const fault = { tlsCiphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ARIA128-GCM-SHA256' };
    const fixed = await roundTrip(fault, 'standard-rdp-security-allowed', 'security_layer');
    assert.equal(serverKind(fixed.observations).kind, 'xrdp', JSON.stringify(serverKind(fixed.observations)));
    const nla = findingOf(fixed, 'nla-not-required');
    assert.ok(nla, 'xrdp still admits TLS without NLA: the finding stays, honestly');
    assert.ok(nla.fixes.every((fix) => !/Require Network Level Authentication/.test(fix.title)));
    assert.ok(nla.fixes.some((fix) => fix.steps.some((step) => /does not implement CredSSP/.test(step))));
  });

  it('Standard RDP Security only (security_layer=rdp): security_layer=tls brings TLS in', async () => {
    await roundTrip({ securityLayer: 'rdp' }, 'standard-rdp-security-only', 'security_layer');
  });

  it("an expired certificate: the new-certificate script's openssl and ini lines make xrdp serve a valid one", async () => {
    const fault = { certificateProfile: 'expired' as const };
    const before = await diagnoseServer(
      await track(startXrdp({ ...fault, address: await addressAllocator.next() })),
    );
    const finding = xrdpFindingOf(before, 'tls-cert-expired');
    const fix = iniFixOf(finding, 'certificate');
    assert.equal(fix, XRDP_NEW_CERTIFICATE);
    const values = runNewCertificateFix('expired-fix');
    const fixed = await diagnoseServer(
      await track(startXrdp({ ...fault, address: await addressAllocator.next(), globals: values })),
    );
    assert.equal(findingOf(fixed, 'tls-cert-expired'), undefined, context(fixed));
    assert.equal(fixed.observations.certificate?.observation?.chain[0]?.keyBits, 2048);
  });

  it('DHE 1024 (a 1024-bit key, which xrdp sizes its DH group from) is found, as sslscan sees it, and a 2048-bit certificate fixes it', async () => {
    const fault = { certificateProfile: 'weak-key' as const, tlsCiphers: 'DHE-RSA-AES128-SHA:@SECLEVEL=0' };
    const server = await track(startXrdp({ ...fault, address: await addressAllocator.next() }));
    const scan = execFileSync('sslscan', ['--rdp', '--no-colour', `${server.host}:${server.port}`], {
      encoding: 'utf8',
    });
    const scanned = /DHE-RSA-AES128-SHA\s+DHE (\d+) bits/.exec(scan);
    assert.ok(scanned, scan);
    const before = await diagnoseServer(server);
    const finding = xrdpFindingOf(before, 'tls-weak-dh-group');
    assert.ok(xrdpFindingOf(before, 'tls-cert-weak-key').fixes.includes(XRDP_NEW_CERTIFICATE));
    assert.equal(finding.data?.primeBits, Number(scanned[1]));
    assert.equal(finding.data?.primeBits, 1024);
    assert.ok(finding.fixes.includes(XRDP_NEW_CERTIFICATE));
    const values = runNewCertificateFix('dhe-fix');
    const fixedServer = await track(
      startXrdp({ ...fault, address: await addressAllocator.next(), globals: values }),
    );
    const fixed = await diagnoseServer(fixedServer);
    assert.equal(findingOf(fixed, 'tls-weak-dh-group'), undefined, context(fixed));
    assert.equal(findingOf(fixed, 'tls-cert-weak-key'), undefined, context(fixed));
    assert.equal(fixed.observations.tlsPosture?.status, 'ok', fixed.observations.tlsPosture?.summary);
    assert.deepEqual(
      fixed.observations.tlsPosture?.observation?.dhe?.map((group) => group.primeBits),
      [2048],
    );
    const rescan = execFileSync(
      'sslscan',
      ['--rdp', '--no-colour', `${fixedServer.host}:${fixedServer.port}`],
      { encoding: 'utf8' },
    );
    assert.match(rescan, /DHE-RSA-AES128-SHA\s+DHE 2048 bits/);
  });
});
