<#
.SYNOPSIS
Refreshes the cloud (Microsoft Entra ID) sign-in token, the Primary Refresh Token, on the client.
.DESCRIPTION
Remote Desktop to Entra-joined machines and Azure Virtual Desktop sign in with the PRT that Web
Account Manager holds. A PRT that is missing, expired or not renewed for hours (Windows renews it
every 4 hours while in use) makes those sign-ins fail. The script reads dsregcmd /status and,
when the token is stale, asks Windows for a new one (dsregcmd /refreshprt). Run it as the user
who connects, in that user's session, not as another administrator: the PRT is per user. It
changes no setting, so there is nothing to back up or undo. Supports -WhatIf.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [ValidateRange(1, 720)]
    [int]$MaxAgeHours = 4
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Get-DsregStatus {
    $status = @{}
    foreach ($line in @(& dsregcmd /status)) {
        if ([string]$line -match '^\s*([A-Za-z][A-Za-z0-9]*)\s*:\s*(.*?)\s*$') { $status[$Matches[1]] = $Matches[2] }
    }
    $status
}

# dsregcmd prints "2024-05-01 10:00:00.000 UTC".
function ConvertFrom-DsregTime {
    param([string]$Text)
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AdjustToUniversal
    $parsed = [datetime]::MinValue
    $clean = ($Text -replace '\s*UTC\s*$', '').Trim()
    if ([datetime]::TryParseExact($clean, [string[]]@('yyyy-MM-dd HH:mm:ss.fff', 'yyyy-MM-dd HH:mm:ss'), [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) { return $parsed }
    $null
}

function Get-Staleness {
    param([hashtable]$Status)
    if (-not $Status.ContainsKey('AzureAdPrt') -or $Status['AzureAdPrt'] -ne 'YES') { return 'there is no Primary Refresh Token (AzureAdPrt is not YES)' }
    $now = (Get-Date).ToUniversalTime()
    if ($Status.ContainsKey('AzureAdPrtExpiryTime')) {
        $expiry = ConvertFrom-DsregTime $Status['AzureAdPrtExpiryTime']
        if ($null -ne $expiry -and $expiry -lt $now) { return "the token expired at $($Status['AzureAdPrtExpiryTime'])" }
    }
    if ($Status.ContainsKey('AzureAdPrtUpdateTime')) {
        $updated = ConvertFrom-DsregTime $Status['AzureAdPrtUpdateTime']
        if ($null -ne $updated -and ($now - $updated).TotalHours -gt $MaxAgeHours) { return "the token was last renewed at $($Status['AzureAdPrtUpdateTime']), more than $MaxAgeHours hours ago" }
    }
    $null
}

$status = Get-DsregStatus
$joined = ($status.ContainsKey('AzureAdJoined') -and $status['AzureAdJoined'] -eq 'YES') -or ($status.ContainsKey('WorkplaceJoined') -and $status['WorkplaceJoined'] -eq 'YES')
if (-not $joined) {
    Write-Output 'This machine is neither Entra joined nor registered (dsregcmd /status): there is no cloud sign-in token to refresh.'
    return
}
$stale = Get-Staleness $status
if ($null -eq $stale) {
    Write-Output "The cloud sign-in token is already fresh (renewed $($status['AzureAdPrtUpdateTime'])): nothing to change."
    return
}
Write-Output "The cloud sign-in token is stale: $stale."

if ($PSCmdlet.ShouldProcess("Primary Refresh Token of $env:USERNAME", 'Ask Windows for a new one (dsregcmd /refreshprt)')) {
    & dsregcmd /refreshprt | Out-Null
    $after = Get-Staleness (Get-DsregStatus)
    if ($null -eq $after) {
        Write-Output 'A new token was issued.'
    }
    else {
        Write-Output "Still stale ($after): lock and unlock the session, or sign out and in again, with a network path to login.microsoftonline.com."
    }
    Write-Output 'Nothing to undo: a new token replaces the old one and no setting changed.'
}
