<#
.SYNOPSIS
Starts Remote Desktop Services (TermService) and its companions, setting a Disabled start type back to Manual.
.DESCRIPTION
TermService takes the connections; Remote Desktop Configuration (SessionEnv) manages its
certificate and UserMode Port Redirector (UmRdpService) the sessions' device redirection. Manual
is Windows' default start type for all three. The script saves their status and start type as
JSON first, then changes only what is off. Supports -WhatIf; prints the commands that put back the old
start type and status.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # In start order: UmRdpService depends on TermService.
    [string[]]$Name = @('TermService', 'SessionEnv', 'UmRdpService'),
    [ValidateSet('Manual', 'Automatic')]
    [string]$StartupType = 'Manual',
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

$services = @()
foreach ($serviceName in $Name) {
    $service = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
    if ($null -eq $service) {
        Write-Output "Service $serviceName does not exist on this machine: skipped."
        continue
    }
    $services += [pscustomobject]@{ Name = [string]$service.Name; Status = [string]$service.Status; StartType = [string]$service.StartType }
}
$off = @($services | Where-Object { $_.Status -ne 'Running' -or $_.StartType -eq 'Disabled' })
foreach ($service in @($services | Where-Object { $off -notcontains $_ })) {
    Write-Output "$($service.Name) is already running (start type $($service.StartType)): nothing to change."
}
if ($off.Count -eq 0) { return }

$backupFile = Join-Path $BackupDirectory 'rdp-services.json'
$backedUp = $false
$undo = @()
foreach ($service in $off) {
    if (-not $PSCmdlet.ShouldProcess("service $($service.Name) (status $($service.Status), start type $($service.StartType))", "Start it (start type $StartupType when Disabled)")) { continue }
    if (-not $backedUp) {
        $before = @($services | ForEach-Object { [ordered]@{ name = $_.Name; status = $_.Status; startType = $_.StartType } })
        Save-JsonBackup -File $backupFile -Data $before
        Write-Output "Saved the services' state to $backupFile"
        $backedUp = $true
    }
    if ($service.StartType -eq 'Disabled') {
        Set-Service -Name $service.Name -StartupType $StartupType
        Write-Output "$($service.Name): start type Disabled -> $StartupType."
        $undo += "Set-Service -Name $(ConvertTo-Quoted $service.Name) -StartupType Disabled"
    }
    if ($service.Status -ne 'Running') {
        Start-Service -Name $service.Name
        Write-Output "$($service.Name) started."
        # Stopping first, then the start type: the order that puts back the state before.
        $undo = @("Stop-Service -Name $(ConvertTo-Quoted $service.Name) -Force") + $undo
    }
}
foreach ($line in $undo) { Write-Output "Undo: $line" }
