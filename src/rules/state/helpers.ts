/**
 * Lookups the state rules share over StateEvidence (src/evidence/state/types.ts): which machine a
 * source describes, what a registry value is in effect (a Group Policy value wins over the local
 * one), whether a key is covered at all, and whether a collector section was read or skipped.
 *
 * INVARIANT: "not covered" and "skipped" become not-evaluated, never pass; "covered but absent"
 * means the Windows default applies. Registry facts: /work/shared/reference/registry.json,
 * windows-tls-defaults.json and credssp.json (each entry names its sources).
 */
import type {
  CollectDocument,
  CollectedCertificate,
  SkippedCheck,
} from '../../evidence/state/collect-document.js';
import type {
  RegistryKeyRecord,
  RegistryValue,
  StateEvidence,
  StateSource,
} from '../../evidence/state/types.js';
import type { Evidence, RuleOutcome, RuleReport } from '../types.js';

/** What a state rule needs: registry keys (by area) or collector sections. */
export type StateNeed =
  | 'registry:terminal-server'
  | 'registry:rdp-tcp'
  | 'registry:schannel'
  | 'registry:cipher-suite-order'
  | 'registry:credssp'
  | 'certificates'
  | 'machinekeys'
  | 'services'
  | 'firewall'
  | 'listeners'
  | 'logon-rights'
  | 'licensing'
  | 'dsreg-status';

const HKLM = 'HKEY_LOCAL_MACHINE';

/** Canonical key names as `reg export` and the collector write them. */
export const KEYS = {
  terminalServer: `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server`,
  rdpTcp: `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp`,
  /** Group Policy "Remote Desktop Services" settings; its values win over the two keys above. */
  tsPolicy: `${HKLM}\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services`,
  /** Where the "Encryption Oracle Remediation" policy writes AllowEncryptionOracle (credssp.json). */
  credssp: `${HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters`,
  credentialsDelegationPolicy: `${HKLM}\\SOFTWARE\\Policies\\Microsoft\\Windows\\CredentialsDelegation`,
  schannelProtocols: `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols`,
  /** GPO "SSL Cipher Suite Order" (Functions, comma-separated). */
  cipherOrderPolicy: `${HKLM}\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002`,
  /** The local order Enable-/Disable-TlsCipherSuite edit (Functions, REG_MULTI_SZ). */
  cipherOrderLocal: `${HKLM}\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002`,
} as const;

export type Role = 'server' | 'client';

/** One machine as the evidence describes it: a collector document and/or .reg exports of one role. */
export interface Machine {
  readonly role: Role;
  /** How evidence lines name the machine ("RDP01" or "server .reg exports"). */
  readonly name: string;
  readonly sources: readonly StateSource[];
  readonly document?: { readonly path: string; readonly document: CollectDocument };
  /** This machine's keys, the collector document's first (it is the more complete reading). */
  readonly registry: readonly RegistryKeyRecord[];
}

/** The file name of a path as given (Windows or POSIX separators). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * Machines by role. One collector document of a role and that role's .reg files are one machine
 * (the usual case: the admin's exports of the same server); several documents of a role are
 * several machines, and their .reg files then stand apart.
 */
export function machines(evidence: StateEvidence, role: Role): Machine[] {
  const sources = evidence.sources.filter((source) => source.role === role);
  const documents = evidence.documents.filter((entry) => entry.document.role === role);
  const regSources = sources.filter((source) => source.kind === 'reg');
  const keysOf = (paths: readonly string[]) =>
    paths.flatMap((path) => evidence.registry.filter((record) => record.source === path));
  const regMachine = (): Machine => ({
    role,
    name: `${role} .reg exports (${regSources.map((source) => fileName(source.path)).join(', ')})`,
    sources: regSources,
    registry: keysOf(regSources.map((source) => source.path)),
  });
  if (documents.length === 0) return regSources.length > 0 ? [regMachine()] : [];
  const joinReg = documents.length === 1;
  const result: Machine[] = documents.map((entry) => {
    const own = sources.filter((source) => source.path === entry.path);
    const all = joinReg ? [...own, ...regSources] : own;
    return {
      role,
      name: entry.document.computer.name || fileName(entry.path),
      sources: all,
      document: entry,
      registry: keysOf(all.map((source) => source.path)),
    };
  });
  if (!joinReg && regSources.length > 0) result.push(regMachine());
  return result;
}

/**
 * Runs a judgement per machine of a role and combines them: any finding is reported; otherwise a
 * machine that could not be judged makes the whole rule not-evaluated (a pass needs every machine
 * judged); no machine of that role at all is not-evaluated too.
 */
export function perMachine(
  evidence: StateEvidence,
  roles: readonly Role[],
  judge: (machine: Machine) => RuleOutcome,
): RuleOutcome {
  const all = roles.flatMap((role) => machines(evidence, role));
  if (all.length === 0)
    return {
      status: 'not-evaluated',
      reason: `no ${roles.join(' or ')} state given (.reg export or collector document)`,
    };
  const outcomes = all.map((machine) => ({ machine, outcome: judge(machine) }));
  const reports = outcomes.flatMap(({ outcome }) => (outcome.status === 'found' ? outcome.reports : []));
  if (reports.length > 0) return { status: 'found', reports };
  const unjudged = outcomes.filter(({ outcome }) => outcome.status === 'not-evaluated');
  if (unjudged.length > 0) {
    return {
      status: 'not-evaluated',
      reason: unjudged
        .map(
          ({ machine, outcome }) =>
            `${machine.name}: ${outcome.status === 'not-evaluated' ? outcome.reason : ''}`,
        )
        .join('; '),
    };
  }
  return { status: 'pass' };
}

export function notEvaluated(reason: string): RuleOutcome {
  return { status: 'not-evaluated', reason };
}

export const PASS: RuleOutcome = { status: 'pass' };

export function found(reports: readonly RuleReport[]): RuleOutcome {
  return reports.length > 0 ? { status: 'found', reports } : PASS;
}

// --- registry --------------------------------------------------------------------------------

const lower = (text: string) => text.toLowerCase();

function isAtOrBelow(key: string, root: string): boolean {
  const k = lower(key);
  const r = lower(root);
  return k === r || k.startsWith(`${r}\\`);
}

export type KeyState =
  | { readonly kind: 'not-covered'; readonly key: string }
  | { readonly kind: 'absent'; readonly key: string; readonly source: string }
  | {
      readonly kind: 'present';
      readonly key: string;
      readonly source: string;
      readonly record: RegistryKeyRecord;
    };

/**
 * A key as the machine's sources saw it. A source that lists the key decides; a key below a root
 * of a source that does not list it does not exist there (types.ts StateSource.registryRoots).
 */
export function keyState(machine: Machine, key: string): KeyState {
  const record = machine.registry.find((entry) => lower(entry.key) === lower(key));
  if (record) {
    return record.exists
      ? { kind: 'present', key: record.key, source: record.source, record }
      : { kind: 'absent', key: record.key, source: record.source };
  }
  const covering = machine.sources.find((source) =>
    source.registryRoots.some((root) => isAtOrBelow(key, root)),
  );
  return covering ? { kind: 'absent', key, source: covering.path } : { kind: 'not-covered', key };
}

export type ValueState =
  | { readonly kind: 'not-covered'; readonly key: string; readonly name: string }
  | { readonly kind: 'unset'; readonly key: string; readonly name: string; readonly source: string }
  | {
      readonly kind: 'set';
      readonly key: string;
      readonly name: string;
      readonly source: string;
      readonly value: NonNullable<RegistryValue['value']>;
    };

/** One value of one key; a value a .reg file deletes ("name"=-) is unset. Names ignore case. */
export function valueState(machine: Machine, key: string, name: string): ValueState {
  const state = keyState(machine, key);
  if (state.kind === 'not-covered') return { kind: 'not-covered', key, name };
  if (state.kind === 'absent') return { kind: 'unset', key: state.key, name, source: state.source };
  const value = state.record.values.find((entry) => lower(entry.name) === lower(name));
  if (!value || value.value === null) return { kind: 'unset', key: state.key, name, source: state.source };
  return { kind: 'set', key: state.key, name: value.name, source: state.source, value: value.value };
}

/** A DWORD as a number; strings of digits are accepted (hand-written exports), anything else is not. */
export function dword(state: ValueState): number | undefined {
  if (state.kind !== 'set') return undefined;
  if (typeof state.value === 'number') return state.value;
  if (typeof state.value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(state.value.trim()))
    return Number(state.value.trim());
  return undefined;
}

export type Effective =
  | { readonly kind: 'not-covered'; readonly reason: string }
  | {
      readonly kind: 'value';
      readonly value: number;
      readonly from: 'policy' | 'local' | 'default';
      /** The value line the verdict rests on, or for a default the key it is missing from. */
      readonly evidence: Evidence;
      /** The policy key is not in the evidence: a Group Policy may set something else. */
      readonly policyUnknown: boolean;
    };

export interface ValueRef {
  readonly key: string;
  readonly name: string;
}

/**
 * The DWORD Windows uses: the policy value when the policy sets it, else the local value, else
 * `defaultValue` (what Windows does when neither is set; `defaultNote` says why).
 */
export function effectiveDword(
  machine: Machine,
  local: ValueRef,
  policy: ValueRef | undefined,
  defaultValue: number,
  defaultNote: string,
): Effective {
  const policyState = policy ? valueState(machine, policy.key, policy.name) : undefined;
  const policyValue = policyState ? dword(policyState) : undefined;
  if (policyState?.kind === 'set' && policyValue !== undefined) {
    return {
      kind: 'value',
      value: policyValue,
      from: 'policy',
      evidence: valueEvidence(`${policyState.name} (Group Policy)`, policyState),
      policyUnknown: false,
    };
  }
  const policyUnknown = policyState?.kind === 'not-covered';
  const localState = valueState(machine, local.key, local.name);
  if (localState.kind === 'not-covered')
    return { kind: 'not-covered', reason: `the evidence does not cover ${local.key}` };
  const localValue = dword(localState);
  if (localState.kind === 'set' && localValue !== undefined) {
    return {
      kind: 'value',
      value: localValue,
      from: 'local',
      evidence: valueEvidence(local.name, localState),
      policyUnknown,
    };
  }
  return {
    kind: 'value',
    value: defaultValue,
    from: 'default',
    evidence: {
      label: local.name,
      value: `not set: Windows' default ${defaultValue} applies (${defaultNote})`,
      source: registrySource(localState.kind === 'unset' ? localState.source : machine.name, local.key),
    },
    policyUnknown,
  };
}

/** "collect-server.json registry HKEY_LOCAL_MACHINE\...\RDP-Tcp" */
export function registrySource(sourcePath: string, key: string): string {
  return `${fileName(sourcePath)} registry ${key}`;
}

function formatValue(value: NonNullable<RegistryValue['value']>): string {
  if (typeof value === 'number') return `${value} (0x${value.toString(16)})`;
  if (typeof value === 'string') return value;
  return value.join(', ');
}

export function valueEvidence(label: string, state: ValueState): Evidence {
  return {
    label,
    value: state.kind === 'set' ? formatValue(state.value) : 'not set',
    source: registrySource(state.kind === 'not-covered' ? '' : state.source, state.key),
  };
}

/** The evidence line for a Group Policy key the evidence lacks, where a policy could change the verdict. */
export function policyUnknownEvidence(policyKey: string): Evidence {
  return {
    label: 'Group Policy',
    value: `${policyKey} is not in the evidence: a policy there would override this value`,
  };
}

// --- collector sections ----------------------------------------------------------------------

/** The collector document's optional sections the rules read, by their JSON names. */
export type SectionName =
  | 'certificates'
  | 'machineKeys'
  | 'tlsCipherSuites'
  | 'services'
  | 'firewall'
  | 'listeners'
  | 'logonRights'
  | 'licensing'
  | 'azure'
  | 'dsregStatus'
  | 'clientApps';

export type SectionState<K extends SectionName> =
  | { readonly kind: 'missing'; readonly reason: string }
  | { readonly kind: 'read'; readonly value: NonNullable<CollectDocument[K]>; readonly source: string };

function skipReason(skipped: SkippedCheck): string {
  const why: Record<SkippedCheck['reason'], string> = {
    'not-elevated': 'the collector was not run elevated',
    'cmdlet-missing': 'a cmdlet it needs is missing on that Windows',
    'not-applicable': 'not applicable on that machine',
    error: 'it failed',
  };
  return `the collector skipped ${skipped.check}: ${why[skipped.reason]}${skipped.detail ? ` (${skipped.detail})` : ''}`;
}

/** A section the collector read, or why it is not there (skipped, not collected, or no collector document). */
export function section<K extends SectionName>(machine: Machine, name: K): SectionState<K> {
  const entry = machine.document;
  if (!entry)
    return {
      kind: 'missing',
      reason: `no collector document for ${machine.name} (a .reg export has no ${name})`,
    };
  const value = entry.document[name];
  if (value !== undefined && value !== null)
    return {
      kind: 'read',
      value: value as NonNullable<CollectDocument[K]>,
      source: `${fileName(entry.path)} ${name}`,
    };
  const skipped = entry.document.skipped.find((check) => lower(check.check) === lower(name));
  return {
    kind: 'missing',
    reason: skipped ? skipReason(skipped) : `${fileName(entry.path)} has no ${name} section`,
  };
}

/** When the machine's state was read: the collector's time, or undefined for .reg files (no time in them). */
export function collectedAt(machine: Machine): number | undefined {
  const time = machine.document ? Date.parse(machine.document.document.collectedAt) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}

/** The Windows build the collector reported; undefined for .reg files (rules then assume current Windows). */
export function osBuild(machine: Machine): number | undefined {
  const build = machine.document?.document.computer.osBuild;
  return typeof build === 'number' && build > 0 ? build : undefined;
}

// --- accounts --------------------------------------------------------------------------------

/** Well-known SIDs by the names Windows (English) prints for them. */
export const WELL_KNOWN_SIDS: Readonly<Record<string, string>> = {
  everyone: 'S-1-1-0',
  'nt authority\\system': 'S-1-5-18',
  system: 'S-1-5-18',
  'nt authority\\local service': 'S-1-5-19',
  'nt authority\\network service': 'S-1-5-20',
  'network service': 'S-1-5-20',
  'nt authority\\authenticated users': 'S-1-5-11',
  'authenticated users': 'S-1-5-11',
  'builtin\\administrators': 'S-1-5-32-544',
  administrators: 'S-1-5-32-544',
  'builtin\\users': 'S-1-5-32-545',
  users: 'S-1-5-32-545',
  'builtin\\remote desktop users': 'S-1-5-32-555',
  'remote desktop users': 'S-1-5-32-555',
};

export const SID_NAMES: Readonly<Record<string, string>> = {
  'S-1-1-0': 'Everyone',
  'S-1-5-18': 'SYSTEM',
  'S-1-5-19': 'LOCAL SERVICE',
  'S-1-5-20': 'NETWORK SERVICE',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-544': 'Administrators',
  'S-1-5-32-545': 'Users',
  'S-1-5-32-555': 'Remote Desktop Users',
};

/** The SID an account entry stands for ("*S-1-5-32-555", "S-1-5-20", "BUILTIN\Administrators"), else its name in lower case. */
export function accountKey(account: string, sid?: string): string {
  if (sid && /^S-\d/i.test(sid)) return sid.toUpperCase();
  const text = account.trim().replace(/^\*/, '');
  if (/^S-\d/i.test(text)) return text.toUpperCase();
  return WELL_KNOWN_SIDS[lower(text)] ?? lower(text);
}

// --- certificates ----------------------------------------------------------------------------

/** "CN=RDP01 (Remote Desktop store, A1B2…5678)": how evidence names a certificate. */
export function certificateName(certificate: CollectedCertificate): string {
  return `${certificate.subject} (${certificate.store} store, thumbprint ${certificate.thumbprint})`;
}

/** The thumbprint form certificates and SSLCertificateSHA1Hash are compared in: hex digits, upper case. */
export function normalizeThumbprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toUpperCase();
}
