import type { Fix } from '../types.js';
import { azureVariant, psSchannelProtocol, type SchannelProtocol, withServerFixes } from '../common/fixes.js';
import { XRDP_MODERN_TLS } from '../common/xrdp-fixes.js';
import { defineRule, evidence, found, LEGACY_TLS_VERSIONS, PASS, withStage } from './helpers.js';

const LEGACY: readonly SchannelProtocol[] = ['SSL 3.0', 'TLS 1.0', 'TLS 1.1'];

const disableLegacy: Fix = {
  title: 'Turn off SSL 3.0, TLS 1.0 and TLS 1.1 for the server',
  risk: 'medium',
  where: 'server',
  steps: [
    'Clients that cannot do TLS 1.2 (Windows 7 without updates, old thin clients) will no longer connect: check them first.',
    'Other server software using Schannel (IIS, SQL Server, older .NET apps) is affected too.',
    'Reboot to apply.',
  ],
  script: {
    language: 'powershell',
    code: LEGACY.map((protocol) => psSchannelProtocol(protocol, 'Server', false)).join('\n'),
  },
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-legacy-enabled',
    title: 'The server still accepts SSL 3.0 / TLS 1.0 / TLS 1.1',
    severity: 'warning',
    requires: ['tls'],
    docs: {
      explanation:
        'The TLS version enumeration found the server accepting deprecated protocol versions next to TLS 1.2 or 1.3. Current clients negotiate the newest version, so connections work, but the old versions allow downgrade attacks, weak cipher suites and fail compliance scans (PCI DSS, NIST SP 800-52r2). Microsoft is disabling TLS 1.0/1.1 by default in new Windows releases.',
      falseAlarm:
        'Keeping TLS 1.0 may be a deliberate, temporary decision for clients that cannot be upgraded; then document it and restrict who can reach the port.',
    },
    clientErrors: [],
    fixes: [disableLegacy, azureVariant(disableLegacy)],
  },
  (observations) =>
    withStage(observations.tlsPosture, 'TLS enumeration', 'ok', (posture) => {
      const accepted = posture.versions.filter((entry) => entry.accepted).map((entry) => entry.version);
      const legacy = accepted.filter((version) => LEGACY_TLS_VERSIONS.has(version));
      // Legacy-only servers are tls-legacy-only's finding.
      if (legacy.length === 0 || legacy.length === accepted.length) return PASS;
      return found([
        {
          evidence: [
            evidence('legacy versions accepted', legacy.join(', '), 'tls'),
            evidence('all versions accepted', accepted.join(', '), 'tls'),
          ],
          ...(legacy.includes('SSLv3') ? { title: 'The server still accepts SSL 3.0' } : {}),
          data: { legacy },
        },
      ]);
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_MODERN_TLS] });
