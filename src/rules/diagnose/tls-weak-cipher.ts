import type { Fix } from '../types.js';
import { azureVariant, withServerFixes, disableCipherSuitesFix } from '../common/fixes.js';
import { XRDP_STRONG_CIPHER_SUITES } from '../common/xrdp-fixes.js';
import { defineRule, evidence, found, hex, PASS, withStage } from './helpers.js';

/**
 * Broken or obsolete building blocks, matched in IANA (TLS_RSA_WITH_RC4_128_SHA) and OpenSSL
 * (RC4-SHA, DES-CBC3-SHA) spellings: RC4, DES and 3DES, NULL encryption, export grades,
 * anonymous key exchange and MD5 MACs.
 */
const WEAK_PARTS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /RC4/i, why: 'RC4 (broken stream cipher)' },
  { pattern: /3DES|DES[-_]CBC3|(^|[-_])DES([-_]|$)/i, why: 'DES/3DES (64-bit block, Sweet32)' },
  { pattern: /NULL/i, why: 'no encryption' },
  { pattern: /EXP(ORT)?[-_]/i, why: 'export-grade key' },
  { pattern: /_anon_|^ADH|^AECDH/i, why: 'anonymous key exchange (no server authentication)' },
  { pattern: /MD5/i, why: 'MD5 MAC' },
];

export function weakness(name: string): string | undefined {
  return WEAK_PARTS.find((part) => part.pattern.test(name))?.why;
}

function disableSuites(names: readonly string[]): Fix {
  return disableCipherSuitesFix(
    'Disable the weak cipher suites found',
    names,
    'Disables exactly the suites the enumeration saw; suites already disabled are skipped.',
  );
}

const disableRc4And3des: Fix = {
  title: 'Turn off RC4 and Triple DES in SCHANNEL',
  risk: 'low',
  where: 'server',
  steps: ['Disables the ciphers for every suite that uses them; reboot to apply.'],
  script: {
    language: 'powershell',
    code: [
      "foreach ($cipher in @('RC4 128/128', 'RC4 64/128', 'RC4 56/128', 'RC4 40/128', 'Triple DES 168')) {",
      "  # .NET's CreateSubKey opens or creates the key; the PowerShell provider cannot take the '/' in these names.",
      '  $key = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey("SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers\\$cipher")',
      "  $key.SetValue('Enabled', 0, [Microsoft.Win32.RegistryValueKind]::DWord)",
      '  $key.Close()',
      '}',
    ].join('\n'),
  },
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-weak-cipher',
    title: 'The server accepts weak TLS cipher suites',
    severity: 'warning',
    requires: ['tls'],
    docs: {
      explanation:
        'The cipher suite enumeration found the server accepting suites built on broken or obsolete parts: RC4, DES or Triple DES (Sweet32), NULL encryption, export-grade keys, anonymous key exchange or MD5. Current clients prefer strong suites, so connections work, but a downgrade or an old client can end up on a weak one, and compliance scans fail.',
      falseAlarm:
        'A suite only reachable with TLS versions no client uses any more is low risk; it is still worth removing.',
    },
    clientErrors: [],
    fixes: [disableRc4And3des, azureVariant(disableRc4And3des)],
  },
  (observations) =>
    withStage(observations.tlsPosture, 'TLS enumeration', 'ok', (posture) => {
      const weak = posture.ciphers.flatMap((cipher) => {
        const why = weakness(cipher.name);
        return why ? [{ ...cipher, why }] : [];
      });
      if (weak.length === 0) return PASS;
      const names = [...new Set(weak.map((cipher) => cipher.name))];
      return found([
        {
          evidence: weak.map((cipher) =>
            evidence(`${cipher.version} ${cipher.name} (${hex(cipher.code, 4)})`, cipher.why, 'tls'),
          ),
          fixes: [disableSuites(names)],
          data: { ciphers: names },
        },
      ]);
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_STRONG_CIPHER_SUITES] });
