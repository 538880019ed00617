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

# --- helpers -------------------------------------------------------------------------------------

function Add-Skipped {
    param([string]$Check, [string]$Reason, [string]$Detail)
    [void]$skipped.Add([ordered]@{ check = $Check; reason = $Reason; detail = $Detail })
}

function Test-CommandPresent {
    param([string]$Name)
    $null -ne (Get-Command -Name $Name -ErrorAction SilentlyContinue)
}

# Access denied, by exception type or Win32/HRESULT code, so the reason reads "not-elevated".
function Test-AccessDenied {
    param($ErrorRecord)
    $exception = $ErrorRecord.Exception
    while ($null -ne $exception) {
        if ($exception -is [System.UnauthorizedAccessException] -or $exception -is [System.Security.SecurityException]) { return $true }
        if ($exception.Message -match 'Access is denied|Access denied|0x80070005') { return $true }
        $exception = $exception.InnerException
    }
    $ErrorRecord.CategoryInfo.Category -eq 'PermissionDenied'
}

# Runs one check: the section's value, or $null with a `skipped` entry saying why.
function Invoke-Check {
    param([string]$Name, [string[]]$Commands = @(), [switch]$NeedsElevation, [scriptblock]$Body)
    foreach ($command in $Commands) {
        if (-not (Test-CommandPresent $command)) {
            Add-Skipped $Name 'cmdlet-missing' "$command is not available on this system"
            return $null
        }
    }
    if ($NeedsElevation -and -not $elevated) {
        Add-Skipped $Name 'not-elevated' 'needs an elevated (administrator) PowerShell'
        return $null
    }
    try {
        & $Body
    } catch {
        # A command can be listed and still fail to load its module on an older Windows.
        if ($_.Exception -is [System.Management.Automation.CommandNotFoundException]) { Add-Skipped $Name 'cmdlet-missing' $_.Exception.Message }
        elseif (Test-AccessDenied $_) { Add-Skipped $Name 'not-elevated' $_.Exception.Message }
        else { Add-Skipped $Name 'error' $_.Exception.Message }
        $null
    }
}

# A native tool's output lines and exit code. Windows PowerShell 5.1 turns a native command's
# stderr into terminating errors under $ErrorActionPreference = 'Stop' when it is redirected, so
# the preference is relaxed for the call (the exit code says whether it worked).
function Invoke-Native {
    param([string]$Command, [string[]]$Arguments)
    $ErrorActionPreference = 'Continue'
    $global:LASTEXITCODE = 0
    $lines = @(& $Command @Arguments 2>&1 | ForEach-Object { [string]$_ })
    [pscustomobject]@{ ExitCode = [int]$global:LASTEXITCODE; Output = $lines; Text = (($lines -join ' ').Trim()) }
}

function ConvertTo-Hex {
    param([byte[]]$Bytes)
    if ($null -eq $Bytes) { return '' }
    (($Bytes | ForEach-Object { $_.ToString('x2') }) -join '')
}

function ConvertTo-IsoTime {
    param($Time)
    if ($null -eq $Time) { return '' }
    ([datetime]$Time).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

$RegistryTypeOfKind = @{
    String = 'REG_SZ'; ExpandString = 'REG_EXPAND_SZ'; MultiString = 'REG_MULTI_SZ'; DWord = 'REG_DWORD'
    QWord = 'REG_QWORD'; Binary = 'REG_BINARY'; None = 'REG_NONE'; Unknown = 'REG_NONE'
}

function ConvertTo-RegistryValue {
    param($Item, [string]$Name)
    $kind = [string]$Item.GetValueKind($Name)
    $type = $RegistryTypeOfKind[$kind]
    if ($null -eq $type) { $type = 'REG_NONE' }
    $raw = $Item.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
    switch ($type) {
        # .NET hands DWORD/QWORD over as signed; the document carries them unsigned, as regedit shows them.
        'REG_DWORD' { $value = [BitConverter]::ToUInt32([BitConverter]::GetBytes([int32]$raw), 0) }
        'REG_QWORD' { $value = [BitConverter]::ToUInt64([BitConverter]::GetBytes([int64]$raw), 0) }
        'REG_MULTI_SZ' { $value = @($raw | ForEach-Object { [string]$_ }) }
        'REG_SZ' { $value = [string]$raw }
        'REG_EXPAND_SZ' { $value = [string]$raw }
        default { if ($raw -is [byte[]]) { $value = ConvertTo-Hex $raw } else { $value = '' } }
    }
    [ordered]@{ name = $Name; type = $type; value = $value }
}

# One key with all its values; exists=false when it is absent. Access errors propagate.
function Read-RegistryKey {
    param([string]$Key)
    try {
        $item = Get-Item -LiteralPath "Registry::$Key" -ErrorAction Stop
    } catch [System.Management.Automation.ItemNotFoundException] {
        return [ordered]@{ key = $Key; exists = $false; values = @() }
    }
    $values = @(foreach ($name in @($item.GetValueNames())) { ConvertTo-RegistryValue $item ([string]$name) })
    [ordered]@{ key = $Key; exists = $true; values = $values }
}

function Get-RegistrySubKeyNames {
    param([string]$Key)
    try {
        $item = Get-Item -LiteralPath "Registry::$Key" -ErrorAction Stop
    } catch [System.Management.Automation.ItemNotFoundException] {
        return @()
    }
    @($item.GetSubKeyNames() | ForEach-Object { [string]$_ })
}

$registry = New-Object System.Collections.ArrayList
function Add-RegistryKey {
    param([string]$Key)
    try {
        $record = Read-RegistryKey $Key
        [void]$registry.Add($record)
        $record
    } catch {
        $reason = 'error'
        if (Test-AccessDenied $_) { $reason = 'not-elevated' }
        Add-Skipped 'registry' $reason "${Key}: $($_.Exception.Message)"
        $null
    }
}

function Get-RegistryValueOf {
    param($Record, [string]$Name)
    if ($null -eq $Record -or -not $Record.exists) { return $null }
    foreach ($value in $Record.values) { if ($value.name -eq $Name) { return $value.value } }
    $null
}

# --- computer and elevation ----------------------------------------------------------------------

$elevated = $false
try {
    $principal = [System.Security.Principal.WindowsPrincipal]::new([System.Security.Principal.WindowsIdentity]::GetCurrent())
    $elevated = [bool]$principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
} catch {
    Add-Skipped 'computer.elevated' 'error' $_.Exception.Message
}

$computer = [ordered]@{ name = [string]$env:COMPUTERNAME; domain = ''; osCaption = ''; osVersion = ''; osBuild = 0; elevated = $elevated }
try {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
    $system = Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop
    $computer.name = [string]$system.Name
    $computer.domain = [string]$system.Domain
    $computer.osCaption = [string]$os.Caption
    $computer.osVersion = [string]$os.Version
    $computer.osBuild = [int]$os.BuildNumber
} catch {
    Add-Skipped 'computer' 'error' $_.Exception.Message
}

# --- registry ------------------------------------------------------------------------------------

$ProtocolsKey = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$KnownProtocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3')
$UserClientKey = 'HKEY_CURRENT_USER\Software\Microsoft\Terminal Server Client'

$credSsp = Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters'
$delegation = Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CredentialsDelegation'
[void](Add-RegistryKey $ProtocolsKey)
$protocols = @($KnownProtocols)
try {
    foreach ($name in (Get-RegistrySubKeyNames $ProtocolsKey)) { if ($protocols -notcontains $name) { $protocols += $name } }
} catch {
    Add-Skipped 'registry' 'error' "${ProtocolsKey}: $($_.Exception.Message)"
}
foreach ($protocol in $protocols) {
    [void](Add-RegistryKey "$ProtocolsKey\$protocol")
    foreach ($side in @('Server', 'Client')) { [void](Add-RegistryKey "$ProtocolsKey\$protocol\$side") }
}
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

function ConvertTo-CollectedEvent {
    param($Record)
    $data = [ordered]@{}
    $xml = [xml]$Record.ToXml()
    $eventNode = $xml.DocumentElement
    $eventData = $eventNode.GetElementsByTagName('EventData')
    if ($eventData.Count -gt 0) {
        $index = 0
        foreach ($node in @($eventData[0].ChildNodes)) {
            if ($node.NodeType -ne 'Element') { continue }
            $index++
            $name = $node.GetAttribute('Name')
            if (-not $name) { if ($node.LocalName -eq 'Binary') { $name = 'Binary' } else { $name = "Data$index" } }
            $data[$name] = [string]$node.InnerText
        }
    } else {
        $userData = $eventNode.GetElementsByTagName('UserData')
        if ($userData.Count -gt 0) {
            foreach ($leaf in @($userData[0].SelectNodes('.//*[not(*)]'))) { $data[$leaf.LocalName] = [string]$leaf.InnerText }
        }
    }
    [ordered]@{
        eventId  = [int]$Record.Id
        provider = [string]$Record.ProviderName
        channel  = [string]$Record.LogName
        time     = ConvertTo-IsoTime $Record.TimeCreated
        recordId = [int64]$Record.RecordId
        computer = [string]$Record.MachineName
        data     = $data
    }
}


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

$stamp = (Get-Date).ToString('yyyyMMddHHmmss')
if (-not $OutFile) { $OutFile = Join-Path (Get-Location).ProviderPath "rdp-doctor-$Role-$($computer.name)-$stamp.json" }
# Relative to PowerShell's location, not the process's working directory.
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$baseName = [System.IO.Path]::GetFileNameWithoutExtension($OutFile)

$ExportChannels = @(
    'System', 'Security',
    'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
    'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
    $ClientLog
)
$staging = $null
$exportedLogs = @()
if ($ExportEvents) {
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) "rdp-doctor-$([guid]::NewGuid().ToString('N'))"
    $logsFolder = Join-Path $staging 'logs'
    [void][System.IO.Directory]::CreateDirectory($logsFolder)
    $query = "*[System[TimeCreated[timediff(@SystemTime) <= $([int64]$EventDays * 86400000)]]]"
    foreach ($channel in $ExportChannels) {
        $fileName = ($channel -replace '/', '-') + '.evtx'
        $export = Invoke-Native 'wevtutil' @('epl', $channel, (Join-Path $logsFolder $fileName), "/q:$query", '/ow:true')
        if ($export.ExitCode -eq 0) { $exportedLogs += $fileName }
        else {
            $reason = 'error'
            if ($export.ExitCode -eq 5) { $reason = 'not-elevated' }
            Add-Skipped "exportedLogs:$channel" $reason "wevtutil epl exit $($export.ExitCode): $($export.Text)"
        }
    }
}

$document = [ordered]@{
    schema        = 'rdp-doctor/collect'
    schemaVersion = 1
    role          = $Role
    collector     = [ordered]@{
        version   = $CollectorVersion
        psVersion = [string]$PSVersionTable.PSVersion
        psEdition = [string]$PSVersionTable.PSEdition
        seconds   = 0
    }
    collectedAt   = ConvertTo-IsoTime $started
    computer      = $computer
    skipped       = $skipped
    registry      = $registry
    dsregStatus   = $dsregStatus
    clientApps    = $clientApps
    events        = $events
    eventDays     = $EventDays
}
if ($ExportEvents) { $document.exportedLogs = $exportedLogs }
$document.collector.seconds = [math]::Round(((Get-Date) - $started).TotalSeconds, 2)

$utf8 = New-Object System.Text.UTF8Encoding($false)
$json = ConvertTo-Json -InputObject $document -Depth 12
[System.IO.File]::WriteAllText($OutFile, $json, $utf8)
$zipFile = $null
if ($ExportEvents) {
    $zipFile = [System.IO.Path]::ChangeExtension($OutFile, '.zip')
    # ZipArchive rather than Compress-Archive: Windows PowerShell 5.1's Compress-Archive names
    # entries with '\' (logs\System.evtx); the layout is <name>.json and logs/<log>.evtx.
    Add-Type -AssemblyName System.IO.Compression
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    if ([System.IO.File]::Exists($zipFile)) { [System.IO.File]::Delete($zipFile) }
    $zipStream = [System.IO.File]::Open($zipFile, [System.IO.FileMode]::CreateNew)
    $archive = New-Object System.IO.Compression.ZipArchive($zipStream, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        $writer = New-Object System.IO.StreamWriter($archive.CreateEntry("$baseName.json").Open(), $utf8)
        $writer.Write($json)
        $writer.Dispose()
        foreach ($fileName in $exportedLogs) {
            [void][System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($archive, (Join-Path $logsFolder $fileName), "logs/$fileName")
        }
    } finally {
        $archive.Dispose()
        $zipStream.Dispose()
    }
    [System.IO.Directory]::Delete($staging, $true)
}

# --- output --------------------------------------------------------------------------------------

if (-not $Compact) {
    Write-Output "rdp-doctor collect-client: wrote $OutFile"
    if ($zipFile) { Write-Output "rdp-doctor collect-client: wrote $zipFile ($($exportedLogs.Count) event logs)" }
    if ($skipped.Count -gt 0) { Write-Output "skipped: $((@($skipped | ForEach-Object { "$($_.check) ($($_.reason))" })) -join ', ')" }
    return
}

# The summary: what failed to be read, then the key values, most telling first; a section that
# would push the line past the limit is left out and named in `truncated`.
$summary = [ordered]@{
    schema      = 'rdp-doctor/collect-summary'
    role        = $Role
    computer    = $computer.name
    os          = "$($computer.osCaption) $($computer.osVersion)"
    elevated    = $elevated
    collectedAt = $document.collectedAt
    file        = $OutFile
}
if ($zipFile) { $summary.zip = $zipFile }
$summary.skipped = @($skipped | ForEach-Object { "$($_.check):$($_.reason)" })
# Filled below, once the room the human-readable parts may need is known.
$summary.document = ''

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
$schannel = [ordered]@{}
foreach ($record in $registry) {
    if ($record.exists -and $record.key -like "$ProtocolsKey\*\*") {
        $label = $record.key.Substring($ProtocolsKey.Length + 1)
        $schannel[$label] = (@($record.values | ForEach-Object { "$($_.name)=$($_.value)" }) -join ' ')
    }
}
[void]$parts.Add(@('schannel', $schannel))
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
# `document`: base64 of the gzip of the document itself, so `rdp-doctor analyze` can judge Run
# Command's output alone. Events are left out; while it is still too long, the sections of least
# value go next, in this order, each named in the embedded document's `skipped`.
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

function ConvertTo-GzipBase64 {
    param([string]$Text)
    # GZipStream is in System.dll on .NET Framework, in System.IO.Compression on .NET (PowerShell 7).
    Add-Type -AssemblyName System.IO.Compression
    $bytes = $utf8.GetBytes($Text)
    $buffer = New-Object System.IO.MemoryStream
    $gzip = New-Object System.IO.Compression.GZipStream($buffer, [System.IO.Compression.CompressionLevel]::Optimal)
    $gzip.Write($bytes, 0, $bytes.Length)
    $gzip.Dispose()
    [System.Convert]::ToBase64String($buffer.ToArray())
}

# The smallest reduction (fewest drops) that fits $Budget characters; $null when even the last does not.
function New-CompactDocument {
    param([int]$Budget)
    $compactSkipped = New-Object System.Collections.ArrayList
    foreach ($entry in $skipped) { [void]$compactSkipped.Add($entry) }
    $reduced = [ordered]@{}
    foreach ($name in $document.Keys) { $reduced[$name] = $document[$name] }
    $reduced.compact = $true
    $reduced.skipped = $compactSkipped
    $reduced.events = $null
    $reason = 'left out of the compact output (Run Command returns 4,096 bytes)'
    [void]$compactSkipped.Add([ordered]@{ check = 'events'; reason = 'not-applicable'; detail = $reason })
    $step = 0
    while ($true) {
        $encoded = ConvertTo-GzipBase64 (ConvertTo-Json -InputObject $reduced -Depth 12 -Compress)
        if ($encoded.Length -le $Budget) { return $encoded }
        $dropped = $false
        while (-not $dropped -and $step -lt $CompactDrops.Count) {
            $drop = $CompactDrops[$step]
            $step++
            if (& $drop[2] $reduced) {
                [void]$compactSkipped.Add([ordered]@{ check = $drop[0]; reason = 'not-applicable'; detail = "$($drop[1]): $reason" })
                $dropped = $true
            }
        }
        if (-not $dropped) { return $null }
    }
}

# Room for the document: the header with every human-readable part named in `truncated`.
$partNames = [string[]]@($parts | ForEach-Object { $_[0] })
$summary.truncated = $partNames
$budget = $SummaryLimitBytes - $utf8.GetByteCount((ConvertTo-Json -InputObject $summary -Depth 6 -Compress))
$summary.Remove('truncated')
$embedded = New-CompactDocument $budget
if ($null -ne $embedded) { $summary.document = $embedded }
else {
    $summary.Remove('document')
    $summary.documentLeftOut = 'too large for the compact output even reduced: read the file the collector wrote'
}

# Each part is measured as if every part not yet placed were named in `truncated`, so the final
# line, with its real (shorter) `truncated`, is never longer.
$truncated = New-Object System.Collections.ArrayList
for ($index = 0; $index -lt $parts.Count; $index++) {
    $part = $parts[$index]
    $summary[$part[0]] = $part[1]
    $pending = [string[]](@($truncated) + @($partNames | Select-Object -Skip ($index + 1)))
    $bytes = $utf8.GetByteCount((ConvertTo-Json -InputObject $summary -Depth 6 -Compress))
    if ($pending.Count -gt 0) { $bytes += $utf8.GetByteCount(',"truncated":' + (ConvertTo-Json -InputObject $pending -Depth 2 -Compress)) }
    if ($bytes -gt $SummaryLimitBytes) {
        $summary.Remove($part[0])
        [void]$truncated.Add($part[0])
    }
}
if ($truncated.Count -gt 0) { $summary.truncated = [string[]]$truncated.ToArray() }
Write-Output (ConvertTo-Json -InputObject $summary -Depth 6 -Compress)
