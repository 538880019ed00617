/**
 * What the session stage's Set Error Info PDU can raise (MS-RDPBCGR 2.2.5.1.1): each errorInfo
 * code is exactly one of these; server-error-info is every code the others do not claim.
 */
export const ERROR_INFO_FINDING_IDS = [
  'server-denied-connection',
  'licensing-refused',
  'session-limit-reached',
  'fresh-credentials-required',
  'broker-refused',
  'not-in-remote-desktop-users',
  'server-error-info',
] as const;

/**
 * What a logon check (--user) the server refused in CredSSP can raise: each status code is exactly
 * one of these; logon-failed is a wrong user or password and every status the others do not claim.
 */
export const LOGON_REFUSED_FINDING_IDS = [
  'logon-failed',
  'account-locked-out',
  'account-disabled',
  'account-expired',
  'password-expired',
  'password-must-change',
  'account-restricted',
  'logon-right-missing',
] as const;

/**
 * Findings only the logon check raises (diagnose needs --user for them). not-in-remote-desktop-users
 * is an ERRINFO a server sends after a logon, so it needs one too.
 */
export const LOGON_CHECK_FINDING_IDS: ReadonlySet<string> = new Set<string>([
  ...LOGON_REFUSED_FINDING_IDS,
  'not-in-remote-desktop-users',
  'logon-error',
]);

/**
 * Every finding id rdp-doctor can raise, and which room raises it. `explain` may name only these
 * ids as confirmable causes; the catalog test checks that each id has exactly one rule, a test and
 * documentation, so no cause points at a rule that can never fire.
 */
export const DIAGNOSE_FINDING_IDS = [
  // transport
  'dns-unresolvable',
  'tcp-refused',
  'tcp-filtered',
  'tcp-unreachable',
  'network-unstable',
  'listener-closed-early',
  'listener-silent',
  'firewall-rejects',
  'answers-too-slowly',
  'not-rdp',
  'host-identity-mismatch',
  // negotiation
  'nla-required',
  'nla-not-required',
  'standard-rdp-security-only',
  'standard-rdp-security-allowed',
  'tls-cert-missing',
  'negotiation-refused',
  // TLS
  'tls-not-served',
  'tls-handshake-aborted',
  'tls-handshake-alert',
  'tls-no-common-cipher',
  'tls-legacy-only',
  'tls-legacy-enabled',
  'tls-weak-cipher',
  'tls-weak-dh-group',
  // certificate
  'tls-cert-expired',
  'tls-cert-not-yet-valid',
  'tls-cert-expiring-soon',
  'tls-cert-self-signed',
  'tls-cert-private-ca',
  'tls-cert-name-mismatch',
  'tls-cert-weak-key',
  'tls-cert-weak-signature',
  'tls-cert-bad-usage',
  // CredSSP / host
  'credssp-outdated',
  'credssp-error',
  'clock-skew',
  'os-end-of-life',
  // Standard RDP Security
  'rdp-weak-encryption',
  // session (after the security layer) and the logon check
  ...ERROR_INFO_FINDING_IDS,
  ...LOGON_REFUSED_FINDING_IDS,
  'logon-error',
  // client compatibility (TLS posture)
  'client-incompatible',
  // catch-all: a stage on every client's path failed and no rule above names why
  'stage-failed',
] as const;

/** Raised from the server's own event logs by `analyze` (src/rules/events). */
export const EVENT_FINDING_IDS = [
  'tls-no-common-cipher',
  'tls-cert-key-unreadable',
  'tls-cert-missing',
  'logon-right-missing',
  'not-in-remote-desktop-users',
  'logon-failed',
  'account-locked-out',
  'brute-force-attempts',
  'credssp-encryption-oracle',
  // the client's own TerminalServices-RDPClient/Operational log (an .evtx or the client collector's events)
  'client-disconnects',
] as const;

/**
 * Raised from the machines' own configuration by `analyze` (src/rules/state): `.reg` exports and
 * the documents of `rdp-doctor collect`. Ids shared with diagnose mean the same cause seen from inside.
 */
export const STATE_FINDING_IDS = [
  // shared with diagnose / the event rules
  'tls-cert-expired',
  'tls-cert-missing',
  'tls-cert-key-unreadable',
  'nla-not-required',
  'standard-rdp-security-only',
  'credssp-encryption-oracle',
  'logon-right-missing',
  // seen only from inside
  'rdp-connections-denied',
  'max-outstanding-connections-low',
  'machinekeys-acl-broken',
  'tls12-disabled',
  'cipher-suite-order-restrictive',
  'firewall-blocks-rdp',
  'termservice-stopped',
  'listener-port-mismatch',
  'licensing-grace-expired',
  'wam-token-stale',
] as const;

export type DiagnoseFindingId = (typeof DIAGNOSE_FINDING_IDS)[number];
export type EventFindingId = (typeof EVENT_FINDING_IDS)[number];
export type StateFindingId = (typeof STATE_FINDING_IDS)[number];
export type FindingId = DiagnoseFindingId | EventFindingId | StateFindingId;

export const ALL_FINDING_IDS: readonly FindingId[] = [
  ...new Set<FindingId>([...DIAGNOSE_FINDING_IDS, ...EVENT_FINDING_IDS, ...STATE_FINDING_IDS]),
];

export function isFindingId(value: string): value is FindingId {
  return (ALL_FINDING_IDS as readonly string[]).includes(value);
}
