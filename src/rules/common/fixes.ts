/**
 * Script builders shared by the diagnose rules, so every registry edit, firewall rule and Azure
 * run-command is written one way and is idempotent (running it twice leaves the state of once).
 * Registry facts: /work/shared/reference/registry.json (sources there).
 */
import type { ProbeObservations } from '../../probe/types.js';
import type { Evidence, Fix, FixRisk, Rule, RuleOutcome, RuleReport } from '../types.js';
import { type ServerKind, serverKind } from './server-kind.js';

export const RDP_TCP_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
export const TERMINAL_SERVER_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';
export const TS_POLICY_KEY = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services';
export const CREDSSP_KEY =
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters';
export const SCHANNEL_PROTOCOLS_KEY =
  'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';
export const MACHINE_KEYS = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys';

export interface DwordValue {
  readonly name: string;
  readonly value: number;
}

/**
 * Sets REG_DWORD values, creating the key only when it is missing (New-Item -Force on an existing
 * key is avoided: it would replace the key). New-ItemProperty -Force overwrites a value in place.
 */
export function psSetDwords(key: string, values: readonly DwordValue[]): string {
  return [
    `$key = '${key}'`,
    'if (-not (Test-Path -Path $key)) { New-Item -Path $key -Force | Out-Null }',
    ...values.map(
      ({ name, value }) =>
        `New-ItemProperty -Path $key -Name '${name}' -Value ${value} -PropertyType DWord -Force | Out-Null`,
    ),
  ].join('\n');
}

export type SchannelProtocol = 'SSL 3.0' | 'TLS 1.0' | 'TLS 1.1' | 'TLS 1.2' | 'TLS 1.3';

/** SCHANNEL Protocols\<protocol>\<side>: Enabled and DisabledByDefault (see registry.json). */
export function psSchannelProtocol(
  protocol: SchannelProtocol,
  side: 'Server' | 'Client',
  enabled: boolean,
): string {
  return psSetDwords(`${SCHANNEL_PROTOCOLS_KEY}\\${protocol}\\${side}`, [
    { name: 'Enabled', value: enabled ? 1 : 0 },
    { name: 'DisabledByDefault', value: enabled ? 0 : 1 },
  ]);
}

/** Allows inbound TCP to the RDP port from one source range, once (guarded by the rule's name). */
export function psFirewallAllow(port: number): string {
  return [
    `$name = 'rdp-doctor: Remote Desktop TCP ${port}'`,
    `$source = '<your client address or range>'`,
    'if (-not (Get-NetFirewallRule -DisplayName $name -ErrorAction SilentlyContinue)) {',
    `  New-NetFirewallRule -DisplayName $name -Direction Inbound -Protocol TCP -LocalPort ${port} -RemoteAddress $source -Action Allow -Profile Any | Out-Null`,
    '}',
  ].join('\n');
}

/** Runs a PowerShell script inside an Azure VM through the guest agent (works when RDP does not). */
export function azRunPowerShell(powershell: string): string {
  return [
    "RG='<resource-group>'",
    "VM='<vm-name>'",
    "SCRIPT=$(cat <<'POWERSHELL'",
    powershell,
    'POWERSHELL',
    ')',
    'az vm run-command invoke --resource-group "$RG" --name "$VM" --command-id RunPowerShellScript --scripts "$SCRIPT"',
  ].join('\n');
}

/** The same server fix, delivered to an Azure VM with run-command. */
export function azureVariant(fix: Fix, risk: FixRisk = fix.risk): Fix {
  if (fix.script?.language !== 'powershell')
    throw new Error(`azureVariant needs a PowerShell fix: ${fix.title}`);
  return {
    title: `${fix.title} (Azure VM, via run-command)`,
    risk,
    where: 'azure',
    steps: [
      'Use this when the VM runs in Azure and you cannot log on to it: run-command executes the script through the VM agent.',
      ...fix.steps,
    ],
    script: { language: 'bash', code: azRunPowerShell(fix.script.code) },
    ...(fix.weakensSecurity ? { weakensSecurity: fix.weakensSecurity } : {}),
  };
}

/** Restarting TermService drops every session on the host, hence medium risk wherever it appears. */
export const RESTART_TERMSERVICE = 'Restart-Service -Name TermService -Force';

/** Read-only: recent events from the providers that explain listener and TLS failures. */
export function psRecentEvents(ids: readonly number[]): string {
  return [
    `Get-WinEvent -FilterHashtable @{ LogName = 'System'; Id = ${ids.join(', ')}; StartTime = (Get-Date).AddDays(-7) } -ErrorAction SilentlyContinue |`,
    '  Select-Object TimeCreated, Id, ProviderName, Message | Format-List',
  ].join('\n');
}

/**
 * Removes the listener's self-signed certificate from the 'Remote Desktop' store and restarts the
 * services that regenerate it. A second run regenerates it again: the end state (one fresh
 * self-signed certificate) is the same.
 */
export const REGENERATE_SELF_SIGNED: Fix = {
  title: 'Regenerate the self-signed Remote Desktop certificate',
  risk: 'medium',
  where: 'server',
  steps: [
    "Delete the self-signed certificate from the 'Remote Desktop' certificate store (certlm.msc > Remote Desktop > Certificates).",
    'Restart Remote Desktop Configuration (SessionEnv) and Remote Desktop Services (TermService) so a new one is created; restarting TermService disconnects all sessions.',
    'If RCM events 1057/1058 appear instead of a new certificate, repair the MachineKeys permissions first.',
  ],
  script: {
    language: 'powershell',
    code: [
      "Get-ChildItem -Path 'Cert:\\LocalMachine\\Remote Desktop' | Where-Object { $_.Subject -eq $_.Issuer } | Remove-Item",
      'Restart-Service -Name SessionEnv -Force',
      RESTART_TERMSERVICE,
    ].join('\n'),
  },
};

/** Grants the accounts that need the machine keys their access again (icacls /grant is idempotent). */
export const REPAIR_MACHINE_KEYS: Fix = {
  title: 'Repair permissions on the MachineKeys folder',
  risk: 'medium',
  where: 'server',
  steps: [
    `The listener certificate's private key lives in ${MACHINE_KEYS}; NETWORK SERVICE must be able to read it and SYSTEM and Administrators need full control.`,
    'Save the current ACLs first (the first line) so the change can be reviewed or undone.',
  ],
  script: {
    language: 'powershell',
    code: [
      `$keys = '${MACHINE_KEYS}'`,
      'icacls $keys /save "$env:TEMP\\machinekeys-acl-backup.txt" /t /c | Out-Null',
      "icacls $keys /grant 'NT AUTHORITY\\SYSTEM:(F)' 'BUILTIN\\Administrators:(F)' 'NT AUTHORITY\\NETWORK SERVICE:(R)' /t /c",
    ].join('\n'),
  },
};

/** Points the RDP-Tcp listener at a certificate in LocalMachine\My by thumbprint (CIM; wmic in the steps). */
export const SET_LISTENER_CERTIFICATE: Fix = {
  title: 'Point the listener at a valid certificate (SSLCertificateSHA1Hash)',
  risk: 'medium',
  where: 'server',
  steps: [
    'Pick a certificate in Local Computer > Personal with a private key, the Server Authentication EKU and the server name; NETWORK SERVICE needs Read on its private key (Manage Private Keys).',
    'Replace <THUMBPRINT> with its thumbprint (40 hex digits, no spaces). Older systems: wmic /namespace:\\\\root\\cimv2\\TerminalServices PATH Win32_TSGeneralSetting Set SSLCertificateSHA1Hash="<THUMBPRINT>".',
    'Event 1059 after the change means the hash was invalid and the server reset it.',
  ],
  script: {
    language: 'powershell',
    code: [
      "$thumbprint = '<THUMBPRINT>'",
      "$setting = Get-CimInstance -Namespace 'root\\cimv2\\TerminalServices' -ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\"",
      'if ($setting.SSLCertificateSHA1Hash -ne $thumbprint) {',
      '  Set-CimInstance -InputObject $setting -Property @{ SSLCertificateSHA1Hash = $thumbprint }',
      '}',
    ].join('\n'),
  },
};

/** Issues or renews a CA certificate for the listener: the durable fix for every certificate finding. */
export const ISSUE_CA_CERTIFICATE: Fix = {
  title: 'Issue a certificate from a trusted CA for the server name',
  risk: 'low',
  where: 'server',
  steps: [
    'Request a certificate for the exact name(s) clients use (as DNS subject alternative names), RSA 2048+ or ECDSA P-256+, SHA-256 signature, with the Server Authentication (or Remote Desktop Authentication) EKU. In a domain, a Group Policy "Server authentication certificate template" enrols and renews it automatically.',
    'Install it in Local Computer > Personal, grant NETWORK SERVICE Read on its private key, then point the listener at it (next fix).',
  ],
};

// --- fixes that fit the server ---------------------------------------------------------------

/** Fixes for server software other than Windows, by the kind serverKind() names. */
export interface FixesByServer {
  readonly xrdp: readonly Fix[];
}

export function serverKindEvidence(server: ServerKind): Evidence[] {
  const why = server.evidence.map((entry) => `${entry.label}: ${entry.value}`).join('; ');
  return [
    { label: 'server software', value: `${server.kind} (${server.confidence})`, source: 'fingerprint' },
    // The signals behind it are long: --verbose and JSON carry them.
    ...(why
      ? [{ label: 'server software, from', value: why, source: 'fingerprint', verboseOnly: true }]
      : []),
  ];
}

/**
 * A found outcome with its fixes fitted to the server: on xrdp (likely or certain) the xrdp fixes
 * replace the rule's Windows ones, and the evidence says why. Any other kind keeps the rule's own.
 */
export function fitOutcomeToServer(
  observations: ProbeObservations,
  outcome: RuleOutcome,
  byServer: FixesByServer,
): RuleOutcome {
  if (outcome.status !== 'found') return outcome;
  const server = serverKind(observations);
  if (server.kind !== 'xrdp') return outcome;
  const fitted = (report: RuleReport): RuleReport => ({
    ...report,
    evidence: [...report.evidence, ...serverKindEvidence(server)],
    fixes: byServer.xrdp,
    replaceFixes: true,
  });
  return { status: 'found', reports: outcome.reports.map(fitted) };
}

/** The same rule, its reports' fixes fitted to the server software that answered. */
export function withServerFixes<Need extends string>(
  rule: Rule<ProbeObservations, Need>,
  byServer: FixesByServer,
): Rule<ProbeObservations, Need> {
  return {
    meta: rule.meta,
    evaluate: (observations, context) =>
      fitOutcomeToServer(observations, rule.evaluate(observations, context), byServer),
  };
}

/**
 * Disables exactly the cipher suites named (those the enumeration saw), once: a suite already
 * disabled is skipped. A Group Policy cipher-suite order, where set, wins over local changes.
 */
export function disableCipherSuitesFix(title: string, names: readonly string[], firstStep: string): Fix {
  return {
    title,
    risk: 'low',
    where: 'server',
    steps: [
      firstStep,
      'If a Group Policy "SSL Cipher Suite Order" is set, remove them from that list instead (the policy wins).',
    ],
    script: {
      language: 'powershell',
      code: [
        `foreach ($suite in @(${names.map((name) => `'${name}'`).join(', ')})) {`,
        '  if (Get-TlsCipherSuite -Name $suite | Where-Object Name -eq $suite) { Disable-TlsCipherSuite -Name $suite }',
        '}',
      ].join('\n'),
    },
  };
}

// --- accounts and logon rights (the logon check and the event rules) ---------------------------

/** The local group Remote Desktop Users, by its well-known SID (names differ by language). */
export const REMOTE_DESKTOP_USERS_SID = 'S-1-5-32-555';

/** A value for a single-quoted PowerShell string. */
export function psQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Adds an account to Remote Desktop Users once (a second run finds it a member and does nothing). */
export function addToRemoteDesktopUsersFix(account: string): Fix {
  return {
    title: `Add ${account} to Remote Desktop Users`,
    risk: 'low',
    where: 'server',
    steps: [`lusrmgr.msc > Groups > Remote Desktop Users > Add ${account} (or a group it belongs to).`],
    script: {
      language: 'powershell',
      code:
        `$member = ${psQuoted(account)}\n` +
        `$group = Get-LocalGroup -SID '${REMOTE_DESKTOP_USERS_SID}'\n` +
        'if (-not (Get-LocalGroupMember -Group $group | Where-Object { $_.Name -eq $member })) {\n' +
        '  Add-LocalGroupMember -Group $group -Member $member\n' +
        '}\n',
    },
  };
}

/**
 * Grants SeRemoteInteractiveLogonRight to Remote Desktop Users through secedit, keeping whoever
 * holds it already; it does nothing when the group holds it.
 */
export const GRANT_RDS_LOGON_RIGHT: Fix = {
  title: 'Grant "Allow log on through Remote Desktop Services" to Remote Desktop Users',
  risk: 'low',
  where: 'server',
  steps: [
    'secpol.msc > Local Policies > User Rights Assignment > Allow log on through Remote Desktop Services: add ' +
      'Remote Desktop Users (and Administrators). In a domain, set it in the GPO that manages the server instead.',
    'Remove the account or its groups from "Deny log on through Remote Desktop Services".',
    'Run gpupdate /force.',
  ],
  script: {
    language: 'powershell',
    code:
      "$dir = Join-Path $env:TEMP 'rdp-doctor-secpol'\n" +
      'New-Item -ItemType Directory -Force -Path $dir | Out-Null\n' +
      'secedit /export /cfg "$dir\\current.inf" /areas USER_RIGHTS | Out-Null\n' +
      '$line = Select-String -Path "$dir\\current.inf" -Pattern \'^SeRemoteInteractiveLogonRight\\s*=\\s*(.*)$\'\n' +
      "$current = if ($line) { $line.Matches[0].Groups[1].Value.Trim() } else { '' }\n" +
      `if ($current -notmatch [regex]::Escape('*${REMOTE_DESKTOP_USERS_SID}')) {\n` +
      `  $value = if ($current) { "$current,*${REMOTE_DESKTOP_USERS_SID}" } else { '*S-1-5-32-544,*${REMOTE_DESKTOP_USERS_SID}' }\n` +
      "  $inf = @('[Unicode]', 'Unicode=yes', '[Version]', 'signature=\"$CHICAGO$\"', 'Revision=1', '[Privilege Rights]', \"SeRemoteInteractiveLogonRight = $value\")\n" +
      '  $inf | Set-Content -Path "$dir\\grant.inf" -Encoding Unicode\n' +
      '  secedit /configure /db "$dir\\grant.sdb" /cfg "$dir\\grant.inf" /areas USER_RIGHTS | Out-Null\n' +
      '}\n' +
      'gpupdate /force | Out-Null\n',
  },
};

/** Read-only: the Remote Desktop connection and session logs, where the server says why it refused. */
export function psSessionEvents(extraLogs: readonly string[] = []): string {
  const logs = [
    'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
    'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
    ...extraLogs,
  ];
  return [
    `Get-WinEvent -LogName ${logs.map((log) => `'${log}'`).join(', ')} -MaxEvents 50 -ErrorAction SilentlyContinue |`,
    '  Select-Object TimeCreated, Id, LogName, Message | Format-List',
  ].join('\n');
}

/**
 * NLA cannot change a password, so an expired one (or one that must change) is changed elsewhere:
 * by the user, at a console, through RD Web or with the AD cmdlet, which asks for both passwords.
 */
export function changeOwnPasswordFix(account: string): Fix {
  return {
    title: `Have ${account} change the password where a change is offered`,
    risk: 'low',
    where: 'client',
    steps: [
      'At a console logon, through RD Web Access password change where it is enabled, or (domain accounts, RSAT installed) with Set-ADAccountPassword from any domain machine.',
    ],
    script: {
      language: 'powershell',
      code: `Set-ADAccountPassword -Identity ${psQuoted(account)} -OldPassword (Read-Host -AsSecureString -Prompt 'Current password') -NewPassword (Read-Host -AsSecureString -Prompt 'New password')`,
    },
  };
}
