import type { Fix } from '../types.js';
import { azureVariant, psSetDwords, RDP_TCP_KEY, withServerFixes } from '../common/fixes.js';
import { XRDP_TLS_ONLY } from '../common/xrdp-fixes.js';
import {
  defineRule,
  found,
  notEvaluated,
  PASS,
  PROTOCOL,
  probeByLabel,
  probeEvidence,
  refusesEnhancedSecurity,
  selected,
  withStage,
} from './helpers.js';

const requireTls: Fix = {
  title: 'Require TLS (SecurityLayer = 2)',
  risk: 'medium',
  where: 'server',
  steps: [
    'Clients that can only do Standard RDP Security (none current) can no longer connect.',
    'Requiring NLA (UserAuthentication = 1) also closes the downgrade and is the stronger fix.',
    'A Group Policy "Require use of specific security layer" overrides this value.',
  ],
  script: { language: 'powershell', code: psSetDwords(RDP_TCP_KEY, [{ name: 'SecurityLayer', value: 2 }]) },
};

const ruleWithDefaultFixes = defineRule(
  {
    id: 'standard-rdp-security-allowed',
    title: 'The server still accepts Standard RDP Security',
    severity: 'warning',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The server supports TLS, but it also accepts a client that asks for Standard RDP Security only (it selected PROTOCOL_RDP for such a request). An attacker in the middle can rewrite a client's request to get that weaker mode: no server authentication, RC4-based encryption and no NLA.",
      falseAlarm:
        'Only a problem where such a man-in-the-middle is possible; it is still worth closing because no current client needs it.',
    },
    clientErrors: [],
    fixes: [requireTls, azureVariant(requireTls)],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) => {
      const rdp = probeByLabel(negotiation, 'rdp');
      if (!rdp) return notEvaluated("no Standard-RDP-Security-only request ('rdp') was made");
      // A server that does nothing else is standard-rdp-security-only's finding, not this one.
      if (refusesEnhancedSecurity(negotiation)) return PASS;
      const accepted = selected(rdp, PROTOCOL.RDP) || rdp.outcome === 'no-negotiation-data';
      return accepted ? found([{ evidence: [probeEvidence(rdp)] }]) : PASS;
    }),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: [XRDP_TLS_ONLY] });
