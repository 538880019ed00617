/**
 * clientVerdicts: what each simulated client does, as the verdict and the client matrix say it.
 * The rule built on it (client-incompatible) has its own test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_PROFILES } from '../../../src/data/clients/index.js';
import type { ClientHelloAnswer, TlsProtocolVersion } from '../../../src/probe/types.js';
import { clientVerdicts, profileName } from '../../../src/rules/diagnose/client-incompatible.js';
import { healthy, posture } from '../../helpers/observations.js';

function verdictsFor(accepted: readonly TlsProtocolVersion[], clients: readonly ClientHelloAnswer[]) {
  const base = posture(accepted);
  return clientVerdicts(healthy({ tlsPosture: { ...base, observation: { ...base.observation!, clients } } }));
}

const TLS10_HELLO = (profile: string): ClientHelloAnswer => ({
  profile,
  outcome: 'server-hello',
  version: 'TLSv1',
  versionCode: 0x0301,
  cipherCode: 0xc014,
  cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  detail: 'ServerHello TLS 1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
});
const TLS12_HELLO = (profile: string): ClientHelloAnswer => ({
  ...TLS10_HELLO(profile),
  version: 'TLSv1.2',
  versionCode: 0x0303,
  cipherCode: 0xc030,
  cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  detail: 'ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
});
const PROTOCOL_VERSION_ALERT = (profile: string): ClientHelloAnswer => ({
  profile,
  outcome: 'alert',
  alert: { code: 70, name: 'protocol_version' },
  detail: 'alert 70 protocol_version',
});

describe('client verdicts', () => {
  it('names every profile by its display name (no "Windows 7 SP1," or a lost "R2")', () => {
    for (const profile of CLIENT_PROFILES) assert.equal(profileName(profile), profile.displayName);
    const [verdict] = verdictsFor(['TLSv1'], [PROTOCOL_VERSION_ALERT('windows-server-2012-r2')])!;
    assert.equal(verdict?.name, 'Windows Server 2012 R2');
  });

  it('says FreeRDP 2 against a TLS 1.0-only server depends on its OpenSSL, not a flat ok', () => {
    const [verdict] = verdictsFor(['TLSv1'], [TLS10_HELLO('freerdp-2')])!;
    assert.equal(verdict?.compatible, undefined);
    assert.equal(verdict?.version, 'TLSv1');
    assert.equal(verdict?.predictedError, 'ERRCONNECT_TLS_CONNECT_FAILED');
    assert.match(verdict?.reason ?? '', /fails on OpenSSL 3 builds .*connects on OpenSSL 1\.1\.1 builds/);
  });

  it('keeps FreeRDP 2 a plain ok where the server speaks TLS 1.2', () => {
    const [verdict] = verdictsFor(['TLSv1.2'], [TLS12_HELLO('freerdp-2')])!;
    assert.equal(verdict?.compatible, true);
    assert.equal(verdict?.reason, undefined);
  });

  it('says "likely" where the failure rests on a disputed default, and only there', () => {
    const verdicts = verdictsFor(
      ['TLSv1'],
      [PROTOCOL_VERSION_ALERT('windows-11-24h2'), PROTOCOL_VERSION_ALERT('freerdp-3')],
    )!;
    const windows = verdicts.find((verdict) => verdict.profile === 'windows-11-24h2');
    const freerdp = verdicts.find((verdict) => verdict.profile === 'freerdp-3');
    assert.equal(windows?.compatible, false);
    assert.match(
      windows?.reason ?? '',
      /offers TLS 1\.2, TLS 1\.3 \(likely; sources disagree on the TLS 1\.0\/1\.1 default\)$/,
    );
    assert.match(windows?.hedge ?? '', /sources disagree/);
    assert.equal(freerdp?.compatible, false);
    assert.doesNotMatch(freerdp?.reason ?? '', /likely/);
    assert.equal(freerdp?.hedge, undefined);
  });

  it('hedges the assumed Windows App defaults without repeating "likely" in the reason', () => {
    const [verdict] = verdictsFor(['TLSv1'], [PROTOCOL_VERSION_ALERT('windows-app-macos')])!;
    assert.match(verdict?.hedge ?? '', /assumed/);
    assert.doesNotMatch(verdict?.reason ?? '', /likely/);
  });
});
