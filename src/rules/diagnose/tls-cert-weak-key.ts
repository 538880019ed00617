import type { CertificateFacts } from '../../probe/types.js';
import type { RuleReport } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { ISSUE_CA_CERTIFICATE, REGENERATE_SELF_SIGNED, SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import { certificateEvidence, certLabel, defineRule, evidence, found, withLeaf } from './helpers.js';

/** Schannel clients refuse smaller RSA keys (PKCS ClientMinKeyBitLength default, registry.json). */
export const SCHANNEL_MIN_RSA_BITS = 1024;
export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;

function judgeKey(facts: CertificateFacts, position: number): RuleReport | undefined {
  const bits = facts.keyBits;
  const described = `${facts.keyType.toUpperCase()}${bits ? ` ${bits}-bit` : ''}${facts.curve ? ` (${facts.curve})` : ''}`;
  const base = [
    ...certificateEvidence(facts, position),
    evidence(`${certLabel(facts, position)} key`, described, 'certificate'),
  ];
  if (facts.keyType === 'dsa')
    return { evidence: base, title: 'The server certificate uses a DSA key', data: { keyType: 'dsa', bits } };
  if (bits === undefined) return undefined;
  if (facts.keyType === 'rsa' && bits < SCHANNEL_MIN_RSA_BITS) {
    return {
      evidence: base,
      severity: 'error',
      title: `The server certificate's RSA key is ${bits} bits: Windows clients refuse keys under ${SCHANNEL_MIN_RSA_BITS}`,
      data: { keyType: 'rsa', bits },
    };
  }
  if ((facts.keyType === 'rsa' && bits < MIN_RSA_BITS) || (facts.keyType === 'ec' && bits < MIN_EC_BITS)) {
    return { evidence: base, data: { keyType: facts.keyType, bits } };
  }
  return undefined;
}

export const rule = defineRule(
  {
    id: 'tls-cert-weak-key',
    title: "The server certificate's key is too small",
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation: `A certificate in the server's chain has a key below current minimums: RSA under ${MIN_RSA_BITS} bits, elliptic curves under ${MIN_EC_BITS} bits, or DSA. Such keys can be broken with enough computing power, and clients are raising their minimums. RSA keys under ${SCHANNEL_MIN_RSA_BITS} bits are an error: Windows (Schannel) clients refuse them by default, so mstsc cannot connect at all.`,
      falseAlarm:
        'A root certificate that clients already trust by its identity is less exposed, but it is still replaced at renewal.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, REGENERATE_SELF_SIGNED],
  },
  (observations) => withLeaf(observations, (_leaf, certificate) => found(certificate.chain.map(judgeKey))),
);
