import type { CertificateFacts } from '../../probe/types.js';
import type { RuleReport } from '../types.js';
import {
  ISSUE_CA_CERTIFICATE,
  REGENERATE_SELF_SIGNED,
  SET_LISTENER_CERTIFICATE,
  withServerFixes,
} from '../common/fixes.js';
import { xrdpCertificateFixes } from '../common/xrdp-fixes.js';
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

const ruleWithDefaultFixes = defineRule(
  {
    id: 'tls-cert-weak-key',
    title: "The server certificate's key is too small",
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation: `A certificate in the server's chain has a key below current minimums: RSA under ${MIN_RSA_BITS} bits, elliptic curves under ${MIN_EC_BITS} bits, or DSA. Such keys can be broken with enough computing power, and clients are raising their minimums. RSA keys under ${SCHANNEL_MIN_RSA_BITS} bits are an error: Windows (Schannel) clients refuse them by default, so mstsc cannot connect at all.`,
      falseAlarm:
        'A root certificate that clients already trust by its identity is less exposed, but it is still replaced at renewal. A 1024-bit RSA key does not stop clients today: xfreerdp 2.11 connects to it (also with /tls-seclevel:2, since FreeRDP checks the certificate itself), and Schannel accepts keys of 1024 bits and more.',
    },
    // No client error is predicted: none was observed for 1024-2047 bits, and the one mstsc shows under 1024 is not sourced.
    clientErrors: [],
    fixes: [ISSUE_CA_CERTIFICATE, SET_LISTENER_CERTIFICATE, REGENERATE_SELF_SIGNED],
  },
  (observations) => withLeaf(observations, (_leaf, certificate) => found(certificate.chain.map(judgeKey))),
);

/** On xrdp, xrdp.ini fixes replace the Windows ones. */
export const rule = withServerFixes(ruleWithDefaultFixes, { xrdp: xrdpCertificateFixes() });
