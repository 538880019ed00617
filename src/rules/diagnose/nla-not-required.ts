import type { ProbeObservations } from '../../probe/types.js';
import type { Evidence, Fix, RuleReport } from '../types.js';
import {
  azureVariant,
  psFirewallAllow,
  psSetDwords,
  RDP_TCP_KEY,
  serverKindEvidence,
} from '../common/fixes.js';
import { credsspUnavailable, serverKind } from '../common/server-kind.js';
import { XRDP_RESTRICT_NETWORK, XRDP_TLS_ONLY } from '../common/xrdp-fixes.js';
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

/** For a Windows server that did not do CredSSP when asked: negotiate it first, then require it. */
const negotiateThenRequireNla: Fix = {
  title: 'Let the server negotiate CredSSP, then require NLA (SecurityLayer=2, UserAuthentication=1)',
  risk: 'medium',
  where: 'server',
  steps: [
    'The server did not do CredSSP when a client asked only for it, so requiring NLA alone would lock every client out. SecurityLayer=2 (Negotiate) lets it offer TLS and CredSSP; UserAuthentication=1 then requires NLA.',
    'The listener needs a working certificate for TLS; clients that cannot do CredSSP stop connecting. Applies to new connections.',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(RDP_TCP_KEY, [
      { name: 'SecurityLayer', value: 2 },
      { name: 'UserAuthentication', value: 1 },
    ]),
  },
};

/** The compensating control wherever NLA cannot be required: only known clients reach the port. */
const restrictRdpPort: Fix = {
  title: 'Allow the RDP port only from the clients that need it',
  risk: 'low',
  where: 'network',
  steps: [
    'Without NLA anyone who reaches the port gets a logon screen; a firewall rule, VPN or security group that admits only known client ranges removes that exposure.',
    'On Windows, the script adds such a rule (set $source first); disable the broader built-in "Remote Desktop" rules afterwards.',
  ],
  script: { language: 'powershell', code: psFirewallAllow(3389) },
};

/** The same control for a server that is not Windows (no firewall script of its own). */
const restrictRdpPortAnyHost: Fix = {
  title: restrictRdpPort.title,
  risk: restrictRdpPort.risk,
  where: restrictRdpPort.where,
  steps: restrictRdpPort.steps.slice(0, 1),
};

/**
 * Fixes that fit what answered: xrdp has no CredSSP at all; a server seen declining CredSSP must
 * first be able to do it; only then is "Require NLA" (the rule's own fixes) the answer.
 */
function nlaFixes(observations: ProbeObservations): Pick<RuleReport, 'fixes' | 'replaceFixes'> & {
  readonly evidence: readonly Evidence[];
} {
  const server = serverKind(observations);
  if (server.kind === 'xrdp') {
    return {
      fixes: [XRDP_TLS_ONLY, XRDP_RESTRICT_NETWORK],
      replaceFixes: true,
      evidence: serverKindEvidence(server),
    };
  }
  const unable = credsspUnavailable(observations);
  if (unable.length === 0) return { evidence: [] };
  const evidence = server.kind === 'unknown' ? unable : [...unable, ...serverKindEvidence(server)];
  if (server.kind === 'freerdp') {
    return {
      fixes: [
        {
          title: 'Start the FreeRDP shadow server with NLA (/sec:nla +auth)',
          risk: 'medium',
          where: 'server',
          steps: ['freerdp-shadow-cli /sec:nla +auth requires CredSSP; it authenticates from its SAM file.'],
        },
        restrictRdpPortAnyHost,
      ],
      replaceFixes: true,
      evidence,
    };
  }
  return { fixes: [negotiateThenRequireNla, restrictRdpPort], replaceFixes: true, evidence };
}

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
      const fitted = nlaFixes(observations);
      return found([
        {
          evidence: [...admitted.map(probeEvidence), ...fitted.evidence],
          ...(fitted.fixes ? { fixes: fitted.fixes, replaceFixes: true } : {}),
          data: { admittedWithout: admitted.map((probe) => probe.label) },
        },
      ]);
    }),
);
