import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TlsPostureObservation } from '../../../src/probe/types.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { rule } from '../../../src/rules/diagnose/tls-weak-dh-group.js';
import {
  healthy,
  negotiationOnly,
  posture,
  probe,
  rdpSecurity,
  skipped,
} from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const DHE_SUITE = { version: 'TLSv1.2' as const, code: 0x0033, name: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA' };

function dhePosture(primeBits?: number) {
  const attempt = posture(['TLSv1.2'], [DHE_SUITE]);
  const observation: TlsPostureObservation = {
    ...attempt.observation!,
    ...(primeBits !== undefined
      ? { dhe: [{ version: 'TLSv1.2', code: DHE_SUITE.code, name: DHE_SUITE.name, primeBits }] }
      : {}),
  };
  return { ...attempt, observation };
}

ruleTester(rule, {
  valid: [
    { name: 'no DHE suites', observations: healthy() },
    { name: 'a 2048-bit group', observations: healthy({ tlsPosture: dhePosture(2048) }) },
  ],
  invalid: [
    {
      name: 'a 1024-bit group (Logjam range)',
      observations: healthy({ tlsPosture: dhePosture(1024) }),
      findings: [
        {
          severity: 'warning',
          title: /1024-bit Diffie-Hellman group/,
          evidence: [
            { label: /TLSv1\.2 TLS_DHE_RSA_WITH_AES_128_CBC_SHA \(0x0033\) DH group/, value: '1024 bits' },
          ],
        },
      ],
    },
    {
      name: 'a 768-bit group: Windows clients refuse it',
      observations: healthy({ tlsPosture: dhePosture(768) }),
      findings: [{ severity: 'error', title: /Windows clients refuse groups under 1024/ }],
    },
  ],
  notEvaluated: [
    { name: 'no enumeration', observations: healthy({ tlsPosture: undefined }) },
    { name: 'DHE accepted but its group not seen', observations: healthy({ tlsPosture: dhePosture() }) },
  ],
});

it('offers the registry and suite fixes for Windows, and only the xrdp.ini fix for xrdp', () => {
  const windows = evaluateRules([rule], healthy({ tlsPosture: dhePosture(1024) })).findings[0];
  assert.ok(windows?.fixes.some((fix) => fix.script?.code.includes('ServerMinKeyBitLength')));
  assert.ok(windows?.fixes.some((fix) => fix.script?.code.includes('Disable-TlsCipherSuite')));
  const xrdp = evaluateRules(
    [rule],
    healthy({
      tlsPosture: dhePosture(1024),
      negotiation: negotiationOnly(probe('modern', { selected: 1 }), probe('hybrid', { selected: 0 })),
      rdpSecurity: rdpSecurity({ serverVersion: 0x00080004, mcsMaxChannelIds: 22 }),
      credssp: skipped('credssp', 'the server did not select CredSSP'),
    }),
  ).findings[0];
  assert.deepEqual(
    xrdp?.fixes.map((fix) => fix.script?.language),
    ['bash', 'bash'],
  );
  assert.ok(xrdp?.fixes.some((fix) => /tls_ciphers=.*!kDHE/.test(fix.script?.code ?? '')));
  assert.ok(xrdp?.fixes.some((fix) => /rsa:2048/.test(fix.script?.code ?? '')));
  assert.ok(
    xrdp?.evidence.some(
      (entry) => entry.label === 'server software' && /^xrdp \(certain/.test(String(entry.value)),
    ),
  );
});
