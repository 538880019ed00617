<#
.SYNOPSIS
Removes the cipher-suite order policy (SSL Cipher Suite Order), so Schannel uses Windows' default order.
.DESCRIPTION
The policy value Functions under SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
replaces Windows' list of TLS cipher suites; a list without the suites the clients offer makes
the TLS handshake fail before RDP starts. This removes that value (and EccCurves with it when
-IncludeEccCurves is given), after backing up the key (reg export). A domain Group Policy that
sets the order writes it again at the next refresh: change it there (Computer Configuration >
Administrative Templates > Network > SSL Configuration Settings). The local order
(Enable-/Disable-TlsCipherSuite) is not touched. Reboot to apply. Supports -WhatIf; prints the
undo command.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [switch]$IncludeEccCurves,
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$key = 'HKLM:\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
$names = @('Functions')
if ($IncludeEccCurves) { $names += 'EccCurves' }

$present = @()
foreach ($name in $names) {
    $value = Get-RegistryValue -Path $key -Name $name
    if ($null -ne $value) {
        $present += $name
        Write-Output "The policy sets ${name}: $((@($value) -join ',') -replace '\s+', '')"
    }
}
if ($present.Count -eq 0) {
    Write-Output "No cipher-suite order policy is set ($key): Schannel already uses Windows' default order. Nothing to change."
    return
}

$backupFile = Join-Path $BackupDirectory 'ssl-00010002-policy.reg'
$backedUp = $false
foreach ($name in $present) {
    if (-not $PSCmdlet.ShouldProcess("$key $name", 'Remove the policy value')) { continue }
    if (-not $backedUp) {
        Export-RegistryKey -Path $key -File $backupFile
        $backedUp = $true
    }
    Remove-ItemProperty -Path $key -Name $name
    Write-Output "Removed ${name}: Windows' default order applies after a reboot. A domain Group Policy that sets it writes it again: change the policy there."
}
if ($backedUp) { Write-Output "Undo: reg import $(ConvertTo-Quoted $backupFile)" }
