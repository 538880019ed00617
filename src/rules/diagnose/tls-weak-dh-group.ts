import type { Fix } from '../types.js';
import { azureVariant, psSetDwords, withServerFixes, disableCipherSuitesFix } from '../common/fixes.js';
import { XRDP_NEW_CERTIFICATE, XRDP_NO_DHE } from '../common/xrdp-fixes.js';
import { defineRule, evidence, found, hex, notEvaluated, PASS, withStage } from './helpers.js';

/**
 * Below this a finite-field DH group is Logjam territory (weakdh.org, CVE-2015-4000), and OpenSSL
 * clients at security level 2 (Debian's default) refuse it: level 2 means 112-bit security, DH 2048.
 */
export const MIN_DH_BITS = 2048;
/**
 * Schannel clients refuse smaller DH groups: Diffie-Hellman ClientMinKeyBitLength defaults to 1024
 * on Windows 10 1507 / Server 2016 and later (/work/shared/reference/registry.json, from
 * MicrosoftDocs tls-registry-settings.md). The server side defaults to 2048 there.
 */
export const SCHANNEL_MIN_DH_BITS = 1024;

const DH_KEY =
  'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\KeyExchangeAlgorithms\\Diffie-Hellman';

const serverMinDh: Fix = {
  title: 'Make Schannel use DH groups of 2048 bits or more (ServerMinKeyBitLength)',
  risk: 'low',
  where: 'server',
  steps: [
    'Windows 10 / Server 2016 and later already default to 2048; older systems or an explicit smaller value give 1024. Reboot to apply.',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(DH_KEY, [{ name: 'ServerMinKeyBitLength', value: MIN_DH_BITS }]),
  },
};

function disableDheSuites(names: readonly string[]): Fix {
  return disableCipherSuitesFix(
    'Disable the TLS_DHE_* suites found',
    names,
    'ECDHE suites keep forward secrecy for current clients; suites already disabled are skipped.',
  );
}

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-weak-dh-group',
    title: 'The server uses a Diffie-Hellman group smaller than 2048 bits',
    severity: 'warning',
    requires: ['tls'],
    docs: {
      explanation:
        "For its TLS_DHE_* suites the server sends a finite-field Diffie-Hellman prime of fewer than 2048 bits. 1024-bit groups are within reach of a well-funded attacker and common 1024-bit primes were the target of Logjam (CVE-2015-4000). OpenSSL 3 clients at their usual security level 2 (FreeRDP on current Linux) refuse groups under 2048 bits, so they fail when the server picks a DHE suite for them; Windows clients refuse groups under 1024 bits. On xrdp the group follows the certificate key's size: a 1024-bit RSA key gives 1024-bit DHE.",
      falseAlarm:
        'Clients that prefer ECDHE (all current ones) never use the DHE suites; the risk is for clients or downgrades that do.',
    },
    clientErrors: [],
    fixes: [serverMinDh, azureVariant(serverMinDh)],
  },
  (observations) =>
    withStage(observations.tlsPosture, 'TLS enumeration', 'ok', (posture) => {
      const dheAccepted = posture.ciphers.some(
        (cipher) => /(^|_)DHE[-_]/.test(cipher.name) && cipher.version !== 'TLSv1.3',
      );
      const groups = posture.dhe ?? [];
      if (dheAccepted && groups.length === 0)
        return notEvaluated('DHE suites were accepted but no ServerKeyExchange showed their group');
      const weak = groups.filter((group) => group.primeBits < MIN_DH_BITS);
      if (weak.length === 0) return PASS;
      const smallest = Math.min(...weak.map((group) => group.primeBits));
      const dheNames = [
        ...new Set(
          posture.ciphers.filter((cipher) => /(^|_)DHE[-_]/.test(cipher.name)).map((cipher) => cipher.name),
        ),
      ];
      return found([
        {
          evidence: weak.map((group) =>
            evidence(
              `${group.version} ${group.name} (${hex(group.code, 4)}) DH group`,
              `${group.primeBits} bits`,
              'tls',
            ),
          ),
          ...(smallest < SCHANNEL_MIN_DH_BITS
            ? {
                severity: 'error' as const,
                title: `The server's Diffie-Hellman group is ${smallest} bits: Windows clients refuse groups under ${SCHANNEL_MIN_DH_BITS}`,
              }
            : {
                title: `The server uses a ${smallest}-bit Diffie-Hellman group (under ${MIN_DH_BITS} bits)`,
              }),
          fixes: [disableDheSuites(dheNames)],
          data: { primeBits: smallest, groups: weak },
        },
      ]);
    }),
);

/** On xrdp, whose DH group follows its key size: a 2048-bit certificate, or no DHE suites. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_NEW_CERTIFICATE, XRDP_NO_DHE] });
