import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_PROFILES, DATA_VERSION } from '../../src/data/clients/index.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';

describe('rdp-doctor clients', () => {
  it('lists every profile as one table row', async () => {
    const run = await runCli(['clients']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^ID\s+PRODUCT \/ RELEASE\s+TLS ON BY DEFAULT\s+SUITES\s+REQUESTS\s+CURRENT\s+CONFIDENCE$/,
    );
    const rows = lines.slice(1, 1 + CLIENT_PROFILES.length);
    assert.deepEqual(
      rows.map((row) => row.split(/\s+/)[0]),
      CLIENT_PROFILES.map((each) => each.id),
    );
    assert.match(run.stdout, /^windows-7-sp1\s.*\sSSLv3 TLSv1\s+14\s+0x03 SSL\|HYBRID\s+no\s+high$/m);
    assert.match(
      run.stdout,
      /^windows-11-24h2\s.*\sTLSv1\.2 TLSv1\.3\s+20\s+0x0b SSL\|HYBRID\|HYBRID_EX\s+yes\s+medium$/m,
    );
    assert.doesNotMatch(run.stdout, /Source:/);
    assert.equal(run.stderr, '');
  });

  it('prints the profiles as one JSON document with --json', async () => {
    const run = await runCli(['clients', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as {
      dataVersion: typeof DATA_VERSION;
      profiles: typeof CLIENT_PROFILES;
    };
    assert.deepEqual(document.dataVersion, DATA_VERSION);
    assert.deepEqual(document.profiles, JSON.parse(JSON.stringify(CLIENT_PROFILES)));
  });

  it('shows one profile in full, suites by IANA name, with notes, assumptions and sources', async () => {
    const run = await runCli(['clients', 'windows-11-24h2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /TLS on by default: TLSv1\.2, TLSv1\.3; supported but off: SSLv3, TLSv1, TLSv1\.1/,
    );
    assert.match(run.stdout, /0x1302 TLS_AES_256_GCM_SHA384/);
    assert.match(run.stdout, /0xc02c TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384/);
    assert.match(run.stdout, /Groups: x25519, secp256r1, secp384r1/);
    assert.match(
      run.stdout,
      /Note: TLS 1\.0 and 1\.1 are off by default, following Microsoft's 2024 deprecation notice/,
    );
    assert.match(
      run.stdout,
      /Source: https:\/\/learn\.microsoft\.com\/en-us\/windows\/win32\/secauthn\/tls-10-11-deprecation/,
    );
    assert.equal(run.stdout.match(/^windows-[a-z0-9-]+ {2}/gm)?.length, 1, 'the table has only the one row');
  });

  it('adds every profile in full with --verbose', async () => {
    const run = await runCli(['clients', '--verbose']);
    assert.equal(run.code, 0, run.stderr);
    for (const each of CLIENT_PROFILES) {
      assert.ok(run.stdout.includes(`\n${each.id}: ${each.product} ${each.release}\n`), each.id);
    }
    assert.match(run.stdout, /Signature algorithms: none sent/);
    assert.match(run.stdout, /ERRCONNECT_TLS_CONNECT_FAILED 0x20008/);
  });

  it('accepts --json for one profile', async () => {
    const run = await runCli(['clients', 'freerdp-3', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as { profiles: Array<{ id: string }> };
    assert.deepEqual(
      document.profiles.map((each) => each.id),
      ['freerdp-3'],
    );
  });

  it('rejects an unknown profile with one line on stderr', async () => {
    const run = await runCli(['clients', 'windows-12']);
    assert.ok(isOneLineUsageError(run), run.stderr);
    assert.match(run.stderr, /unknown client profile 'windows-12'/);
    assert.equal(run.stdout, '');
  });
});
