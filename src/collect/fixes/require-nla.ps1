<#
.SYNOPSIS
Requires Network Level Authentication on the RDP-Tcp listener, and TLS instead of Standard RDP Security.
.DESCRIPTION
Sets WinStations\RDP-Tcp UserAuthentication=1 when it is 0, and SecurityLayer=2 (TLS) when it is
0 (Standard RDP Security only); SecurityLayer 1 (Negotiate) and 2 are left alone. A value the
Group Policy key (SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services) sets wins over the
local one: the script reports it and does not touch that value (the policy would undo it).
Backs up RDP-Tcp (reg export) first. Supports -WhatIf; prints the undo commands. Clients that
cannot do NLA (very old ones) can no longer connect.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$policyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$listenerKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
# Name, the value wanted, and the lowest value that is already good enough.
$wanted = @(
    [pscustomobject]@{ Name = 'UserAuthentication'; Value = 1; Minimum = 1; Meaning = 'Network Level Authentication required' },
    [pscustomobject]@{ Name = 'SecurityLayer'; Value = 2; Minimum = 1; Meaning = 'TLS (not Standard RDP Security)' }
)

$changes = @()
foreach ($setting in $wanted) {
    $byPolicy = Get-RegistryValue -Path $policyKey -Name $setting.Name
    if ($null -ne $byPolicy) {
        if ([int64]$byPolicy -ge $setting.Minimum) {
            Write-Output "$($setting.Name) is already $byPolicy, by Group Policy ($($setting.Meaning))."
        }
        else {
            Write-Output "Group Policy sets $($setting.Name)=$byPolicy ($policyKey): it would undo a local change, so it is left alone. Change the policy (Remote Desktop Session Host > Security) instead."
        }
        continue
    }
    $current = Get-RegistryValue -Path $listenerKey -Name $setting.Name
    # Absent: the Windows default (NLA on, Negotiate) already holds.
    if ($null -eq $current -or [int64]$current -ge $setting.Minimum) {
        $shown = $current
        if ($null -eq $shown) { $shown = 'not set (the default)' }
        Write-Output "$($setting.Name) is already $shown ($($setting.Meaning)): nothing to change."
        continue
    }
    $changes += [pscustomobject]@{ Name = $setting.Name; From = $current; To = $setting.Value; Meaning = $setting.Meaning }
}
if ($changes.Count -eq 0) { return }

$backupFile = Join-Path $BackupDirectory 'rdp-tcp.reg'
$backedUp = $false
foreach ($change in $changes) {
    if (-not $PSCmdlet.ShouldProcess("$listenerKey $($change.Name)", "Set from $($change.From) to $($change.To)")) { continue }
    if (-not $backedUp) {
        Export-RegistryKey -Path $listenerKey -File $backupFile
        $backedUp = $true
    }
    New-ItemProperty -Path $listenerKey -Name $change.Name -Value $change.To -PropertyType DWord -Force | Out-Null
    Write-Output "$($change.Name) set from $($change.From) to $($change.To): $($change.Meaning). New connections use it."
}
if ($backedUp) { Write-Output "Undo: reg import $(ConvertTo-Quoted $backupFile)" }
