<#
.SYNOPSIS
    rdp-doctor's client collector: reads the Remote Desktop client state of this machine into one
    JSON document (schema rdp-doctor/collect, version 1) for `rdp-doctor analyze`.
.DESCRIPTION
    Read-only: it changes no setting and collects no secret (no saved credential, no token; of the
    servers this user connected to, only their names). Each check runs on its own; one that cannot
    run is listed in `skipped` with the reason. Runs on Windows PowerShell 5.1 and PowerShell 7.
    docs/collect.md describes every field. Run it as the user who sees the error: HKCU and the
    cloud sign-in state (dsregcmd) are that user's.
.PARAMETER OutFile
    Where to write the JSON (UTF-8 without BOM). Default:
    rdp-doctor-client-<computer>-<yyyyMMddHHmmss>.json in the current directory.
.PARAMETER Compact
    Print a one-line JSON summary (under 4,096 bytes) instead of the file names.
.PARAMETER EventDays
    How many days of the RDPClient/Operational log to read (default 7).
.PARAMETER ExportEvents
    Also export the event logs of the last EventDays days (wevtutil epl) into a zip beside the
    JSON, with the JSON inside it.
.EXAMPLE
    .\collect-client.ps1
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [string]$OutFile,
    [switch]$Compact,
    [ValidateRange(1, 365)][int]$EventDays = 7,
    [switch]$ExportEvents
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$CollectorVersion = 'dev'
$Role = 'client'
$SummaryLimitBytes = 3900
$MaxEventsPerLog = 1000
$started = Get-Date
$skipped = New-Object System.Collections.ArrayList
$registry = New-Object System.Collections.ArrayList

# --- helpers -------------------------------------------------------------------------------------
#include common/collector-helpers.ps1

# --- computer and elevation ----------------------------------------------------------------------

$elevated = Test-Elevated
$computer = Read-ComputerIdentity $elevated

# --- registry ------------------------------------------------------------------------------------

$ProtocolsKey = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$KnownProtocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3')
$UserClientKey = 'HKEY_CURRENT_USER\Software\Microsoft\Terminal Server Client'

$credSsp = Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters'
$delegation = Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CredentialsDelegation'
Add-ProtocolKeys $ProtocolsKey $KnownProtocols
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002')
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002')
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\Client')
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Terminal Server Client')
[void](Add-RegistryKey $UserClientKey)
[void](Add-RegistryKey "$UserClientKey\Default")
# Servers\<name> holds UsernameHint and CertHash: only the names are kept (values left out on purpose).
try {
    $serversKey = "$UserClientKey\Servers"
    $serverNames = @(Get-RegistrySubKeyNames $serversKey)
    $serversRecord = Read-RegistryKey $serversKey
    [void]$registry.Add([ordered]@{ key = $serversKey; exists = $serversRecord.exists; values = @() })
    foreach ($name in $serverNames) { [void]$registry.Add([ordered]@{ key = "$serversKey\$name"; exists = $true; values = @() }) }
} catch {
    Add-Skipped 'registry' 'error' "$UserClientKey\Servers: $($_.Exception.Message)"
}

# --- cloud sign-in, client apps, events ----------------------------------------------------------

# dsregcmd /status prints "Name : Value" lines under boxed section titles; the first of a name wins.
$dsregStatus = Invoke-Check -Name 'dsregStatus' -Commands @('dsregcmd') -Body {
    $run = Invoke-Native 'dsregcmd' @('/status')
    if ($run.ExitCode -ne 0) { throw "dsregcmd /status failed (exit $($run.ExitCode)): $(($run.Output | Select-Object -First 3) -join ' ')" }
    $lines = $run.Output
    $status = [ordered]@{}
    foreach ($line in $lines) {
        if ($line -match '^\s*([A-Za-z][A-Za-z0-9 \-]*?)\s+:\s?(.*)$') {
            $name = $Matches[1].Trim()
            if (-not $status.Contains($name)) { $status[$name] = $Matches[2].Trim() }
        }
    }
    $status
}

function Get-FileVersionApp {
    param([string]$Name, [string]$Path)
    try {
        $file = Get-Item -LiteralPath $Path -ErrorAction Stop
    } catch [System.Management.Automation.ItemNotFoundException] {
        return $null
    }
    $version = [string]$file.VersionInfo.ProductVersion
    if (-not $version) { $version = [string]$file.VersionInfo.FileVersion }
    [ordered]@{ name = $Name; version = $version; path = $Path }
}

$clientApps = Invoke-Check -Name 'clientApps' -Body {
    $apps = New-Object System.Collections.ArrayList
    $systemRoot = $env:SystemRoot
    if (-not $systemRoot) { $systemRoot = 'C:\Windows' }
    $candidates = @(, @('mstsc', "$systemRoot\System32\mstsc.exe"))
    if ($env:ProgramFiles) { $candidates += , @('msrdc', "$env:ProgramFiles\Remote Desktop\msrdc.exe") }
    if ($env:LOCALAPPDATA) { $candidates += , @('msrdc', "$env:LOCALAPPDATA\Apps\Remote Desktop\msrdc.exe") }
    foreach ($candidate in $candidates) {
        $app = Get-FileVersionApp $candidate[0] $candidate[1]
        if ($null -ne $app) { [void]$apps.Add($app) }
    }
    # Windows App (the Store app that replaced the Remote Desktop app).
    if (Test-CommandPresent 'Get-AppxPackage') {
        foreach ($package in @(Get-AppxPackage -Name 'MicrosoftCorporationII.Windows365' -ErrorAction SilentlyContinue)) {
            [void]$apps.Add([ordered]@{ name = 'windows-app'; version = [string]$package.Version; path = [string]$package.InstallLocation })
        }
    } else {
        Add-Skipped 'clientApps.windows-app' 'cmdlet-missing' 'Get-AppxPackage is not available on this system'
    }
    , $apps.ToArray()
}

$ClientLog = 'Microsoft-Windows-TerminalServices-RDPClient/Operational'
$events = Invoke-Check -Name 'events' -Commands @('Get-WinEvent') -Body {
    $query = @{ LogName = $ClientLog; StartTime = (Get-Date).AddDays(-$EventDays) }
    try {
        , @(Get-WinEvent -FilterHashtable $query -MaxEvents $MaxEventsPerLog -ErrorAction Stop | ForEach-Object { ConvertTo-CollectedEvent $_ })
    } catch {
        # "No events were found" is an answer (no connection attempts in that time), not a failure.
        if ($_.FullyQualifiedErrorId -match 'NoMatchingEventsFound') { , @() } else { throw }
    }
}

# --- the document --------------------------------------------------------------------------------

$OutFile = Resolve-OutFile $OutFile $computer.name

$exported = $null
if ($ExportEvents) { $exported = Export-EventLogs @($ClientLog) $EventDays }

$document = New-CollectDocument ([ordered]@{
        dsregStatus = $dsregStatus
        clientApps  = $clientApps
    }) $events $exported
$zipFile = Write-CollectedFiles $document $OutFile $exported

# --- output --------------------------------------------------------------------------------------

if (-not $Compact) {
    Write-CollectedNames $zipFile $exported
    return
}

$parts = New-Object System.Collections.ArrayList
[void]$parts.Add(@('credssp', [ordered]@{
            AllowEncryptionOracle = Get-RegistryValueOf $credSsp 'AllowEncryptionOracle'
            RestrictedRemoteAdministration = Get-RegistryValueOf $delegation 'RestrictedRemoteAdministration'
        }))
if ($null -ne $dsregStatus) {
    $sso = [ordered]@{}
    foreach ($name in @('AzureAdJoined', 'DomainJoined', 'WorkplaceJoined', 'AzureAdPrt', 'AzureAdPrtUpdateTime', 'AzureAdPrtExpiryTime', 'WamDefaultSet')) {
        if ($dsregStatus.Contains($name)) { $sso[$name] = $dsregStatus[$name] }
    }
    [void]$parts.Add(@('dsregStatus', $sso))
}
if ($null -ne $clientApps) { [void]$parts.Add(@('clientApps', @($clientApps | ForEach-Object { "$($_.name) $($_.version)" }))) }
[void]$parts.Add(@('schannel', (Get-ProtocolSummary $ProtocolsKey)))
if ($null -ne $events) {
    # Event 1026 logs the disconnect reason (decimal, as `rdp-doctor explain` takes it).
    $reasons = [ordered]@{}
    foreach ($record in $events) {
        if ($record.eventId -eq 1026 -and $record.data.Contains('Value')) {
            $reason = [string]$record.data['Value']
            if ($reasons.Contains($reason)) { $reasons[$reason]++ } else { $reasons[$reason] = 1 }
        }
    }
    [void]$parts.Add(@('disconnectReasons', $reasons))
    [void]$parts.Add(@('lastEvents', @($events | Select-Object -First 8 | ForEach-Object { "$($_.time) $($_.eventId) $((@($_.data.Values) | ForEach-Object { [string]$_ }) -join ' ')" })))
}

# --- the embedded document ------------------------------------------------------------------------
# The sections of least value, in the order Write-CompactSummary leaves them out of the document
# it embeds while that is too long (events are always left out).
$CompactDrops = @(
    @('clientApps', 'mstsc and Windows App versions', {
            param($Reduced)
            if ($null -eq $Reduced.clientApps) { return $false }
            $Reduced.clientApps = $null
            $true
        }),
    @('dsregStatus:other-fields', 'dsregcmd /status fields other than the join and PRT state', {
            param($Reduced)
            if ($null -eq $Reduced.dsregStatus) { return $false }
            $kept = [ordered]@{}
            foreach ($name in @($Reduced.dsregStatus.Keys)) {
                if ($name -match '^(AzureAd|DomainJoined|EnterpriseJoined|WorkplaceJoined|WamDefault|TenantId)') { $kept[$name] = $Reduced.dsregStatus[$name] }
            }
            if ($kept.Count -eq $Reduced.dsregStatus.Count) { return $false }
            $Reduced.dsregStatus = $kept
            $true
        }),
    @('registry:servers', 'the names under Terminal Server Client\Servers (the servers this user connected to)', {
            param($Reduced)
            $kept = @($Reduced.registry | Where-Object { $_.key -notlike "$UserClientKey\Servers\*" })
            if ($kept.Count -eq @($Reduced.registry).Count) { return $false }
            $Reduced.registry = $kept
            $true
        }),
    @('registry:binary-values', 'REG_BINARY values (no check reads them)', {
            param($Reduced)
            $changed = $false
            $keys = New-Object System.Collections.ArrayList
            foreach ($record in $Reduced.registry) {
                $values = @($record.values | Where-Object { $_.type -ne 'REG_BINARY' })
                if ($values.Count -ne @($record.values).Count) { $changed = $true }
                [void]$keys.Add([ordered]@{ key = $record.key; exists = $record.exists; values = $values })
            }
            $Reduced.registry = $keys
            $changed
        })
)

Write-CompactSummary $parts $CompactDrops $zipFile
