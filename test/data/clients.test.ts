import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLIENT_PROFILE_IDS,
  CLIENT_PROFILES,
  type ClientProfile,
  CURRENT_WINDOWS_PROFILE_ID,
  DATA_VERSION,
  findClientProfile,
  type TlsVersionName,
} from '../../src/data/clients/index.js';
import { FREERDP_CONNECT_ERRORS } from '../../src/data/freerdp-errors.js';
import { cipherSuiteByCode } from '../../src/data/tls-cipher-suites.js';
import { namedGroupByCode } from '../../src/data/tls-groups.js';
import { signatureSchemeByCode } from '../../src/data/tls-signature-schemes.js';
import { Protocol } from '../../src/wire/rdp-neg.js';

const REQUIRED_IDS = [
  'windows-7-sp1',
  'windows-7-sp1-tls12',
  'windows-8-1',
  'windows-10-1607',
  'windows-10-1809',
  'windows-10-21h2',
  'windows-10-22h2',
  'windows-11-21h2',
  'windows-11-22h2',
  'windows-11-23h2',
  'windows-11-24h2',
  'windows-server-2012-r2',
  'windows-server-2016',
  'windows-server-2019',
  'windows-server-2022',
  'windows-server-2025',
  'freerdp-2',
  'freerdp-3',
  'windows-app-macos',
  'windows-app-ios',
  'windows-app-android',
];

const VERSION_ORDER: readonly TlsVersionName[] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const DEPRECATION_URL =
  'https://learn.microsoft.com/en-us/windows/win32/secauthn/tls-10-11-deprecation-in-windows';

function profile(id: string): ClientProfile {
  const found = findClientProfile(id);
  assert.ok(found, `profile ${id} exists`);
  return found;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The id prefix a profile must start with: product, then its version as the release names it. */
function expectedPrefix(each: ClientProfile): string {
  if (each.product === 'Windows App') return `windows-app-${each.platform}`;
  if (each.product === 'FreeRDP') return `freerdp-${/^\d+/.exec(each.release)?.[0]}`;
  const version = /^(SP\d|\d{4} R2|\d{2}H\d|\d{4})\b/.exec(each.release)?.[0];
  return version === undefined ? slug(each.product) : `${slug(each.product)}-${slug(version)}`;
}

function hasDuplicates(values: readonly unknown[]): boolean {
  return new Set(values).size !== values.length;
}

describe('client profiles', () => {
  it('has every profile the issue asks for, ids unique and in table order', () => {
    for (const id of REQUIRED_IDS) assert.ok(findClientProfile(id), `missing ${id}`);
    assert.deepEqual(
      CLIENT_PROFILE_IDS,
      CLIENT_PROFILES.map((each) => each.id),
    );
    assert.equal(hasDuplicates(CLIENT_PROFILE_IDS), false);
  });

  it('names ids in kebab-case, product first, then the version', () => {
    for (const each of CLIENT_PROFILES) {
      assert.match(each.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, each.id);
      const prefix = expectedPrefix(each);
      assert.ok(
        each.id === prefix || each.id.startsWith(`${prefix}-`),
        `${each.id} should start with ${prefix}`,
      );
    }
  });

  it('finds a profile ignoring case and surrounding space, and nothing for an unknown id', () => {
    assert.equal(findClientProfile(' Windows-11-24H2 ')?.id, 'windows-11-24h2');
    assert.equal(findClientProfile('windows-12'), undefined);
    assert.equal(findClientProfile(''), undefined);
  });

  it('sources every profile and lists assumptions wherever confidence is not high', () => {
    for (const each of CLIENT_PROFILES) {
      assert.ok(each.sources.length > 0, `${each.id} has sources`);
      for (const source of each.sources) {
        assert.ok(source.ref.trim().length > 0 && source.note.trim().length > 0, `${each.id}: ${source.ref}`);
      }
      assert.equal(
        hasDuplicates(each.sources.map((source) => source.ref)),
        false,
        `${each.id} repeats a source`,
      );
      if (each.confidence !== 'high')
        assert.ok(each.assumptions.length > 0, `${each.id} says what it assumes`);
    }
  });

  it('marks the poorly documented Windows App profiles low confidence, and only them', () => {
    const low = CLIENT_PROFILES.filter((each) => each.confidence === 'low').map((each) => each.id);
    assert.deepEqual(low, ['windows-app-macos', 'windows-app-ios', 'windows-app-android']);
  });

  it('uses only known IANA code points: TLS 1.2 suites, TLS 1.3 suites, groups, signature schemes', () => {
    for (const each of CLIENT_PROFILES) {
      for (const code of each.tls.cipherSuites) {
        const suite = cipherSuiteByCode(code);
        assert.ok(suite, `${each.id}: suite 0x${code.toString(16)} is in the registry`);
        assert.equal(suite.tls13, false, `${each.id}: ${suite.name} belongs in tls13CipherSuites`);
        assert.equal(suite.signaling, undefined, `${each.id}: ${suite.name} is a signalling value`);
      }
      for (const code of each.tls.tls13CipherSuites) {
        assert.equal(
          cipherSuiteByCode(code)?.tls13,
          true,
          `${each.id}: 0x${code.toString(16)} is a TLS 1.3 suite`,
        );
      }
      for (const code of each.tls.groups) assert.ok(namedGroupByCode(code), `${each.id}: group ${code}`);
      for (const code of each.tls.signatureAlgorithms) {
        assert.ok(signatureSchemeByCode(code), `${each.id}: scheme 0x${code.toString(16)}`);
      }
    }
  });

  it('keeps each list free of repeats, and versions ordered and either on or off, not both', () => {
    for (const each of CLIENT_PROFILES) {
      const { tls } = each;
      for (const list of [
        tls.versions,
        tls.supportedButDisabled,
        tls.cipherSuites,
        tls.tls13CipherSuites,
        tls.groups,
      ]) {
        assert.equal(hasDuplicates(list), false, `${each.id}: ${list.join(',')}`);
      }
      assert.equal(hasDuplicates(tls.signatureAlgorithms), false, each.id);
      assert.ok(tls.versions.length > 0, `${each.id} enables some version`);
      const ranks = tls.versions.map((version) => VERSION_ORDER.indexOf(version));
      assert.deepEqual(
        ranks,
        [...ranks].sort((a, b) => a - b),
        `${each.id}: versions oldest first`,
      );
      for (const version of tls.supportedButDisabled) {
        assert.ok(!tls.versions.includes(version), `${each.id}: ${version} both on and off`);
      }
    }
  });

  it('offers TLS 1.3 suites exactly when TLS 1.3 is on, and signature algorithms exactly when TLS 1.2+ is', () => {
    for (const each of CLIENT_PROFILES) {
      const { tls } = each;
      assert.equal(tls.tls13CipherSuites.length > 0, tls.versions.includes('TLSv1.3'), each.id);
      const tls12OrLater = tls.versions.includes('TLSv1.2') || tls.versions.includes('TLSv1.3');
      assert.equal(tls.signatureAlgorithms.length > 0, tls12OrLater, each.id);
      assert.ok(tls.cipherSuites.length > 0, `${each.id} has TLS 1.2-and-earlier suites`);
      assert.ok(tls.groups.length > 0, `${each.id} has groups`);
    }
  });

  it('requests only defined protocol bits, always TLS, and HYBRID_EX only with HYBRID', () => {
    const known = Object.values(Protocol).reduce<number>((mask, bit) => mask | bit, 0);
    for (const each of CLIENT_PROFILES) {
      const mask = each.security.requestedProtocols;
      assert.equal(mask & ~known, 0, each.id);
      assert.ok(mask & Protocol.SSL, `${each.id} requests SSL`);
      if (mask & Protocol.HYBRID_EX)
        assert.ok(mask & Protocol.HYBRID, `${each.id}: HYBRID_EX without HYBRID`);
      assert.ok(each.security.credsspVersion >= 2 && each.security.credsspVersion <= 6, each.id);
    }
  });

  it('derives `current` from the end of support as of the data date', () => {
    for (const each of CLIENT_PROFILES) {
      if (each.endOfSupport === undefined) continue;
      assert.match(each.endOfSupport, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(each.current, each.endOfSupport > DATA_VERSION.date, `${each.id} (${each.endOfSupport})`);
    }
    for (const each of CLIENT_PROFILES.filter((profile) => profile.platform.startsWith('windows'))) {
      assert.ok(each.endOfSupport, `${each.id} has an end of support date`);
    }
  });

  it('follows the newer deprecation notice: no TLS 1.0/1.1 by default on Windows 11 24H2+ and Server 2025', () => {
    for (const id of ['windows-11-24h2', 'windows-server-2025']) {
      const each = profile(id);
      assert.deepEqual(each.tls.versions, ['TLSv1.2', 'TLSv1.3'], id);
      assert.ok(
        each.tls.supportedButDisabled.includes('TLSv1') && each.tls.supportedButDisabled.includes('TLSv1.1'),
      );
      assert.ok(
        each.sources.some((source) => source.ref === DEPRECATION_URL && /followed/i.test(source.note)),
        `${id} cites the notice and says it is followed`,
      );
      assert.ok(
        each.notes.some((note) => /deprecation notice/.test(note) && /TLS 1\.0\/1\.1/.test(note)),
        id,
      );
    }
    for (const id of ['windows-11-23h2', 'windows-server-2022', 'windows-10-22h2']) {
      assert.ok(profile(id).tls.versions.includes('TLSv1'), `${id} predates the notice`);
    }
  });

  it('gives Windows 7 SP1 only TLS 1.0 without the update, with only TLS 1.0-capable suites', () => {
    const legacy = profile('windows-7-sp1');
    const updated = profile('windows-7-sp1-tls12');
    assert.deepEqual(
      legacy.tls.versions.filter((version) => version.startsWith('TLS')),
      ['TLSv1'],
    );
    assert.ok(legacy.tls.supportedButDisabled.includes('TLSv1.2'));
    assert.ok(updated.tls.versions.includes('TLSv1.2'));
    // TLS 1.0 suites keep the full list's order and use no TLS 1.2-only construction (AEAD, SHA-2 MAC).
    const positions = legacy.tls.cipherSuites.map((code) => updated.tls.cipherSuites.indexOf(code));
    assert.ok(!positions.includes(-1));
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
    for (const code of legacy.tls.cipherSuites) assert.match(cipherSuiteByCode(code)!.mac, /^(SHA|MD5)$/);
  });

  it('keeps TLS 1.3 off every Windows before Windows 11 and Server 2022', () => {
    for (const each of CLIENT_PROFILES) {
      const old = /^windows-(7|8|10)-|^windows-server-(2012|2016|2019)/.test(each.id);
      if (old) assert.ok(!each.tls.versions.includes('TLSv1.3'), each.id);
    }
  });

  it('points CURRENT_WINDOWS_PROFILE_ID at the newest current Windows desktop profile', () => {
    const windows = CLIENT_PROFILES.filter((each) => each.platform === 'windows' && each.current);
    assert.equal(windows.at(-1)?.id, CURRENT_WINDOWS_PROFILE_ID);
  });

  it('gives FreeRDP the error value and name its error table has', () => {
    for (const id of ['freerdp-2', 'freerdp-3']) {
      const failure = profile(id).errors.tlsFailure;
      const entry = FREERDP_CONNECT_ERRORS.find((error) => error.name === failure.name);
      assert.equal(entry?.value, failure.code, id);
    }
    assert.deepEqual(profile('freerdp-3').tls.versions, ['TLSv1.2', 'TLSv1.3']);
  });

  it('gives every profile a unique display name that starts with its product and ends in no punctuation', () => {
    const names = CLIENT_PROFILES.map((each) => each.displayName);
    assert.ok(!hasDuplicates(names), names.join(' | '));
    for (const each of CLIENT_PROFILES) {
      assert.ok(each.displayName.startsWith(each.product), each.id);
      assert.doesNotMatch(each.displayName, /[.,;:!?\s]$/, each.id);
      assert.doesNotMatch(each.displayName, /\b(with|without|and|or)$/, each.id);
    }
    assert.equal(profile('windows-server-2012-r2').displayName, 'Windows Server 2012 R2');
    assert.equal(profile('windows-7-sp1').displayName, 'Windows 7 SP1');
  });

  it('hedges only facts its sources dispute: TLS 1.0/1.1 on Windows 11 24H2 and Server 2025', () => {
    const disputed = CLIENT_PROFILES.filter((each) => each.tls.versionsDisputed).map((each) => each.id);
    assert.deepEqual(disputed, ['windows-11-24h2', 'windows-server-2025']);
    for (const id of disputed) {
      assert.notEqual(profile(id).confidence, 'high', `${id}: a disputed default is not high confidence`);
      assert.ok(
        profile(id).assumptions.some((assumption) => /sources disagree/.test(assumption)),
        id,
      );
    }
  });

  it('models FreeRDP 2 against TLS 1.0/1.1 as build-dependent, with the error its table has', () => {
    const dependent = profile('freerdp-2').tls.buildDependent;
    assert.deepEqual(dependent?.versions, ['TLSv1', 'TLSv1.1']);
    assert.match(dependent?.failsOn ?? '', /OpenSSL 3/);
    assert.match(dependent?.connectsOn ?? '', /OpenSSL 1\.1/);
    assert.ok(FREERDP_CONNECT_ERRORS.some((error) => error.name === dependent?.failingError));
    for (const version of dependent?.versions ?? []) {
      assert.ok(profile('freerdp-2').tls.versions.includes(version), 'the hello still offers it');
    }
    assert.equal(profile('freerdp-3').tls.buildDependent, undefined, 'FreeRDP 3.27+ offers TLS 1.2+ only');
  });

  it('gives mstsc profiles the 0x904 / extended 0x7 message and a CredSSP oracle policy', () => {
    for (const each of CLIENT_PROFILES.filter((profile) => profile.platform.startsWith('windows'))) {
      assert.equal(each.errors.tlsFailure.code, 0x904, each.id);
      assert.equal(each.errors.tlsFailure.extended, 0x7, each.id);
      assert.equal(each.security.encryptionOracle, 'Mitigated', each.id);
    }
  });
});
