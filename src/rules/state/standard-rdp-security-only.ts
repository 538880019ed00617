import { FIX_REQUIRE_NLA, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { MSTSC_CERT_WARNING } from '../common/client-errors.js';
import type { Rule } from '../types.js';
import {
  found,
  KEYS,
  notEvaluated,
  PASS,
  perMachine,
  policyUnknownEvidence,
  type StateNeed,
} from './helpers.js';
import { securityLayer } from './listener-security.js';

export const standardRdpSecurityOnly: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'standard-rdp-security-only',
    title: 'The server only speaks Standard RDP Security (no TLS, no NLA)',
    severity: 'warning',
    requires: ['registry:rdp-tcp'],
    docs: {
      explanation:
        'SecurityLayer = 0 (RDP) on the RDP-Tcp listener, or the Group Policy "Require use of specific security layer ' +
        'for remote (RDP) connections" set to RDP: the server refuses TLS and CredSSP and answers a current client with ' +
        'SSL_NOT_ALLOWED_BY_SERVER. mstsc and FreeRDP fall back to Standard RDP Security after a warning that the ' +
        "server's identity cannot be verified, so connections work (a warning), but the server is not authenticated, " +
        'the RC4-based encryption is weak, there is no NLA, and clients that require server authentication or FIPS ' +
        'mode refuse to connect.',
      falseAlarm:
        'None while the value stands. A device in front of the server that terminates RDP may make the server look ' +
        'different from outside.',
    },
    clientErrors: [MSTSC_CERT_WARNING],
    fixes: [FIX_REQUIRE_NLA, onAzure(FIX_REQUIRE_NLA)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const layer = securityLayer(machine);
      if (layer.kind === 'not-covered') return notEvaluated(layer.reason);
      if (layer.value !== 0)
        return layer.policyUnknown ? notEvaluated(`${KEYS.tsPolicy} is not in the evidence`) : PASS;
      return found([
        {
          evidence: [layer.evidence, ...(layer.policyUnknown ? [policyUnknownEvidence(KEYS.tsPolicy)] : [])],
          ...(layer.from === 'policy'
            ? { title: 'Group Policy makes the server speak only Standard RDP Security (no TLS, no NLA)' }
            : {}),
          data: { securityLayer: layer.value, from: layer.from },
        },
      ]);
    });
  },
};
