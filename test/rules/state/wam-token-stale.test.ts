import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseDsregTime, wamTokenStale } from '../../../src/rules/state/wam-token-stale.js';
import { clientDocument, clientState, EMPTY_STATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const dsreg = (fields: Record<string, string>) => ({
  dsregStatus: { ...clientDocument().dsregStatus, ...fields },
});

stateRuleTester(wamTokenStale, {
  valid: [
    { name: 'PRT renewed 90 minutes before collection', state: clientState() },
    {
      name: 'not Entra joined (no PRT expected)',
      state: clientState({ dsregStatus: { AzureAdJoined: 'NO', DomainJoined: 'YES' } }),
    },
  ],
  invalid: [
    {
      name: 'Entra joined without a PRT',
      state: clientState(dsreg({ AzureAdPrt: 'NO', AzureAdPrtUpdateTime: '' })),
      findings: [
        {
          severity: 'warning',
          title: /AzureAdPrt : NO/,
          evidence: [
            { label: 'AzureAdPrt', value: 'NO', source: 'rdp-doctor-client-LAPTOP7.json dsregStatus' },
          ],
        },
      ],
    },
    {
      name: 'PRT last renewed two days before collection (scenario client-stale-prt)',
      state: clientState(dsreg({ AzureAdPrtUpdateTime: '2026-11-28 11:00:00.000 UTC' })),
      findings: [
        {
          title: /last renewed 49 hours ago/,
          evidence: [{ label: 'AzureAdPrtUpdateTime', value: '2026-11-28 11:00:00.000 UTC' }],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    { name: 'only a server document', state: serverState(), reason: 'no client state' },
    {
      name: 'dsregcmd missing',
      state: clientState({
        dsregStatus: null,
        skipped: [{ check: 'dsregStatus', reason: 'cmdlet-missing', detail: 'dsregcmd.exe' }],
      }),
      reason: 'dsregcmd.exe',
    },
    {
      name: 'update time unreadable',
      state: clientState(dsreg({ AzureAdPrtUpdateTime: 'gestern' })),
      reason: 'AzureAdPrtUpdateTime',
    },
  ],
});

it('reads the time as dsregcmd prints it', () => {
  assert.equal(parseDsregTime('2019-01-24 19:15:26.000 UTC'), Date.UTC(2019, 0, 24, 19, 15, 26));
  assert.equal(parseDsregTime('24.01.2019 19:15'), undefined);
});
