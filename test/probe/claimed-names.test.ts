import assert from 'node:assert/strict';
import { it } from 'node:test';
import { resolveClaimedNames } from '../../src/probe/stages/dns.js';

it('resolves the names a server claims, skipping the expected name, wildcards, IPs and repeats', async () => {
  const resolved = await resolveClaimedNames(
    [
      { name: 'localhost', from: 'certificate' },
      { name: 'LOCALHOST.', from: 'ntlm' },
      { name: '*.example.test', from: 'certificate' },
      { name: '127.0.0.1', from: 'certificate' },
      { name: 'rdp.example.test', from: 'certificate' },
      { name: 'nothing.rdp-doctor.invalid', from: 'ntlm' },
    ],
    'rdp.example.test',
    1000,
  );
  assert.deepEqual(
    resolved.map((entry) => [entry.name, entry.from]),
    [
      ['localhost', 'certificate'],
      ['nothing.rdp-doctor.invalid', 'ntlm'],
    ],
  );
  assert.ok(resolved[0]!.addresses.some((address) => address === '127.0.0.1' || address === '::1'));
  assert.deepEqual(resolved[1]!.addresses, [], '.invalid never resolves');
});
