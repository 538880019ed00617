import type { CollectedLicensing } from '../../../src/evidence/state/collect-document.js';
import { licensingGraceExpired } from '../../../src/rules/state/licensing-grace-expired.js';
import { EMPTY_STATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const sessionHost = (facts: Partial<CollectedLicensing>) => ({
  licensing: {
    sessionHostInstalled: true,
    licensingType: 5,
    licensingName: 'Not configured',
    graceDaysLeft: 0,
    licenseServers: [],
    ...facts,
  },
});

stateRuleTester(licensingGraceExpired, {
  valid: [
    { name: 'no Session Host role (Remote Desktop for Administration)', state: serverState() },
    {
      name: 'Per User with a license server',
      state: serverState(
        sessionHost({ licensingType: 4, licensingName: 'Per User', licenseServers: ['lic01.contoso.com'] }),
      ),
    },
  ],
  invalid: [
    {
      name: 'not configured, grace period over (scenario server-licensing-expired)',
      state: serverState(sessionHost({})),
      findings: [
        {
          severity: 'error',
          evidence: [
            { label: 'grace period days left', value: 0, source: 'rdp-doctor-server-RDP01.json licensing' },
            { label: 'licensing mode', value: '5 (Not configured)' },
          ],
        },
      ],
    },
    {
      name: 'not configured, 12 days left',
      state: serverState(sessionHost({ graceDaysLeft: 12 })),
      findings: [{ severity: 'warning', title: /ends in 12 days/ }],
    },
    {
      name: 'Per Device but no license server, grace over',
      state: serverState(sessionHost({ licensingType: 2, licensingName: 'Per Device' })),
      findings: [{ severity: 'error', evidence: [{ label: 'license servers', value: 'none' }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'licensing skipped',
      state: serverState({
        licensing: null,
        skipped: [{ check: 'licensing', reason: 'error', detail: 'WMI' }],
      }),
      reason: 'WMI',
    },
    {
      name: 'grace period unreadable',
      state: serverState(sessionHost({ graceDaysLeft: null })),
      reason: 'graceDaysLeft null',
    },
  ],
});
