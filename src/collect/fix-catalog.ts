/**
 * The fixes that ship as PowerShell scripts (src/collect/fixes/*.ps1): each backs up what it
 * changes before changing it, supports -WhatIf, and prints how to undo it. Rules offer these Fix
 * objects; `rdp-doctor fix NAME` writes the script out. Data only: the scripts are the code.
 */
import { azureVariant } from '../rules/common/fixes.js';
import type { Fix } from '../rules/types.js';
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
    'Saves the current ACLs (icacls /save) before changing anything; the undo command is printed.',
    'Restores the folder to its Windows defaults; renames no key file.',
  ],
});

export const FIX_REGENERATE_RDP_CERTIFICATE = scripted('regenerate-rdp-certificate', {
  title: 'Regenerate the self-signed Remote Desktop certificate',
  risk: 'medium',
  where: 'server',
  steps: [
    'Exports the current certificate (public part) first, removes it and restarts SessionEnv and TermService so Windows creates a new one; restarting TermService disconnects every session.',
  ],
});

export const FIX_RAISE_MAX_OUTSTANDING_CONNECTIONS = scripted('raise-max-outstanding-connections', {
  title: 'Raise MaxOutstandingConnections',
  risk: 'medium',
  where: 'server',
  steps: [
    'A flood of connection attempts (password guessing from the Internet) is the usual reason the limit is reached: restrict who can reach the port first.',
  ],
});

export const FIX_ENABLE_TLS12 = scripted('enable-tls12', {
  title: 'Enable TLS 1.2 in Schannel',
  risk: 'low',
  where: 'server',
  steps: [
    'Backs up the SCHANNEL Protocols key, then sets TLS 1.2 Enabled=1, DisabledByDefault=0; reboot to apply.',
  ],
});

export const FIX_ALLOW_RDP_CONNECTIONS = scripted('allow-rdp-connections', {
  title: 'Allow Remote Desktop connections (fDenyTSConnections = 0)',
  risk: 'low',
  where: 'server',
  steps: [
    'When a Group Policy sets it, the script says which and changes nothing: change the policy instead.',
  ],
});

export const FIX_ENABLE_RDP_FIREWALL_RULES = scripted('enable-rdp-firewall-rules', {
  title: 'Enable the built-in Remote Desktop firewall rules',
  risk: 'low',
  where: 'server',
  steps: ['Saves which rules were enabled before; the undo command disables only the ones it enabled.'],
});

export const FIX_ALLOW_LISTENER_PORT = scripted('allow-listener-port', {
  title: "Allow the listener's port through Windows Firewall",
  risk: 'low',
  where: 'server',
  steps: ['Adds one inbound rule for the port RDP-Tcp listens on (PortNumber); the undo command removes it.'],
});

export const FIX_START_RDP_SERVICES = scripted('start-rdp-services', {
  title: 'Start Remote Desktop Services (TermService)',
  risk: 'low',
  where: 'server',
  steps: [
    'Sets a Disabled start type back to Manual (the default) and starts the service; the old start type is saved.',
  ],
});

export const FIX_RESTORE_CIPHER_SUITE_ORDER = scripted('restore-cipher-suite-order', {
  title: 'Remove the restrictive cipher-suite order policy (back to the Windows defaults)',
  risk: 'medium',
  where: 'server',
  steps: [
    'Backs up the policy key first; a Group Policy that sets the order will write it again: change it there.',
  ],
});

export const FIX_GRANT_REMOTE_LOGON_RIGHT = scripted('grant-remote-logon-right', {
  title: "Grant 'Allow log on through Remote Desktop Services' to Administrators and Remote Desktop Users",
  risk: 'medium',
  where: 'server',
  steps: [
    'Exports the current user-rights policy (secedit /export) first; a domain Group Policy overrides the local one.',
  ],
});

export const FIX_REQUIRE_NLA = scripted('require-nla', {
  title: 'Require Network Level Authentication and TLS on the listener',
  risk: 'low',
  where: 'server',
  steps: ['Backs up RDP-Tcp first; clients that cannot do NLA (very old ones) can no longer connect.'],
});

export const FIX_RESET_CREDSSP_ORACLE = scripted('reset-credssp-oracle', {
  title: 'Remove the CredSSP AllowEncryptionOracle override (back to the secure default)',
  risk: 'low',
  where: 'client',
  steps: ['Update both machines first; the script backs up the CredSSP key before removing the value.'],
});

export const FIX_REFRESH_CLOUD_SIGN_IN = scripted('refresh-cloud-sign-in', {
  title: 'Refresh the cloud (Entra ID) sign-in token on the client',
  risk: 'low',
  where: 'client',
  steps: ['Asks Windows for a new Primary Refresh Token; sign out and in again when it stays stale.'],
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

/** The Azure Run Command form of a shipped server fix. */
export function onAzure(fix: Fix): Fix {
  return azureVariant(fix);
}
