# Helpers both collectors (collect-server.ps1, collect-client.ps1) share. scripts/gen-collect-scripts.mjs
# puts this text in place of each collector's `#include common/collector-helpers.ps1` line, so the
# script a user runs stays one file. They use the collector's $skipped, $registry and $elevated.

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

function ConvertTo-RegistryValue {
    param($Item, [string]$Name)
    $typeOfKind = @{
        String = 'REG_SZ'; ExpandString = 'REG_EXPAND_SZ'; MultiString = 'REG_MULTI_SZ'; DWord = 'REG_DWORD'
        QWord = 'REG_QWORD'; Binary = 'REG_BINARY'; None = 'REG_NONE'; Unknown = 'REG_NONE'
    }
    $kind = [string]$Item.GetValueKind($Name)
    $type = $typeOfKind[$kind]
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

# The SCHANNEL\Protocols key, each protocol below it (the known ones even when absent) and their
# Server and Client subkeys.
function Add-ProtocolKeys {
    param([string]$ProtocolsKey, [string[]]$KnownProtocols)
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
}

# 'TLS 1.0\Server' = 'Enabled=0 DisabledByDefault=1', for each protocol side read.
function Get-ProtocolSummary {
    param([string]$ProtocolsKey)
    $summary = [ordered]@{}
    foreach ($record in $registry) {
        if ($record.exists -and $record.key -like "$ProtocolsKey\*\*") {
            $label = $record.key.Substring($ProtocolsKey.Length + 1)
            $summary[$label] = (@($record.values | ForEach-Object { "$($_.name)=$($_.value)" }) -join ' ')
        }
    }
    $summary
}

# One event record: its id, source, time and EventData (or UserData) fields by name.
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

# --- computer and elevation ----------------------------------------------------------------------

# Whether this PowerShell runs elevated; $false, with a `skipped` entry, when that cannot be told.
function Test-Elevated {
    try {
        $principal = [System.Security.Principal.WindowsPrincipal]::new([System.Security.Principal.WindowsIdentity]::GetCurrent())
        [bool]$principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
    } catch {
        Add-Skipped 'computer.elevated' 'error' $_.Exception.Message
        $false
    }
}

function Read-ComputerIdentity {
    param([bool]$Elevated)
    $computer = [ordered]@{ name = [string]$env:COMPUTERNAME; domain = ''; osCaption = ''; osVersion = ''; osBuild = 0; elevated = $Elevated }
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
    $computer
}

# --- the files written ---------------------------------------------------------------------------

# Exports the last $Days days of the logs both roles export and of $RoleChannels (wevtutil epl)
# into a new temporary folder's logs\: that folder (Staging) and the file names written (Files).
function Export-EventLogs {
    param([string[]]$RoleChannels, [int]$Days)
    $channels = @(
        'System', 'Security',
        'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
        'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational'
    ) + $RoleChannels
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) "rdp-doctor-$([guid]::NewGuid().ToString('N'))"
    $logsFolder = Join-Path $staging 'logs'
    [void][System.IO.Directory]::CreateDirectory($logsFolder)
    $query = "*[System[TimeCreated[timediff(@SystemTime) <= $([int64]$Days * 86400000)]]]"
    $files = @(foreach ($channel in $channels) {
            $fileName = ($channel -replace '/', '-') + '.evtx'
            $export = Invoke-Native 'wevtutil' @('epl', $channel, (Join-Path $logsFolder $fileName), "/q:$query", '/ow:true')
            if ($export.ExitCode -eq 0) { $fileName }
            else {
                $reason = 'error'
                if ($export.ExitCode -eq 5) { $reason = 'not-elevated' }
                Add-Skipped "exportedLogs:$channel" $reason "wevtutil epl exit $($export.ExitCode): $($export.Text)"
            }
        })
    [pscustomobject]@{ Staging = $staging; Files = $files }
}

# Where the document goes: -OutFile (relative to PowerShell's location, not the process's working
# directory), or rdp-doctor-<role>-<computer>-<yyyyMMddHHmmss>.json here.
function Resolve-OutFile {
    param([string]$OutFile, [string]$ComputerName)
    if (-not $OutFile) {
        $stamp = (Get-Date).ToString('yyyyMMddHHmmss')
        $OutFile = Join-Path (Get-Location).ProviderPath "rdp-doctor-$Role-$ComputerName-$stamp.json"
    }
    $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
}

# The document (schema rdp-doctor/collect): the common fields, then the role's $Sections, the events
# and, with -ExportEvents, the exported logs' names. Built last, so `seconds` covers every check.
function New-CollectDocument {
    param([System.Collections.IDictionary]$Sections, $Events, $Exported)
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
    }
    foreach ($name in @($Sections.Keys)) { $document[$name] = $Sections[$name] }
    $document.events = $Events
    $document.eventDays = $EventDays
    if ($null -ne $Exported) { $document.exportedLogs = $Exported.Files }
    $document.collector.seconds = [math]::Round(((Get-Date) - $started).TotalSeconds, 2)
    $document
}

# Writes the document to $OutFile and, when logs were exported (Export-EventLogs), the zip beside
# it (then removes their temporary folder); the zip's path, or $null.
function Write-CollectedFiles {
    param($Document, [string]$OutFile, $Exported)
    $utf8 = New-Object System.Text.UTF8Encoding($false)
    $json = ConvertTo-Json -InputObject $Document -Depth 12
    [System.IO.File]::WriteAllText($OutFile, $json, $utf8)
    if ($null -eq $Exported) { return $null }
    $zipFile = [System.IO.Path]::ChangeExtension($OutFile, '.zip')
    $baseName = [System.IO.Path]::GetFileNameWithoutExtension($OutFile)
    $logsFolder = Join-Path $Exported.Staging 'logs'
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
        foreach ($fileName in @($Exported.Files)) {
            [void][System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($archive, (Join-Path $logsFolder $fileName), "logs/$fileName")
        }
    } finally {
        $archive.Dispose()
        $zipStream.Dispose()
    }
    [System.IO.Directory]::Delete($Exported.Staging, $true)
    $zipFile
}

# --- output --------------------------------------------------------------------------------------

function Write-CollectedNames {
    param([string]$ZipFile, $Exported)
    Write-Output "rdp-doctor collect-${Role}: wrote $OutFile"
    if ($ZipFile) { Write-Output "rdp-doctor collect-${Role}: wrote $ZipFile ($(@($Exported.Files).Count) event logs)" }
    if ($skipped.Count -gt 0) { Write-Output "skipped: $((@($skipped | ForEach-Object { "$($_.check) ($($_.reason))" })) -join ', ')" }
}

# `document` in the summary: base64 of the gzip of the document itself, so `rdp-doctor analyze`
# can judge Run Command's output alone.
function ConvertTo-GzipBase64 {
    param([string]$Text)
    # GZipStream is in System.dll on .NET Framework, in System.IO.Compression on .NET (PowerShell 7).
    Add-Type -AssemblyName System.IO.Compression
    $bytes = (New-Object System.Text.UTF8Encoding($false)).GetBytes($Text)
    $buffer = New-Object System.IO.MemoryStream
    $gzip = New-Object System.IO.Compression.GZipStream($buffer, [System.IO.Compression.CompressionLevel]::Optimal)
    $gzip.Write($bytes, 0, $bytes.Length)
    $gzip.Dispose()
    [System.Convert]::ToBase64String($buffer.ToArray())
}

# The smallest reduction (fewest drops) that fits $Budget characters; $null when even the last does not.
function New-CompactDocument {
    param([int]$Budget, [object[]]$Drops)
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
        while (-not $dropped -and $step -lt $Drops.Count) {
            $drop = $Drops[$step]
            $step++
            if (& $drop[2] $reduced) {
                [void]$compactSkipped.Add([ordered]@{ check = $drop[0]; reason = 'not-applicable'; detail = "$($drop[1]): $reason" })
                $dropped = $true
            }
        }
        if (-not $dropped) { return $null }
    }
}

# The one-line summary (-Compact), under $SummaryLimitBytes. $Parts: (name, value) pairs, most
# telling first; $Drops: (name, what, scriptblock) reductions of the embedded document, in order.
function Write-CompactSummary {
    param([System.Collections.IList]$Parts, [object[]]$Drops, [string]$ZipFile)
    $utf8 = New-Object System.Text.UTF8Encoding($false)
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
    if ($ZipFile) { $summary.zip = $ZipFile }
    $summary.skipped = @($skipped | ForEach-Object { "$($_.check):$($_.reason)" })
    # Filled below, once the room the human-readable parts may need is known.
    $summary.document = ''

    # Room for the document: the header with every human-readable part named in `truncated`.
    $partNames = [string[]]@($Parts | ForEach-Object { $_[0] })
    $summary.truncated = $partNames
    $budget = $SummaryLimitBytes - $utf8.GetByteCount((ConvertTo-Json -InputObject $summary -Depth 6 -Compress))
    $summary.Remove('truncated')
    $embedded = New-CompactDocument $budget $Drops
    if ($null -ne $embedded) { $summary.document = $embedded }
    else {
        $summary.Remove('document')
        $summary.documentLeftOut = 'too large for the compact output even reduced: read the file the collector wrote'
    }

    # Each part is measured as if every part not yet placed were named in `truncated`, so the final
    # line, with its real (shorter) `truncated`, is never longer.
    $truncated = New-Object System.Collections.ArrayList
    for ($index = 0; $index -lt $Parts.Count; $index++) {
        $part = $Parts[$index]
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
}
