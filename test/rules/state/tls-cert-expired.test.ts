import { tlsCertExpired } from '../../../src/rules/state/tls-cert-expired.js';
import { EMPTY_STATE, RDP_CERTIFICATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

stateRuleTester(tlsCertExpired, {
  valid: [
    { name: 'valid on the collection day', state: serverState() },
    {
      name: 'an expired certificate the listener does not use',
      state: serverState({
        certificates: [
          RDP_CERTIFICATE,
          { ...RDP_CERTIFICATE, thumbprint: 'OLD', notAfter: '2025-01-01T00:00:00Z', boundToListener: false },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'listener certificate expired 10 days before collection',
      state: serverState({ certificates: [{ ...RDP_CERTIFICATE, notAfter: '2026-11-20T12:00:00Z' }] }),
      findings: [
        {
          severity: 'warning',
          evidence: [
            {
              label: 'valid until',
              value: '2026-11-20T12:00:00Z',
              source: 'rdp-doctor-server-RDP01.json certificates',
            },
            { label: 'expired for (days)', value: 10 },
            { label: 'listener certificate', value: /CN=RDP01\.contoso\.com \(Remote Desktop store/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'certificates skipped',
      state: serverState({
        certificates: null,
        skipped: [{ check: 'certificates', reason: 'error', detail: 'store unreadable' }],
      }),
      reason: 'it failed (store unreadable)',
    },
    {
      name: 'no valid collection time',
      state: serverState({ collectedAt: 'yesterday' }),
      reason: 'collectedAt',
    },
  ],
});
