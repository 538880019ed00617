/**
 * Joins what the probe saw from outside with what the machines' own state and logs prove from
 * inside: "TLS aborted right after the ClientHello" (tls-handshake-aborted) plus "MachineKeys lacks
 * read for NETWORK SERVICE" (machinekeys-acl-broken) is one confirmed root cause, not two findings.
 * The table says which inside finding explains which outside symptom; the same id on both sides is
 * always the same cause seen twice.
 */
import type { EventFindingId, FindingId, StateFindingId } from './finding-ids.js';
import { type Finding, rankFixes, SEVERITY_ORDER } from './types.js';

/** Symptom (a diagnose finding) -> the evidence findings that explain it, most specific first. */
export const EXPLAINS: Readonly<Partial<Record<FindingId, readonly FindingId[]>>> = {
  'tls-handshake-aborted': [
    'machinekeys-acl-broken',
    'tls-cert-key-unreadable',
    'tls-cert-missing',
    'tls12-disabled',
    'cipher-suite-order-restrictive',
    'tls-no-common-cipher',
  ],
  'tls-handshake-alert': ['tls12-disabled', 'cipher-suite-order-restrictive', 'tls-no-common-cipher'],
  'tls-no-common-cipher': ['cipher-suite-order-restrictive', 'tls12-disabled'],
  'tls-legacy-only': ['tls12-disabled'],
  'client-incompatible': ['tls12-disabled', 'cipher-suite-order-restrictive'],
  'tcp-refused': ['termservice-stopped', 'rdp-connections-denied', 'listener-port-mismatch'],
  'tcp-filtered': ['firewall-blocks-rdp', 'listener-port-mismatch'],
  'firewall-rejects': ['firewall-blocks-rdp', 'listener-port-mismatch'],
  'listener-silent': ['max-outstanding-connections-low', 'termservice-stopped'],
  'listener-closed-early': [
    'max-outstanding-connections-low',
    'rdp-connections-denied',
    'licensing-grace-expired',
  ],
  'negotiation-refused': ['tls-cert-missing', 'tls-cert-key-unreadable', 'machinekeys-acl-broken'],
  'credssp-outdated': ['credssp-encryption-oracle'],
  'credssp-error': ['credssp-encryption-oracle', 'logon-right-missing'],
  'stage-failed': ['machinekeys-acl-broken', 'tls-cert-key-unreadable', 'termservice-stopped'],
};

/**
 * Within `analyze`: an event-log finding (what the server logged when connections failed) -> the
 * state findings that say why. "36870: the private key cannot be accessed" plus "MachineKeys lacks
 * what Windows grants" is one cause.
 */
export const LOGS_EXPLAINED_BY: Readonly<Partial<Record<EventFindingId, readonly StateFindingId[]>>> = {
  'tls-cert-key-unreadable': ['machinekeys-acl-broken', 'tls-cert-key-unreadable', 'tls-cert-missing'],
  'tls-cert-missing': ['tls-cert-missing'],
  'tls-no-common-cipher': ['cipher-suite-order-restrictive', 'tls12-disabled'],
  'logon-right-missing': ['logon-right-missing'],
  'credssp-encryption-oracle': ['credssp-encryption-oracle'],
};

/** What confirmed a symptom: the inside finding and where it was read. */
export interface Confirmation {
  /** The probe's finding id (the symptom seen from outside). */
  readonly symptom: string;
  readonly symptomTitle: string;
  /** The evidence findings that explain it (the first is the root cause). */
  readonly causes: readonly {
    readonly id: string;
    readonly title: string;
    readonly sources: readonly string[];
  }[];
}

export interface CorroboratedFinding extends Finding {
  readonly origin: 'probe' | 'evidence' | 'both';
  readonly confirmation?: Confirmation;
}

function sourcesOf(finding: Finding): string[] {
  return [...new Set(finding.evidence.flatMap((item) => (item.source ? [item.source] : [])))];
}

function worse(a: Finding['severity'], b: Finding['severity']): Finding['severity'] {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/**
 * One list of findings: a probe finding that an evidence finding explains becomes one finding named
 * after the root cause, carrying both sides' evidence, the root cause's fixes first, and the
 * client errors the probe predicted. Unexplained findings of either side stay as they are.
 */
export function corroborate(
  probe: readonly Finding[],
  evidence: readonly Finding[],
  explains: Readonly<Partial<Record<string, readonly string[]>>> = EXPLAINS,
): CorroboratedFinding[] {
  const used = new Set<Finding>();
  const merged: CorroboratedFinding[] = [];
  for (const symptom of probe) {
    const wanted = [symptom.id, ...(explains[symptom.id] ?? [])];
    const causes = wanted.flatMap((id) =>
      evidence.filter((candidate) => candidate.id === id && !used.has(candidate)),
    );
    if (causes.length === 0) {
      merged.push({ ...symptom, origin: 'probe' });
      continue;
    }
    for (const cause of causes) used.add(cause);
    const root = causes[0]!;
    const titles = new Set<string>();
    const fixes = [...rankFixes(causes.flatMap((cause) => cause.fixes)), ...rankFixes(symptom.fixes)].filter(
      (fix) => !titles.has(fix.title) && titles.add(fix.title),
    );
    merged.push({
      ...root,
      severity: causes.reduce((severity, cause) => worse(severity, cause.severity), symptom.severity),
      evidence: [...causes.flatMap((cause) => cause.evidence), ...symptom.evidence],
      clientErrors: symptom.clientErrors.length > 0 ? symptom.clientErrors : root.clientErrors,
      fixes,
      data: { ...(symptom.data ?? {}), ...(root.data ?? {}) },
      origin: 'both',
      confirmation: {
        symptom: symptom.id,
        symptomTitle: symptom.title,
        // A cause the logs already confirmed (analyze joined them) keeps that log finding named.
        causes: causes.flatMap((cause) => [
          { id: cause.id, title: cause.title, sources: sourcesOf(cause) },
          ...((cause as CorroboratedFinding).confirmation
            ? [
                {
                  id: (cause as CorroboratedFinding).confirmation!.symptom,
                  title: (cause as CorroboratedFinding).confirmation!.symptomTitle,
                  sources: [],
                },
              ]
            : []),
        ]),
      },
    });
  }
  for (const finding of evidence) if (!used.has(finding)) merged.push({ ...finding, origin: 'evidence' });
  return merged.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

/** Whether the evidence was read on the machine the probe reached. */
export interface EvidenceMachine {
  readonly match: 'same' | 'different' | 'unknown';
  readonly detail: string;
}

/** What of a collector document identifies its machine (a structural view: rules do no I/O). */
export interface MachineIdentity {
  readonly path: string;
  readonly role: 'server' | 'client';
  readonly computerName: string;
  /** Thumbprints of the certificates the listener is bound to. */
  readonly listenerThumbprints: readonly string[];
}

const normalThumbprint = (text: string) => text.replace(/[^0-9a-f]/gi, '').toUpperCase();

/**
 * The strongest tie is the certificate: the one the probe was served is the one the collector found
 * bound to the listener. Without it, the host name's first label against the computer name.
 */
export function evidenceMachine(
  target: { readonly host: string; readonly servedThumbprint?: string },
  identities: readonly MachineIdentity[],
): EvidenceMachine {
  const servers = identities.filter((identity) => identity.role === 'server');
  if (servers.length === 0)
    return {
      match: 'unknown',
      detail: 'no server collector document given: nothing ties the evidence to the host',
    };
  const served = target.servedThumbprint ? normalThumbprint(target.servedThumbprint) : undefined;
  for (const server of servers) {
    const bound = server.listenerThumbprints.map(normalThumbprint);
    if (served && bound.includes(served))
      return {
        match: 'same',
        detail: `${server.path}: the certificate the server presented (${served}) is the one ${server.computerName} binds to its listener`,
      };
  }
  const isAddress = /^[\d.]+$/.test(target.host) || target.host.includes(':');
  const label = target.host.split('.')[0]!.toLowerCase();
  const named = servers.find((server) => !isAddress && server.computerName.toLowerCase() === label);
  const withThumbprints = servers.filter((server) => server.listenerThumbprints.length > 0);
  if (served && withThumbprints.length === servers.length)
    return {
      match: 'different',
      detail: `the server presented certificate ${served}, but ${servers.map((server) => `${server.path} (${server.computerName}) binds ${server.listenerThumbprints.join(', ')}`).join('; ')}: the evidence is from another machine or the certificate changed since`,
    };
  if (named)
    return {
      match: 'same',
      detail: `${named.path}: computer name ${named.computerName} matches the host name ${target.host}`,
    };
  return {
    match: 'unknown',
    detail: `nothing ties ${servers.map((server) => `${server.path} (${server.computerName})`).join(', ')} to ${target.host}: no certificate was seen to compare`,
  };
}
