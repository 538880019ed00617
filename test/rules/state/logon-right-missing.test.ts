import { logonRightMissing } from '../../../src/rules/state/logon-right-missing.js';
import { EMPTY_STATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const rights = (allow: string[], deny: string[] = [], members: string[] | null = ['CONTOSO\\helpdesk']) => ({
  logonRights: {
    SeRemoteInteractiveLogonRight: allow,
    SeDenyRemoteInteractiveLogonRight: deny,
    remoteDesktopUsers: members,
  },
});

stateRuleTester(logonRightMissing, {
  valid: [
    { name: 'Windows default (Administrators, Remote Desktop Users)', state: serverState() },
    {
      name: 'names instead of SIDs',
      state: serverState(rights(['BUILTIN\\Administrators', 'Remote Desktop Users'])),
    },
    {
      name: 'Remote Desktop Users left out but empty (a domain controller)',
      state: serverState(rights(['*S-1-5-32-544'], [], [])),
    },
    {
      name: 'one account denied',
      state: serverState(rights(['*S-1-5-32-544', '*S-1-5-32-555'], ['CONTOSO\\contractor'])),
    },
  ],
  invalid: [
    {
      name: 'Remote Desktop Users removed while it has members (scenario server-logon-right-missing)',
      state: serverState(rights(['*S-1-5-32-544'])),
      findings: [
        {
          severity: 'error',
          title: /Remote Desktop Users lack/,
          evidence: [
            {
              label: 'SeRemoteInteractiveLogonRight',
              value: 'Administrators',
              source: 'rdp-doctor-server-RDP01.json logonRights',
            },
            { label: 'Remote Desktop Users members', value: 'CONTOSO\\helpdesk' },
          ],
        },
      ],
    },
    {
      name: 'Everyone denied',
      state: serverState(rights(['*S-1-5-32-544', '*S-1-5-32-555'], ['*S-1-1-0'])),
      findings: [{ severity: 'error', title: /lists Everyone/ }],
    },
    {
      name: 'nobody holds the right',
      state: serverState(rights([], [], [])),
      findings: [{ severity: 'error', title: /Nobody holds/ }],
    },
    {
      name: 'only Remote Desktop Users: administrators shut out',
      state: serverState(rights(['*S-1-5-32-555'])),
      findings: [{ severity: 'warning', title: /Administrators lack/ }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'not elevated: secedit could not run',
      state: serverState({
        logonRights: null,
        skipped: [{ check: 'logonRights', reason: 'not-elevated', detail: 'secedit /export needs admin' }],
      }),
      reason: 'not run elevated (secedit /export needs admin)',
    },
  ],
});
