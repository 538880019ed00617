import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rule, weakness } from '../../../src/rules/diagnose/tls-weak-cipher.js';
import { healthy, posture } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

it('recognises weak suites in IANA and OpenSSL spelling, and not strong ones', () => {
  assert.match(weakness('TLS_RSA_WITH_RC4_128_SHA') ?? '', /RC4/);
  assert.match(weakness('DES-CBC3-SHA') ?? '', /3DES/);
  assert.match(weakness('TLS_RSA_WITH_3DES_EDE_CBC_SHA') ?? '', /3DES/);
  assert.match(weakness('TLS_DH_anon_WITH_AES_128_CBC_SHA') ?? '', /anonymous/);
  assert.equal(weakness('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'), undefined);
  assert.equal(weakness('TLS_AES_128_GCM_SHA256'), undefined);
});

ruleTester(rule, {
  valid: [{ name: 'AES-GCM only', observations: healthy() }],
  invalid: [
    {
      name: 'RC4 and 3DES accepted',
      observations: healthy({
        tlsPosture: posture(
          ['TLSv1', 'TLSv1.2'],
          [
            { version: 'TLSv1.2', code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
            { version: 'TLSv1', code: 0x0005, name: 'TLS_RSA_WITH_RC4_128_SHA' },
            { version: 'TLSv1', code: 0x000a, name: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' },
          ],
        ),
      }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'TLSv1 TLS_RSA_WITH_RC4_128_SHA (0x0005)', value: /RC4/ },
            { label: /3DES_EDE_CBC_SHA \(0x000a\)/, value: /Sweet32/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [{ name: 'no enumeration', observations: healthy({ tlsPosture: undefined }) }],
});
