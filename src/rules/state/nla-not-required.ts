import { FIX_REQUIRE_NLA, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import type { Evidence, Rule } from '../types.js';
import {
  found,
  KEYS,
  notEvaluated,
  PASS,
  perMachine,
  policyUnknownEvidence,
  type StateNeed,
} from './helpers.js';
import { SECURITY_LAYER_NAMES, securityLayer, userAuthentication } from './listener-security.js';

export const nlaNotRequired: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'nla-not-required',
    title: 'The server does not require Network Level Authentication (NLA)',
    severity: 'warning',
    requires: ['registry:rdp-tcp'],
    docs: {
      explanation:
        'UserAuthentication = 0 on the RDP-Tcp listener (or the Group Policy "Require user authentication for remote ' +
        'connections by using Network Level Authentication" set to Disabled), or SecurityLayer = 0, under which no NLA ' +
        'is possible: anyone who reaches the port gets a session and a logon screen before proving who they are. That ' +
        'costs server resources, exposes pre-authentication vulnerabilities (BlueKeep, CVE-2019-0708) and lets ' +
        'attackers try passwords interactively. Connections still work, hence a warning.',
      falseAlarm:
        'Some setups need logon inside the session on purpose (smart-card or third-party credential providers, ' +
        'password change at logon, kiosk auto-logon). Then keep NLA off but restrict who can reach the port.',
    },
    clientErrors: [],
    fixes: [FIX_REQUIRE_NLA, onAzure(FIX_REQUIRE_NLA)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const nla = userAuthentication(machine);
      const layer = securityLayer(machine);
      if (nla.kind === 'not-covered') return notEvaluated(nla.reason);
      if (layer.kind === 'not-covered') return notEvaluated(layer.reason);
      const lines: Evidence[] = [];
      if (nla.value === 0) lines.push(nla.evidence);
      if (layer.value === 0)
        lines.push({
          ...layer.evidence,
          value: `${layer.evidence.value} (${SECURITY_LAYER_NAMES[0]}: no NLA possible)`,
        });
      const policyUnknown = nla.policyUnknown || layer.policyUnknown;
      if (lines.length === 0)
        return policyUnknown ? notEvaluated(`${KEYS.tsPolicy} is not in the evidence`) : PASS;
      return found([
        {
          evidence: [...lines, ...(policyUnknown ? [policyUnknownEvidence(KEYS.tsPolicy)] : [])],
          data: { userAuthentication: nla.value, securityLayer: layer.value, from: nla.from },
        },
      ]);
    });
  },
};
