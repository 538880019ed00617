import type { Fix } from '../types.js';
import { FREERDP_NEGO_FAILED } from '../common/client-errors.js';
import { psSetDwords, RDP_TCP_KEY } from '../common/fixes.js';
import {
  defineRule,
  failedWith,
  found,
  NEG_FAILURE,
  notEvaluated,
  PASS,
  probeByLabel,
  probeEvidence,
  withStage,
} from './helpers.js';

const disableNla: Fix = {
  title: 'Stop requiring Network Level Authentication',
  risk: 'high',
  where: 'server',
  steps: [
    'Only for a client that cannot do CredSSP and cannot be replaced; turn it back on afterwards.',
    'A Group Policy value (UserAuthentication under the Terminal Services policy key) overrides this setting.',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(RDP_TCP_KEY, [{ name: 'UserAuthentication', value: 0 }]),
  },
  weakensSecurity:
    'Anyone who reaches the port gets a full logon screen and a session before authenticating: more load, more attack surface (pre-authentication RDP vulnerabilities such as BlueKeep), and credential prompts inside an unauthenticated session.',
};

export const rule = defineRule(
  {
    id: 'nla-required',
    title: 'The server requires Network Level Authentication (NLA)',
    severity: 'info',
    requires: ['negotiation'],
    docs: {
      explanation:
        'The server refuses clients that do not authenticate with CredSSP first (it answers them HYBRID_REQUIRED_BY_SERVER). This is the recommended setting. Clients without CredSSP support (very old clients, some embedded or thin clients, clients configured with enablecredsspsupport:i:0) cannot connect, and users must have credentials that work for NLA (a password that has not expired, a smart card the client can use).',
      falseAlarm:
        'This is a fact, not a problem. It explains failures only for clients that cannot do CredSSP.',
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: 'NLA required',
        note: '"The remote computer requires Network Level Authentication, which your computer does not support" (clients with CredSSP turned off)',
      },
      FREERDP_NEGO_FAILED,
    ],
    fixes: [
      {
        title: 'Use a client with CredSSP (NLA) support',
        risk: 'low',
        where: 'client',
        steps: [
          'Current mstsc, Windows App and FreeRDP support NLA; check the .rdp file does not contain enablecredsspsupport:i:0.',
          'For an expired password, change it on another machine first: NLA cannot prompt for a password change.',
        ],
      },
      disableNla,
    ],
  },
  (observations) =>
    withStage(observations.negotiation, 'negotiation', 'ran', (negotiation) => {
      const withoutCredssp = (['ssl', 'rdp'] as const).flatMap(
        (label) => probeByLabel(negotiation, label) ?? [],
      );
      if (withoutCredssp.length === 0)
        return notEvaluated('no request without CredSSP was made, so whether NLA is required is unknown');
      const refused = withoutCredssp.filter((probe) =>
        failedWith(probe, NEG_FAILURE.HYBRID_REQUIRED_BY_SERVER),
      );
      if (refused.length === 0) return PASS;
      return found([{ evidence: refused.map(probeEvidence) }]);
    }),
);
