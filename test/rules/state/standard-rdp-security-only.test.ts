import { KEYS } from '../../../src/rules/state/helpers.js';
import { standardRdpSecurityOnly } from '../../../src/rules/state/standard-rdp-security-only.js';
import { EMPTY_STATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

stateRuleTester(standardRdpSecurityOnly, {
  valid: [
    { name: 'TLS (2)', state: serverState() },
    { name: 'Negotiate (1)', state: serverState({}, { [KEYS.rdpTcp]: { SecurityLayer: 1 } }) },
    {
      name: 'local RDP overridden by a policy that negotiates',
      state: serverState({}, { [KEYS.rdpTcp]: { SecurityLayer: 0 }, [KEYS.tsPolicy]: { SecurityLayer: 1 } }),
    },
  ],
  invalid: [
    {
      name: 'SecurityLayer 0 locally',
      state: serverState({}, { [KEYS.rdpTcp]: { SecurityLayer: 0 } }),
      findings: [
        {
          severity: 'warning',
          title: /only speaks Standard RDP Security/,
          evidence: [{ label: 'SecurityLayer', value: '0 (0x0)' }],
        },
      ],
    },
    {
      name: 'policy forces RDP',
      state: serverState({}, { [KEYS.tsPolicy]: { SecurityLayer: 0 } }),
      findings: [{ title: /Group Policy makes/, evidence: [{ label: 'SecurityLayer (Group Policy)' }] }],
    },
    {
      name: '.reg export (UTF-8 or UTF-16, as the reader gives it)',
      state: regFile('rdp-tcp.reg', { [KEYS.rdpTcp]: { SecurityLayer: 0, UserAuthentication: 0 } }),
      findings: [
        {
          evidence: [
            { label: 'SecurityLayer', source: `rdp-tcp.reg registry ${KEYS.rdpTcp}` },
            { label: 'Group Policy' },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    { name: 'RDP-Tcp not covered', state: regFile('x.reg', { [KEYS.credssp]: {} }), reason: KEYS.rdpTcp },
  ],
});
