<#
.SYNOPSIS
Enables TLS 1.2 in Schannel where a registry switch turns it off.
.DESCRIPTION
Reads SCHANNEL\Protocols\TLS 1.2\Server and \Client. A side counts as off when Enabled is 0 or
DisabledByDefault is 1; an absent key or value means the Windows default (TLS 1.2 on, since
Windows 8.1 / Server 2012 R2). For each side that is off it backs up the TLS 1.2 key (reg export)
first, then sets Enabled=1 and DisabledByDefault=0. Schannel reads these at boot: reboot to apply.
Supports -WhatIf; prints the commands that undo the change.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Server: what the RDP listener offers. Client: what this machine's mstsc offers.
    [ValidateSet('Server', 'Client', 'Both')]
    [string]$Side = 'Both',
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$protocolKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
$sides = @('Server', 'Client')
if ($Side -ne 'Both') { $sides = @($Side) }

$offSides = @()
foreach ($sideName in $sides) {
    $key = "$protocolKey\$sideName"
    $enabled = Get-RegistryValue -Path $key -Name 'Enabled'
    $disabledByDefault = Get-RegistryValue -Path $key -Name 'DisabledByDefault'
    $off = ($null -ne $enabled -and [int64]$enabled -eq 0) -or ($null -ne $disabledByDefault -and [int64]$disabledByDefault -ne 0)
    if ($off) {
        $offSides += [pscustomobject]@{
            Side                     = $sideName
            Key                      = $key
            EnabledExisted           = ($null -ne $enabled)
            DisabledByDefaultExisted = ($null -ne $disabledByDefault)
        }
    }
    else {
        Write-Output "TLS 1.2 ($sideName) is already enabled: nothing to change."
    }
}
if ($offSides.Count -eq 0) { return }

$backupFile = Join-Path $BackupDirectory 'schannel-tls12.reg'
$undo = @()
foreach ($entry in $offSides) {
    if (-not $PSCmdlet.ShouldProcess($entry.Key, 'Set Enabled=1 and DisabledByDefault=0')) { continue }
    if ($undo.Count -eq 0) {
        Export-RegistryKey -Path $protocolKey -File $backupFile
        $undo += "reg import $(ConvertTo-Quoted $backupFile)"
    }
    New-ItemProperty -Path $entry.Key -Name 'Enabled' -Value 1 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -Path $entry.Key -Name 'DisabledByDefault' -Value 0 -PropertyType DWord -Force | Out-Null
    Write-Output "TLS 1.2 ($($entry.Side)) enabled: Enabled=1, DisabledByDefault=0."
    # reg import restores values that existed; the ones this script created are removed instead.
    if (-not $entry.EnabledExisted) { $undo += "Remove-ItemProperty -Path $(ConvertTo-Quoted $entry.Key) -Name 'Enabled'" }
    if (-not $entry.DisabledByDefaultExisted) { $undo += "Remove-ItemProperty -Path $(ConvertTo-Quoted $entry.Key) -Name 'DisabledByDefault'" }
}
if ($undo.Count -gt 0) {
    Write-Output 'Schannel reads these settings at boot: restart the computer to apply them.'
    foreach ($line in $undo) { Write-Output "Undo: $line" }
}
