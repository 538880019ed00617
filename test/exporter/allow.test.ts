/** What the exporter may probe: CIDRs and addresses for addresses, globs for names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AllowPatternError, LOOPBACK_ALLOWED, TargetAllowList } from '../../src/exporter/allow.js';

describe('TargetAllowList', () => {
  it('allows only loopback by default', () => {
    const allow = new TargetAllowList(LOOPBACK_ALLOWED);
    for (const host of ['127.0.0.1', '127.77.1.9', '::1', 'localhost', 'LOCALHOST.', '::ffff:127.0.0.1'])
      assert.ok(allow.allows(host), host);
    for (const host of ['10.0.0.1', '192.168.1.1', '::2', 'rdp01', 'localhost.evil.example', '0.0.0.0'])
      assert.ok(!allow.allows(host), host);
  });

  it('matches CIDRs, addresses and host globs', () => {
    const allow = new TargetAllowList([
      '10.20.0.0/16',
      '2001:db8::/32',
      '192.0.2.7',
      '*.corp.example',
      'rdp0?',
    ]);
    for (const host of [
      '10.20.255.1',
      '2001:db8::5',
      '192.0.2.7',
      'a.corp.example',
      'A.B.Corp.Example',
      'rdp01',
    ])
      assert.ok(allow.allows(host), host);
    for (const host of [
      '10.21.0.1',
      '2001:db9::1',
      '192.0.2.8',
      'corp.example',
      'evilcorp.example',
      'rdp010',
    ])
      assert.ok(!allow.allows(host), host);
  });

  it('refuses patterns it cannot read', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'a b', 'http://x/', ''])
      assert.throws(() => new TargetAllowList([bad]), AllowPatternError, bad);
  });
});
