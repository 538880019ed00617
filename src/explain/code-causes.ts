import type { ConnectionPhase, ErrorTableId } from '../data/error-code.js';
import { FREERDP_CLASS, freerdpErrorValue } from '../data/freerdp-errors.js';
import type { CauseId } from './causes.js';

/**
 * Which causes each code points to, with a base likelihood. Codes without their own list fall back
 * to the list of their connection phase; unknown codes fall back to the guidance of their range.
 */
export type Likelihood = 'high' | 'medium' | 'low';
export type CauseRef = readonly [CauseId, Likelihood];

export const PHASE_CAUSES: Readonly<Record<ConnectionPhase, readonly CauseRef[]>> = {
  client: [['client-local', 'high']],
  dns: [['dns-failure', 'high']],
  tcp: [
    ['network-drop', 'high'],
    ['firewall-filtered', 'medium'],
    ['host-unreachable', 'low'],
  ],
  gateway: [
    ['gateway-policy', 'high'],
    ['websocket-blocked', 'medium'],
  ],
  negotiation: [
    ['security-layer-mismatch', 'high'],
    ['nla-mismatch', 'medium'],
  ],
  tls: [
    ['tls-version-mismatch', 'high'],
    ['tls-cipher-mismatch', 'medium'],
    ['network-drop', 'low'],
  ],
  certificate: [
    ['cert-untrusted', 'high'],
    ['cert-expired', 'medium'],
    ['cert-name-mismatch', 'medium'],
  ],
  credssp: [
    ['bad-credentials', 'high'],
    ['account-state', 'medium'],
    ['credssp-failure', 'medium'],
  ],
  'rdp-security': [
    ['fips-policy', 'high'],
    ['protocol-bug', 'medium'],
  ],
  'connection-setup': [['protocol-bug', 'high']],
  licensing: [['licensing', 'high']],
  logon: [
    ['logon-right-missing', 'high'],
    ['not-remote-desktop-user', 'high'],
  ],
  broker: [['broker-target', 'high']],
  session: [
    ['session-limits', 'medium'],
    ['server-resources', 'medium'],
  ],
};

/** The server refused the connection: what mstsc reports as 0x904 with extended 0x7. */
const SERVER_DENIED: readonly CauseRef[] = [
  ['tls-version-mismatch', 'high'],
  ['cert-key-unreadable', 'high'],
  ['tls-cipher-mismatch', 'medium'],
  ['cert-missing', 'medium'],
  ['cert-expired', 'medium'],
  ['nla-mismatch', 'medium'],
  ['credssp-outdated', 'medium'],
  ['server-policy-deny', 'medium'],
  ['connection-limit', 'medium'],
  ['licensing', 'low'],
  ['brute-force-flood', 'low'],
  ['credssp-oracle-policy', 'low'],
  ['firewall-filtered', 'low'],
  ['network-drop', 'low'],
  ['websocket-blocked', 'low'],
  ['stale-wam-token', 'low'],
];

const NOT_AN_ERROR: readonly CauseRef[] = [['not-an-error', 'high']];
const BAD_CREDENTIALS: readonly CauseRef[] = [
  ['bad-credentials', 'high'],
  ['account-state', 'medium'],
];
const ACCOUNT_STATE: readonly CauseRef[] = [['account-state', 'high']];
const LOGON_RIGHTS: readonly CauseRef[] = [
  ['logon-right-missing', 'high'],
  ['not-remote-desktop-user', 'high'],
];
const DOMAIN: readonly CauseRef[] = [
  ['domain-unreachable', 'high'],
  ['clock-skew', 'low'],
];
const DELEGATION: readonly CauseRef[] = [['delegation-policy', 'high']];
const CLIENT: readonly CauseRef[] = [['client-local', 'high']];
const LICENSING: readonly CauseRef[] = [['licensing', 'high']];
const SERVER_RESOURCES: readonly CauseRef[] = [['server-resources', 'high']];
const TLS_SETUP: readonly CauseRef[] = [
  ['tls-version-mismatch', 'high'],
  ['tls-cipher-mismatch', 'medium'],
  ['cert-key-unreadable', 'medium'],
  ['cert-missing', 'medium'],
  ['cert-expired', 'low'],
  ['listener-closes', 'low'],
];
const TCP_CONNECT: readonly CauseRef[] = [
  ['port-closed', 'high'],
  ['firewall-filtered', 'high'],
  ['host-unreachable', 'medium'],
];
const TIMED_OUT: readonly CauseRef[] = [
  ['firewall-filtered', 'high'],
  ['host-unreachable', 'medium'],
  ['network-drop', 'medium'],
];
const CONNECTION_CUT: readonly CauseRef[] = [
  ['network-drop', 'high'],
  ['listener-closes', 'medium'],
  ['firewall-filtered', 'low'],
];
const STANDARD_SECURITY: readonly CauseRef[] = [
  ['fips-policy', 'medium'],
  ['standard-rdp-only', 'medium'],
  ['protocol-bug', 'medium'],
];
const freerdp = (code: number) => freerdpErrorValue(FREERDP_CLASS.connect, code);

/** Causes shared by extended reasons and errorInfo codes (the same numbers, see error-info.ts). */
const ERROR_INFO_CAUSES: ReadonlyArray<readonly [number, readonly CauseRef[]]> = [
  [0x0, NOT_AN_ERROR],
  [0x1, NOT_AN_ERROR],
  [0x2, NOT_AN_ERROR],
  [0x3, [['session-limits', 'high']]],
  [0x4, [['session-limits', 'high']]],
  [0x5, NOT_AN_ERROR],
  [0x6, SERVER_RESOURCES],
  [0x7, SERVER_DENIED],
  [0x8, [['fips-policy', 'high']]],
  [0x9, LOGON_RIGHTS],
  [0xa, [['fresh-credentials-required', 'high']]],
  [0xb, NOT_AN_ERROR],
  [0xc, NOT_AN_ERROR],
  [0x19, NOT_AN_ERROR],
  [0x1a, NOT_AN_ERROR],
  [0x10b, CLIENT],
  [0x300, BAD_CREDENTIALS],
  [0x10f3, [['protocol-bug', 'high']]],
  [
    0x112d,
    [
      ['server-resources', 'high'],
      ['protocol-bug', 'medium'],
    ],
  ],
  [
    0x112e,
    [
      ['server-resources', 'high'],
      ['protocol-bug', 'medium'],
    ],
  ],
  [
    0x112f,
    [
      ['server-resources', 'high'],
      ['protocol-bug', 'medium'],
    ],
  ],
  [
    0x1194,
    [
      ['fips-policy', 'high'],
      ['standard-rdp-only', 'medium'],
    ],
  ],
  [0x1196, CONNECTION_CUT],
];

const SPECIFIC: Readonly<
  Partial<Record<ErrorTableId, ReadonlyArray<readonly [number, readonly CauseRef[]]>>>
> = {
  'disconnect-reason': [
    [0x0, NOT_AN_ERROR],
    [0x1, NOT_AN_ERROR],
    [0x2, NOT_AN_ERROR],
    [
      0x3,
      [
        ['session-limits', 'high'],
        ['not-an-error', 'medium'],
        ['server-policy-deny', 'low'],
      ],
    ],
    [0x108, TIMED_OUT],
    [0x704, TIMED_OUT],
    [0x204, TCP_CONNECT],
    [0x304, CONNECTION_CUT],
    [0x404, CONNECTION_CUT],
    [
      0x904,
      [
        ['network-drop', 'high'],
        ['listener-closes', 'medium'],
        ['tls-version-mismatch', 'medium'],
        ['cert-key-unreadable', 'medium'],
        ['connection-limit', 'medium'],
        ['firewall-filtered', 'low'],
        ['websocket-blocked', 'low'],
      ],
    ],
    [0x406, STANDARD_SECURITY],
    [0x506, STANDARD_SECURITY],
    [0x606, STANDARD_SECURITY],
    [0x706, STANDARD_SECURITY],
    [0xb06, STANDARD_SECURITY],
    [0xc06, STANDARD_SECURITY],
    [0x906, TLS_SETUP],
    [0xa06, TLS_SETUP],
    [
      0x807,
      [
        ['bad-credentials', 'high'],
        ['account-state', 'medium'],
        ['domain-unreachable', 'low'],
      ],
    ],
    [0xa07, BAD_CREDENTIALS],
    [0xd07, [['account-locked', 'high']]],
    [0x1607, DELEGATION],
    [0x1707, DELEGATION],
    [0x1807, DOMAIN],
    [0x1b07, [['cert-expired', 'high']]],
    [0x2107, [['fresh-credentials-required', 'high']]],
  ],
  'extended-disconnect-reason': ERROR_INFO_CAUSES,
  'error-info': ERROR_INFO_CAUSES,
  'neg-failure': [
    [
      0x1,
      [
        ['security-layer-mismatch', 'high'],
        ['nla-mismatch', 'medium'],
      ],
    ],
    [0x2, [['standard-rdp-only', 'high']]],
    [
      0x3,
      [
        ['cert-missing', 'high'],
        ['cert-key-unreadable', 'high'],
        ['cert-expired', 'medium'],
      ],
    ],
    [0x4, [['protocol-bug', 'high']]],
    [0x5, [['nla-mismatch', 'high']]],
    [0x6, [['security-layer-mismatch', 'high']]],
  ],
  'freerdp-connect': [
    [
      freerdp(0x02),
      [
        ['listener-closes', 'medium'],
        ['network-drop', 'medium'],
      ],
    ],
    [freerdp(0x06), TCP_CONNECT],
    [
      freerdp(0x07),
      [
        ['server-policy-deny', 'medium'],
        ['protocol-bug', 'medium'],
        ['licensing', 'low'],
      ],
    ],
    [freerdp(0x08), TLS_SETUP],
    [
      freerdp(0x09),
      [
        ['bad-credentials', 'high'],
        ['credssp-outdated', 'medium'],
        ['account-state', 'medium'],
        ['clock-skew', 'low'],
        ['domain-unreachable', 'low'],
      ],
    ],
    [freerdp(0x0a), LOGON_RIGHTS],
    [
      freerdp(0x0c),
      [
        ['security-layer-mismatch', 'high'],
        ['nla-mismatch', 'high'],
        ['standard-rdp-only', 'medium'],
      ],
    ],
    [
      freerdp(0x0d),
      [
        ['network-drop', 'high'],
        ['firewall-filtered', 'medium'],
        ['listener-closes', 'medium'],
        ['connection-limit', 'low'],
        ['gateway-policy', 'low'],
      ],
    ],
    [freerdp(0x10), ACCOUNT_STATE],
    [freerdp(0x11), DOMAIN],
    [freerdp(0x14), BAD_CREDENTIALS],
    [freerdp(0x15), BAD_CREDENTIALS],
    [freerdp(0x16), LOGON_RIGHTS],
    [freerdp(0x18), [['account-locked', 'high']]],
    [freerdp(0x1a), LOGON_RIGHTS],
    [
      freerdp(0x1c),
      [
        ['server-resources', 'medium'],
        ['network-drop', 'medium'],
      ],
    ],
    [freerdp(0x1d), [['broker-target', 'high']]],
  ],
  'sspi-status': [
    [
      0x80090302,
      [
        ['credssp-outdated', 'high'],
        ['credssp-oracle-policy', 'high'],
      ],
    ],
    [
      0x80090303,
      [
        ['cert-name-mismatch', 'medium'],
        ['domain-unreachable', 'low'],
      ],
    ],
    [
      0x80090308,
      [
        ['tls-version-mismatch', 'medium'],
        ['credssp-outdated', 'medium'],
        ['network-drop', 'low'],
      ],
    ],
    [0x8009030c, BAD_CREDENTIALS],
    [0x8009030d, [['cert-key-unreadable', 'high']]],
    [
      0x8009030e,
      [
        ['bad-credentials', 'medium'],
        ['client-local', 'medium'],
      ],
    ],
    [0x80090311, DOMAIN],
    [0x80090318, CONNECTION_CUT],
    [
      0x80090322,
      [
        ['cert-name-mismatch', 'medium'],
        ['delegation-policy', 'low'],
      ],
    ],
    [0x80090324, [['clock-skew', 'high']]],
    [0x80090325, [['cert-untrusted', 'high']]],
    [
      0x80090326,
      [
        ['tls-version-mismatch', 'high'],
        ['tls-cipher-mismatch', 'high'],
      ],
    ],
    [0x80090327, [['cert-untrusted', 'medium']]],
    [0x80090328, [['cert-expired', 'high']]],
    [
      0x80090331,
      [
        ['tls-cipher-mismatch', 'high'],
        ['tls-version-mismatch', 'medium'],
      ],
    ],
    [0x80090346, [['network-drop', 'medium']]],
    [0x80090349, [['cert-untrusted', 'medium']]],
    [0x8009035e, DELEGATION],
    [0x8009035f, DELEGATION],
  ],
  ntstatus: [
    [0xc000005e, DOMAIN],
    [0xc0000064, BAD_CREDENTIALS],
    [0xc000006a, BAD_CREDENTIALS],
    [0xc000006d, BAD_CREDENTIALS],
    [0xc0000133, [['clock-skew', 'high']]],
    [0xc000015b, LOGON_RIGHTS],
    [0xc000018c, DOMAIN],
    [0xc0000192, DOMAIN],
    [0xc0000234, [['account-locked', 'high']]],
  ],
};

const SPECIFIC_MAPS = new Map<ErrorTableId, ReadonlyMap<number, readonly CauseRef[]>>(
  Object.entries(SPECIFIC).map(([id, rows]) => [id as ErrorTableId, new Map(rows)]),
);

/** The causes of a known code: its own list, or its phase's. */
export function causesForCode(
  tableId: ErrorTableId,
  value: number,
  phase: ConnectionPhase,
): readonly CauseRef[] {
  return SPECIFIC_MAPS.get(tableId)?.get(value) ?? PHASE_CAUSES[phase];
}

/** Tables and values that have their own list (for tests and for `explain --list`). */
export function specificCauseKeys(): ReadonlyArray<readonly [ErrorTableId, number]> {
  return [...SPECIFIC_MAPS].flatMap(([id, map]) => [...map.keys()].map((value) => [id, value] as const));
}

export interface RangeGuidance {
  /** What the range is, e.g. "mstsc disconnect reason ending in 0x07 (NLA/CredSSP authentication)". */
  readonly range: string;
  readonly phase: ConnectionPhase;
  readonly causes: readonly CauseRef[];
}

/** What can still be said about a well-formed code no table holds. */
export function rangeGuidance(value: number, role: 'code' | 'extended'): RangeGuidance {
  const unsigned = value >>> 0;
  const high = unsigned >>> 16;
  if (high === 0x8009)
    return { range: 'SSPI status (SEC_E_*, 0x8009xxxx)', phase: 'credssp', causes: PHASE_CAUSES.credssp };
  if (high === 0xc000)
    return { range: 'NTSTATUS error (0xC000xxxx)', phase: 'credssp', causes: PHASE_CAUSES.credssp };
  if (high === FREERDP_CLASS.connect) {
    return {
      range: 'FreeRDP connection error (0x0002xxxx)',
      phase: 'connection-setup',
      causes: PHASE_CAUSES['connection-setup'],
    };
  }
  if (unsigned >= 0x1000 && unsigned <= 0x7fff && role === 'extended') {
    return {
      range: 'server protocol error (errorInfo 0x1000-0x7FFF)',
      phase: 'connection-setup',
      causes: PHASE_CAUSES['connection-setup'],
    };
  }
  if (role === 'extended') {
    if (unsigned >= 0x100 && unsigned <= 0x1ff)
      return { range: 'licensing errorInfo (0x100-0x1FF)', phase: 'licensing', causes: LICENSING };
    if (unsigned >= 0x400 && unsigned <= 0x4ff)
      return {
        range: 'connection broker errorInfo (0x400-0x4FF)',
        phase: 'broker',
        causes: PHASE_CAUSES.broker,
      };
    return { range: 'extended disconnect reason', phase: 'session', causes: PHASE_CAUSES.session };
  }
  if (unsigned <= 0xffff) {
    // An observation from the documented table, not a Microsoft rule (see disconnect-reasons.ts).
    switch (unsigned & 0xff) {
      case 0x04:
        return {
          range: 'mstsc disconnect reason ending in 0x04 (network)',
          phase: 'tcp',
          causes: PHASE_CAUSES.tcp,
        };
      case 0x06:
        return {
          range: 'mstsc disconnect reason ending in 0x06 (security layer)',
          phase: 'rdp-security',
          causes: TLS_SETUP,
        };
      case 0x07:
        return {
          range: 'mstsc disconnect reason ending in 0x07 (NLA/CredSSP authentication)',
          phase: 'credssp',
          causes: PHASE_CAUSES.credssp,
        };
      default:
        break;
    }
  }
  return { range: 'no known range', phase: 'connection-setup', causes: [] };
}
