import type { Fix } from '../types.js';
import { azureVariant, psSetDwords, RDP_TCP_KEY } from '../common/fixes.js';
import {
  defineRule,
  found,
  notEvaluated,
  PASS,
  PROTOCOL,
  probeByLabel,
  probeEvidence,
  selected,
  withStage,
} from './helpers.js';

const requireNla: Fix = {
  title: 'Require Network Level Authentication',
  risk: 'medium',
  where: 'server',
  steps: [
    'Clients that cannot do CredSSP will no longer connect (current mstsc, Windows App and FreeRDP can).',
    'Prefer the Group Policy "Require user authentication for remote connections by using Network Level Authentication" where one manages the server; it overrides this value.',
    'Applies to new connections; no restart needed.',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(RDP_TCP_KEY, [{ name: 'UserAuthentication', value: 1 }]),
  },
};

export const rule = defineRule(
  {
    id: 'nla-not-required',
    title: 'The server does not require Network Level Authentication (NLA)',
    severity: 'warning',
    requires: ['negotiation'],
    docs: {
      explanation:
        'The server accepted a client that did not offer CredSSP (it selected TLS-only or Standard RDP Security for such a request), so anyone who reaches the port gets a session and a logon screen before proving who they are. That costs server resources, exposes pre-authentication vulnerabilities (BlueKeep, CVE-2019-0708, was only reachable this way) and lets attackers try passwords interactively.',
      falseAlarm:
        'Some setups need logon inside the session on purpose (smart-card or third-party credential providers, password change at logon, kiosk auto-logon). Then keep NLA off but restrict who can reach the port.',
    },
    clientErrors: [],
    fixes: [requireNla, azureVariant(requireNla)],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) => {
      const ssl = probeByLabel(negotiation, 'ssl');
      const rdp = probeByLabel(negotiation, 'rdp');
      if (!ssl && !rdp)
        return notEvaluated('no request without CredSSP was made, so whether NLA is required is unknown');
      const admitted = [
        ...(selected(ssl, PROTOCOL.SSL) && ssl ? [ssl] : []),
        ...(rdp && (selected(rdp, PROTOCOL.RDP) || rdp.outcome === 'no-negotiation-data') ? [rdp] : []),
      ];
      if (admitted.length === 0) return PASS;
      return found([
        {
          evidence: admitted.map(probeEvidence),
          data: { admittedWithout: admitted.map((probe) => probe.label) },
        },
      ]);
    }),
);
