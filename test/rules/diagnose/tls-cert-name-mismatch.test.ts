import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dnsNameMatches, rule } from '../../../src/rules/diagnose/tls-cert-name-mismatch.js';
import { certificate, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

it('applies the wildcard rules', () => {
  assert.ok(dnsNameMatches('*.example.test', 'rdp.example.test'));
  assert.ok(dnsNameMatches('RDP.Example.Test.', 'rdp.example.test'));
  assert.ok(!dnsNameMatches('*.example.test', 'example.test'));
  assert.ok(!dnsNameMatches('*.example.test', 'a.rdp.example.test'));
  assert.ok(!dnsNameMatches('*.test', 'example.test'));
  assert.ok(!dnsNameMatches('r*.example.test', 'rdp.example.test'));
});

ruleTester(rule, {
  valid: [
    { name: 'exact SAN', observations: healthy() },
    {
      name: 'wildcard SAN',
      observations: healthy({ certificate: certificate({ dnsNames: ['*.example.test'] }) }),
    },
    {
      name: 'IP SAN for an IP target',
      observations: healthy({
        certificate: certificate(
          { ipAddresses: ['192.0.2.10'] },
          { expectedName: '192.0.2.10', expectedNameIsIp: true },
        ),
      }),
    },
    {
      name: 'CN when there is no SAN at all',
      observations: healthy({ certificate: certificate({ dnsNames: [] }) }),
    },
  ],
  invalid: [
    {
      name: 'the certificate name resolves to the address reached: same machine, another name',
      observations: healthy({
        certificate: {
          ...certificate({ dnsNames: ['host7.example.test'] }),
          observation: {
            ...certificate({ dnsNames: ['host7.example.test'] }).observation!,
            claimedNames: [{ name: 'host7.example.test', from: 'certificate', addresses: ['192.0.2.10'] }],
          },
        },
      }),
      findings: [
        {
          severity: 'warning',
          title:
            'The certificate is for host7.example.test, which reaches the same machine as rdp.example.test: connect by that name or add rdp.example.test to the certificate',
          evidence: [{ label: 'host7.example.test resolves to', value: '192.0.2.10, the address reached' }],
        },
      ],
    },
    {
      name: 'SAN names another host (the CN is ignored when SANs exist)',
      observations: healthy({
        certificate: certificate({ dnsNames: ['other.example.test'], commonName: 'rdp.example.test' }),
      }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'names in the certificate', value: 'other.example.test' },
            { label: 'name connected to', value: 'rdp.example.test' },
          ],
        },
      ],
    },
    {
      name: 'connected by IP, certificate only has DNS names',
      observations: healthy({
        certificate: certificate({}, { expectedName: '192.0.2.10', expectedNameIsIp: true }),
      }),
      findings: [{ severity: 'warning', evidence: [{ label: 'name connected to', value: '192.0.2.10' }] }],
    },
    {
      name: 'self-signed with the computer name: info only',
      observations: healthy({
        certificate: certificate({ selfSigned: true, dnsNames: ['WIN-7Q2.corp.local'] }),
      }),
      findings: [{ severity: 'info' }],
    },
  ],
  notEvaluated: [{ name: 'no certificate', observations: healthy({ certificate: undefined }) }],
});
