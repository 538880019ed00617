import { termserviceStopped } from '../../../src/rules/state/termservice-stopped.js';
import { EMPTY_STATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const services = (
  term: [string, string],
  redirector: [string, string] = ['Running', 'Manual'],
  config: [string, string] = ['Running', 'Manual'],
) => ({
  services: [
    { name: 'TermService', status: term[0], startType: term[1] },
    { name: 'UmRdpService', status: redirector[0], startType: redirector[1] },
    { name: 'SessionEnv', status: config[0], startType: config[1] },
  ],
});

stateRuleTester(termserviceStopped, {
  valid: [
    { name: 'all running', state: serverState() },
    {
      name: 'SessionEnv stopped, start type Manual (starts on demand)',
      state: serverState(services(['Running', 'Manual'], undefined, ['Stopped', 'Manual'])),
    },
  ],
  invalid: [
    {
      name: 'TermService stopped and disabled (scenario server-termservice-stopped)',
      state: serverState(services(['Stopped', 'Disabled'])),
      findings: [
        {
          severity: 'error',
          title: 'Remote Desktop Services (TermService) is not running',
          evidence: [
            {
              label: 'TermService',
              value: /^Stopped, start type Disabled/,
              source: 'rdp-doctor-server-RDP01.json services',
            },
          ],
        },
      ],
    },
    {
      name: 'TermService not installed',
      state: serverState(services(['NotFound', 'Unknown'])),
      findings: [{ title: /not installed/ }],
    },
    {
      name: 'TermService runs but is disabled; UmRdpService stopped; SessionEnv disabled',
      state: serverState(services(['Running', 'Disabled'], ['Stopped', 'Manual'], ['Stopped', 'Disabled'])),
      findings: [
        { severity: 'warning', title: /runs but is disabled/ },
        { severity: 'warning', title: /UmRdpService/ },
        { severity: 'warning', title: /SessionEnv/ },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'services skipped',
      state: serverState({
        services: null,
        skipped: [{ check: 'services', reason: 'error', detail: 'Get-Service failed' }],
      }),
      reason: 'Get-Service failed',
    },
    {
      name: 'TermService not listed',
      state: serverState({ services: [] }),
      reason: 'does not list TermService',
    },
  ],
});
