import { KEYS } from '../../../src/rules/state/helpers.js';
import { nlaNotRequired } from '../../../src/rules/state/nla-not-required.js';
import { EMPTY_STATE, regFile, serverDocument, fromDocument, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const rdpTcp = (values: Record<string, number>) => ({ [KEYS.rdpTcp]: { PortNumber: 3389, ...values } });

stateRuleTester(nlaNotRequired, {
  valid: [
    { name: 'healthy server (SecurityLayer 2, UserAuthentication 1)', state: serverState() },
    { name: 'values unset on current Windows: NLA by default', state: serverState({}, rdpTcp({})) },
    {
      name: 'local 0 overridden by the policy requiring NLA',
      state: serverState(
        {},
        {
          ...rdpTcp({ UserAuthentication: 0, SecurityLayer: 2 }),
          [KEYS.tsPolicy]: { UserAuthentication: 1 },
        },
      ),
    },
  ],
  invalid: [
    {
      name: 'UserAuthentication 0',
      state: serverState({}, rdpTcp({ UserAuthentication: 0, SecurityLayer: 2 })),
      findings: [
        {
          severity: 'warning',
          evidence: [
            {
              label: 'UserAuthentication',
              value: '0 (0x0)',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.rdpTcp}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the policy turns NLA off',
      state: serverState({}, { [KEYS.tsPolicy]: { UserAuthentication: 0 } }),
      findings: [{ evidence: [{ label: 'UserAuthentication (Group Policy)', value: '0 (0x0)' }] }],
    },
    {
      name: 'SecurityLayer 0 leaves no NLA even with UserAuthentication 1',
      state: serverState({}, rdpTcp({ UserAuthentication: 1, SecurityLayer: 0 })),
      findings: [{ evidence: [{ label: 'SecurityLayer', value: /RDP: no NLA possible/ }] }],
    },
    {
      name: 'Windows Server 2008 R2 with the values unset: NLA off by default',
      state: fromDocument(
        'old.json',
        serverDocument(
          {
            computer: {
              name: 'OLD',
              domain: 'x',
              osCaption: 'Windows Server 2008 R2',
              osVersion: '6.1.7601',
              osBuild: 7601,
              elevated: true,
            },
          },
          rdpTcp({}),
        ),
      ),
      findings: [{ evidence: [{ label: 'UserAuthentication', value: /not set: Windows' default 0/ }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: '.reg without RDP-Tcp',
      state: regFile('credssp.reg', { [KEYS.credssp]: {} }),
      reason: KEYS.rdpTcp,
    },
    {
      name: '.reg with NLA on but no policy key',
      state: regFile('rdp.reg', rdpTcp({ UserAuthentication: 1, SecurityLayer: 2 })),
      reason: 'not in the evidence',
    },
  ],
});
