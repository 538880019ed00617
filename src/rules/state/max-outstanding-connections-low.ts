import { FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import type { Fix, Rule } from '../types.js';
import {
  dword,
  found,
  KEYS,
  notEvaluated,
  PASS,
  perMachine,
  type StateNeed,
  valueEvidence,
  valueState,
} from './helpers.js';

/**
 * Below this, a handful of clients that connect at once (or one password-guessing scanner) fills
 * the queue of connections that have not logged on yet. Windows' own default is not in the sources
 * read (registry.json); an unset value is therefore not judged.
 */
export const LOW_OUTSTANDING_CONNECTIONS = 100;

const RESTRICT_THE_PORT: Fix = {
  title: 'Allow the RDP port only from the networks that need it',
  risk: 'low',
  where: 'network',
  steps: [
    'When RCM event 1006 ("a large number of incomplete connections") appears, the queue is usually filled by password-guessing from the Internet: a firewall rule, VPN or security group that admits only known client ranges empties it.',
  ],
};

export const maxOutstandingConnectionsLow: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'max-outstanding-connections-low',
    title: 'MaxOutstandingConnections is set low: new connections are refused while it is full',
    severity: 'warning',
    requires: ['registry:terminal-server'],
    docs: {
      explanation:
        'MaxOutstandingConnections under Terminal Server caps how many connections may be open before their logon ' +
        'completes. When the cap is reached the listener refuses new connections (Remote Connection Manager event ' +
        '1006) until some finish or time out, so clients fail at random while others get in. A low value makes that ' +
        'happen with a few simultaneous users, and a scan of the port makes it happen to everyone.',
      falseAlarm:
        'A deliberately low value on a host that only a few admins use is harmless while nobody else can reach the port.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED],
    fixes: [
      RESTRICT_THE_PORT,
      FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS,
      onAzure(FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS),
    ],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const state = valueState(machine, KEYS.terminalServer, 'MaxOutstandingConnections');
      if (state.kind === 'not-covered')
        return notEvaluated(`the evidence does not cover ${KEYS.terminalServer}`);
      const value = dword(state);
      if (value === undefined || value >= LOW_OUTSTANDING_CONNECTIONS) return PASS;
      return found([
        {
          evidence: [valueEvidence('MaxOutstandingConnections', state)],
          title: `MaxOutstandingConnections is ${value}: new connections are refused while ${value} are pending`,
          data: { value, threshold: LOW_OUTSTANDING_CONNECTIONS },
        },
      ]);
    });
  },
};
