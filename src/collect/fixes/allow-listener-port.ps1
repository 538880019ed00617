<#
.SYNOPSIS
Allows the RDP listener's TCP port through Windows Firewall.
.DESCRIPTION
The port defaults to what RDP-Tcp listens on (WinStations\RDP-Tcp PortNumber, 3389 when unset):
the built-in Remote Desktop rules allow 3389 only, so a changed port needs its own rule. When an
enabled inbound Allow rule already covers the port, nothing changes. Otherwise the script records
the state before (JSON) and adds one inbound rule named rdp-doctor-RDP-TCP-<port> (or enables it
when an earlier run left it disabled). -RemoteAddress limits who may connect: an RDP port open to
the whole Internet attracts password guessing. Supports -WhatIf; prints the undo command.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [ValidateRange(1, 65535)]
    [int]$Port,
    # Addresses or ranges allowed to connect ('10.0.0.0/8', '203.0.113.7'); Any when not given.
    [string[]]$RemoteAddress = @('Any'),
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

# LocalPort entries are 'Any', a number or a range ('5000-5010').
function Test-PortListed {
    param([object[]]$LocalPort, [int]$Number)
    foreach ($entry in @($LocalPort)) {
        $text = ([string]$entry).Trim()
        if ($text -eq 'Any') { return $true }
        if ($text -match '^(\d+)-(\d+)$') {
            if ($Number -ge [int]$Matches[1] -and $Number -le [int]$Matches[2]) { return $true }
        }
        elseif ($text -match '^\d+$' -and [int]$text -eq $Number) { return $true }
    }
    $false
}

# The built-in "Remote Desktop - Shadow (TCP-In)" rule has LocalPort Any but admits RdpSa.exe
# only, so a rule of the Remote Desktop group counts only for the ports it names.
function Test-RuleCoversPort {
    param([object]$Rule, [int]$Number)
    $remoteDesktopGroup = [string]$Rule.Group -eq '@FirewallAPI.dll,-28752'
    foreach ($filter in @(Get-NetFirewallPortFilter -AssociatedNetFirewallRule $Rule)) {
        if (@('TCP', 'Any', '6') -notcontains [string]$filter.Protocol) { continue }
        if ($remoteDesktopGroup -and @($filter.LocalPort) -contains 'Any') { continue }
        if (Test-PortListed -LocalPort $filter.LocalPort -Number $Number) { return $true }
    }
    $false
}

if (-not $PSBoundParameters.ContainsKey('Port')) {
    $Port = 3389
    $configured = Get-RegistryValue -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -Name 'PortNumber'
    if ($null -ne $configured) { $Port = [int]$configured }
    Write-Output "The RDP-Tcp listener's port is $Port (PortNumber)."
}

$inbound = @(Get-NetFirewallRule -Direction Inbound -ErrorAction SilentlyContinue | Where-Object { [string]$_.Enabled -eq 'True' })
$allowing = @($inbound | Where-Object { [string]$_.Action -eq 'Allow' -and (Test-RuleCoversPort -Rule $_ -Number $Port) })
$blocking = @($inbound | Where-Object { [string]$_.Action -eq 'Block' -and (Test-RuleCoversPort -Rule $_ -Number $Port) })
foreach ($rule in $blocking) {
    Write-Output "Warning: the enabled Block rule $($rule.Name) ($($rule.DisplayName)) covers TCP $Port and wins over any Allow rule: review it."
}
if ($allowing.Count -gt 0) {
    Write-Output "TCP $Port is already allowed inbound by $(@($allowing | ForEach-Object { $_.Name }) -join ', '): nothing to change."
    return
}

$ruleName = "rdp-doctor-RDP-TCP-$Port"
$existing = @(Get-NetFirewallRule -Name $ruleName -ErrorAction SilentlyContinue)
if (@($RemoteAddress) -contains 'Any') {
    Write-Output 'Note: the rule admits any source address. Pass -RemoteAddress with your clients'' addresses when the server is reachable from the Internet.'
}
if ($PSCmdlet.ShouldProcess("Windows Firewall, inbound TCP $Port", "Allow with rule $ruleName")) {
    $backupFile = Join-Path $BackupDirectory 'listener-port-rule.json'
    $before = [ordered]@{ port = $Port; rule = $ruleName; existed = ($existing.Count -gt 0); enabled = $false }
    if ($existing.Count -gt 0) { $before.enabled = ([string]$existing[0].Enabled -eq 'True') }
    Save-JsonBackup -File $backupFile -Data $before
    Write-Output "Saved the state before to $backupFile"
    if ($existing.Count -gt 0) {
        Enable-NetFirewallRule -Name $ruleName
        Write-Output "Enabled the existing rule $ruleName."
        Write-Output "Undo: Disable-NetFirewallRule -Name $(ConvertTo-Quoted $ruleName)"
    }
    else {
        New-NetFirewallRule -Name $ruleName -DisplayName "Remote Desktop TCP $Port (rdp-doctor)" -Direction Inbound -Protocol TCP -LocalPort $Port -RemoteAddress $RemoteAddress -Action Allow -Profile Any | Out-Null
        Write-Output "Added inbound rule $ruleName allowing TCP $Port from $(@($RemoteAddress) -join ', ')."
        Write-Output "Undo: Remove-NetFirewallRule -Name $(ConvertTo-Quoted $ruleName)"
    }
}
