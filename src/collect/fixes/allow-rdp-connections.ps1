<#
.SYNOPSIS
Allows Remote Desktop connections: fDenyTSConnections = 0 under Terminal Server.
.DESCRIPTION
When the Group Policy value (SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services) is set it
wins over the local one: the script then says so and changes nothing, because the policy would
write it back ("Allow users to connect remotely by using Remote Desktop Services"). Otherwise it
backs up the Terminal Server key (reg export) and sets the local value to 0. Supports -WhatIf;
prints the commands that undo the change. The firewall is a separate fix.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$policyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$localKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'

$byPolicy = Get-RegistryValue -Path $policyKey -Name 'fDenyTSConnections'
if ($null -ne $byPolicy) {
    if ([int64]$byPolicy -eq 0) {
        Write-Output "Remote Desktop connections are already allowed, by Group Policy ($policyKey fDenyTSConnections=0)."
    }
    else {
        Write-Output "Group Policy denies Remote Desktop connections ($policyKey fDenyTSConnections=$byPolicy): it would undo a local change, so nothing was changed."
        Write-Output "Change the policy instead: Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Connections > 'Allow users to connect remotely by using Remote Desktop Services' (gpresult /h shows which GPO sets it)."
    }
    return
}

$current = Get-RegistryValue -Path $localKey -Name 'fDenyTSConnections'
if ($null -ne $current -and [int64]$current -eq 0) {
    Write-Output 'Remote Desktop connections are already allowed (fDenyTSConnections=0): nothing to change.'
    return
}

if ($PSCmdlet.ShouldProcess("$localKey fDenyTSConnections", 'Set to 0 (allow Remote Desktop connections)')) {
    $backupFile = Join-Path $BackupDirectory 'terminal-server.reg'
    Export-RegistryKey -Path $localKey -File $backupFile
    New-ItemProperty -Path $localKey -Name 'fDenyTSConnections' -Value 0 -PropertyType DWord -Force | Out-Null
    Write-Output 'Remote Desktop connections allowed: fDenyTSConnections=0 (takes effect at once).'
    Write-Output "Undo: reg import $(ConvertTo-Quoted $backupFile)"
    # reg import cannot delete a value the backup did not have.
    if ($null -eq $current) { Write-Output "Undo: Remove-ItemProperty -Path $(ConvertTo-Quoted $localKey) -Name 'fDenyTSConnections'" }
}
