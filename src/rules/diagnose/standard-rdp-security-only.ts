import type { Fix } from '../types.js';
import { MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { azureVariant, psSetDwords, RDP_TCP_KEY, TS_POLICY_KEY, withServerFixes } from '../common/fixes.js';
import { XRDP_KEY_READABLE, XRDP_TLS_ONLY } from '../common/xrdp-fixes.js';
import { defineRule, found, PASS, probeEvidence, refusesEnhancedSecurity, withStage } from './helpers.js';

const negotiate: Fix = {
  title: 'Let the server negotiate TLS and CredSSP',
  risk: 'low',
  where: 'server',
  steps: [
    'SecurityLayer 1 (Negotiate) uses TLS with every client that can do it, so no current client loses access.',
    'A Group Policy "Require use of specific security layer for remote (RDP) connections" set to RDP overrides this value: the script reports it.',
    'The server needs a usable certificate; Windows creates a self-signed one when none is configured.',
  ],
  script: {
    language: 'powershell',
    code: [
      psSetDwords(RDP_TCP_KEY, [{ name: 'SecurityLayer', value: 1 }]),
      `$policy = Get-ItemProperty -Path '${TS_POLICY_KEY}' -Name SecurityLayer -ErrorAction SilentlyContinue`,
      'if ($policy) { Write-Warning "Group Policy sets SecurityLayer=$($policy.SecurityLayer); change the policy instead" }',
    ].join('\n'),
  },
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'standard-rdp-security-only',
    title: 'The server only speaks Standard RDP Security (no TLS, no NLA)',
    severity: 'warning',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The server refuses TLS and CredSSP altogether (it answers a current client's request with SSL_NOT_ALLOWED_BY_SERVER, or it predates security negotiation), typically because SecurityLayer is 0 (RDP). Current clients still connect by default: mstsc and FreeRDP fall back to Standard RDP Security, after a warning that the server's identity cannot be verified. Hence a warning, not an error: the connection works but the server is not authenticated, the RC4-based encryption is weak, there is no NLA, and clients whose policy requires server authentication (authentication level 1) or FIPS mode refuse to connect.",
      falseAlarm:
        'Very old servers (Windows Server 2003 and earlier) cannot do better; the finding is still true, the fix is replacing them. A device in front of the server that terminates RDP may answer for it.',
    },
    clientErrors: [MSTSC_CERT_WARNING],
    fixes: [negotiate, azureVariant(negotiate)],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) => {
      const refusal = refusesEnhancedSecurity(negotiation);
      return refusal ? found([{ evidence: [probeEvidence(refusal)] }]) : PASS;
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_TLS_ONLY, XRDP_KEY_READABLE] });
