import assert from 'node:assert/strict';
import { it } from 'node:test';
import { findWindowsBuild, WINDOWS_BUILDS } from '../../../src/data/windows-builds.js';
import { rule } from '../../../src/rules/diagnose/os-end-of-life.js';
import { credssp, healthy, posture, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const version = (major: number, minor: number, build: number) => ({
  productVersion: { major, minor, build, revision: 15 },
});
/** A server whose TLS stops at 1.2, as Windows before Server 2022 / Windows 11. */
const tls12Server = { tls: tls({ version: 'TLSv1.2' }), tlsPosture: posture(['TLSv1', 'TLSv1.2']) } as const;

it('the build table has unique builds and valid dates', () => {
  assert.equal(
    new Set(WINDOWS_BUILDS.map((entry) => `${entry.major}.${entry.minor}.${entry.build}`)).size,
    WINDOWS_BUILDS.length,
  );
  for (const entry of WINDOWS_BUILDS) {
    if (entry.endOfSupport) assert.match(entry.endOfSupport, /^\d{4}-\d{2}-\d{2}$/, entry.release);
  }
  assert.equal(
    findWindowsBuild({ major: 10, minor: 0, build: 17763 })?.release,
    'Windows 10 1809 / Server 2019',
  );
});

ruleTester(rule, {
  valid: [
    { name: 'Server 2022', observations: healthy() },
    {
      name: 'Server 2016 (shared build, the server edition is still supported)',
      observations: healthy({ credssp: credssp({}, version(10, 0, 14393)) }),
    },
  ],
  invalid: [
    {
      name: 'Server 2008 R2 SP1 speaking TLS 1.2: the claim stands, said as a claim',
      observations: healthy({ credssp: credssp({}, version(6, 1, 7601)), ...tls12Server }),
      findings: [
        {
          severity: 'warning',
          title:
            'The server claims to run Windows 7 SP1 / Server 2008 R2 SP1, out of support since 2020-01-14',
          evidence: [{ label: 'Windows version (NTLM, as the server claims it)', value: '6.1.7601' }],
        },
      ],
    },
    {
      // FreeRDP writes 6.1.7601 whatever it runs on; Windows 7 / 2008 R2 Schannel has no TLS 1.3.
      name: 'a claimed Server 2008 R2 that speaks TLS 1.3: contradicted, likely not Windows, info',
      observations: healthy({ credssp: credssp({}, version(6, 1, 7601)) }),
      findings: [
        {
          severity: 'info',
          title:
            'The server claims Windows 7 SP1 / Server 2008 R2 SP1 (NTLM version field), but it speaks TLS 1.3, which Windows 7 SP1 / Server 2008 R2 SP1 does not have: likely not Windows (e.g. FreeRDP or xrdp)',
          evidence: [
            { label: 'Windows version (NTLM, as the server claims it)', value: '6.1.7601' },
            { label: 'newest TLS version the server speaks', value: 'TLSv1.3' },
            { label: /^newest TLS version of /, value: 'TLSv1.2' },
          ],
        },
      ],
    },
    {
      name: 'TLS 1.3 seen only in the main handshake (no enumeration) still contradicts the claim',
      observations: healthy({ credssp: credssp({}, version(6, 3, 9600)), tlsPosture: undefined }),
      findings: [{ severity: 'info', title: /claims Windows 8\.1 \/ Server 2012 R2 .* speaks TLS 1\.3/ }],
    },
    {
      name: 'Server 2012 R2',
      observations: healthy({ credssp: credssp({}, version(6, 3, 9600)), ...tls12Server }),
      findings: [{ evidence: [{ label: 'support ended', value: /^2023-10-10/ }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'no VERSION field',
      observations: healthy({ credssp: credssp({}, { productVersion: undefined }) }),
      reason: 'did not report',
    },
    {
      name: 'an unknown build',
      observations: healthy({ credssp: credssp({}, version(10, 0, 12345)) }),
      reason: 'not in',
    },
    {
      name: 'a build without a known date',
      observations: healthy({ credssp: credssp({}, version(10, 0, 26300)) }),
      reason: 'no end-of-support date',
    },
  ],
});
