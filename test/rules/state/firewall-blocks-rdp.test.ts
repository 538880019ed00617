import type { CollectedFirewallRule } from '../../../src/evidence/state/collect-document.js';
import { firewallBlocksRdp } from '../../../src/rules/state/firewall-blocks-rdp.js';
import { KEYS } from '../../../src/rules/state/helpers.js';
import { EMPTY_STATE, serverDocument, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const healthy = serverDocument().firewall!;
const [SHADOW, USER_MODE] = healthy.rules as [CollectedFirewallRule, CollectedFirewallRule];
const withRules = (rules: CollectedFirewallRule[], profiles = healthy.profiles) => ({
  firewall: { profiles, rules },
});

stateRuleTester(firewallBlocksRdp, {
  valid: [
    { name: 'built-in rule enabled for every profile', state: serverState() },
    {
      name: 'the rule covers only Domain, and Domain is the active profile',
      state: serverState(withRules([{ ...USER_MODE, profiles: ['Domain'] }])),
    },
    {
      name: 'a range rule admits a moved port',
      state: serverState(
        withRules([
          {
            ...USER_MODE,
            name: 'custom',
            displayName: 'RDP range',
            displayGroup: '',
            group: '',
            localPorts: ['3000-4000'],
          },
        ]),
        { [KEYS.rdpTcp]: { PortNumber: 3390 } },
      ),
    },
    {
      name: 'the active profile has the firewall off',
      state: serverState(
        withRules(
          [{ ...USER_MODE, enabled: false }],
          [{ name: 'Domain', enabled: false, defaultInboundAction: 'Block', active: true }],
        ),
      ),
    },
  ],
  invalid: [
    {
      name: 'built-in rule disabled; the Shadow rule (LocalPort Any, RdpSa.exe only) admits nothing (scenario server-firewall-rule-off)',
      state: serverState(withRules([SHADOW, { ...USER_MODE, enabled: false }])),
      findings: [
        {
          severity: 'error',
          evidence: [
            {
              label: 'Domain profile',
              value: 'firewall on, inbound Block, no enabled rule allows TCP 3389',
              source: 'rdp-doctor-server-RDP01.json firewall',
            },
            { label: 'Remote Desktop rule', value: /Remote Desktop - User Mode \(TCP-In\) \(disabled/ },
            { label: 'PortNumber', value: '3389 (0xd3d)' },
          ],
        },
      ],
    },
    {
      name: 'the rule is for Private only while Public is active',
      state: serverState(
        withRules(
          [{ ...USER_MODE, profiles: ['Private'] }],
          [
            { name: 'Private', enabled: true, defaultInboundAction: 'Block', active: false },
            { name: 'Public', enabled: true, defaultInboundAction: 'Block', active: true },
          ],
        ),
      ),
      findings: [{ evidence: [{ label: 'Public profile', value: /no enabled rule allows TCP 3389/ }] }],
    },
    {
      name: 'a block rule wins over the allow rule',
      state: serverState(
        withRules([
          USER_MODE,
          {
            ...USER_MODE,
            name: 'block',
            displayName: 'Block RDP',
            displayGroup: '',
            group: '',
            action: 'Block',
          },
        ]),
      ),
      findings: [{ evidence: [{ label: 'Domain profile', value: /blocked by Block RDP/ }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'firewall skipped',
      state: serverState({
        firewall: null,
        skipped: [{ check: 'firewall', reason: 'cmdlet-missing', detail: 'Get-NetFirewallRule' }],
      }),
      reason: 'a cmdlet it needs is missing',
    },
    {
      name: 'no active profile',
      state: serverState(
        withRules(
          [USER_MODE],
          [{ name: 'Public', enabled: true, defaultInboundAction: 'Block', active: false }],
        ),
      ),
      reason: 'no active firewall profile',
    },
  ],
});
