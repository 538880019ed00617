<#
.SYNOPSIS
Enables the built-in inbound "Remote Desktop" firewall rules.
.DESCRIPTION
Finds the rules by their locale-independent group '@FirewallAPI.dll,-28752' (the display name
"Remote Desktop" is translated on non-English Windows), saves every rule's enabled state as JSON
before changing anything, and enables the inbound ones that are off. Rules a Group Policy
delivers cannot be changed locally: the script names them and leaves them alone. Supports
-WhatIf; the undo command disables only the rules this script enabled.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

function Get-PropertyText {
    param([object]$Object, [string]$Name)
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property -or $null -eq $property.Value) { return '' }
    [string]$property.Value
}

$group = '@FirewallAPI.dll,-28752'
$rules = @(Get-NetFirewallRule -Group $group -ErrorAction SilentlyContinue | Where-Object { [string]$_.Direction -eq 'Inbound' })
if ($rules.Count -eq 0) {
    Write-Output "This machine has no inbound rules in the Remote Desktop group ($group). Use allow-listener-port to add a rule for the listener's port."
    return
}

$off = @($rules | Where-Object { [string]$_.Enabled -ne 'True' })
if ($off.Count -eq 0) {
    Write-Output "The Remote Desktop firewall rules are already enabled ($(@($rules | ForEach-Object { $_.Name }) -join ', ')): nothing to change."
    return
}

$byPolicy = @($off | Where-Object { (Get-PropertyText $_ 'PolicyStoreSourceType') -eq 'GroupPolicy' })
foreach ($rule in $byPolicy) {
    Write-Output "Rule $($rule.Name) comes from Group Policy: enable it in the policy (a local change would be undone)."
}
$toEnable = @($off | Where-Object { (Get-PropertyText $_ 'PolicyStoreSourceType') -ne 'GroupPolicy' })
if ($toEnable.Count -eq 0) { return }

$enabled = @()
$backupFile = Join-Path $BackupDirectory 'remote-desktop-firewall-rules.json'
foreach ($rule in $toEnable) {
    if (-not $PSCmdlet.ShouldProcess("firewall rule $($rule.Name) ($($rule.DisplayName))", 'Enable')) { continue }
    if ($enabled.Count -eq 0) {
        $before = @($rules | ForEach-Object {
                [ordered]@{ name = [string]$_.Name; displayName = [string]$_.DisplayName; enabled = ([string]$_.Enabled -eq 'True'); profile = (Get-PropertyText $_ 'Profile') }
            })
        Save-JsonBackup -File $backupFile -Data ([ordered]@{ group = $group; rules = $before })
        Write-Output "Saved the rules' state to $backupFile"
    }
    Enable-NetFirewallRule -Name $rule.Name
    $enabled += [string]$rule.Name
    Write-Output "Enabled firewall rule $($rule.Name) ($($rule.DisplayName))."
}
if ($enabled.Count -gt 0) {
    Write-Output "Undo: Disable-NetFirewallRule -Name $(@($enabled | ForEach-Object { ConvertTo-Quoted $_ }) -join ', ')"
}
