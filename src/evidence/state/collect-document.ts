/**
 * The JSON document the PowerShell collectors (src/collect/collect-server.ps1, collect-client.ps1)
 * write, version 1. docs/collect.md documents every field; src/evidence/state/read-collect.ts
 * validates a document against this shape before any rule reads it.
 *
 * INVARIANT: a section the collector could not read is absent (or null) and named in `skipped`;
 * an empty array means "read, and there was nothing". Rules rely on that difference to say
 * "not evaluated" instead of "pass".
 */

export const COLLECT_SCHEMA = 'rdp-doctor/collect';
export const COLLECT_SCHEMA_VERSION = 1;

export type CollectRole = 'server' | 'client';

/** Registry value types as `reg export` and PowerShell's RegistryValueKind name them. */
export type RegistryValueType =
  'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD' | 'REG_QWORD' | 'REG_BINARY' | 'REG_NONE';

export interface CollectedRegistryValue {
  readonly name: string;
  readonly type: RegistryValueType;
  /** DWORD/QWORD: number; SZ/EXPAND_SZ: string; MULTI_SZ: string[]; BINARY/NONE: lowercase hex. */
  readonly value: number | string | readonly string[];
}

export interface CollectedRegistryKey {
  /** Full hive name as `reg export` writes it: HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\... */
  readonly key: string;
  /** false: the collector looked and the key does not exist (so every value takes its default). */
  readonly exists: boolean;
  readonly values: readonly CollectedRegistryValue[];
}

export interface CollectedAce {
  /** NTAccount form where it resolves ("NT AUTHORITY\\NETWORK SERVICE"), else the SID string. */
  readonly identity: string;
  /** The SID, when the collector could translate it ("S-1-5-20"). */
  readonly sid?: string;
  /** FileSystemRights as PowerShell prints them: "FullControl", "Read, Synchronize", or a number. */
  readonly rights: string;
  readonly type: 'Allow' | 'Deny';
  readonly inherited: boolean;
}

export interface CollectedAcl {
  readonly path: string;
  readonly owner: string;
  readonly access: readonly CollectedAce[];
}

export interface CollectedCertificate {
  /** 'Remote Desktop' or 'My' (LocalMachine stores). */
  readonly store: string;
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601 UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly dnsNames: readonly string[];
  /** Enhanced key usage OIDs; empty = any purpose. */
  readonly enhancedKeyUsages: readonly string[];
  readonly hasPrivateKey: boolean;
  /**
   * Whether the private key could be opened (no secret leaves the machine: only the outcome).
   * null when the collector could not test it.
   */
  readonly privateKeyReadable: boolean | null;
  /** The key container's file name in MachineKeys (CAPI) or Keys (CNG), when found. */
  readonly keyFile: string | null;
  /** ACL of that key file, when found. */
  readonly keyFileAcl: CollectedAcl | null;
  /** This is the certificate RDP-Tcp is configured to use (SSLCertificateSHA1Hash or the self-signed one). */
  readonly boundToListener: boolean;
}

export interface CollectedService {
  /** TermService, SessionEnv, UmRdpService (server); the client collects none. */
  readonly name: string;
  /** Get-Service Status: Running, Stopped, StartPending... or 'NotFound'. */
  readonly status: string;
  /** Automatic, Manual, Disabled, or 'Unknown'. */
  readonly startType: string;
}

export interface CollectedFirewallProfile {
  readonly name: 'Domain' | 'Private' | 'Public';
  readonly enabled: boolean;
  /** Block, Allow or NotConfigured. */
  readonly defaultInboundAction: string;
  /** Whether this is a profile of a connected network right now. */
  readonly active: boolean;
}

export interface CollectedFirewallRule {
  readonly name: string;
  readonly displayName: string;
  /** The DisplayGroup ("Remote Desktop") and the locale-independent Group ("@FirewallAPI.dll,-28752"). */
  readonly displayGroup: string;
  readonly group: string;
  readonly enabled: boolean;
  readonly direction: 'Inbound' | 'Outbound';
  readonly action: 'Allow' | 'Block';
  /** "Any" or a list of Domain/Private/Public. */
  readonly profiles: readonly string[];
  /** TCP, UDP or Any. */
  readonly protocol: string;
  /** "Any", numbers, ranges ("3389", "5000-5010") as Get-NetFirewallPortFilter gives them. */
  readonly localPorts: readonly string[];
  readonly remoteAddresses: readonly string[];
}

export interface CollectedFirewall {
  readonly profiles: readonly CollectedFirewallProfile[];
  /** Every inbound rule of the Remote Desktop group, and every inbound rule naming the listener port. */
  readonly rules: readonly CollectedFirewallRule[];
}

export interface CollectedListener {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly processId: number;
  /** Process name, and the service hosted in it when it is a svchost ("TermService"). */
  readonly processName: string;
  readonly services: readonly string[];
}

export interface CollectedLogonRights {
  /** Accounts as secedit exports them: SIDs with a leading '*' ("*S-1-5-32-555") or names. */
  readonly SeRemoteInteractiveLogonRight: readonly string[];
  readonly SeDenyRemoteInteractiveLogonRight: readonly string[];
  /** Members of the local Remote Desktop Users group (S-1-5-32-555), when readable. */
  readonly remoteDesktopUsers: readonly string[] | null;
}

export interface CollectedLicensing {
  /** Whether the Remote Desktop Session Host role is installed (licensing matters only then). */
  readonly sessionHostInstalled: boolean;
  /** Win32_TerminalServiceSetting.LicensingType: 2 per device, 4 per user, 5 not configured, 6 AAD. */
  readonly licensingType: number | null;
  readonly licensingName: string | null;
  /** GetGracePeriodDays().DaysLeft; null when not applicable. */
  readonly graceDaysLeft: number | null;
  readonly licenseServers: readonly string[];
}

export interface CollectedAzure {
  /** Whether the IMDS endpoint answered (the machine is an Azure VM). */
  readonly isAzureVm: boolean;
  readonly vmId: string | null;
  readonly location: string | null;
  readonly resourceGroup: string | null;
  readonly vmName: string | null;
}

/** `dsregcmd /status` as name/value pairs ("AzureAdJoined": "YES", "AzureAdPrtUpdateTime": "..."). */
export type CollectedDsregStatus = Readonly<Record<string, string>>;

export interface CollectedClientApp {
  /** 'mstsc' or 'windows-app' (the Store app) or 'msrdc' (Remote Desktop client MSI). */
  readonly name: string;
  readonly version: string;
  readonly path: string | null;
}

/** One event, in the shape of src/evidence/types.ts EventRecord (so event rules read it as is). */
export interface CollectedEvent {
  readonly eventId: number;
  readonly provider: string;
  readonly channel: string;
  readonly time: string;
  readonly recordId: number;
  readonly computer: string;
  readonly data: Readonly<Record<string, string>>;
}

export type SkipReason = 'not-elevated' | 'cmdlet-missing' | 'not-applicable' | 'error';

export interface SkippedCheck {
  /** The section that is absent because of it: 'logonRights', 'firewall', 'certificates'... */
  readonly check: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface CollectDocument {
  readonly schema: typeof COLLECT_SCHEMA;
  readonly schemaVersion: typeof COLLECT_SCHEMA_VERSION;
  readonly role: CollectRole;
  readonly collector: {
    /** rdp-doctor's version that wrote the script. */
    readonly version: string;
    readonly psVersion: string;
    /** 'Desktop' (Windows PowerShell 5.1) or 'Core' (PowerShell 7). */
    readonly psEdition: string;
    /** Seconds the collection took. */
    readonly seconds: number;
  };
  readonly collectedAt: string;
  readonly computer: {
    readonly name: string;
    /** DNS domain or workgroup. */
    readonly domain: string;
    readonly osCaption: string;
    /** "10.0.20348" */
    readonly osVersion: string;
    readonly osBuild: number;
    readonly elevated: boolean;
  };
  readonly skipped: readonly SkippedCheck[];
  /** Every key read, with exists=false for the absent ones (see the INVARIANT above). */
  readonly registry: readonly CollectedRegistryKey[];
  // --- server only (absent on the client) ---
  readonly certificates?: readonly CollectedCertificate[] | null;
  readonly machineKeys?: CollectedAcl | null;
  /** Get-TlsCipherSuite names in order; null where the cmdlet is missing (before 2016). */
  readonly tlsCipherSuites?: readonly string[] | null;
  readonly services?: readonly CollectedService[] | null;
  readonly firewall?: CollectedFirewall | null;
  readonly listeners?: readonly CollectedListener[] | null;
  readonly logonRights?: CollectedLogonRights | null;
  readonly licensing?: CollectedLicensing | null;
  readonly azure?: CollectedAzure | null;
  // --- client only ---
  readonly dsregStatus?: CollectedDsregStatus | null;
  readonly clientApps?: readonly CollectedClientApp[] | null;
  // --- both ---
  /**
   * Recent events the collector read itself: on the client the TerminalServices-RDPClient/Operational
   * log; on the server the RDP-related System events (Schannel, TermService, RCM). Last `eventDays`.
   */
  readonly events?: readonly CollectedEvent[] | null;
  readonly eventDays?: number;
  /** With -ExportEvents: the .evtx files written beside the document into the zip. */
  readonly exportedLogs?: readonly string[];
  /**
   * true: the reduced copy the -Compact summary embeds (Run Command returns 4,096 bytes): events
   * are null and every section left out is named in `skipped` (reason 'not-applicable').
   */
  readonly compact?: true;
}
