import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CIPHER_SUITES,
  cipherSuiteByCode,
  cipherSuiteByName,
  cipherSuiteName,
} from '../../src/data/tls-cipher-suites.js';
import { isGrease, NAMED_GROUPS, namedGroupByCode, namedGroupByName } from '../../src/data/tls-groups.js';
import {
  SIGNATURE_SCHEMES,
  signatureSchemeByCode,
  signatureSchemeName,
} from '../../src/data/tls-signature-schemes.js';

function assertUnique<T>(values: readonly T[], what: string): void {
  assert.equal(new Set(values).size, values.length, `duplicate ${what}`);
}

describe('tls-cipher-suites table', () => {
  it('holds every IANA-assigned suite, unique by code and name', () => {
    assert.equal(CIPHER_SUITES.length, 352);
    assertUnique(
      CIPHER_SUITES.map((suite) => suite.code),
      'code',
    );
    assertUnique(
      CIPHER_SUITES.map((suite) => suite.name),
      'name',
    );
    assertUnique(
      CIPHER_SUITES.flatMap((suite) => (suite.openssl ? [suite.openssl] : [])),
      'openssl name',
    );
    for (const suite of CIPHER_SUITES) {
      assert.ok(suite.code >= 0 && suite.code <= 0xffff);
      assert.match(suite.name, /^TLS_[A-Z0-9_a-z]+$/);
    }
  });

  it('known entries', () => {
    assert.deepEqual(cipherSuiteByCode(0x009d), {
      code: 0x009d,
      name: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
      keyExchange: 'RSA',
      authentication: 'RSA',
      cipher: 'AES_256_GCM',
      mac: 'AEAD',
      strength: 'weak',
      tls13: false,
      openssl: 'AES256-GCM-SHA384',
    });
    assert.equal(cipherSuiteByCode(0x002f)?.name, 'TLS_RSA_WITH_AES_128_CBC_SHA');
    assert.equal(cipherSuiteByCode(0x0005)?.strength, 'insecure'); // RC4
    assert.equal(cipherSuiteByCode(0x0003)?.keyExchange, 'RSA_EXPORT');
    assert.equal(cipherSuiteByCode(0x000a)?.strength, 'weak'); // 3DES
    assert.equal(cipherSuiteByCode(0x0018)?.authentication, 'anon');
    assert.equal(cipherSuiteByCode(0xc030)?.strength, 'recommended');
    assert.equal(cipherSuiteByCode(0x1301)?.tls13, true);
    assert.equal(cipherSuiteByCode(0xc100)?.name, 'TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC');
    assert.equal(cipherSuiteByCode(0x00ff)?.signaling, true);
    assert.equal(cipherSuiteByName('ECDHE-RSA-AES128-GCM-SHA256')?.code, 0xc02f);
    assert.equal(cipherSuiteByName('TLS_CHACHA20_POLY1305_SHA256')?.code, 0x1303);
    assert.equal(cipherSuiteName(0x0a0a), 'unknown cipher suite 0x0a0a');
  });

  it('no NULL, anon, EXPORT or RC4 suite is graded above insecure', () => {
    for (const suite of CIPHER_SUITES) {
      if (suite.signaling) continue;
      if (/_NULL_|_anon_|EXPORT|RC4|_DES_|DES40|RC2/.test(suite.name) || suite.cipher === 'NULL') {
        assert.equal(suite.strength, 'insecure', suite.name);
      }
    }
  });
});

describe('tls-groups and tls-signature-schemes tables', () => {
  it('groups: unique, known entries, GREASE detection', () => {
    assertUnique(
      NAMED_GROUPS.map((group) => group.code),
      'code',
    );
    assertUnique(
      NAMED_GROUPS.map((group) => group.name),
      'name',
    );
    assert.equal(namedGroupByCode(29)?.name, 'x25519');
    assert.equal(namedGroupByCode(23)?.name, 'secp256r1');
    assert.equal(namedGroupByName('ffdhe2048')?.code, 256);
    assert.equal(namedGroupByCode(4588)?.name, 'X25519MLKEM768');
    assert.equal(isGrease(0x2a2a), true);
    assert.equal(isGrease(0x2a2b), false);
  });

  it('signature schemes: unique, known entries', () => {
    assertUnique(
      SIGNATURE_SCHEMES.map((scheme) => scheme.code),
      'code',
    );
    assertUnique(
      SIGNATURE_SCHEMES.map((scheme) => scheme.name),
      'name',
    );
    assert.equal(signatureSchemeByCode(0x0804)?.name, 'rsa_pss_rsae_sha256');
    assert.equal(signatureSchemeByCode(0x0201)?.strength, 'weak');
    assert.equal(signatureSchemeName(0x0807), 'ed25519');
    assert.equal(signatureSchemeName(0x1234), 'unknown signature scheme 0x1234');
  });
});
