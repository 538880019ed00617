import assert from 'node:assert/strict';
import { it } from 'node:test';
import { findWindowsBuild, WINDOWS_BUILDS } from '../../../src/data/windows-builds.js';
import { rule } from '../../../src/rules/diagnose/os-end-of-life.js';
import { credssp, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const version = (major: number, minor: number, build: number) => ({
  productVersion: { major, minor, build, revision: 15 },
});

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
      name: 'Server 2008 R2 SP1',
      observations: healthy({ credssp: credssp({}, version(6, 1, 7601)) }),
      findings: [
        {
          severity: 'warning',
          title: /Windows 7 SP1 \/ Server 2008 R2 SP1, out of support since 2020-01-14/,
          evidence: [{ label: 'Windows version (NTLM)', value: '6.1.7601' }],
        },
      ],
    },
    {
      name: 'Server 2012 R2',
      observations: healthy({ credssp: credssp({}, version(6, 3, 9600)) }),
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
