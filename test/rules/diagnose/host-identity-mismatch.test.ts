import { rule } from '../../../src/rules/diagnose/host-identity-mismatch.js';
import { certificate, credssp, healthy, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const target = (expectedName: string) => ({ host: expectedName, port: 3389, expectedName });

/** The healthy certificate, with what the probe found the server's own names resolve to. */
function withLookups(...claimedNames: { name: string; from: 'certificate' | 'ntlm'; addresses: string[] }[]) {
  const attempt = certificate();
  return { ...attempt, observation: { ...attempt.observation!, claimedNames } };
}

ruleTester(rule, {
  valid: [
    { name: 'the server names itself as expected', observations: healthy() },
    {
      name: 'a public alias for an internal host (different domains are not compared)',
      observations: healthy({
        target: target('rdp.example.com'),
        credssp: credssp({}, { dnsComputerName: 'host7.corp.local' }),
      }),
    },
    {
      name: 'short name typed, FQDN reported',
      observations: healthy({
        target: target('rdp'),
        credssp: credssp({}, { dnsComputerName: 'rdp.example.test' }),
      }),
    },
    {
      // The case: an alias on the right machine is a name mismatch, not a wrong DNS record.
      name: "the server's own name resolves to the address reached: an alias of the same machine",
      observations: healthy({
        credssp: credssp({}, { dnsComputerName: 'host7.example.test' }),
        certificate: withLookups({ name: 'host7.example.test', from: 'ntlm', addresses: ['192.0.2.10'] }),
      }),
    },
  ],
  invalid: [
    {
      name: 'NTLM names another host in the same domain that resolves elsewhere: the wrong machine',
      observations: healthy({
        credssp: credssp({}, { dnsComputerName: 'backup7.example.test' }),
        certificate: withLookups({ name: 'backup7.example.test', from: 'ntlm', addresses: ['192.0.2.77'] }),
      }),
      findings: [
        {
          evidence: [
            { label: 'name connected to', value: 'rdp.example.test' },
            { label: 'NTLM DNS computer name', value: 'backup7.example.test' },
            { label: 'backup7.example.test resolves to', value: '192.0.2.77', source: 'dns' },
          ],
        },
      ],
    },
    {
      name: 'NTLM names another host in the same domain',
      observations: healthy({ credssp: credssp({}, { dnsComputerName: 'backup7.example.test' }) }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            { label: 'NTLM DNS computer name', value: 'backup7.example.test' },
            { label: 'name connected to', value: 'rdp.example.test' },
          ],
        },
      ],
    },
    {
      name: 'the self-signed certificate names another host',
      observations: healthy({
        credssp: skipped('credssp', 'NLA not offered'),
        certificate: certificate({ selfSigned: true, commonName: 'OLDBOX.example.test', dnsNames: [] }),
      }),
      findings: [
        {
          evidence: [
            {
              label: 'self-signed certificate common name',
              value: 'OLDBOX.example.test',
              source: 'certificate',
            },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'neither credssp nor certificate ran',
      observations: healthy({ credssp: undefined, certificate: undefined }),
      reason: 'did not name itself',
    },
    {
      name: 'connected by IP address',
      observations: healthy({ target: target('192.0.2.10') }),
      reason: 'IP address',
    },
  ],
});
