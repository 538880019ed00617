import type { Fix } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { azureVariant, psSchannelProtocol, withServerFixes } from '../common/fixes.js';
import { XRDP_MODERN_TLS } from '../common/xrdp-fixes.js';
import {
  acceptedVersions,
  DEFAULT_OFFERED_VERSIONS,
  defineRule,
  evidence,
  found,
  LEGACY_TLS_VERSIONS,
  notEvaluated,
  observationOf,
  PASS,
} from './helpers.js';

const enableTls12: Fix = {
  title: 'Enable TLS 1.2 for the server',
  risk: 'low',
  where: 'server',
  steps: [
    'Windows 7 SP1 / Server 2008 R2 first need the update that adds TLS 1.1/1.2 to Remote Desktop (KB3080079) and current updates.',
    'Set TLS 1.2 Server Enabled=1 and DisabledByDefault=0, then reboot.',
  ],
  script: { language: 'powershell', code: psSchannelProtocol('TLS 1.2', 'Server', true) },
};

const enableLegacyOnClient: Fix = {
  title: 'Re-enable TLS 1.0 on one client as a stopgap',
  risk: 'high',
  where: 'client',
  steps: [
    'Only until the server is fixed; affects every program on that client that uses Schannel. Undo by setting Enabled=0, DisabledByDefault=1.',
  ],
  script: { language: 'powershell', code: psSchannelProtocol('TLS 1.0', 'Client', true) },
  weakensSecurity:
    'TLS 1.0 lacks modern cipher suites and is open to downgrade and BEAST-style attacks; every Schannel client program on the machine may use it again.',
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-legacy-only',
    title: 'The server only speaks TLS 1.0/1.1 (no TLS 1.2)',
    severity: 'error',
    requires: ['tls'],
    docs: {
      explanation:
        "The server's newest TLS version is 1.0 or 1.1: a client that offered TLS 1.0 through 1.3 was answered with an older version, or the version enumeration found nothing newer accepted. Clients that have TLS 1.0/1.1 turned off fail: OpenSSL 3 based clients (FreeRDP on current Linux) refuse them at their default security level, hardened Windows clients and recent Windows releases disable them. Typical of Windows 7 / Server 2008 R2 without the TLS 1.2 update, or of a server where TLS 1.2 was switched off in the SCHANNEL registry.",
      falseAlarm:
        'A TLS-terminating proxy in front of the server may be the legacy party rather than the server itself.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [enableTls12, azureVariant(enableTls12), enableLegacyOnClient],
  },
  (observations) => {
    const accepted = acceptedVersions(observations);
    if (accepted && accepted.length > 0) {
      if (!accepted.every((version) => LEGACY_TLS_VERSIONS.has(version))) return PASS;
      return found([
        { evidence: [evidence('TLS versions accepted', accepted.join(', '), 'tls')], data: { accepted } },
      ]);
    }
    const tls = observationOf(observations.tls, 'tls', 'ok');
    if (tls?.outcome !== 'established' || !tls.version) {
      return notEvaluated('no TLS handshake completed and no version enumeration ran');
    }
    const offered = tls.offeredVersions ?? DEFAULT_OFFERED_VERSIONS;
    const offeredModern = offered.includes('TLSv1.2') || offered.includes('TLSv1.3');
    if (!LEGACY_TLS_VERSIONS.has(tls.version) || !offeredModern) return PASS;
    return found([
      {
        evidence: [
          evidence('versions offered', offered.join(', '), 'tls'),
          evidence('version the server chose', tls.version, 'tls'),
        ],
        data: { negotiated: tls.version },
      },
    ]);
  },
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_MODERN_TLS] });
