import type { FindingId, StateFindingId } from '../rules/finding-ids.js';
import type { Fix } from '../rules/types.js';
import type { ClientKind } from './client-profiles.js';

/**
 * The causes `explain` can name. A cause that a `diagnose` probe rule or an `analyze` event rule can
 * see carries that rule's finding id (src/rules/finding-ids.ts is the contract); a cause no rule can
 * see has no finding id and says how to confirm it by hand instead.
 */

/** The `diagnose` stage whose observation a finding rests on. */
export type ProbeStage =
  'dns' | 'tcp' | 'negotiation' | 'tls' | 'certificate' | 'credssp' | 'rdp-security' | 'session';

export interface CauseConfirmation {
  /**
   * Set when a rule raises this cause's finding. Where both rooms see it, this is the probe's
   * (`diagnose` confirms from outside) and `explainedBy` the event rule's (`analyze` says why).
   */
  readonly finding?: FindingId;
  /** The `analyze` event rule that explains what the probe finding shows from outside. */
  readonly explainedBy?: FindingId;
  /**
   * The state rules that confirm it from inside the machine: from the document `rdp-doctor collect`
   * writes (or a .reg export), judged by `rdp-doctor analyze`. The role says which collector.
   */
  readonly collected?: { readonly role: 'server' | 'client'; readonly findings: readonly StateFindingId[] };
  /** For probe findings: the diagnose stage that observes it. */
  readonly stage?: ProbeStage;
  /** What to look at by hand: server events, settings, commands. Never empty for rule-less causes. */
  readonly steps: readonly string[];
}

/** How context moves a cause: a number adds to its score, 'exclude' drops it. */
export type ContextEffect = number | 'exclude';

export interface CauseContextEffects {
  readonly afterCredentials?: number;
  readonly azure?: number;
  readonly gateway?: number;
  readonly legacyTlsClient?: number;
  /** Applied when --client names a profile of this kind. */
  readonly clientKind?: Partial<Record<ClientKind, ContextEffect>>;
  /** Applied when --client names a profile that does not sign in through WAM. */
  readonly clientWithoutWam?: ContextEffect;
}

export interface CauseSpec {
  readonly id: string;
  readonly title: string;
  readonly confirm: CauseConfirmation;
  readonly fixes: readonly Fix[];
  readonly context?: CauseContextEffects;
  readonly sources: readonly string[];
}

const SCHANNEL = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';
const RDP_TCP = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
const TERMINAL_SERVER = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
const CREDSSP_POLICY =
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters';

/** PowerShell that sets DWORD values under a key, creating the key first when it is missing. */
function setDwords(path: string, values: Readonly<Record<string, number>>): string {
  return [
    `$path = '${path}'`,
    'if (-not (Test-Path -LiteralPath $path)) { New-Item -Path $path -Force | Out-Null }',
    ...Object.entries(values).map(
      ([name, value]) => `Set-ItemProperty -LiteralPath $path -Name '${name}' -Value ${value} -Type DWord`,
    ),
  ].join('\n');
}

const SOURCES = {
  discReason: 'https://learn.microsoft.com/en-us/windows/win32/termserv/imstscaxevents-ondisconnected',
  errorInfo:
    'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rdpbcgr/a21a1bd9-2303-49c1-90ec-3932435c248c',
  negFailure:
    'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rdpbcgr/1b3920e7-0116-4345-bc45-f2c4ad012761',
  tlsRegistry: 'https://learn.microsoft.com/en-us/windows-server/security/tls/tls-registry-settings',
  listenerCert:
    'https://learn.microsoft.com/en-us/troubleshoot/windows-server/remote/remote-desktop-listener-certificate-configurations',
  azureEvents:
    'https://learn.microsoft.com/en-us/troubleshoot/azure/virtual-machines/windows/event-id-troubleshoot-vm-rdp-connecton',
  credsspOracle:
    'https://learn.microsoft.com/en-us/troubleshoot/azure/virtual-machines/windows/credssp-encryption-oracle-remediation',
  generalTroubleshooting:
    'https://learn.microsoft.com/en-us/troubleshoot/windows-server/remote/rdp-error-general-troubleshooting',
  event4625:
    'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-4625',
  avdNetwork: 'https://learn.microsoft.com/en-us/azure/virtual-desktop/required-fqdn-endpoint',
  entraSso: 'https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-device-dsregcmd',
} as const;

const UPDATE_BOTH: Fix = {
  title: 'Install current Windows updates on the client and the server',
  risk: 'low',
  where: 'server',
  steps: [
    'Run Windows Update on both machines (the CredSSP and TLS fixes ship in the monthly cumulative update).',
    'Reboot both machines and connect again.',
  ],
};

export const CAUSES = {
  'dns-failure': {
    id: 'dns-failure',
    title: 'The host name does not resolve',
    confirm: { finding: 'dns-unresolvable', stage: 'dns', steps: ['Resolve-DnsName <host> on the client'] },
    fixes: [
      {
        title: 'Fix the DNS record or connect by IP address',
        risk: 'low',
        where: 'network',
        steps: [
          'Check the A/AAAA record of the host in its DNS zone.',
          'Try the full name (FQDN) or the IP address.',
        ],
      },
    ],
    sources: [SOURCES.discReason],
  },
  'port-closed': {
    id: 'port-closed',
    title: 'Nothing listens on the RDP port (Remote Desktop off, service stopped or another port)',
    confirm: {
      collected: {
        role: 'server',
        findings: ['termservice-stopped', 'listener-port-mismatch', 'rdp-connections-denied'],
      },
      finding: 'tcp-refused',
      stage: 'tcp',
      steps: [
        'On the server: Get-ItemProperty "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server" fDenyTSConnections (1 = off)',
        'Get-Service TermService; netstat -ano | findstr :3389',
      ],
    },
    fixes: [
      {
        title: 'Turn Remote Desktop on and start its service',
        risk: 'medium',
        where: 'server',
        steps: [
          'Settings > System > Remote Desktop > On (or the script).',
          'Check PortNumber under RDP-Tcp if you use another port.',
        ],
        script: {
          language: 'powershell',
          code: `${setDwords(TERMINAL_SERVER, { fDenyTSConnections: 0 })}\nSet-Service -Name TermService -StartupType Manual\nStart-Service -Name TermService`,
        },
      },
    ],
    sources: [SOURCES.generalTroubleshooting],
  },
  'firewall-filtered': {
    id: 'firewall-filtered',
    title: 'A firewall (Windows Firewall, a network firewall or an Azure NSG) drops the connection',
    confirm: {
      collected: { role: 'server', findings: ['firewall-blocks-rdp', 'listener-port-mismatch'] },
      finding: 'tcp-filtered',
      stage: 'tcp',
      steps: [
        'Test-NetConnection <host> -Port 3389 from the client',
        'Azure: Network Watcher IP flow verify for the VM NIC',
      ],
    },
    fixes: [
      {
        title: 'Enable the built-in Remote Desktop firewall rules on the server',
        risk: 'low',
        where: 'server',
        steps: ['Enable the "Remote Desktop" rule group for the network profile in use.'],
        script: { language: 'powershell', code: "Enable-NetFirewallRule -DisplayGroup 'Remote Desktop'" },
      },
      {
        title: 'Allow TCP 3389 from your address in the Azure NSG (or use Bastion / just-in-time access)',
        risk: 'medium',
        where: 'azure',
        steps: [
          'In the VM Networking blade, add an inbound rule for TCP 3389 from your public IP only, above any deny rule.',
          'Prefer Azure Bastion or just-in-time VM access to opening 3389 to the Internet.',
        ],
      },
    ],
    context: { azure: 1, afterCredentials: -1 },
    sources: [SOURCES.generalTroubleshooting],
  },
  'host-unreachable': {
    id: 'host-unreachable',
    title: 'The host is not reachable (down, wrong address or no route)',
    confirm: {
      finding: 'tcp-unreachable',
      stage: 'tcp',
      steps: ['Test-NetConnection <host> -Port 3389 -InformationLevel Detailed'],
    },
    fixes: [
      {
        title: 'Check that the machine is running and routable from the client',
        risk: 'low',
        where: 'network',
        steps: ['Start the machine or VM.', 'Check VPN, routes and the address the name resolves to.'],
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.discReason],
  },
  'network-drop': {
    id: 'network-drop',
    title: 'The network drops or resets the connection (unstable link, VPN, MTU, an inspecting middlebox)',
    confirm: {
      finding: 'network-unstable',
      stage: 'tcp',
      steps: ['Run diagnose several times; compare with a connection from another network.'],
    },
    fixes: [
      {
        title: 'Bypass the inspecting proxy or VPN for RDP and lower the MTU if fragments are dropped',
        risk: 'low',
        where: 'network',
        steps: [
          'Exclude the RDP host from TLS inspection.',
          'Test from another network; if that works, check the VPN/firewall session timeouts and MTU.',
        ],
      },
    ],
    context: { afterCredentials: -1 },
    sources: [SOURCES.discReason],
  },
  'websocket-blocked': {
    id: 'websocket-blocked',
    title: 'A proxy or firewall blocks the WebSocket (wss, TCP 443) that web clients and the gateway use',
    confirm: {
      steps: [
        "In the browser's developer tools (Network, WS filter) the wss:// request to the gateway or Azure Virtual Desktop fails or never upgrades (no 101 Switching Protocols).",
        'Proxy or firewall logs show the Upgrade: websocket request to the gateway blocked.',
      ],
    },
    fixes: [
      {
        title: 'Allow WebSocket upgrades over HTTPS to the gateway (or the Azure Virtual Desktop endpoints)',
        risk: 'low',
        where: 'network',
        steps: [
          'In the proxy/firewall, allow HTTP Upgrade to WebSocket on TCP 443 for the RD Gateway name.',
          'Azure Virtual Desktop: allow the required URLs of the client list (see the source) and exclude them from TLS inspection.',
        ],
      },
    ],
    context: {
      gateway: 2,
      clientKind: { web: 2, mstsc: 'exclude', freerdp: 'exclude', 'windows-app': 'exclude' },
    },
    sources: [SOURCES.avdNetwork],
  },
  'listener-closes': {
    id: 'listener-closes',
    title: 'The server accepts TCP and then closes it at once (listener broken or refusing)',
    confirm: {
      collected: { role: 'server', findings: ['max-outstanding-connections-low', 'termservice-stopped'] },
      finding: 'listener-closed-early',
      stage: 'negotiation',
      steps: [
        'System log on the server: TerminalServices-RemoteConnectionManager errors around the attempt.',
      ],
    },
    fixes: [
      {
        title: 'Restart Remote Desktop Services on the server',
        risk: 'medium',
        where: 'server',
        steps: ['Disconnects every session on the server. Check the System log for why the listener closed.'],
        script: { language: 'powershell', code: 'Restart-Service -Name TermService -Force' },
      },
    ],
    sources: [SOURCES.generalTroubleshooting],
  },
  'nla-mismatch': {
    id: 'nla-mismatch',
    title:
      'NLA mismatch: the server requires Network Level Authentication (CredSSP) and the client does not offer it',
    confirm: {
      finding: 'nla-required',
      stage: 'negotiation',
      steps: [
        'In the .rdp file: enablecredsspsupport:i:0 or authentication level settings that turn CredSSP off.',
      ],
    },
    fixes: [
      {
        title: 'Let the client use NLA',
        risk: 'low',
        where: 'client',
        steps: [
          'Remove "enablecredsspsupport:i:0" from the .rdp file (or set it to 1).',
          'FreeRDP: drop /sec:tls or /sec:rdp, or use /sec:nla.',
        ],
      },
      {
        title: 'Stop requiring NLA on the server',
        risk: 'high',
        where: 'server',
        steps: ['Only while the client cannot be fixed; turn it back on afterwards.'],
        script: { language: 'powershell', code: setDwords(RDP_TCP, { UserAuthentication: 0 }) },
        weakensSecurity:
          'Anyone who reaches the port gets a logon screen and a server session before proving who they are (more exposure to brute force and pre-auth bugs).',
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.negFailure],
  },
  'security-layer-mismatch': {
    id: 'security-layer-mismatch',
    title:
      'The server refuses every security protocol the client offered (SecurityLayer / TLS settings disagree)',
    confirm: {
      finding: 'negotiation-refused',
      stage: 'negotiation',
      steps: [`Get-ItemProperty '${RDP_TCP}' SecurityLayer, UserAuthentication`],
    },
    fixes: [
      {
        title: 'Set the listener to Negotiate with TLS (SecurityLayer 1 or 2)',
        risk: 'medium',
        where: 'server',
        steps: [
          'Also check the policy "Require use of specific security layer for remote (RDP) connections".',
        ],
        script: { language: 'powershell', code: setDwords(RDP_TCP, { SecurityLayer: 2 }) },
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.negFailure],
  },
  'standard-rdp-only': {
    id: 'standard-rdp-only',
    title: 'The server allows only legacy Standard RDP Security (no TLS), which current clients refuse',
    confirm: {
      collected: { role: 'server', findings: ['standard-rdp-security-only'] },
      finding: 'standard-rdp-security-only',
      stage: 'negotiation',
      steps: [`Get-ItemProperty '${RDP_TCP}' SecurityLayer (0 = RDP only)`],
    },
    fixes: [
      {
        title: 'Let the listener use TLS',
        risk: 'medium',
        where: 'server',
        steps: ['Restart Remote Desktop Services or reboot afterwards.'],
        script: { language: 'powershell', code: setDwords(RDP_TCP, { SecurityLayer: 2 }) },
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.negFailure],
  },
  'tls-version-mismatch': {
    id: 'tls-version-mismatch',
    title:
      'TLS version mismatch: the server offers only TLS 1.0/1.1 and the client needs 1.2 or later (or the reverse)',
    confirm: {
      collected: { role: 'server', findings: ['tls12-disabled'] },
      finding: 'tls-legacy-only',
      stage: 'tls',
      steps: ['System log on the server: Schannel 36871/36874/36888 at the time of the attempt.'],
    },
    fixes: [
      {
        title: 'Enable TLS 1.2 for the server side of Schannel',
        risk: 'low',
        where: 'server',
        steps: [
          'Windows 7 / Server 2008 R2 also need KB3080079 for RDP over TLS 1.2.',
          'Reboot for Schannel to pick it up.',
        ],
        script: {
          language: 'powershell',
          code: setDwords(`${SCHANNEL}\\TLS 1.2\\Server`, { Enabled: 1, DisabledByDefault: 0 }),
        },
      },
      {
        title: 'Enable TLS 1.2 for the client side of Schannel on an old client',
        risk: 'low',
        where: 'client',
        steps: ['Reboot the client afterwards.'],
        script: {
          language: 'powershell',
          code: setDwords(`${SCHANNEL}\\TLS 1.2\\Client`, { Enabled: 1, DisabledByDefault: 0 }),
        },
      },
      {
        title: 'Re-enable TLS 1.0 on the server for a client that cannot be upgraded',
        risk: 'high',
        where: 'server',
        steps: ['Only as a stopgap for one legacy client; reboot afterwards.'],
        script: {
          language: 'powershell',
          code: setDwords(`${SCHANNEL}\\TLS 1.0\\Server`, { Enabled: 1, DisabledByDefault: 0 }),
        },
        weakensSecurity:
          'TLS 1.0 is deprecated and exposes every client of this server to downgrade and old cipher attacks.',
      },
    ],
    context: { legacyTlsClient: 2, afterCredentials: -2 },
    sources: [SOURCES.tlsRegistry],
  },
  'tls-cipher-mismatch': {
    id: 'tls-cipher-mismatch',
    title: 'No TLS cipher suite in common (a hardened cipher order or a client with only old suites)',
    confirm: {
      collected: { role: 'server', findings: ['cipher-suite-order-restrictive', 'tls12-disabled'] },
      finding: 'tls-no-common-cipher',
      stage: 'tls',
      steps: [
        'System log on the server: Schannel 36874 ("none of the cipher suites supported by the client") or 36888.',
      ],
    },
    fixes: [
      {
        title:
          'Add a suite both sides support (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) to the server order',
        risk: 'medium',
        where: 'server',
        steps: [
          'Get-TlsCipherSuite lists the order; Enable-TlsCipherSuite -Name <suite> adds one (or the SSL Cipher Suite Order policy).',
        ],
      },
    ],
    context: { legacyTlsClient: 1, afterCredentials: -2 },
    sources: [SOURCES.tlsRegistry],
  },
  'cert-missing': {
    id: 'cert-missing',
    title: 'The listener has no usable certificate (configured thumbprint missing or invalid)',
    confirm: {
      collected: { role: 'server', findings: ['tls-cert-missing'] },
      finding: 'tls-cert-missing',
      stage: 'negotiation',
      steps: [
        'System log: RemoteConnectionManager 1051 or 1059; Get-ItemProperty RDP-Tcp SSLCertificateSHA1Hash',
      ],
    },
    fixes: [
      {
        title: 'Fall back to the self-signed certificate (remove the configured thumbprint)',
        risk: 'medium',
        where: 'server',
        steps: ['Restarting the service disconnects sessions. Afterwards bind a valid certificate again.'],
        script: {
          language: 'powershell',
          code: `Remove-ItemProperty -LiteralPath '${RDP_TCP}' -Name 'SSLCertificateSHA1Hash' -ErrorAction SilentlyContinue\nRestart-Service -Name TermService -Force`,
        },
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.listenerCert],
  },
  'cert-expired': {
    id: 'cert-expired',
    title: 'The listener certificate has expired and was not renewed',
    confirm: {
      collected: { role: 'server', findings: ['tls-cert-expired'] },
      finding: 'tls-cert-expired',
      stage: 'certificate',
      steps: [
        'System log: RemoteConnectionManager 1058 (self-signed not replaced) or 1065 (template certificate not replaced).',
      ],
    },
    fixes: [
      {
        title: 'Renew or re-enrol the certificate and bind it to the listener',
        risk: 'low',
        where: 'server',
        steps: [
          'Self-signed: delete it from the "Remote Desktop" store and restart TermService to regenerate it.',
        ],
      },
    ],
    context: { afterCredentials: -2 },
    sources: [SOURCES.listenerCert, SOURCES.azureEvents],
  },
  'cert-key-unreadable': {
    id: 'cert-key-unreadable',
    title: "The certificate's private key cannot be read (MachineKeys permissions or a damaged key)",
    confirm: {
      collected: { role: 'server', findings: ['machinekeys-acl-broken', 'tls-cert-key-unreadable'] },
      // From outside the server only drops the connection on the ClientHello: tls-handshake-aborted.
      finding: 'tls-handshake-aborted',
      stage: 'tls',
      explainedBy: 'tls-cert-key-unreadable',
      steps: [
        'rdp-doctor diagnose sees it from outside as tls-handshake-aborted (TLS selected, then the connection drops on the ClientHello).',
        "rdp-doctor analyze on the server's System log explains it as tls-cert-key-unreadable.",
        'System log: Schannel 36870 ("fatal error ... credential private key", 0x8009030D) and RemoteConnectionManager 1057/1058.',
        'icacls C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys (NETWORK SERVICE needs read on the key file).',
      ],
    },
    fixes: [
      {
        title: 'Regenerate the self-signed RDP certificate',
        risk: 'medium',
        where: 'server',
        steps: [
          'Only when the listener uses the self-signed certificate. Restarting the service disconnects sessions.',
          'If regeneration fails again, restore the MachineKeys permissions (SYSTEM and Administrators full control, NETWORK SERVICE read).',
        ],
        script: {
          language: 'powershell',
          code: "Get-ChildItem -Path 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item\nRestart-Service -Name TermService -Force",
        },
      },
    ],
    context: { azure: 1, afterCredentials: -2 },
    sources: [SOURCES.azureEvents, SOURCES.generalTroubleshooting],
  },
  'cert-untrusted': {
    id: 'cert-untrusted',
    title:
      'The client does not trust the certificate (self-signed or unknown CA) and policy forbids connecting anyway',
    confirm: {
      finding: 'tls-cert-self-signed',
      stage: 'certificate',
      steps: ['Client policy "Configure server authentication for client" set to "Do not connect".'],
    },
    fixes: [
      {
        title: 'Bind a certificate from a CA the clients trust',
        risk: 'low',
        where: 'server',
        steps: [
          'Issue a Server Authentication certificate for the name clients use and set SSLCertificateSHA1Hash to its thumbprint.',
        ],
      },
    ],
    sources: [SOURCES.listenerCert],
  },
  'cert-name-mismatch': {
    id: 'cert-name-mismatch',
    title: 'The certificate does not name the host the client connects to',
    confirm: {
      finding: 'tls-cert-name-mismatch',
      stage: 'certificate',
      steps: ['Compare the name in the .rdp file with the certificate subject and SANs.'],
    },
    fixes: [
      {
        title: 'Connect by the name in the certificate, or issue one that includes the name used',
        risk: 'low',
        where: 'client',
        steps: ['Use the FQDN the certificate names.'],
      },
    ],
    sources: [SOURCES.listenerCert],
  },
  'credssp-outdated': {
    id: 'credssp-outdated',
    title:
      'Outdated CredSSP: one side lacks the CVE-2018-0886 update and the other refuses it (encryption oracle remediation)',
    confirm: {
      finding: 'credssp-outdated',
      stage: 'credssp',
      steps: [
        'Client dialog mentions "CredSSP encryption oracle remediation"; check the update level of both sides.',
      ],
    },
    fixes: [
      UPDATE_BOTH,
      {
        title: 'Temporarily allow the vulnerable CredSSP on the updated client (AllowEncryptionOracle = 2)',
        risk: 'high',
        where: 'client',
        steps: ['Only to reach the unpatched server to patch it; set it back to 1 (Mitigated) right after.'],
        script: { language: 'powershell', code: setDwords(CREDSSP_POLICY, { AllowEncryptionOracle: 2 }) },
        weakensSecurity:
          'Exposes the client credentials to CVE-2018-0886 man-in-the-middle attacks against CredSSP.',
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.credsspOracle],
  },
  'credssp-oracle-policy': {
    id: 'credssp-oracle-policy',
    title: 'The server\'s "Force Updated Clients" CredSSP policy refuses an unpatched client',
    confirm: {
      collected: { role: 'server', findings: ['credssp-encryption-oracle'] },
      finding: 'credssp-encryption-oracle',
      steps: [`Get-ItemProperty '${CREDSSP_POLICY}' AllowEncryptionOracle (0 = Force Updated Clients)`],
    },
    fixes: [UPDATE_BOTH],
    context: { afterCredentials: 1 },
    sources: [SOURCES.credsspOracle],
  },
  'credssp-failure': {
    id: 'credssp-failure',
    title: 'The CredSSP (NLA) exchange failed on the server side',
    confirm: {
      finding: 'credssp-error',
      stage: 'credssp',
      steps: ['Security log: 4625 with LogonType 3 at the attempt; its SubStatus names the reason.'],
    },
    fixes: [
      {
        title: 'Fix what the server reported (see the NTSTATUS in the CredSSP error or the 4625 SubStatus)',
        risk: 'low',
        where: 'server',
        steps: ['rdp-doctor explain <SubStatus> gives the meaning of the status code.'],
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.event4625],
  },
  'clock-skew': {
    id: 'clock-skew',
    title: 'Client, server and domain controller clocks differ too much for Kerberos',
    confirm: {
      finding: 'clock-skew',
      stage: 'credssp',
      steps: ['w32tm /stripchart /computer:<dc> /samples:3 on the server'],
    },
    fixes: [
      {
        title: 'Resynchronise time from the domain hierarchy',
        risk: 'low',
        where: 'server',
        steps: [
          'w32tm /resync on the client and the server; fix the time source of the domain controller if it is off.',
        ],
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.event4625],
  },
  'bad-credentials': {
    id: 'bad-credentials',
    title: 'Wrong user name or password (or the wrong domain)',
    confirm: {
      finding: 'logon-failed',
      stage: 'session',
      explainedBy: 'logon-failed',
      steps: [
        'rdp-doctor diagnose HOST --user DOMAIN\\NAME runs one logon (it counts toward lockout like any failed logon) and raises logon-failed for a wrong user name or password.',
        'Security log on the server (or DC): 4625 with SubStatus 0xC000006A or 0xC0000064; rdp-doctor analyze names it as logon-failed.',
      ],
    },
    fixes: [
      {
        title: 'Sign in with DOMAIN\\user or user@domain and the current password',
        risk: 'low',
        where: 'client',
        steps: ['Delete stale saved credentials: cmdkey /list, then cmdkey /delete:TERMSRV/<host>.'],
      },
    ],
    context: { afterCredentials: 2 },
    sources: [SOURCES.event4625],
  },
  'account-state': {
    id: 'account-state',
    title:
      'The account cannot log on now (disabled, expired, password expired or must change, restricted hours)',
    confirm: {
      // The logon check names each state apart; disabled stands for them (a cause has one finding).
      finding: 'account-disabled',
      stage: 'session',
      explainedBy: 'logon-failed',
      steps: [
        'rdp-doctor diagnose HOST --user DOMAIN\\NAME names the state: account-disabled, account-expired, password-expired, password-must-change or account-restricted.',
        'Security log: 4625 Status/SubStatus (explain the SubStatus for the exact reason); rdp-doctor analyze names it as logon-failed.',
      ],
    },
    fixes: [
      {
        title: 'Fix the account in Active Directory or Local Users',
        risk: 'low',
        where: 'server',
        steps: [
          'Enable or extend the account, or reset the password; a password that must change needs a console or web change first when NLA is on.',
        ],
      },
    ],
    context: { afterCredentials: 2 },
    sources: [SOURCES.event4625],
  },
  'account-locked': {
    id: 'account-locked',
    title: 'The account is locked out',
    confirm: {
      finding: 'account-locked-out',
      stage: 'session',
      explainedBy: 'account-locked-out',
      steps: [
        'rdp-doctor diagnose HOST --user DOMAIN\\NAME raises account-locked-out (STATUS_ACCOUNT_LOCKED_OUT).',
        'Security log: 4740 on the DC, 4625 with 0xC0000234.',
      ],
    },
    fixes: [
      {
        title: 'Unlock the account and find what keeps sending the old password',
        risk: 'low',
        where: 'server',
        steps: ['Unlock-ADAccount <user>; look for stale saved credentials or a scanner hitting the port.'],
      },
    ],
    context: { afterCredentials: 2 },
    sources: [SOURCES.event4625],
  },
  'domain-unreachable': {
    id: 'domain-unreachable',
    title: 'No domain controller or KDC can be reached to check the credentials',
    confirm: { steps: ['nltest /sc_verify:<domain> on the server', 'Security log: 4625 with 0xC000005E.'] },
    fixes: [
      {
        title: 'Restore the secure channel to the domain',
        risk: 'low',
        where: 'server',
        steps: [
          'Check DNS and connectivity to a DC; Test-ComputerSecureChannel -Repair if the channel is broken.',
        ],
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.event4625],
  },
  'delegation-policy': {
    id: 'delegation-policy',
    title: 'Client credential delegation policy does not allow sending credentials to this server',
    confirm: {
      steps: [
        'gpresult /h on the client: Credentials Delegation policies ("Allow delegating fresh credentials", NTLM-only variants).',
      ],
    },
    fixes: [
      {
        title: 'Add TERMSRV/<host> to the delegation policy, or connect by a name Kerberos can verify',
        risk: 'low',
        where: 'client',
        steps: [
          'Using the FQDN instead of an IP lets Kerberos verify the server, which avoids the NTLM-only restriction.',
        ],
      },
    ],
    sources: [SOURCES.discReason],
  },
  'fresh-credentials-required': {
    id: 'fresh-credentials-required',
    title: 'The server requires typed credentials and refuses saved ones',
    confirm: {
      finding: 'fresh-credentials-required',
      stage: 'session',
      steps: [
        'rdp-doctor diagnose HOST sees the Set Error Info 0xA (ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED) in the connection sequence.',
        'Server policy "Always prompt for password upon connection" (fPromptForPassword = 1).',
      ],
    },
    fixes: [
      {
        title: 'Type the password when prompted instead of using saved credentials',
        risk: 'low',
        where: 'client',
        steps: ['Or clear the saved credential with cmdkey.'],
      },
    ],
    sources: [SOURCES.errorInfo],
  },
  'logon-right-missing': {
    id: 'logon-right-missing',
    title:
      'The account lacks the "Allow log on through Remote Desktop Services" right (or holds the Deny right)',
    confirm: {
      collected: { role: 'server', findings: ['logon-right-missing'] },
      finding: 'logon-right-missing',
      stage: 'session',
      explainedBy: 'logon-right-missing',
      steps: [
        'rdp-doctor diagnose HOST --user DOMAIN\\NAME raises logon-right-missing (STATUS_LOGON_TYPE_NOT_GRANTED).',
        'Security log: 4625 with 0xC000015B; secedit /export and look for SeRemoteInteractiveLogonRight.',
      ],
    },
    fixes: [
      {
        title: 'Grant the right through policy (User Rights Assignment) to Remote Desktop Users',
        risk: 'low',
        where: 'server',
        steps: ['Remove the account from "Deny log on through Remote Desktop Services" if it is there.'],
      },
    ],
    context: { afterCredentials: 2 },
    sources: [SOURCES.event4625],
  },
  'not-remote-desktop-user': {
    id: 'not-remote-desktop-user',
    title: 'The account is not a member of Remote Desktop Users (or Administrators)',
    confirm: {
      finding: 'not-in-remote-desktop-users',
      stage: 'session',
      explainedBy: 'not-in-remote-desktop-users',
      steps: [
        'rdp-doctor diagnose HOST --user DOMAIN\\NAME sees the Set Error Info 0x9 (ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES) after the logon.',
        "Get-LocalGroupMember -SID 'S-1-5-32-555' on the server",
      ],
    },
    fixes: [
      {
        title: 'Add the account to Remote Desktop Users',
        risk: 'low',
        where: 'server',
        steps: ['Replace DOMAIN\\user with the account.'],
        script: {
          language: 'powershell',
          code: [
            "$member = 'DOMAIN\\user'",
            "if (-not (Get-LocalGroupMember -SID 'S-1-5-32-555' -Member $member -ErrorAction SilentlyContinue)) {",
            "  Add-LocalGroupMember -SID 'S-1-5-32-555' -Member $member",
            '}',
          ].join('\n'),
        },
      },
    ],
    context: { afterCredentials: 2 },
    sources: [SOURCES.generalTroubleshooting],
  },
  'server-policy-deny': {
    id: 'server-policy-deny',
    title: 'The server refuses by policy (connections denied, single-session or session limits, deny rules)',
    confirm: {
      collected: { role: 'server', findings: ['rdp-connections-denied'] },
      finding: 'server-denied-connection',
      stage: 'session',
      steps: [
        'rdp-doctor diagnose HOST sees the Set Error Info 0x7 (ERRINFO_SERVER_DENIED_CONNECTION) and the phase it came in; add --user on servers that require NLA.',
        'gpresult /h on the server: Remote Desktop Session Host > Connections (Allow users to connect remotely, Limit number of connections, Restrict to a single session).',
        'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational and LocalSessionManager/Operational at the attempt.',
      ],
    },
    fixes: [
      {
        title:
          'Relax the connection policy that applies (or end an existing session that blocks the new one)',
        risk: 'medium',
        where: 'server',
        steps: ['query session /server:<host> lists sessions; logoff <id> /server:<host> ends one.'],
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.errorInfo],
  },
  'connection-limit': {
    id: 'connection-limit',
    title:
      'The listener hit its limit of pending connections (MaxOutstandingConnections), usually under a flood of attempts',
    confirm: {
      collected: { role: 'server', findings: ['max-outstanding-connections-low'] },
      steps: [
        'System log on the server: RemoteConnectionManager event 1006 ("large number of connection attempts").',
        "Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server' MaxOutstandingConnections",
        'netstat -ano | findstr :3389 shows many half-open connections.',
      ],
    },
    fixes: [
      {
        title: 'Stop exposing RDP to the Internet (VPN, RD Gateway, Bastion or an IP allow-list)',
        risk: 'low',
        where: 'network',
        steps: ['This removes the flood that fills the pending-connection queue.'],
      },
      {
        title: 'Raise MaxOutstandingConnections',
        risk: 'medium',
        where: 'server',
        steps: ['Takes effect after restarting Remote Desktop Services. Treats the symptom, not the flood.'],
        script: {
          language: 'powershell',
          code: setDwords(TERMINAL_SERVER, { MaxOutstandingConnections: 10000 }),
        },
      },
    ],
    context: { azure: 1 },
    sources: [SOURCES.generalTroubleshooting],
  },
  'brute-force-flood': {
    id: 'brute-force-flood',
    title: 'Password-guessing traffic is hitting the server and crowding out real connections',
    confirm: {
      finding: 'brute-force-attempts',
      steps: ['Security log: bursts of 4625 from many addresses.'],
    },
    fixes: [
      {
        title: 'Restrict who can reach the RDP port',
        risk: 'low',
        where: 'network',
        steps: ['Allow-list source addresses, or put RDP behind a VPN, RD Gateway or Azure Bastion.'],
      },
    ],
    context: { azure: 1 },
    sources: [SOURCES.generalTroubleshooting],
  },
  licensing: {
    id: 'licensing',
    title: 'Remote Desktop licensing refuses the connection (grace period over, no license server or no CAL)',
    confirm: {
      collected: { role: 'server', findings: ['licensing-grace-expired'] },
      finding: 'licensing-refused',
      stage: 'session',
      steps: [
        'rdp-doctor diagnose HOST sees the licensing Error Alert or the Set Error Info ERRINFO_LICENSE_* in the licensing phase; add --user on servers that require NLA.',
        'On the session host: RD Licensing Diagnoser (lsdiag.msc).',
        '(Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TerminalServiceSetting | Invoke-CimMethod -MethodName GetGracePeriodDays).DaysLeft',
        'System log: TerminalServices-Licensing / RemoteConnectionManager events 1128/1130 about the license server.',
      ],
    },
    fixes: [
      {
        title: 'Point the session host at an activated license server with free CALs',
        risk: 'low',
        where: 'server',
        steps: [
          'Policy: Remote Desktop Session Host > Licensing > Use the specified Remote Desktop license servers and Set the Remote Desktop licensing mode.',
          'For plain administration (two sessions) remove the RD Session Host role instead.',
        ],
      },
    ],
    context: { afterCredentials: 1 },
    sources: [SOURCES.errorInfo],
  },
  'stale-wam-token': {
    id: 'stale-wam-token',
    title: 'Cloud (Microsoft Entra ID) sign-in uses a stale Web Account Manager token',
    confirm: {
      collected: { role: 'client', findings: ['wam-token-stale'] },
      steps: [
        'On the client: dsregcmd /status, SSO State section: AzureAdPrt should be YES with a recent update time.',
        'Client event log Microsoft-Windows-AAD/Operational: token errors at the time of the attempt.',
        'The same account connects from another device or from the web client.',
      ],
    },
    fixes: [
      {
        title: 'Refresh the sign-in on the client',
        risk: 'low',
        where: 'client',
        steps: [
          'Sign out of the account in the Remote Desktop client / Windows App and sign in again.',
          'Settings > Accounts > Access work or school: disconnect and reconnect the account if the PRT stays missing; then lock and unlock Windows.',
        ],
      },
    ],
    context: { azure: 2, afterCredentials: 1, clientWithoutWam: 'exclude' },
    sources: [SOURCES.entraSso],
  },
  'fips-policy': {
    id: 'fips-policy',
    title: 'FIPS-only policy on one side leaves no encryption method in common (Standard RDP Security)',
    // No rule sees it: FIPS is not weak encryption, and the probe offers every method, so it connects.
    confirm: {
      steps: [
        "Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy' Enabled",
      ],
    },
    fixes: [
      {
        title: 'Use TLS security instead of Standard RDP Security',
        risk: 'low',
        where: 'server',
        steps: ['Set SecurityLayer to 2 (TLS) so RC4/FIPS RDP encryption is not used.'],
        script: { language: 'powershell', code: setDwords(RDP_TCP, { SecurityLayer: 2 }) },
      },
    ],
    sources: [SOURCES.errorInfo],
  },
  'session-limits': {
    id: 'session-limits',
    title: 'A session time limit or an administrator ended the session (not a connection fault)',
    confirm: {
      finding: 'session-limit-reached',
      stage: 'session',
      steps: [
        'rdp-doctor diagnose HOST sees a Set Error Info ERRINFO_IDLE_TIMEOUT or ERRINFO_LOGON_TIMEOUT only when a limit ends the connection sequence itself.',
        'LocalSessionManager/Operational events 24/40 give the disconnect reason code.',
        'Policy: Remote Desktop Session Host > Session Time Limits.',
      ],
    },
    fixes: [
      {
        title: 'Adjust the session time limits if they are too strict',
        risk: 'low',
        where: 'server',
        steps: ['Reconnect; the session is kept if only disconnected.'],
      },
    ],
    sources: [SOURCES.errorInfo],
  },
  'server-resources': {
    id: 'server-resources',
    title:
      'The server ran out of resources or a session component crashed (memory, DWM, winlogon, display driver)',
    confirm: {
      steps: [
        'Application and System logs on the server: crashes of dwm.exe, winlogon.exe, csrss.exe or RDP display driver errors.',
      ],
    },
    fixes: [
      {
        title: 'Free resources or restart the server; update its graphics driver',
        risk: 'medium',
        where: 'server',
        steps: [
          'If it repeats, turn off "Use hardware graphics adapters for all Remote Desktop Services sessions".',
        ],
      },
    ],
    sources: [SOURCES.errorInfo],
  },
  'protocol-bug': {
    id: 'protocol-bug',
    title: 'Client and server disagree on the RDP protocol (a client bug or an unusual client setting)',
    confirm: {
      steps: [
        'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational on the server at the time of the drop.',
        'Reproduce with another client (mstsc, FreeRDP, Windows App) and default settings.',
      ],
    },
    fixes: [
      {
        title: 'Update the client, or connect with default display, redirection and graphics settings',
        risk: 'low',
        where: 'client',
        steps: [
          'Turn off custom monitor layouts, redirected devices and special graphics modes one at a time.',
        ],
      },
    ],
    sources: [SOURCES.errorInfo],
  },
  'broker-target': {
    id: 'broker-target',
    title:
      'The connection broker could not place the session (target VM off, booting, pool full or misconfigured)',
    confirm: {
      finding: 'broker-refused',
      stage: 'session',
      steps: [
        'rdp-doctor diagnose HOST sees the Set Error Info ERRINFO_CB_* in the connection sequence.',
        'On the broker: Microsoft-Windows-TerminalServices-SessionBroker/Operational and -SessionBroker-Client/Operational events.',
      ],
    },
    fixes: [
      {
        title: 'Check the collection or host pool: targets running, drain mode off, capacity free',
        risk: 'low',
        where: 'server',
        steps: ['Azure Virtual Desktop: check the session hosts are Available in the host pool.'],
      },
    ],
    context: { azure: 1 },
    sources: [SOURCES.errorInfo],
  },
  'gateway-policy': {
    id: 'gateway-policy',
    title:
      'The RD Gateway refuses or cannot reach the target (CAP/RAP policy, gateway certificate, back-end firewall)',
    confirm: {
      steps: [
        'On the gateway: Microsoft-Windows-TerminalServices-Gateway/Operational events (e.g. 200/300 succeeded, 201/304 refused).',
      ],
    },
    fixes: [
      {
        title: 'Allow the user and the target in the gateway policies',
        risk: 'low',
        where: 'server',
        steps: [
          'Check the Connection Authorization Policy (users) and Resource Authorization Policy (targets) in RD Gateway Manager.',
        ],
      },
    ],
    context: { gateway: 3 },
    sources: [SOURCES.generalTroubleshooting],
  },
  'client-local': {
    id: 'client-local',
    title: 'The client itself failed (out of memory, internal error, bad input)',
    confirm: {
      steps: [
        'Client event log Microsoft-Windows-TerminalServices-RDPClient/Operational at the time of the error.',
      ],
    },
    fixes: [
      {
        title: 'Restart the client and check the address typed',
        risk: 'low',
        where: 'client',
        steps: ['Update the client if it repeats.'],
      },
    ],
    sources: [SOURCES.discReason],
  },
  'not-an-error': {
    id: 'not-an-error',
    title: 'Not a fault: a user, an administrator or the client ended the session on purpose',
    confirm: { steps: ['LocalSessionManager/Operational events 23/24/40 on the server show who ended it.'] },
    fixes: [
      {
        title: 'Nothing to fix; reconnect',
        risk: 'low',
        where: 'client',
        steps: ['Reconnect to resume a disconnected session.'],
      },
    ],
    sources: [SOURCES.discReason],
  },
} as const satisfies Record<string, CauseSpec>;

export type CauseId = keyof typeof CAUSES;

export const CAUSE_LIST: readonly CauseSpec[] = Object.values(CAUSES);
