import type { CollectedFirewallRule } from '../../../src/evidence/state/collect-document.js';
import { KEYS } from '../../../src/rules/state/helpers.js';
import { listenerPortMismatch } from '../../../src/rules/state/listener-port-mismatch.js';
import { EMPTY_STATE, regFile, serverDocument, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const healthy = serverDocument();
const [, USER_MODE] = healthy.firewall!.rules as [CollectedFirewallRule, CollectedFirewallRule];
const moved = { [KEYS.rdpTcp]: { PortNumber: 3390 } };
const listeningOn = (port: number) => ({
  listeners: [
    {
      address: '0.0.0.0',
      port,
      protocol: 'TCP' as const,
      processId: 1180,
      processName: 'svchost',
      services: ['TermService'],
    },
  ],
});

stateRuleTester(listenerPortMismatch, {
  valid: [
    { name: 'default port everywhere', state: serverState() },
    {
      name: 'moved port with its own firewall rule, and listening there',
      state: serverState(
        {
          ...listeningOn(3390),
          firewall: { ...healthy.firewall!, rules: [{ ...USER_MODE, localPorts: ['3390'] }] },
        },
        moved,
      ),
    },
    {
      name: 'only listeners collected, they agree',
      state: serverState({ firewall: null, skipped: [{ check: 'firewall', reason: 'error', detail: '' }] }),
    },
  ],
  invalid: [
    {
      name: 'PortNumber moved, firewall still allows 3389 only (scenario server-port-mismatch)',
      state: serverState(listeningOn(3390), moved),
      findings: [
        {
          severity: 'error',
          evidence: [
            {
              label: 'PortNumber',
              value: '3390 (0xd3e)',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.rdpTcp}`,
            },
            {
              label: 'firewall',
              value: 'no enabled rule allows TCP 3390',
              source: 'rdp-doctor-server-RDP01.json firewall',
            },
          ],
        },
      ],
    },
    {
      name: 'PortNumber changed but TermService still listens on 3389',
      state: serverState(
        { firewall: { ...healthy.firewall!, rules: [{ ...USER_MODE, localPorts: ['3389', '3390'] }] } },
        moved,
      ),
      findings: [
        {
          evidence: [
            {
              label: 'TermService listens on',
              value: /TCP 3389, not PortNumber 3390/,
              source: 'rdp-doctor-server-RDP01.json listeners',
            },
          ],
        },
      ],
    },
    {
      name: 'another process holds the port',
      state: serverState({
        listeners: [
          {
            address: '0.0.0.0',
            port: 3389,
            protocol: 'TCP',
            processId: 4242,
            processName: 'nginx',
            services: [],
          },
        ],
      }),
      findings: [{ evidence: [{ label: 'TCP 3389 is held by', value: 'nginx (pid 4242) on 0.0.0.0' }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: '.reg only: no firewall, no listeners',
      state: regFile('rdp.reg', moved),
      reason: 'no collector document',
    },
    {
      name: 'RDP-Tcp not collected',
      state: serverState({ registry: [] }),
      reason: KEYS.rdpTcp,
    },
  ],
});
