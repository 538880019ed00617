import type { Fix } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { azureVariant, psRecentEvents, psSchannelProtocol } from '../common/fixes.js';
import { acceptedVersions, defineRule, evidence, found, PASS, tlsEvidence, withStage } from './helpers.js';

const HANDSHAKE_FAILURE = 40;
/** Suites every current client offers; enabling them when absent is safe. */
const BASELINE_SUITES = [
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
];

const enableBaselineSuites: Fix = {
  title: 'Enable the standard AES-GCM cipher suites and TLS 1.2 on the server',
  risk: 'low',
  where: 'server',
  steps: [
    'A hardening script or the "SSL Cipher Suite Order" Group Policy may have left no suite a client offers; the policy, when set, replaces the list (check gpresult first).',
    'The key type matters: an ECDSA certificate needs ECDSA suites, an RSA certificate RSA suites.',
    'Changes take effect after a reboot.',
  ],
  script: {
    language: 'powershell',
    code: [
      `foreach ($suite in @(${BASELINE_SUITES.map((suite) => `'${suite}'`).join(', ')})) {`,
      '  if (-not (Get-TlsCipherSuite -Name $suite | Where-Object Name -eq $suite)) { Enable-TlsCipherSuite -Name $suite }',
      '}',
      psSchannelProtocol('TLS 1.2', 'Server', true),
    ].join('\n'),
  },
};

export const rule = defineRule(
  {
    id: 'tls-no-common-cipher',
    title: 'The server and current clients have no TLS cipher suite in common',
    severity: 'error',
    requires: ['tls'],
    docs: {
      explanation:
        "The server answered the TLS ClientHello with a handshake_failure alert, offered every mainstream TLS 1.0-1.3 cipher suite: it found nothing it is willing to use. Usually the server's cipher suite list was hardened down to suites clients do not offer (or emptied by a Group Policy cipher order), FIPS mode removed the rest, or the certificate's key type does not fit any enabled suite (an ECDSA certificate with only RSA suites). Schannel logs event 36874 on the server.",
      falseAlarm:
        "rdp-doctor's hello follows OpenSSL's defaults; a suite only Windows clients offer (older CBC suites) would not be in it. If mstsc connects, the server is limited to suites that are no longer mainstream: see tls-weak-cipher.",
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [
      {
        title: 'Confirm with Schannel event 36874',
        risk: 'low',
        where: 'server',
        steps: [
          '36874: "none of the cipher suites supported by the client application are supported by the server".',
        ],
        script: { language: 'powershell', code: psRecentEvents([36874, 36888]) },
      },
      enableBaselineSuites,
      azureVariant(enableBaselineSuites),
    ],
  },
  (observations) =>
    withStage(observations.tls, 'tls', 'ran', (tls) => {
      if (tls.outcome !== 'alert' || tls.alert?.from !== 'server' || tls.alert.code !== HANDSHAKE_FAILURE)
        return PASS;
      const accepted = acceptedVersions(observations);
      // The enumeration found a working combination: not "nothing in common".
      if (accepted && accepted.length > 0) return PASS;
      return found([
        {
          evidence: [
            ...tlsEvidence(tls),
            ...(accepted ? [evidence('TLS versions accepted in enumeration', 'none', 'tls')] : []),
          ],
        },
      ]);
    }),
);
