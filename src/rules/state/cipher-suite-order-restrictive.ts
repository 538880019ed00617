import { FIX_RESTORE_CIPHER_SUITE_ORDER, onAzure } from '../../collect/fix-catalog.js';
import { CLIENT_PROFILES } from '../../data/clients/index.js';
import { cipherSuiteByName, cipherSuiteName } from '../../data/tls-cipher-suites.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import type { Evidence, Rule } from '../types.js';
import {
  found,
  KEYS,
  type Machine,
  notEvaluated,
  PASS,
  perMachine,
  section,
  type StateNeed,
  valueEvidence,
  valueState,
} from './helpers.js';

/** The list as the policy (comma-separated REG_SZ) or the local key (REG_MULTI_SZ) holds it. */
function suiteNames(value: string | number | readonly string[]): string[] {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  return parts.map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * Windows before 10 names ECDHE suites with a curve suffix (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256);
 * the suite is the same code point (windows-tls-defaults.json).
 */
function codeOf(name: string): number | undefined {
  return cipherSuiteByName(name.replace(/_P(256|384|521)$/, ''))?.code;
}

/**
 * Suites an RSA certificate can serve (the Remote Desktop self-signed certificate and most issued
 * ones are RSA): RSA-authenticated ones and the TLS 1.3 suites, whose authentication is separate.
 */
function usableWithRsa(code: number): boolean {
  const suite = cipherSuiteByName(cipherSuiteName(code));
  return suite !== undefined && (suite.authentication === 'RSA' || suite.authentication === 'any');
}

interface ConfiguredOrder {
  readonly names: readonly string[];
  readonly evidence: Evidence;
  readonly origin: string;
}

function configuredOrder(machine: Machine): ConfiguredOrder | { readonly notCovered: string } | undefined {
  const policy = valueState(machine, KEYS.cipherOrderPolicy, 'Functions');
  if (policy.kind === 'not-covered')
    return { notCovered: `the evidence does not cover ${KEYS.cipherOrderPolicy}` };
  if (policy.kind === 'set')
    return {
      names: suiteNames(policy.value),
      evidence: valueEvidence('Functions (Group Policy)', policy),
      origin: 'the Group Policy "SSL Cipher Suite Order"',
    };
  const local = valueState(machine, KEYS.cipherOrderLocal, 'Functions');
  if (local.kind === 'set')
    return {
      names: suiteNames(local.value),
      evidence: valueEvidence('Functions (local order)', local),
      origin: 'the local cipher-suite order',
    };
  return undefined;
}

export const cipherSuiteOrderRestrictive: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'cipher-suite-order-restrictive',
    title: 'The cipher-suite order leaves no suite that current clients offer',
    severity: 'error',
    requires: ['registry:cipher-suite-order'],
    docs: {
      explanation:
        'A configured cipher-suite order (the Group Policy "SSL Cipher Suite Order", Functions under ' +
        "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002, or the local order) replaces Windows' list: " +
        'suites not in it are never used. When it holds none of the suites a current client offers that an RSA ' +
        'certificate can serve, the TLS handshake with that client fails (Schannel 36874 "no cipher suite in common", ' +
        'mstsc 0x904). The finding names the clients that fail.',
      falseAlarm:
        'An ECDSA listener certificate can serve the ECDSA suites this rule does not count; the order change applies ' +
        'only after a reboot, so a list changed since the last restart may not be in force yet.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, FREERDP_TLS_FAILED],
    fixes: [FIX_RESTORE_CIPHER_SUITE_ORDER, onAzure(FIX_RESTORE_CIPHER_SUITE_ORDER)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const order = configuredOrder(machine);
      if (order !== undefined && 'notCovered' in order) return notEvaluated(order.notCovered);
      if (order === undefined) return PASS;
      const codes = new Set(
        order.names.flatMap((name) => {
          const code = codeOf(name);
          return code === undefined ? [] : [code];
        }),
      );
      const failing = CLIENT_PROFILES.filter((profile) => profile.current).filter(
        (profile) =>
          ![...profile.tls.cipherSuites, ...profile.tls.tls13CipherSuites].some(
            (code) => codes.has(code) && usableWithRsa(code),
          ),
      );
      if (failing.length === 0) return PASS;
      const effective = section(machine, 'tlsCipherSuites');
      return found([
        {
          title: `${order.origin} leaves no suite that ${failing.map((profile) => profile.displayName).join(', ')} offer`,
          evidence: [
            order.evidence,
            {
              label: 'suites it allows that an RSA certificate can serve',
              value: [...codes].filter(usableWithRsa).map(cipherSuiteName).join(', ') || 'none',
              source: order.evidence.source ?? '',
            },
            ...(effective.kind === 'read'
              ? [
                  {
                    label: 'Get-TlsCipherSuite',
                    value: effective.value.join(', ') || 'none',
                    source: effective.source,
                  },
                ]
              : []),
          ],
          data: { suites: order.names, failing: failing.map((profile) => profile.id) },
        },
      ]);
    });
  },
};
