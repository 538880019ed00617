import { FIX_REPAIR_MACHINEKEYS_ACL, onAzure } from '../../collect/fix-catalog.js';
import type { CollectedAce, CollectedAcl } from '../../evidence/state/collect-document.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import type { Evidence, Rule } from '../types.js';
import {
  accountKey,
  certificateName,
  found,
  notEvaluated,
  perMachine,
  SID_NAMES,
  section,
  type StateNeed,
} from './helpers.js';

type Access = 'read' | 'write' | 'full';

const FILE_READ_DATA = 0x1;
const FILE_WRITE_DATA = 0x2;
const FULL_CONTROL = 0x1f01ff;
const GENERIC_ALL = 0x10000000;
const GENERIC_WRITE = 0x40000000;
const GENERIC_READ = 0x80000000;

/** FileSystemRights as PowerShell prints them ("Read, Synchronize", "FullControl", "268435456"). */
export function accessOf(rights: string): Set<Access> {
  const result = new Set<Access>();
  const text = rights.trim();
  if (/^-?\d+$/.test(text)) {
    const mask = Number(text) >>> 0;
    const full = (mask & FULL_CONTROL) === FULL_CONTROL || (mask & GENERIC_ALL) !== 0;
    if (full) result.add('full');
    if (full || mask & FILE_READ_DATA || mask & GENERIC_READ) result.add('read');
    if (full || mask & FILE_WRITE_DATA || mask & GENERIC_WRITE) result.add('write');
    return result;
  }
  for (const name of text.split(',').map((part) => part.trim().toLowerCase())) {
    if (name === 'fullcontrol') ['full', 'read', 'write'].forEach((a) => result.add(a as Access));
    if (name === 'modify') ['read', 'write'].forEach((a) => result.add(a as Access));
    if (['read', 'readandexecute', 'readdata', 'listdirectory', 'genericread'].includes(name))
      result.add('read');
    if (['write', 'writedata', 'createfiles', 'genericwrite'].includes(name)) result.add('write');
  }
  return result;
}

/**
 * The groups each account's token carries (Windows' well-known SIDs): an ACE for Everyone also
 * grants SYSTEM and NETWORK SERVICE; SYSTEM's token holds Administrators.
 */
const TOKEN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'S-1-5-18': ['S-1-5-18', 'S-1-5-32-544', 'S-1-1-0', 'S-1-5-11'],
  'S-1-5-20': ['S-1-5-20', 'S-1-1-0', 'S-1-5-11', 'S-1-5-32-545'],
  'S-1-5-32-544': ['S-1-5-32-544', 'S-1-1-0', 'S-1-5-11'],
};

interface Requirement {
  readonly account: string;
  readonly access: readonly Access[];
  /** What Windows' default ACL grants it through, for the evidence. */
  readonly defaultGrant: string;
}

/**
 * The MachineKeys folder's default ACL (registry.json, from Microsoft's RDP troubleshooting guide):
 * BUILTIN\Administrators Full control and Everyone Read + Write, so every service (NETWORK SERVICE
 * for TermService) can create and read its own keys.
 */
const FOLDER_NEEDS: readonly Requirement[] = [
  { account: 'S-1-5-32-544', access: ['full'], defaultGrant: 'Administrators: Full control' },
  { account: 'S-1-5-18', access: ['read', 'write'], defaultGrant: 'Everyone: Read, Write' },
  { account: 'S-1-5-20', access: ['read', 'write'], defaultGrant: 'Everyone: Read, Write' },
];

/** The listener's key file: TermService runs as NETWORK SERVICE and must read it; SYSTEM has full control. */
const KEY_FILE_NEEDS: readonly Requirement[] = [
  { account: 'S-1-5-18', access: ['full'], defaultGrant: 'SYSTEM: Full control' },
  { account: 'S-1-5-20', access: ['read'], defaultGrant: 'NETWORK SERVICE: Read' },
];

function applies(ace: CollectedAce, account: string): boolean {
  const groups = TOKEN_GROUPS[account] ?? [account];
  return groups.includes(accountKey(ace.identity, ace.sid));
}

function nameOf(account: string): string {
  return SID_NAMES[account] ?? account;
}

/** What is missing from an ACL for each requirement, and which Deny entries take access away. */
export function aclProblems(acl: CollectedAcl, needs: readonly Requirement[]): string[] {
  const problems: string[] = [];
  for (const need of needs) {
    const relevant = acl.access.filter((ace) => applies(ace, need.account));
    const allowed = new Set<Access>();
    const denied = new Set<Access>();
    for (const ace of relevant)
      for (const access of accessOf(ace.rights)) (ace.type === 'Deny' ? denied : allowed).add(access);
    const missing = need.access.filter((access) => !allowed.has(access));
    const blocked = need.access.filter((access) => allowed.has(access) && denied.has(access));
    if (missing.length > 0)
      problems.push(
        `${nameOf(need.account)} lacks ${missing.join(' + ')} (Windows grants ${need.defaultGrant})`,
      );
    for (const ace of relevant.filter((entry) => entry.type === 'Deny' && blocked.length > 0))
      problems.push(
        `Deny entry for ${ace.identity} (${ace.rights}) takes ${blocked.join(' + ')} from ${nameOf(need.account)}`,
      );
  }
  return [...new Set(problems)];
}

export const machinekeysAclBroken: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'machinekeys-acl-broken',
    title: "The MachineKeys folder's permissions keep Remote Desktop from its private key",
    severity: 'error',
    requires: ['machinekeys', 'certificates'],
    docs: {
      explanation:
        'The permissions of %ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys, or of the key file of the listener ' +
        "certificate in it, lack what Windows' default ACL grants (Administrators Full control, Everyone Read and " +
        'Write on the folder; NETWORK SERVICE Read on the listener key), or a Deny entry takes it away. TermService ' +
        'runs as NETWORK SERVICE: when it cannot read the key, Schannel cannot build the TLS credential and cannot ' +
        'create or renew the self-signed certificate (RCM 1057/1058, Schannel 36870), so every TLS/NLA connection is ' +
        'dropped right after the ClientHello: mstsc 0x904, extended 0x7.',
      falseAlarm:
        'Hardening baselines sometimes replace Everyone with explicit SYSTEM and NETWORK SERVICE entries; that is ' +
        'equivalent and not reported. A key file ACL that was not readable by the collector is not judged.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED],
    fixes: [FIX_REPAIR_MACHINEKEYS_ACL, onAzure(FIX_REPAIR_MACHINEKEYS_ACL)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const folder = section(machine, 'machineKeys');
      if (folder.kind === 'missing') return notEvaluated(folder.reason);
      const lines: Evidence[] = aclProblems(folder.value, FOLDER_NEEDS).map((problem) => ({
        label: 'MachineKeys folder',
        value: problem,
        source: `${folder.source} ${folder.value.path}`,
      }));
      const certificates = section(machine, 'certificates');
      const keyFiles =
        certificates.kind === 'read'
          ? certificates.value.filter((certificate) => certificate.boundToListener && certificate.keyFileAcl)
          : [];
      for (const certificate of keyFiles) {
        for (const problem of aclProblems(certificate.keyFileAcl!, KEY_FILE_NEEDS)) {
          lines.push({
            label: 'listener key file',
            value: `${problem}; key of ${certificateName(certificate)}`,
            source: `${certificates.kind === 'read' ? certificates.source : ''} ${certificate.keyFileAcl!.path}`,
          });
        }
      }
      if (lines.length === 0 && certificates.kind === 'missing')
        return notEvaluated(
          `folder ACL is intact; the listener key file was not judged: ${certificates.reason}`,
        );
      return found(
        lines.length > 0 ? [{ evidence: lines, data: { problems: lines.map((line) => line.value) } }] : [],
      );
    });
  },
};
