import type { Evidence, Fix } from '../types.js';
import { azureVariant, psSetDwords, RDP_TCP_KEY } from '../common/fixes.js';
import { defineRule, evidence, found, hex, PASS, withStage } from './helpers.js';

/** MS-RDPBCGR 2.2.1.4.3 encryptionMethod / encryptionLevel values. */
const METHOD_40BIT = 0x01;
const METHOD_56BIT = 0x08;
const METHOD_NONE = 0x00;
const LEVEL_NONE = 0;
const LEVEL_LOW = 1;
const WEAK_METHODS = new Set([METHOD_NONE, METHOD_40BIT, METHOD_56BIT]);
const METHOD_TEXT: Readonly<Record<number, string>> = {
  [METHOD_NONE]: 'no encryption',
  [METHOD_40BIT]: '40-bit RC4',
  [METHOD_56BIT]: '56-bit RC4',
};

const highEncryption: Fix = {
  title: 'Require high (128-bit) encryption and prefer TLS',
  risk: 'low',
  where: 'server',
  steps: [
    'MinEncryptionLevel 3 refuses 40/56-bit Standard RDP Security; every current client supports 128-bit.',
    'Better still, stop using Standard RDP Security: SecurityLayer 2 (TLS) and NLA (see standard-rdp-security-allowed).',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(RDP_TCP_KEY, [{ name: 'MinEncryptionLevel', value: 3 }]),
  },
};

export const rule = defineRule(
  {
    id: 'rdp-weak-encryption',
    title: 'Standard RDP Security uses weak encryption',
    severity: 'warning',
    requires: ['rdp-security'],
    docs: {
      explanation:
        "When a client uses Standard RDP Security (no TLS), the server's own RC4-based encryption is all that protects the session. Here it is weak: the server picked 40- or 56-bit keys or no encryption (at level Client Compatible it takes whatever the client offers, so this is what the probe's offer of every method got), or runs at encryption level None or Low (at Low only client-to-server traffic is encrypted: the screen travels in the clear). 128-bit RC4 at level High and FIPS (3DES) at level FIPS are not reported; the missing server authentication of Standard RDP Security is standard-rdp-security-allowed's finding. Clients still connect: no client error follows from weak encryption.",
      falseAlarm:
        'Irrelevant to clients that use TLS or NLA, which do not use this encryption; it matters because an attacker can force a downgrade while the server allows Standard RDP Security.',
    },
    // Weak encryption connects. mstsc's 0x506 (the encryption method is not valid) is a method mismatch, not this.
    clientErrors: [],
    fixes: [highEncryption, azureVariant(highEncryption)],
  },
  (observations) =>
    withStage(observations.rdpSecurity, 'rdp-security', 'ok', (security) => {
      const method = security.encryptionMethod;
      const level = security.encryptionLevel;
      const weakMethod = method !== undefined && WEAK_METHODS.has(method);
      const weakLevel = level === LEVEL_NONE || level === LEVEL_LOW;
      if (!weakMethod && !weakLevel) return PASS;
      const methodName = method === undefined ? undefined : (security.encryptionMethodName ?? hex(method, 8));
      const levelName = level === undefined ? undefined : (security.encryptionLevelName ?? String(level));
      const facts: Evidence[] = [
        ...(methodName ? [evidence('encryption method', methodName, 'rdp-security')] : []),
        ...(levelName ? [evidence('encryption level', levelName, 'rdp-security')] : []),
      ];
      const title = weakMethod
        ? `Standard RDP Security uses ${METHOD_TEXT[method!]}${levelName ? ` at level ${levelName}` : ''}`
        : `Standard RDP Security at level ${levelName} leaves the server's traffic unencrypted`;
      return found([{ evidence: facts, title, data: { encryptionMethod: method, encryptionLevel: level } }]);
    }),
);
