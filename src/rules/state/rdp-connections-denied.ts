import { FIX_ALLOW_RDP_CONNECTIONS, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_REFUSED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import type { Fix, Rule } from '../types.js';
import {
  effectiveDword,
  found,
  KEYS,
  notEvaluated,
  PASS,
  perMachine,
  policyUnknownEvidence,
  type StateNeed,
} from './helpers.js';

const CHANGE_THE_POLICY: Fix = {
  title:
    'Enable "Allow users to connect remotely by using Remote Desktop Services" in the Group Policy that sets it',
  risk: 'low',
  where: 'server',
  steps: [
    'gpresult /h report.html names the GPO; set the policy (Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Connections) to Enabled or Not Configured, then gpupdate /force.',
  ],
};

export const rdpConnectionsDenied: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'rdp-connections-denied',
    title: 'Remote Desktop connections are turned off (fDenyTSConnections = 1)',
    severity: 'error',
    requires: ['registry:terminal-server'],
    docs: {
      explanation:
        'fDenyTSConnections = 1 under Terminal Server, or the Group Policy "Allow users to connect remotely by using ' +
        'Remote Desktop Services" set to Disabled (the same value under the Terminal Services policy key, which wins): ' +
        'the RDP-Tcp listener does not accept connections, so every client fails to connect (the port is closed). ' +
        'Windows ships with it at 1 until Remote Desktop is enabled.',
      falseAlarm:
        'None while the value stands; a policy that sets it is applied again at the next Group Policy refresh, so fix ' +
        'it in the policy, not only in the registry.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, ...FREERDP_REFUSED],
    fixes: [FIX_ALLOW_RDP_CONNECTIONS, onAzure(FIX_ALLOW_RDP_CONNECTIONS)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      // registry.json: 1 (RDP off) on a fresh install when nothing sets it (medium confidence).
      const deny = effectiveDword(
        machine,
        { key: KEYS.terminalServer, name: 'fDenyTSConnections' },
        { key: KEYS.tsPolicy, name: 'fDenyTSConnections' },
        1,
        'Remote Desktop is off on a fresh install',
      );
      if (deny.kind === 'not-covered') return notEvaluated(deny.reason);
      if (deny.value === 0)
        return deny.policyUnknown ? notEvaluated(`${KEYS.tsPolicy} is not in the evidence`) : PASS;
      const byPolicy = deny.from === 'policy';
      return found([
        {
          evidence: [deny.evidence, ...(deny.policyUnknown ? [policyUnknownEvidence(KEYS.tsPolicy)] : [])],
          ...(byPolicy
            ? {
                title: 'Remote Desktop connections are turned off by Group Policy (fDenyTSConnections = 1)',
                fixes: [CHANGE_THE_POLICY],
              }
            : {}),
          data: { value: deny.value, from: deny.from },
        },
      ]);
    });
  },
};
