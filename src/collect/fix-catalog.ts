/**
 * The fixes that ship as PowerShell scripts (src/collect/fixes/*.ps1): each backs up what it
 * changes before changing it, supports -WhatIf, and prints how to undo it. Rules offer these Fix
 * objects; `rdp-doctor fix NAME` writes the script out. Data only: the scripts are the code.
 */
import { azureVariant } from '../rules/common/fixes.js';
import { type Fix, shippedFixName } from '../rules/types.js';
import { COLLECT_SCRIPTS } from './scripts.generated.js';

/** A shipped fix script by its name (the file name without .ps1). */
export function fixScriptText(name: string): string {
  const text = COLLECT_SCRIPTS[`fixes/${name}.ps1`];
  if (text === undefined) throw new Error(`no fix script fixes/${name}.ps1 in src/collect`);
  return text;
}

function scripted(name: string, fix: Omit<Fix, 'script'>): Fix {
  return {
    ...fix,
    script: { language: 'powershell', code: fixScriptText(name), asset: `fixes/${name}.ps1` },
  };
}

export const FIX_REPAIR_MACHINEKEYS_ACL = scripted('repair-machinekeys-acl', {
  title: 'Restore the default permissions of the MachineKeys folder',
  risk: 'medium',
  where: 'server',
  steps: [
    "Windows' default (KB 278381), this folder only and not inherited: Everyone read and write (so every service can create its key file), Administrators Full Control.",
    'Saves the ACLs of the folder and its key files (icacls /save) first, then sets the folder to that default; the icacls /restore undo command is printed. Renames and deletes no key file.',
    "-KeyFile NAME also lets NETWORK SERVICE (Remote Desktop Services) read that key file, e.g. the listener certificate's f686aace6942fb7f7ceb231212eef4a4_... key.",
    'If the listener still fails afterwards, regenerate the self-signed certificate.',
  ],
});

export const FIX_REGENERATE_RDP_CERTIFICATE = scripted('regenerate-rdp-certificate', {
  title: 'Regenerate the self-signed Remote Desktop certificate',
  risk: 'medium',
  where: 'server',
  steps: [
    'Acts only when the listener uses the self-signed certificate and it is missing, expired or has lost its private key (-Force regenerates one that looks valid); a certificate set by SSLCertificateSHA1Hash or a Group Policy template is left alone.',
    'Exports the public part first (never the private key), removes the certificate and restarts SessionEnv and TermService so Windows creates a new one; restarting TermService disconnects every session.',
    'If RCM events 1057/1058 appear and no new certificate does, repair the MachineKeys permissions first.',
  ],
});

export const FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS = scripted('raise-max-outstanding-connections', {
  title: 'Raise MaxOutstandingConnections',
  risk: 'medium',
  where: 'server',
  steps: [
    'A flood of connection attempts (password guessing from the Internet) is the usual reason the limit is reached: restrict who can reach the port first (firewall source addresses, VPN, Azure Bastion or just-in-time access).',
    'Backs up the Terminal Server key, then raises the value to -Value (default 3000); it never lowers it and leaves an unset value (the Windows default) alone. TermService reads it when it starts.',
  ],
});

export const FIX_ENABLE_TLS12 = scripted('enable-tls12', {
  title: 'Enable TLS 1.2 in Schannel',
  risk: 'low',
  where: 'server',
  steps: [
    'For each side (-Side Server, Client or Both) that a registry switch turns off, backs up SCHANNEL\\Protocols\\TLS 1.2 (reg export), then sets Enabled=1 and DisabledByDefault=0.',
    'An absent key already means TLS 1.2 is on (Windows 8.1 / Server 2012 R2 and later). Reboot to apply.',
  ],
});

export const FIX_ALLOW_RDP_CONNECTIONS = scripted('allow-rdp-connections', {
  title: 'Allow Remote Desktop connections (fDenyTSConnections = 0)',
  risk: 'low',
  where: 'server',
  steps: [
    'Backs up the Terminal Server key, then sets fDenyTSConnections=0.',
    'When a Group Policy sets it, the script says so and changes nothing (the policy would undo it): change the policy instead.',
  ],
});

export const FIX_ENABLE_RDP_FIREWALL_RULES = scripted('enable-rdp-firewall-rules', {
  title: 'Enable the built-in Remote Desktop firewall rules',
  risk: 'low',
  where: 'server',
  steps: [
    "Finds the rules by their locale-independent group '@FirewallAPI.dll,-28752', saves their state as JSON and enables the inbound ones that are off; rules a Group Policy delivers are named, not changed.",
    'The undo command disables only the rules it enabled.',
  ],
});

export const FIX_ALLOW_LISTENER_PORT = scripted('allow-listener-port', {
  title: "Allow the listener's port through Windows Firewall",
  risk: 'low',
  where: 'server',
  steps: [
    'Reads the port RDP-Tcp listens on (PortNumber) unless -Port is given; when no enabled inbound Allow rule covers it, adds one (rdp-doctor-RDP-TCP-<port>). The undo command removes it.',
    "Pass -RemoteAddress with your clients' addresses: an RDP port open to the whole Internet attracts password guessing.",
  ],
});

export const FIX_START_RDP_SERVICES = scripted('start-rdp-services', {
  title: 'Start Remote Desktop Services (TermService, SessionEnv, UmRdpService)',
  risk: 'low',
  where: 'server',
  steps: [
    'Saves the status and start type of TermService, SessionEnv and UmRdpService as JSON, sets a Disabled start type back to Manual (the default) and starts the stopped ones; the undo commands put both back.',
  ],
});

export const FIX_RESTORE_CIPHER_SUITE_ORDER = scripted('restore-cipher-suite-order', {
  title: 'Remove the restrictive cipher-suite order policy (back to the Windows defaults)',
  risk: 'medium',
  where: 'server',
  steps: [
    'Backs up the SSL\\00010002 policy key, then removes its Functions value (EccCurves too with -IncludeEccCurves); reboot to apply.',
    'A domain Group Policy that sets the order writes it again at the next refresh: change it there.',
  ],
});

export const FIX_GRANT_REMOTE_LOGON_RIGHT = scripted('grant-remote-logon-right', {
  title: "Grant 'Allow log on through Remote Desktop Services' to Administrators and Remote Desktop Users",
  risk: 'medium',
  where: 'server',
  steps: [
    'Exports the user rights (secedit /export) and the old value first, then adds the missing accounts by SID (*S-1-5-32-544, *S-1-5-32-555); the undo command puts the old value back.',
    'An account in "Deny log on through Remote Desktop Services" stays denied (the script names it); a domain Group Policy overrides the local one.',
  ],
});

export const FIX_REQUIRE_NLA = scripted('require-nla', {
  title: 'Require Network Level Authentication and TLS on the listener',
  risk: 'low',
  where: 'server',
  steps: [
    'Backs up RDP-Tcp, then sets UserAuthentication=1 and, where it is 0 (Standard RDP Security), SecurityLayer=2; a value a Group Policy sets is reported and left alone.',
    'Clients that cannot do NLA (very old ones) can no longer connect.',
  ],
});

export const FIX_RESET_CREDSSP_ORACLE = scripted('reset-credssp-oracle', {
  title: 'Remove the CredSSP AllowEncryptionOracle override (back to the secure default)',
  risk: 'low',
  where: 'client',
  steps: [
    'Update both machines first: with the override gone, an unpatched peer fails with "CredSSP encryption oracle remediation".',
    'Backs up the CredSSP Parameters key, then removes AllowEncryptionOracle=2 (Vulnerable); when a Group Policy sets it, the script says so and changes nothing.',
  ],
});

export const FIX_REFRESH_CLOUD_SIGN_IN = scripted('refresh-cloud-sign-in', {
  title: 'Refresh the cloud (Entra ID) sign-in token on the client',
  risk: 'low',
  where: 'client',
  steps: [
    "Run it as the user who connects, in that user's session: the token is per user. When the token is missing, expired or older than 4 hours, it asks Windows for a new one (dsregcmd /refreshprt).",
    'Changes no setting, so there is nothing to back up or undo; sign out and in again when the token stays stale.',
  ],
});

/** Every shipped fix, for the catalog, `rdp-doctor fix --list` and the tests. */
export const SCRIPTED_FIXES: readonly Fix[] = [
  FIX_REPAIR_MACHINEKEYS_ACL,
  FIX_REGENERATE_RDP_CERTIFICATE,
  FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS,
  FIX_ENABLE_TLS12,
  FIX_ALLOW_RDP_CONNECTIONS,
  FIX_ENABLE_RDP_FIREWALL_RULES,
  FIX_ALLOW_LISTENER_PORT,
  FIX_START_RDP_SERVICES,
  FIX_RESTORE_CIPHER_SUITE_ORDER,
  FIX_GRANT_REMOTE_LOGON_RIGHT,
  FIX_REQUIRE_NLA,
  FIX_RESET_CREDSSP_ORACLE,
  FIX_REFRESH_CLOUD_SIGN_IN,
];

/**
 * The Azure Run Command form of a shipped server fix: write the script, look with -WhatIf, apply.
 * Run Command hands --parameters over as strings, which -WhatIf (a switch) cannot take, so the
 * look goes over as a script block with the switch after it.
 */
export function onAzure(fix: Fix): Fix {
  const name = shippedFixName(fix);
  if (!name) return azureVariant(fix);
  const invoke =
    'az vm run-command invoke --resource-group "$RG" --name "$VM" --command-id RunPowerShellScript --scripts';
  return {
    ...azureVariant(fix),
    script: {
      language: 'bash',
      code: [
        "RG='<resource-group>'",
        "VM='<vm-name>'",
        `rdp-doctor fix ${name} --out ${name}.ps1 --force`,
        `${invoke} "& { $(cat ${name}.ps1) } -WhatIf"`,
        // Nothing changes until the admin has read what -WhatIf said it would do.
        'read -r -p "Apply it? [y/N] " answer',
        `if [ "$answer" = y ]; then ${invoke} @${name}.ps1; fi`,
      ].join('\n'),
    },
  };
}
