import { rdpConnectionsDenied } from '../../../src/rules/state/rdp-connections-denied.js';
import { KEYS } from '../../../src/rules/state/helpers.js';
import { clientState, EMPTY_STATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

stateRuleTester(rdpConnectionsDenied, {
  valid: [
    { name: 'healthy server collector document', state: serverState() },
    {
      name: '.reg export of both keys, allowed locally and by policy',
      state: regFile('ts.reg', {
        [KEYS.terminalServer]: { fDenyTSConnections: 0 },
        [KEYS.tsPolicy]: { fDenyTSConnections: 0 },
      }),
    },
    {
      name: 'the policy allows what the local value denies (the policy wins)',
      state: serverState(
        {},
        { [KEYS.terminalServer]: { fDenyTSConnections: 1 }, [KEYS.tsPolicy]: { fDenyTSConnections: 0 } },
      ),
    },
  ],
  invalid: [
    {
      name: 'denied locally',
      state: serverState({}, { [KEYS.terminalServer]: { fDenyTSConnections: 1 } }),
      findings: [
        {
          severity: 'error',
          title: /turned off \(fDenyTSConnections = 1\)/,
          evidence: [
            {
              label: 'fDenyTSConnections',
              value: '1 (0x1)',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.terminalServer}`,
            },
          ],
        },
      ],
    },
    {
      name: 'denied by Group Policy although allowed locally',
      state: serverState({}, { [KEYS.tsPolicy]: { fDenyTSConnections: 1 } }),
      findings: [
        {
          title: /by Group Policy/,
          evidence: [
            {
              label: 'fDenyTSConnections (Group Policy)',
              value: '1 (0x1)',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.tsPolicy}`,
            },
          ],
        },
      ],
    },
    {
      name: 'value absent: the fresh-install default (off) applies',
      state: serverState({}, { [KEYS.terminalServer]: {} }),
      findings: [{ evidence: [{ label: 'fDenyTSConnections', value: /not set: Windows' default 1/ }] }],
    },
    {
      name: '.reg of the local key only: reported, with the policy caveat',
      state: regFile('C:\\exports\\ts.reg', { [KEYS.terminalServer]: { fDenyTSConnections: 1 } }),
      findings: [
        {
          evidence: [
            { label: 'fDenyTSConnections', source: `ts.reg registry ${KEYS.terminalServer}` },
            { label: 'Group Policy', value: /not in the evidence/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state at all', state: EMPTY_STATE, reason: 'no server state given' },
    { name: 'only a client document', state: clientState(), reason: 'no server state given' },
    {
      name: 'a .reg of another key',
      state: regFile('rdp-tcp.reg', { [KEYS.rdpTcp]: { PortNumber: 3389 } }),
      reason: `does not cover ${KEYS.terminalServer}`,
    },
    {
      name: 'allowed locally, policy key not exported',
      state: regFile('ts.reg', { [KEYS.terminalServer]: { fDenyTSConnections: 0 } }),
      reason: `${KEYS.tsPolicy} is not in the evidence`,
    },
  ],
});
