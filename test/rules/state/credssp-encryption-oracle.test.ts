import { KEYS } from '../../../src/rules/state/helpers.js';
import { credsspEncryptionOracle } from '../../../src/rules/state/credssp-encryption-oracle.js';
import { clientState, combine, EMPTY_STATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const oracle = (value: number) => ({ [KEYS.credssp]: { AllowEncryptionOracle: value } });

stateRuleTester(credsspEncryptionOracle, {
  valid: [
    { name: 'not configured on server and client (Mitigated)', state: combine(serverState(), clientState()) },
    { name: 'Mitigated set explicitly', state: serverState({}, oracle(1)) },
    { name: 'Force Updated Clients on a client behaves like Mitigated', state: clientState({}, oracle(0)) },
  ],
  invalid: [
    {
      name: 'Vulnerable on the client',
      state: clientState({}, oracle(2)),
      findings: [
        {
          severity: 'warning',
          title: /Vulnerable on the client \(LAPTOP7\)/,
          evidence: [
            {
              label: 'AllowEncryptionOracle',
              value: '2 (0x2) (Vulnerable)',
              source: `rdp-doctor-client-LAPTOP7.json registry ${KEYS.credssp}`,
            },
          ],
        },
      ],
    },
    {
      name: 'Force Updated Clients on the server: a fact',
      state: serverState({}, oracle(0)),
      findings: [{ severity: 'info', title: /refuses CredSSP clients without the 2018 update/ }],
    },
    {
      name: 'Vulnerable by the CredentialsDelegation policy over a Mitigated local value',
      state: regFile('credssp.reg', {
        ...oracle(1),
        [KEYS.credentialsDelegationPolicy]: { AllowEncryptionOracle: 2 },
      }),
      findings: [{ evidence: [{ label: 'AllowEncryptionOracle (Group Policy)', value: /Vulnerable/ }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'CredSSP key not covered',
      state: regFile('ts.reg', { [KEYS.terminalServer]: {} }),
      reason: KEYS.credssp,
    },
  ],
});
