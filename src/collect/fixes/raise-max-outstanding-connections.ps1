<#
.SYNOPSIS
Raises MaxOutstandingConnections (Terminal Server), the number of connections still logging on.
.DESCRIPTION
When the limit is reached Windows refuses new connections until attempts time out. The usual reason is a flood of
password-guessing attempts from the Internet: restrict who can reach the RDP port (firewall,
VPN, Azure Bastion / just-in-time access) first, or the higher limit only lets more of them in.
Only raises: a value already at or above -Value, or no value at all (the Windows default), is
left alone. Backs up the Terminal Server key (reg export) first. Supports -WhatIf; prints the
undo command. Remote Desktop Services reads the value when it starts.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [ValidateRange(1, 1000000)]
    [int]$Value = 3000,
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$key = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
Write-Output 'Note: a flood of connection attempts (password guessing from the Internet) is the usual reason this limit is reached. Restrict who can reach the RDP port first (firewall source addresses, VPN, Azure Bastion or just-in-time access).'

$current = Get-RegistryValue -Path $key -Name 'MaxOutstandingConnections'
if ($null -eq $current) {
    Write-Output 'MaxOutstandingConnections is not set: Windows uses its default. Nothing to raise.'
    return
}
if ([int64]$current -ge $Value) {
    Write-Output "MaxOutstandingConnections is already $current (at least $Value): nothing to change."
    return
}

if ($PSCmdlet.ShouldProcess("$key MaxOutstandingConnections", "Raise from $current to $Value")) {
    $backupFile = Join-Path $BackupDirectory 'terminal-server.reg'
    Export-RegistryKey -Path $key -File $backupFile
    New-ItemProperty -Path $key -Name 'MaxOutstandingConnections' -Value $Value -PropertyType DWord -Force | Out-Null
    Write-Output "MaxOutstandingConnections raised from $current to $Value. It applies when Remote Desktop Services (TermService) next starts: restart it when no one is connected, or reboot."
    Write-Output "Undo: reg import $(ConvertTo-Quoted $backupFile)"
}
