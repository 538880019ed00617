<#
.SYNOPSIS
Removes the CredSSP AllowEncryptionOracle=2 ("Vulnerable") override, back to the secure default.
.DESCRIPTION
AllowEncryptionOracle under ...\Policies\System\CredSSP\Parameters: 0 Force Updated Clients,
1 Mitigated (the default since the May 2018 updates), 2 Vulnerable. Value 2 lets this machine
talk CredSSP to unpatched peers (CVE-2018-0886). Update both machines first: with the override
gone, an unpatched peer fails with "CredSSP encryption oracle remediation". When the policy key
(SOFTWARE\Policies\Microsoft\Windows\CredentialsDelegation) sets it, the script reports that and
changes nothing. Backs up the Parameters key (reg export) before removing the value. Supports
-WhatIf; prints the undo command.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$policyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\CredentialsDelegation'
$key = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters'
$vulnerable = 2

$byPolicy = Get-RegistryValue -Path $policyKey -Name 'AllowEncryptionOracle'
if ($null -ne $byPolicy) {
    if ([int64]$byPolicy -eq $vulnerable) {
        Write-Output "Group Policy sets AllowEncryptionOracle=$byPolicy ($policyKey): it would undo a local change, so nothing was changed. Change 'Encryption Oracle Remediation' (System > Credentials Delegation) in the policy instead."
    }
    else {
        Write-Output "AllowEncryptionOracle is already $byPolicy by Group Policy (not Vulnerable): nothing to change."
    }
    return
}

$current = Get-RegistryValue -Path $key -Name 'AllowEncryptionOracle'
if ($null -eq $current -or [int64]$current -ne $vulnerable) {
    $shown = $current
    if ($null -eq $shown) { $shown = 'not set (the default, Mitigated)' }
    Write-Output "AllowEncryptionOracle is already $shown, not Vulnerable: nothing to change."
    return
}

if ($PSCmdlet.ShouldProcess("$key AllowEncryptionOracle", 'Remove the Vulnerable (2) override')) {
    $backupFile = Join-Path $BackupDirectory 'credssp-parameters.reg'
    Export-RegistryKey -Path $key -File $backupFile
    Remove-ItemProperty -Path $key -Name 'AllowEncryptionOracle'
    Write-Output 'AllowEncryptionOracle removed: CredSSP uses the secure default (Mitigated) for new connections. If a Group Policy (Encryption Oracle Remediation) set it, it returns at the next policy refresh: change it there.'
    Write-Output "Undo: reg import $(ConvertTo-Quoted $backupFile)"
}
