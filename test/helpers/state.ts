/**
 * Builds StateEvidence for the state-rule tests the way the readers would: from a .reg-like table
 * (key -> values, null for a deleted key) and from collector documents. A healthy server and a
 * healthy client document are the starting points; each test changes only what it is about.
 */
import type {
  CollectDocument,
  CollectedAcl,
  CollectedCertificate,
  CollectedFirewallRule,
  CollectedRegistryKey,
  RegistryValueType,
} from '../../src/evidence/state/collect-document.js';
import type { RegistryKeyRecord, StateEvidence, StateSource } from '../../src/evidence/state/types.js';
import { KEYS } from '../../src/rules/state/helpers.js';

export type RegValue = number | string | readonly string[] | null;
/** Key -> values; `null` as the whole entry: the key does not exist (collector) or is deleted (.reg). */
export type RegTable = Readonly<Record<string, Readonly<Record<string, RegValue>> | null>>;

function typeOf(value: RegValue): RegistryValueType {
  if (typeof value === 'number') return 'REG_DWORD';
  if (Array.isArray(value)) return 'REG_MULTI_SZ';
  return 'REG_SZ';
}

function records(table: RegTable, source: string): RegistryKeyRecord[] {
  return Object.entries(table).map(([key, values]) => ({
    key,
    exists: values !== null,
    source,
    values: Object.entries(values ?? {}).map(([name, value]) => ({ name, type: typeOf(value), value })),
  }));
}

/** A .reg export: its roots are the keys with no ancestor key in the same file. */
export function regFile(path: string, table: RegTable, role: 'server' | 'client' = 'server'): StateEvidence {
  const keys = Object.keys(table);
  const roots = keys.filter(
    (key) => !keys.some((other) => other !== key && key.toLowerCase().startsWith(`${other.toLowerCase()}\\`)),
  );
  const source: StateSource = { path, kind: 'reg', role, registryRoots: roots };
  return { sources: [source], registry: records(table, path), documents: [] };
}

/** The evidence a collector document gives: every key it lists is a root. */
export function fromDocument(path: string, document: CollectDocument): StateEvidence {
  const source: StateSource = {
    path,
    kind: 'collect',
    role: document.role,
    registryRoots: document.registry.map((key) => key.key),
  };
  const registry = document.registry.map((key) => ({ ...key, source: path, values: key.values }));
  return { sources: [source], registry, documents: [{ path, document }] };
}

export function combine(...parts: StateEvidence[]): StateEvidence {
  return {
    sources: parts.flatMap((part) => part.sources),
    registry: parts.flatMap((part) => part.registry),
    documents: parts.flatMap((part) => part.documents),
  };
}

export const EMPTY_STATE: StateEvidence = { sources: [], registry: [], documents: [] };

/** A table as the collector's registry list (null -> exists=false). */
export function collectedRegistry(table: RegTable): CollectedRegistryKey[] {
  return records(table, '').map(({ key, exists, values }) => ({
    key,
    exists,
    values: values.map((value) => ({ ...value, value: value.value ?? '' })),
  }));
}

const schannel = (protocol: string, side: string) => `${KEYS.schannelProtocols}\\${protocol}\\${side}`;
const PROTOCOLS = ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'];

/** Every SCHANNEL protocol key absent, as on a machine nobody hardened. */
export const SCHANNEL_ABSENT: RegTable = Object.fromEntries(
  PROTOCOLS.flatMap((protocol) => [
    [schannel(protocol, 'Server'), null],
    [schannel(protocol, 'Client'), null],
  ]),
);

export function schannelKey(protocol: string, side: 'Server' | 'Client'): string {
  return schannel(protocol, side);
}

export const HEALTHY_SERVER_REGISTRY: RegTable = {
  [KEYS.terminalServer]: { fDenyTSConnections: 0, fSingleSessionPerUser: 1 },
  [KEYS.rdpTcp]: { PortNumber: 3389, SecurityLayer: 2, UserAuthentication: 1, MinEncryptionLevel: 2 },
  [KEYS.tsPolicy]: null,
  [KEYS.credssp]: null,
  [KEYS.credentialsDelegationPolicy]: null,
  [KEYS.cipherOrderPolicy]: null,
  [KEYS.cipherOrderLocal]: null,
  ...SCHANNEL_ABSENT,
};

export const COLLECTED_AT = '2026-11-30T12:00:00Z';

export const MACHINE_KEYS_PATH = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys';

/** MachineKeys as a fresh Windows Server 2022 shows it (icacls: Everyone:(R,W) and Administrators:(F), this folder only). */
export const DEFAULT_MACHINE_KEYS_ACL: CollectedAcl = {
  path: MACHINE_KEYS_PATH,
  owner: 'NT AUTHORITY\\SYSTEM',
  access: [
    {
      identity: 'Everyone',
      sid: 'S-1-1-0',
      rights: 'Write, Read, Synchronize',
      type: 'Allow',
      inherited: false,
    },
    {
      identity: 'BUILTIN\\Administrators',
      sid: 'S-1-5-32-544',
      rights: 'FullControl',
      type: 'Allow',
      inherited: false,
    },
  ],
};

export const LISTENER_KEY_FILE = 'f686aace6942fb7f7ceb231212eef4a4_1b0f2f4a-5c3a-4e6c-9d6e-0a1b2c3d4e5f';

export const RDP_CERTIFICATE: CollectedCertificate = {
  store: 'Remote Desktop',
  thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
  subject: 'CN=RDP01.contoso.com',
  issuer: 'CN=RDP01.contoso.com',
  notBefore: '2026-06-01T00:00:00Z',
  notAfter: '2026-12-01T00:00:00Z',
  dnsNames: ['RDP01.contoso.com'],
  enhancedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
  hasPrivateKey: true,
  privateKeyReadable: true,
  keyFile: LISTENER_KEY_FILE,
  keyFileAcl: {
    path: `${MACHINE_KEYS_PATH}\\${LISTENER_KEY_FILE}`,
    owner: 'NT AUTHORITY\\SYSTEM',
    access: [
      {
        identity: 'NT AUTHORITY\\SYSTEM',
        sid: 'S-1-5-18',
        rights: 'FullControl',
        type: 'Allow',
        inherited: false,
      },
      {
        identity: 'BUILTIN\\Administrators',
        sid: 'S-1-5-32-544',
        rights: 'FullControl',
        type: 'Allow',
        inherited: false,
      },
      {
        identity: 'NT AUTHORITY\\NETWORK SERVICE',
        sid: 'S-1-5-20',
        rights: 'Read, Synchronize',
        type: 'Allow',
        inherited: false,
      },
    ],
  },
  boundToListener: true,
};

/** A built-in rule of the "Remote Desktop" group, enabled for every profile. */
export function remoteDesktopRule(
  name: string,
  displayName: string,
  localPort: string,
): CollectedFirewallRule {
  return {
    name,
    displayName,
    displayGroup: 'Remote Desktop',
    group: '@FirewallAPI.dll,-28752',
    enabled: true,
    direction: 'Inbound',
    action: 'Allow',
    profiles: ['Any'],
    protocol: 'TCP',
    localPorts: [localPort],
    remoteAddresses: ['Any'],
  };
}

export function serverDocument(
  overrides: Partial<CollectDocument> = {},
  registry: RegTable = {},
): CollectDocument {
  return {
    schema: 'rdp-doctor/collect',
    schemaVersion: 1,
    role: 'server',
    collector: { version: '0.0.0-test', psVersion: '5.1.20348.1', psEdition: 'Desktop', seconds: 2 },
    collectedAt: COLLECTED_AT,
    computer: {
      name: 'RDP01',
      domain: 'contoso.com',
      osCaption: 'Microsoft Windows Server 2022 Datacenter',
      osVersion: '10.0.20348',
      osBuild: 20348,
      elevated: true,
    },
    skipped: [],
    registry: collectedRegistry({ ...HEALTHY_SERVER_REGISTRY, ...registry }),
    certificates: [RDP_CERTIFICATE],
    machineKeys: DEFAULT_MACHINE_KEYS_ACL,
    tlsCipherSuites: null,
    services: [
      { name: 'TermService', status: 'Running', startType: 'Manual' },
      { name: 'SessionEnv', status: 'Running', startType: 'Manual' },
      { name: 'UmRdpService', status: 'Running', startType: 'Manual' },
    ],
    firewall: {
      profiles: [
        { name: 'Domain', enabled: true, defaultInboundAction: 'Block', active: true },
        { name: 'Private', enabled: true, defaultInboundAction: 'Block', active: false },
        { name: 'Public', enabled: true, defaultInboundAction: 'Block', active: false },
      ],
      rules: [
        // As on Windows: LocalPort Any, but bound to RdpSa.exe (shadowing), so it admits no listener port.
        remoteDesktopRule('RemoteDesktop-Shadow-In-TCP', 'Remote Desktop - Shadow (TCP-In)', 'Any'),
        remoteDesktopRule('RemoteDesktop-UserMode-In-TCP', 'Remote Desktop - User Mode (TCP-In)', '3389'),
      ],
    },
    listeners: [
      {
        address: '0.0.0.0',
        port: 3389,
        protocol: 'TCP',
        processId: 1180,
        processName: 'svchost',
        services: ['TermService'],
      },
    ],
    logonRights: {
      SeRemoteInteractiveLogonRight: ['*S-1-5-32-544', '*S-1-5-32-555'],
      SeDenyRemoteInteractiveLogonRight: [],
      remoteDesktopUsers: ['CONTOSO\\helpdesk'],
    },
    licensing: {
      sessionHostInstalled: false,
      licensingType: 5,
      licensingName: 'Not configured',
      graceDaysLeft: null,
      licenseServers: [],
    },
    azure: { isAzureVm: false, vmId: null, location: null, resourceGroup: null, vmName: null },
    events: [],
    eventDays: 7,
    ...overrides,
  };
}

export function clientDocument(
  overrides: Partial<CollectDocument> = {},
  registry: RegTable = {},
): CollectDocument {
  return {
    schema: 'rdp-doctor/collect',
    schemaVersion: 1,
    role: 'client',
    collector: { version: '0.0.0-test', psVersion: '7.4.6', psEdition: 'Core', seconds: 1 },
    collectedAt: COLLECTED_AT,
    computer: {
      name: 'LAPTOP7',
      domain: 'WORKGROUP',
      osCaption: 'Microsoft Windows 11 Enterprise',
      osVersion: '10.0.26100',
      osBuild: 26100,
      elevated: false,
    },
    skipped: [],
    registry: collectedRegistry({
      [KEYS.credssp]: null,
      [KEYS.credentialsDelegationPolicy]: null,
      ...SCHANNEL_ABSENT,
      ...registry,
    }),
    dsregStatus: {
      AzureAdJoined: 'YES',
      DomainJoined: 'NO',
      AzureAdPrt: 'YES',
      AzureAdPrtUpdateTime: '2026-11-30 10:30:00.000 UTC',
      AzureAdPrtExpiryTime: '2026-12-14 10:30:00.000 UTC',
    },
    clientApps: [{ name: 'mstsc', version: '10.0.26100.1', path: 'C:\\Windows\\System32\\mstsc.exe' }],
    events: [],
    eventDays: 7,
    ...overrides,
  };
}

export const serverState = (
  overrides: Partial<CollectDocument> = {},
  registry: RegTable = {},
): StateEvidence => fromDocument('rdp-doctor-server-RDP01.json', serverDocument(overrides, registry));

export const clientState = (
  overrides: Partial<CollectDocument> = {},
  registry: RegTable = {},
): StateEvidence => fromDocument('rdp-doctor-client-LAPTOP7.json', clientDocument(overrides, registry));
