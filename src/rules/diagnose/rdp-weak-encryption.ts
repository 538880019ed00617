import type { Evidence, Fix } from '../types.js';
import { MSTSC_INVALID_ENCRYPTION } from '../common/client-errors.js';
import { azureVariant, psSetDwords, RDP_TCP_KEY } from '../common/fixes.js';
import { defineRule, evidence, found, hex, PASS, withStage } from './helpers.js';

/** MS-RDPBCGR 2.2.1.4.3 encryptionMethod / encryptionLevel values. */
const METHOD_40BIT = 0x01;
const METHOD_56BIT = 0x08;
const METHOD_NONE = 0x00;
const LEVEL_NONE = 0;
const LEVEL_LOW = 1;
const LEVEL_CLIENT_COMPATIBLE = 2;
export const MIN_RSA_BITS = 2048;

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
        "When a client uses Standard RDP Security (no TLS), the server's own RC4-based encryption is all that protects the session. Here it is weak: the server picked 40- or 56-bit keys or no encryption, runs at encryption level Low (only client-to-server traffic is encrypted) or Client Compatible (whatever the client offers), or signs its key exchange with an RSA key under 2048 bits. The 512-bit proprietary certificate Windows uses when it has no X.509 one is always weak: its private key is public knowledge, so anyone in the middle can impersonate the server.",
      falseAlarm:
        'Irrelevant to clients that use TLS or NLA, which do not use this encryption; it matters because an attacker can force a downgrade while the server allows Standard RDP Security.',
    },
    clientErrors: [MSTSC_INVALID_ENCRYPTION],
    fixes: [highEncryption, azureVariant(highEncryption)],
  },
  (observations) =>
    withStage(observations.rdpSecurity, 'rdp-security', 'ok', (security) => {
      const problems: Evidence[] = [];
      const method = security.encryptionMethod;
      if (method === METHOD_NONE || method === METHOD_40BIT || method === METHOD_56BIT) {
        problems.push(
          evidence('encryption method', security.encryptionMethodName ?? hex(method, 8), 'rdp-security'),
        );
      }
      const level = security.encryptionLevel;
      if (level === LEVEL_NONE || level === LEVEL_LOW || level === LEVEL_CLIENT_COMPATIBLE) {
        problems.push(
          evidence('encryption level', security.encryptionLevelName ?? String(level), 'rdp-security'),
        );
      }
      const certificate = security.serverCertificate;
      if (certificate?.type === 'proprietary') {
        problems.push(
          evidence(
            'server certificate',
            `proprietary ${certificate.rsaKeyBits ?? 512}-bit RSA (well-known signing key)`,
            'rdp-security',
          ),
        );
      } else if (certificate?.rsaKeyBits !== undefined && certificate.rsaKeyBits < MIN_RSA_BITS) {
        problems.push(evidence('server RSA key', `${certificate.rsaKeyBits} bits`, 'rdp-security'));
      }
      if (problems.length === 0) return PASS;
      return found([{ evidence: problems, data: { encryptionMethod: method, encryptionLevel: level } }]);
    }),
);
