import { tlsCertKeyUnreadable } from '../../../src/rules/state/tls-cert-key-unreadable.js';
import { EMPTY_STATE, RDP_CERTIFICATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

stateRuleTester(tlsCertKeyUnreadable, {
  valid: [
    { name: 'key present and readable', state: serverState() },
    { name: 'no listener certificate (tls-cert-missing says so)', state: serverState({ certificates: [] }) },
  ],
  invalid: [
    {
      name: 'certificate without its private key (scenario server-cert-key-missing)',
      state: serverState({
        certificates: [
          {
            ...RDP_CERTIFICATE,
            hasPrivateKey: false,
            privateKeyReadable: false,
            keyFile: null,
            keyFileAcl: null,
          },
        ],
      }),
      findings: [
        {
          severity: 'error',
          evidence: [
            {
              label: 'private key',
              value: /has no private key/,
              source: 'rdp-doctor-server-RDP01.json certificates',
            },
          ],
        },
      ],
    },
    {
      name: 'key exists but does not open',
      state: serverState({ certificates: [{ ...RDP_CERTIFICATE, privateKeyReadable: false }] }),
      findings: [{ evidence: [{ label: 'private key', value: /cannot be opened/ }, { label: 'key file' }] }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'the collector could not test the key',
      state: serverState({ certificates: [{ ...RDP_CERTIFICATE, privateKeyReadable: null }] }),
      reason: 'privateKeyReadable null',
    },
  ],
});
