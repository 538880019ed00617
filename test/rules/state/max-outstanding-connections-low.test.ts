import { KEYS } from '../../../src/rules/state/helpers.js';
import { maxOutstandingConnectionsLow } from '../../../src/rules/state/max-outstanding-connections-low.js';
import { EMPTY_STATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

stateRuleTester(maxOutstandingConnectionsLow, {
  valid: [
    { name: 'not set (Windows default)', state: serverState() },
    {
      name: 'set high',
      state: serverState(
        {},
        { [KEYS.terminalServer]: { fDenyTSConnections: 0, MaxOutstandingConnections: 3000 } },
      ),
    },
    {
      name: 'exactly the threshold',
      state: regFile('ts.reg', { [KEYS.terminalServer]: { MaxOutstandingConnections: 100 } }),
    },
  ],
  invalid: [
    {
      name: 'set to 10',
      state: serverState(
        {},
        { [KEYS.terminalServer]: { fDenyTSConnections: 0, MaxOutstandingConnections: 10 } },
      ),
      findings: [
        {
          severity: 'warning',
          title: /MaxOutstandingConnections is 10/,
          evidence: [
            {
              label: 'MaxOutstandingConnections',
              value: '10 (0xa)',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.terminalServer}`,
            },
          ],
        },
      ],
    },
    {
      name: 'set to 0 in a .reg export',
      state: regFile('ts.reg', { [KEYS.terminalServer]: { MaxOutstandingConnections: 0 } }),
      findings: [{ title: /is 0/ }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'Terminal Server not covered',
      state: regFile('rdp.reg', { [KEYS.rdpTcp]: {} }),
      reason: 'does not cover',
    },
  ],
});
