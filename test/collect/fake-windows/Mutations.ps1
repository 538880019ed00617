# Mutations: the changing commands the fix scripts (src/collect/fixes/*.ps1) call, faked on
# $script:Machine (see FakeWindows.psm1 and the scenario format in test/fixtures/collect/).
# Each one logs itself with Add-FakeCall: -Mutates $true when it changes the machine, $false when it
# only reads or writes a backup file (reg export, icacls /save, Export-Certificate, secedit /export).
#
# The reading commands belong to Readers.ps1 (loaded first). The few the fixes need are defined at
# the end of this file only where Readers.ps1 has not defined them, so both files can grow apart.
# The native tools (reg, icacls, secedit, dsregcmd) both read and write: this file owns them and
# hands any verb it does not know to the Readers.ps1 function of the same name, if there is one.
Set-StrictMode -Version Latest

$script:ReaderNative = @{}
foreach ($nativeName in @('reg', 'icacls', 'secedit', 'dsregcmd')) {
    $existing = Get-Command -Name $nativeName -CommandType Function -ErrorAction SilentlyContinue
    if ($existing) { $script:ReaderNative[$nativeName] = $existing.ScriptBlock }
}

# --- machine helpers -------------------------------------------------------------------------

$script:WellKnownSids = [ordered]@{
    'S-1-1-0'      = 'Everyone'
    'S-1-3-0'      = 'CREATOR OWNER'
    'S-1-5-11'     = 'NT AUTHORITY\Authenticated Users'
    'S-1-5-18'     = 'NT AUTHORITY\SYSTEM'
    'S-1-5-19'     = 'NT AUTHORITY\LOCAL SERVICE'
    'S-1-5-20'     = 'NT AUTHORITY\NETWORK SERVICE'
    'S-1-5-32-544' = 'BUILTIN\Administrators'
    'S-1-5-32-545' = 'BUILTIN\Users'
    'S-1-5-32-555' = 'BUILTIN\Remote Desktop Users'
}

function Get-FakeSection {
    param([string]$Name, [object]$Default)
    if (-not $script:Machine.ContainsKey($Name) -or $null -eq $script:Machine[$Name]) { $script:Machine[$Name] = $Default }
    # Lists go down the pipeline item by item (callers wrap them in @()); dictionaries stay whole.
    $script:Machine[$Name]
}

function Test-FakeRegistryPath {
    param([string]$Path)
    $Path -match '^(Microsoft\.PowerShell\.Core\\)?(Registry::)?(HKLM|HKCU|HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER)(:|\\|$)'
}

function Test-FakeCertPath {
    param([string]$Path)
    $Path -match '^(Microsoft\.PowerShell\.Security\\Certificate::|Cert:\\?)'
}

# The scenario's key name as stored (keys compare case-insensitively, as in Windows).
function Find-FakeRegistryKey {
    param([string]$Key)
    $registry = Get-FakeSection 'registry' @{}
    foreach ($name in @($registry.Keys)) { if ($name -ieq $Key) { return $name } }
    $null
}

# A key exists when the scenario lists it or a key below it (Windows has every ancestor).
function Test-FakeKeyImplied {
    param([string]$Key)
    if ($null -ne (Find-FakeRegistryKey $Key)) { return $true }
    @((Get-FakeSection 'registry' @{}).Keys | Where-Object { ([string]$_).StartsWith("$Key\", [System.StringComparison]::OrdinalIgnoreCase) }).Count -gt 0
}

# The values of a key; an implied key gets its (empty) entry so it can be written.
function Get-FakeRegistryValues {
    param([string]$Path, [switch]$Create)
    $key = ConvertTo-FakeRegistryKey $Path
    $found = Find-FakeRegistryKey $key
    if ($null -eq $found) {
        if (-not (Test-FakeKeyImplied $key)) { return $null }
        if (-not $Create) { return , @{} }
        $found = New-FakeRegistryKey $key
    }
    if ($null -eq $script:Machine.registry[$found]) { $script:Machine.registry[$found] = @{} }
    , $script:Machine.registry[$found]
}

function Find-FakeValueName {
    param([System.Collections.IDictionary]$Values, [string]$Name)
    foreach ($valueName in @($Values.Keys)) { if ($valueName -ieq $Name) { return $valueName } }
    $null
}

function New-FakeRegistryKey {
    param([string]$Key)
    $registry = Get-FakeSection 'registry' @{}
    $found = Find-FakeRegistryKey $Key
    if ($null -ne $found) { return $found }
    $registry[$Key] = @{}
    $Key
}

function Get-FakeValueType {
    param([object]$Value, [string]$PropertyType)
    switch -regex ($PropertyType) {
        '^(DWord|REG_DWORD)$' { return 'REG_DWORD' }
        '^(QWord|REG_QWORD)$' { return 'REG_QWORD' }
        '^(String|REG_SZ)$' { return 'REG_SZ' }
        '^(ExpandString|REG_EXPAND_SZ)$' { return 'REG_EXPAND_SZ' }
        '^(MultiString|REG_MULTI_SZ)$' { return 'REG_MULTI_SZ' }
        '^(Binary|REG_BINARY)$' { return 'REG_BINARY' }
    }
    if ($Value -is [int] -or $Value -is [uint32]) { return 'REG_DWORD' }
    if ($Value -is [long]) { return 'REG_QWORD' }
    if ($Value -is [array]) { return 'REG_MULTI_SZ' }
    'REG_SZ'
}

function ConvertTo-FakeStoredValue {
    param([object]$Value, [string]$Type)
    switch ($Type) {
        # Stored as reg export shows it: unsigned (-1 is 4294967295).
        'REG_DWORD' {
            $number = [long]$Value
            if ($number -lt 0) { $number += 4294967296 }
            return $number
        }
        'REG_QWORD' { return [long]$Value }
        'REG_MULTI_SZ' { return , @($Value | ForEach-Object { [string]$_ }) }
        'REG_BINARY' {
            if ($Value -is [string]) { return $Value.ToLowerInvariant() }
            return (@($Value) | ForEach-Object { '{0:x2}' -f [int]$_ }) -join ''
        }
    }
    [string]$Value
}

function Set-FakeRegistryValue {
    param([string]$Path, [string]$Name, [object]$Value, [string]$Type)
    $values = Get-FakeRegistryValues $Path -Create
    if ($null -eq $values) { throw "Cannot find path '$Path' because it does not exist." }
    $existing = Find-FakeValueName $values $Name
    if ($null -ne $existing) { $values.Remove($existing) }
    $values[$Name] = @{ type = $Type; value = (ConvertTo-FakeStoredValue $Value $Type) }
}

function Write-FakeError {
    param([string]$Message, [System.Management.Automation.ErrorCategory]$Category = 'ObjectNotFound', [System.Management.Automation.PSCmdlet]$Cmdlet)
    $record = [System.Management.Automation.ErrorRecord]::new([System.Exception]::new($Message), 'FakeWindows', $Category, $null)
    $Cmdlet.WriteError($record)
}

function Get-FakeCertificates {
    param([string]$Store)
    @(Get-FakeSection 'certificates' @() | Where-Object { $_.store -ieq $Store })
}

function ConvertTo-FakeCertificateObject {
    param([System.Collections.IDictionary]$Certificate)
    $storePath = "Microsoft.PowerShell.Security\Certificate::LocalMachine\$($Certificate.store)"
    [pscustomobject]@{
        PSPath        = "$storePath\$($Certificate.thumbprint)"
        PSParentPath  = $storePath
        Thumbprint    = [string]$Certificate.thumbprint
        Subject       = [string]$Certificate.subject
        Issuer        = [string]$Certificate.issuer
        NotBefore     = [datetime]$Certificate.notBefore
        NotAfter      = [datetime]$Certificate.notAfter
        HasPrivateKey = [bool]$Certificate.hasPrivateKey
        DnsNameList   = @($Certificate.dnsNames | ForEach-Object { [pscustomobject]@{ Unicode = $_; Punycode = $_ } })
    }
}

function Split-FakeCertPath {
    param([string]$Path)
    $rest = $Path -replace '^Microsoft\.PowerShell\.Security\\Certificate::', '' -replace '^Cert:\\?', ''
    $parts = @($rest.TrimEnd('\').Split('\'))
    [pscustomobject]@{
        Location   = $(if ($parts.Count -gt 0) { $parts[0] } else { '' })
        Store      = $(if ($parts.Count -gt 1) { $parts[1] } else { '' })
        Thumbprint = $(if ($parts.Count -gt 2) { $parts[2] } else { '' })
    }
}

function Find-FakeAclPath {
    param([string]$Path)
    $acls = Get-FakeSection 'acls' @{}
    foreach ($name in @($acls.Keys)) { if ($name -ieq $Path.TrimEnd('\')) { return $name } }
    $null
}

# Names once seen for a SID (Windows resolves a SID to its name whether or not an ACL holds it).
$script:SidNames = @{}

function Get-FakeSidName {
    param([string]$Sid)
    if ($script:SidNames.ContainsKey($Sid)) { return $script:SidNames[$Sid] }
    foreach ($acl in @((Get-FakeSection 'acls' @{}).Values)) {
        foreach ($ace in @($acl.access)) {
            if ($ace.ContainsKey('sid') -and $ace.sid -eq $Sid) { return [string]$ace.identity }
        }
    }
    if ($script:WellKnownSids.Contains($Sid)) { return $script:WellKnownSids[$Sid] }
    $Sid
}

function Get-FakeAceSid {
    param([System.Collections.IDictionary]$Ace)
    if ($Ace.ContainsKey('sid') -and $Ace.sid) { return [string]$Ace.sid }
    foreach ($sid in $script:WellKnownSids.Keys) { if ($script:WellKnownSids[$sid] -ieq $Ace.identity) { return $sid } }
    [string]$Ace.identity
}

function Get-FakeAceMask {
    param([System.Collections.IDictionary]$Ace)
    [long][System.Security.AccessControl.FileSystemRights]$Ace.rights
}

function New-FakeAce {
    param([string]$Sid, [long]$Mask, [string]$Type = 'Allow', [bool]$Inherited = $false)
    @{
        identity  = (Get-FakeSidName $Sid)
        sid       = $Sid
        rights    = ([System.Security.AccessControl.FileSystemRights]$Mask).ToString()
        type      = $Type
        inherited = $Inherited
    }
}

# --- registry --------------------------------------------------------------------------------

function New-Item {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string[]]$Path,
        [string]$Name,
        [string]$ItemType,
        [object]$Value,
        [switch]$Force
    )
    $targets = @($Path | ForEach-Object { if ($Name) { "$_\$Name" } else { $_ } })
    if (-not (Test-FakeRegistryPath $targets[0])) {
        return Microsoft.PowerShell.Management\New-Item @PSBoundParameters
    }
    foreach ($target in $targets) {
        $key = ConvertTo-FakeRegistryKey $target
        Add-FakeCall -Command 'New-Item' -Mutates $true -Arguments @{ path = $key; force = [bool]$Force }
        $found = Find-FakeRegistryKey $key
        if ($null -ne $found) {
            if (-not $Force) { Write-FakeError "A key at this path already exists: $key" 'ResourceExists' $PSCmdlet; continue }
            # -Force on an existing key replaces it: its values are gone (the reason scripts test first).
            $script:Machine.registry[$found] = @{}
        }
        else {
            # -Force creates missing parents; without it the parent must exist.
            $parent = $key.Substring(0, $key.LastIndexOf('\'))
            if (-not $Force -and $null -eq (Find-FakeRegistryKey $parent) -and $parent.Contains('\')) {
                Write-FakeError "Cannot find path '$parent' because it does not exist." 'ObjectNotFound' $PSCmdlet
                continue
            }
            $walk = $key
            while ($walk.Contains('\') -and $null -eq (Find-FakeRegistryKey $walk)) {
                [void](New-FakeRegistryKey $walk)
                $walk = $walk.Substring(0, $walk.LastIndexOf('\'))
            }
        }
        [pscustomobject]@{ PSPath = "Microsoft.PowerShell.Core\Registry::$key"; Name = $key }
    }
}

function New-ItemProperty {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string]$Path,
        [Parameter(Position = 1)][string]$Name,
        [object]$Value,
        [Alias('Type')][string]$PropertyType = 'String',
        [switch]$Force
    )
    $type = Get-FakeValueType $Value $PropertyType
    Add-FakeCall -Command 'New-ItemProperty' -Mutates $true -Arguments @{ path = (ConvertTo-FakeRegistryKey $Path); name = $Name; value = $Value; type = $type }
    $values = Get-FakeRegistryValues $Path
    if ($null -eq $values) { Write-FakeError "Cannot find path '$Path' because it does not exist." 'ObjectNotFound' $PSCmdlet; return }
    if ($null -ne (Find-FakeValueName $values $Name) -and -not $Force) {
        Write-FakeError "The property already exists: $Name" 'ResourceExists' $PSCmdlet
        return
    }
    Set-FakeRegistryValue -Path $Path -Name $Name -Value $Value -Type $type
    [pscustomobject]@{ $Name = $Value }
}

function Set-ItemProperty {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string]$Path,
        [Parameter(Position = 1)][string]$Name,
        [Parameter(Position = 2)][object]$Value,
        [string]$Type
    )
    Add-FakeCall -Command 'Set-ItemProperty' -Mutates $true -Arguments @{ path = (ConvertTo-FakeRegistryKey $Path); name = $Name; value = $Value }
    $values = Get-FakeRegistryValues $Path
    if ($null -eq $values) { Write-FakeError "Cannot find path '$Path' because it does not exist." 'ObjectNotFound' $PSCmdlet; return }
    $existing = Find-FakeValueName $values $Name
    # An existing value keeps its type unless -Type says otherwise, as in the registry provider.
    $valueType = if ($Type) { Get-FakeValueType $Value $Type } elseif ($null -ne $existing) { $values[$existing].type } else { Get-FakeValueType $Value '' }
    Set-FakeRegistryValue -Path $Path -Name $Name -Value $Value -Type $valueType
}

function Remove-ItemProperty {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)][string]$Path,
        [Parameter(Position = 1)][string[]]$Name
    )
    foreach ($valueName in $Name) {
        Add-FakeCall -Command 'Remove-ItemProperty' -Mutates $true -Arguments @{ path = (ConvertTo-FakeRegistryKey $Path); name = $valueName }
        $values = Get-FakeRegistryValues $Path
        $existing = if ($null -ne $values) { Find-FakeValueName $values $valueName } else { $null }
        if ($null -eq $existing) { Write-FakeError "Property $valueName does not exist at path $Path." 'InvalidArgument' $PSCmdlet; continue }
        $values.Remove($existing)
    }
}

function Remove-Item {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)][Alias('PSPath')][string[]]$Path,
        [string[]]$LiteralPath,
        [switch]$Recurse,
        [switch]$Force,
        [switch]$DeleteKey
    )
    process {
        $targets = @($Path) + @($LiteralPath) | Where-Object { $_ }
        foreach ($target in $targets) {
            if (Test-FakeCertPath $target) {
                $parts = Split-FakeCertPath $target
                Add-FakeCall -Command 'Remove-Item' -Mutates $true -Arguments @{ path = $target; deleteKey = [bool]$DeleteKey }
                $certificates = @(Get-FakeSection 'certificates' @())
                $match = @($certificates | Where-Object { $_.store -ieq $parts.Store -and $_.thumbprint -ieq $parts.Thumbprint })
                if ($match.Count -eq 0) { Write-FakeError "Cannot find path '$target' because it does not exist." 'ObjectNotFound' $PSCmdlet; continue }
                $script:Machine.certificates = @($certificates | Where-Object { $match -notcontains $_ })
                continue
            }
            if (Test-FakeRegistryPath $target) {
                $key = ConvertTo-FakeRegistryKey $target
                Add-FakeCall -Command 'Remove-Item' -Mutates $true -Arguments @{ path = $key; recurse = [bool]$Recurse }
                $found = Find-FakeRegistryKey $key
                if ($null -eq $found) { Write-FakeError "Cannot find path '$target' because it does not exist." 'ObjectNotFound' $PSCmdlet; continue }
                $below = @($script:Machine.registry.Keys | Where-Object { $_ -ilike "$found\*" })
                if ($below.Count -gt 0 -and -not $Recurse) { Write-FakeError "The key $key has subkeys and -Recurse was not given." 'InvalidOperation' $PSCmdlet; continue }
                foreach ($name in @($below) + @($found)) { $script:Machine.registry.Remove($name) }
                continue
            }
            # Files (temporary work files, backups in a test's directory) are real.
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath $target -Recurse:$Recurse -Force:$Force
        }
    }
}

# reg.exe's export format: UTF-16LE with BOM, one [key] section per key, then its values.
function ConvertTo-FakeRegValueText {
    param([string]$Name, [System.Collections.IDictionary]$Entry)
    $label = if ($Name -eq '' -or $Name -eq '(default)') { '@' } else { '"' + $Name.Replace('\', '\\').Replace('"', '\"') + '"' }
    $value = $Entry.value
    $hexOf = { param([byte[]]$Bytes) (@($Bytes) | ForEach-Object { '{0:x2}' -f $_ }) -join ',' }
    switch ([string]$Entry.type) {
        'REG_DWORD' { return "$label=dword:$('{0:x8}' -f [uint32][long]$value)" }
        'REG_SZ' { return "$label=`"$(([string]$value).Replace('\', '\\').Replace('"', '\"'))`"" }
        'REG_QWORD' { return "$label=hex(b):$(& $hexOf ([System.BitConverter]::GetBytes([long]$value)))" }
        'REG_EXPAND_SZ' { return "$label=hex(2):$(& $hexOf ([System.Text.Encoding]::Unicode.GetBytes([string]$value + [char]0)))" }
        'REG_MULTI_SZ' {
            $text = (@($value) -join [char]0) + [char]0 + [char]0
            return "$label=hex(7):$(& $hexOf ([System.Text.Encoding]::Unicode.GetBytes($text)))"
        }
        'REG_NONE' { return "$label=hex(0):$(& $hexOf ([System.Convert]::FromHexString([string]$value)))" }
    }
    "$label=hex:$(& $hexOf ([System.Convert]::FromHexString([string]$value)))"
}

function ConvertFrom-FakeRegValueText {
    param([string]$Text)
    $bytesOf = { param([string]$Hex) [byte[]]@($Hex.Split(',') | Where-Object { $_ -ne '' } | ForEach-Object { [System.Convert]::ToByte($_.Trim(), 16) }) }
    if ($Text -eq '-') { return $null }
    if ($Text -match '^dword:([0-9a-fA-F]{8})$') { return @{ type = 'REG_DWORD'; value = [long][System.Convert]::ToUInt32($Matches[1], 16) } }
    if ($Text -match '^"(.*)"$') { return @{ type = 'REG_SZ'; value = ($Matches[1] -replace '\\(["\\])', '$1') } }
    if ($Text -match '^hex\(b\):(.*)$') { return @{ type = 'REG_QWORD'; value = [System.BitConverter]::ToInt64((& $bytesOf $Matches[1]), 0) } }
    if ($Text -match '^hex\(2\):(.*)$') { return @{ type = 'REG_EXPAND_SZ'; value = [System.Text.Encoding]::Unicode.GetString((& $bytesOf $Matches[1])).TrimEnd([char]0) } }
    if ($Text -match '^hex\(7\):(.*)$') {
        $strings = [System.Text.Encoding]::Unicode.GetString((& $bytesOf $Matches[1])).TrimEnd([char]0).Split([char]0)
        return @{ type = 'REG_MULTI_SZ'; value = @($strings | Where-Object { $_ -ne '' }) }
    }
    if ($Text -match '^hex\(0\):(.*)$') { return @{ type = 'REG_NONE'; value = [System.Convert]::ToHexString((& $bytesOf $Matches[1])).ToLowerInvariant() } }
    if ($Text -match '^hex:(.*)$') { return @{ type = 'REG_BINARY'; value = [System.Convert]::ToHexString((& $bytesOf $Matches[1])).ToLowerInvariant() } }
    throw "reg import: value data not understood: $Text"
}

function Import-FakeRegFile {
    param([string]$File)
    $text = [System.IO.File]::ReadAllText($File)
    # Continuation lines end in a backslash.
    $lines = @(($text -replace "\\\r?\n\s*", '') -split "\r?\n")
    if ($lines.Count -eq 0 -or $lines[0] -notmatch '^(Windows Registry Editor Version 5\.00|REGEDIT4)$') { throw "reg import: $File is not a registry file" }
    $current = $null
    foreach ($line in $lines) {
        if ($line -match '^\[-(.+)\]$') {
            $gone = ConvertTo-FakeRegistryKey $Matches[1]
            foreach ($name in @($script:Machine.registry.Keys | Where-Object { $_ -ieq $gone -or $_ -ilike "$gone\*" })) { $script:Machine.registry.Remove($name) }
            $current = $null
            continue
        }
        if ($line -match '^\[(.+)\]$') {
            $current = ConvertTo-FakeRegistryKey $Matches[1]
            # reg import creates a missing key; one that exists already (listed or implied) stays as it is.
            if (-not (Test-FakeKeyImplied $current)) { [void](New-FakeRegistryKey $current) }
            continue
        }
        if ($null -eq $current) { continue }
        if ($line -match '^(@|"((?:[^"\\]|\\.)*)")=(.*)$') {
            $name = if ($Matches[1] -eq '@') { '' } else { $Matches[2] -replace '\\(["\\])', '$1' }
            $data = ConvertFrom-FakeRegValueText $Matches[3]
            $values = Get-FakeRegistryValues $current -Create
            $existing = Find-FakeValueName $values $name
            if ($null -ne $existing) { $values.Remove($existing) }
            if ($null -ne $data) { $values[$name] = $data }
        }
    }
}

function reg {
    $verb = if ($args.Count -gt 0) { ([string]$args[0]).ToLowerInvariant() } else { '' }
    switch ($verb) {
        'export' {
            $key = ConvertTo-FakeRegistryKey ([string]$args[1])
            $file = [string]$args[2]
            Add-FakeCall -Command 'reg' -Mutates $false -Arguments @{ verb = 'export'; key = $key; file = $file }
            $found = Find-FakeRegistryKey $key
            if ($null -eq $found -and (Test-FakeKeyImplied $key)) { $found = $key }
            if ($null -eq $found) {
                [Console]::Error.WriteLine('ERROR: The system was unable to find the specified registry key or value.')
                $global:LASTEXITCODE = 1
                return
            }
            if ([System.IO.File]::Exists($file) -and @($args) -notcontains '/y') {
                $global:LASTEXITCODE = 1
                return
            }
            $text = [System.Text.StringBuilder]::new("Windows Registry Editor Version 5.00`r`n")
            $keys = @(@($found) + @($script:Machine.registry.Keys | Where-Object { $_ -ilike "$found\*" } | Sort-Object))
            foreach ($name in $keys) {
                [void]$text.Append("`r`n[$name]`r`n")
                $values = $script:Machine.registry[$name]
                if ($null -eq $values) { continue }
                foreach ($valueName in @($values.Keys | Sort-Object)) { [void]$text.Append((ConvertTo-FakeRegValueText $valueName $values[$valueName]) + "`r`n") }
            }
            [void]$text.Append("`r`n")
            [System.IO.File]::WriteAllText($file, $text.ToString(), [System.Text.Encoding]::Unicode)
            'The operation completed successfully.'
            $global:LASTEXITCODE = 0
        }
        'import' {
            $file = [string]$args[1]
            Add-FakeCall -Command 'reg' -Mutates $true -Arguments @{ verb = 'import'; file = $file }
            Import-FakeRegFile $file
            $global:LASTEXITCODE = 0
        }
        default {
            if ($script:ReaderNative.ContainsKey('reg')) { return & $script:ReaderNative['reg'] @args }
            throw "fake reg: verb '$verb' is not faked"
        }
    }
}

# --- icacls ----------------------------------------------------------------------------------

$script:IcaclsRights = @{
    'F' = 0x1F01FF; 'M' = 0x1301BF; 'RX' = 0x1200A9; 'R' = 0x120089; 'W' = 0x120116; 'D' = 0x10000
    'DE' = 0x10000; 'RC' = 0x20000; 'WDAC' = 0x40000; 'WO' = 0x80000; 'S' = 0x100000
    'RD' = 0x1; 'WD' = 0x2; 'AD' = 0x4; 'REA' = 0x8; 'WEA' = 0x10; 'X' = 0x20; 'DC' = 0x40; 'RA' = 0x80; 'WA' = 0x100
    'GR' = 0x120089; 'GW' = 0x120116; 'GE' = 0x1200A0; 'GA' = 0x1F01FF
}

function ConvertFrom-FakeIcaclsGrant {
    param([string]$Text)
    if ($Text -notmatch '^(.+?):((\((OI|CI|IO|NP|I)\))*)\(?([A-Z,]+)\)?$') { throw "icacls: cannot parse '$Text'" }
    $who = $Matches[1]
    $mask = 0
    foreach ($code in $Matches[5].Split(',')) {
        if (-not $script:IcaclsRights.ContainsKey($code)) { throw "icacls: unknown right '$code'" }
        $mask = $mask -bor $script:IcaclsRights[$code]
    }
    [pscustomobject]@{ Sid = (ConvertFrom-FakeIcaclsAccount $who); Mask = [long]$mask }
}

function ConvertFrom-FakeIcaclsAccount {
    param([string]$Text)
    if ($Text.StartsWith('*')) { return $Text.Substring(1) }
    foreach ($sid in $script:WellKnownSids.Keys) { if ($script:WellKnownSids[$sid] -ieq $Text -or ($script:WellKnownSids[$sid] -split '\\')[-1] -ieq $Text) { return $sid } }
    $Text
}

function ConvertTo-FakeSddl {
    param([object[]]$Access)
    $aces = foreach ($ace in @($Access)) {
        $type = if ($ace.type -eq 'Deny') { 'D' } else { 'A' }
        $flags = if ($ace.inherited) { 'ID' } else { '' }
        "($type;$flags;0x$('{0:x}' -f (Get-FakeAceMask $ace));;;$(Get-FakeAceSid $ace))"
    }
    'D:' + ($aces -join '')
}

function ConvertFrom-FakeSddl {
    param([string]$Sddl)
    foreach ($match in [regex]::Matches($Sddl, '\(([AD]);([A-Z]*);0x([0-9a-fA-F]+);;;([^)]+)\)')) {
        $type = if ($match.Groups[1].Value -eq 'D') { 'Deny' } else { 'Allow' }
        New-FakeAce -Sid $match.Groups[4].Value -Mask ([System.Convert]::ToInt64($match.Groups[3].Value, 16)) -Type $type -Inherited ($match.Groups[2].Value -match 'ID')
    }
}

function icacls {
    $list = @($args | ForEach-Object { [string]$_ })
    $saveAt = [array]::IndexOf(@($list | ForEach-Object { $_.ToLowerInvariant() }), '/save')
    $restoreAt = [array]::IndexOf(@($list | ForEach-Object { $_.ToLowerInvariant() }), '/restore')
    $target = $list[0]
    $recurse = @($list | Where-Object { $_ -ieq '/t' }).Count -gt 0
    $acls = Get-FakeSection 'acls' @{}

    if ($saveAt -ge 0) {
        $file = $list[$saveAt + 1]
        Add-FakeCall -Command 'icacls' -Mutates $false -Arguments @{ verb = 'save'; path = $target; file = $file; recurse = $recurse }
        $found = Find-FakeAclPath $target
        if ($null -eq $found) { [Console]::Error.WriteLine("${target}: The system cannot find the file specified."); $global:LASTEXITCODE = 2; return }
        $entries = @($found) + @(if ($recurse) { @($acls.Keys | Where-Object { $_ -ilike "$found\*" } | Sort-Object) })
        $leaf = $found.Substring($found.LastIndexOf('\') + 1)
        $text = [System.Text.StringBuilder]::new()
        foreach ($entry in $entries) {
            foreach ($ace in @($acls[$entry].access)) { $script:SidNames[(Get-FakeAceSid $ace)] = [string]$ace.identity }
            [void]$text.Append($leaf + $entry.Substring($found.Length) + "`r`n")
            [void]$text.Append((ConvertTo-FakeSddl $acls[$entry].access) + "`r`n")
        }
        [System.IO.File]::WriteAllText($file, $text.ToString(), [System.Text.Encoding]::Unicode)
        "Successfully processed $($entries.Count) files; Failed processing 0 files"
        $global:LASTEXITCODE = 0
        return
    }
    if ($restoreAt -ge 0) {
        $file = $list[$restoreAt + 1]
        Add-FakeCall -Command 'icacls' -Mutates $true -Arguments @{ verb = 'restore'; path = $target; file = $file }
        $lines = @([System.IO.File]::ReadAllText($file) -split "\r?\n" | Where-Object { $_ -ne '' })
        for ($i = 0; $i + 1 -lt $lines.Count; $i += 2) {
            $path = "$($target.TrimEnd('\'))\$($lines[$i])"
            $found = Find-FakeAclPath $path
            if ($null -eq $found) { [Console]::Error.WriteLine("${path}: The system cannot find the file specified."); continue }
            $acls[$found].access = @(ConvertFrom-FakeSddl $lines[$i + 1])
        }
        "Successfully processed $([int]($lines.Count / 2)) files; Failed processing 0 files"
        $global:LASTEXITCODE = 0
        return
    }
    if ($list.Count -eq 1) {
        Add-FakeCall -Command 'icacls' -Mutates $false -Arguments @{ verb = 'show'; path = $target }
        $found = Find-FakeAclPath $target
        if ($null -eq $found) { [Console]::Error.WriteLine("${target}: The system cannot find the file specified."); $global:LASTEXITCODE = 2; return }
        foreach ($ace in @($acls[$found].access)) { "$found $($ace.identity):$(if ($ace.inherited) { '(I)' })($($ace.rights))" }
        $global:LASTEXITCODE = 0
        return
    }

    Add-FakeCall -Command 'icacls' -Mutates $true -Arguments @{ verb = 'change'; path = $target; arguments = $list[1..($list.Count - 1)] }
    $found = Find-FakeAclPath $target
    if ($null -eq $found) { [Console]::Error.WriteLine("${target}: The system cannot find the file specified."); $global:LASTEXITCODE = 2; return }
    $entries = @($found) + @(if ($recurse) { @($acls.Keys | Where-Object { $_ -ilike "$found\*" }) })
    foreach ($entry in $entries) {
        $access = [System.Collections.Generic.List[object]]::new()
        foreach ($ace in @($acls[$entry].access)) { $access.Add($ace) }
        $i = 1
        while ($i -lt $list.Count) {
            $option = $list[$i].ToLowerInvariant()
            $i++
            switch -regex ($option) {
                '^/inheritance:r$' {
                    $kept = @($access | Where-Object { -not $_.inherited })
                    $access.Clear()
                    foreach ($ace in $kept) { $access.Add($ace) }
                }
                '^/inheritance:d$' { foreach ($ace in $access) { $ace.inherited = $false } }
                '^/inheritance:e$' { }
                '^/reset$' {
                    $access.Clear()
                    $parent = Find-FakeAclPath ($entry.Substring(0, $entry.LastIndexOf('\')))
                    if ($null -ne $parent) {
                        foreach ($ace in @($acls[$parent].access)) { $access.Add((New-FakeAce -Sid (Get-FakeAceSid $ace) -Mask (Get-FakeAceMask $ace) -Type $ace.type -Inherited $true)) }
                    }
                }
                '^/(grant|grant:r|deny|remove|remove:g|remove:d)$' {
                    while ($i -lt $list.Count -and -not $list[$i].StartsWith('/')) {
                        $operand = $list[$i]
                        $i++
                        if ($option -like '/remove*') {
                            $sid = ConvertFrom-FakeIcaclsAccount $operand
                            $which = switch ($option) { '/remove:g' { 'Allow' } '/remove:d' { 'Deny' } default { '*' } }
                            $kept = @($access | Where-Object { $_.inherited -or (Get-FakeAceSid $_) -ne $sid -or ($which -ne '*' -and $_.type -ne $which) })
                            $access.Clear()
                            foreach ($ace in $kept) { $access.Add($ace) }
                            continue
                        }
                        $grant = ConvertFrom-FakeIcaclsGrant $operand
                        $type = if ($option -eq '/deny') { 'Deny' } else { 'Allow' }
                        if ($option -eq '/grant:r') {
                            $kept = @($access | Where-Object { $_.inherited -or $_.type -ne $type -or (Get-FakeAceSid $_) -ne $grant.Sid })
                            $access.Clear()
                            foreach ($ace in $kept) { $access.Add($ace) }
                        }
                        $existing = @($access | Where-Object { -not $_.inherited -and $_.type -eq $type -and (Get-FakeAceSid $_) -eq $grant.Sid })
                        if ($existing.Count -gt 0) {
                            $merged = New-FakeAce -Sid $grant.Sid -Mask ((Get-FakeAceMask $existing[0]) -bor $grant.Mask) -Type $type
                            $access[$access.IndexOf($existing[0])] = $merged
                        }
                        else {
                            # Explicit entries come before inherited ones (canonical order).
                            $at = 0
                            while ($at -lt $access.Count -and -not $access[$at].inherited) { $at++ }
                            $access.Insert($at, (New-FakeAce -Sid $grant.Sid -Mask $grant.Mask -Type $type))
                        }
                    }
                }
                default { }
            }
        }
        $acls[$entry].access = @($access)
    }
    "processed file: $target"
    "Successfully processed $($entries.Count) files; Failed processing 0 files"
    $global:LASTEXITCODE = 0
}

# --- services --------------------------------------------------------------------------------

function Find-FakeService {
    param([string]$Name, [System.Management.Automation.PSCmdlet]$Cmdlet)
    $service = @(Get-FakeSection 'services' @() | Where-Object { $_.name -ieq $Name })
    if ($service.Count -eq 0) {
        Write-FakeError "Cannot find any service with service name '$Name'." 'ObjectNotFound' $Cmdlet
        return $null
    }
    $service[0]
}

function Start-FakeService {
    param([System.Collections.IDictionary]$Service, [System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($Service.startType -eq 'Disabled') {
        Write-FakeError "Service '$($Service.name)' cannot be started due to the following error: Cannot start service $($Service.name) on computer '.'." 'OpenError' $Cmdlet
        return
    }
    $Service.status = 'Running'
    # Remote Desktop Services creates its self-signed certificate when it starts without one.
    if ($Service.name -ieq 'TermService') { Add-FakeSelfSignedCertificate }
}

function Add-FakeSelfSignedCertificate {
    $certificates = @(Get-FakeSection 'certificates' @())
    if (@($certificates | Where-Object { $_.store -ieq 'Remote Desktop' -and $_.subject -eq $_.issuer }).Count -gt 0) { return }
    # Windows cannot write the key when MachineKeys denies it (RCM events 1057/1058).
    $machineKeys = Find-FakeAclPath 'C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys'
    if ($null -ne $machineKeys -and @($script:Machine.acls[$machineKeys].access | Where-Object { $_.type -eq 'Deny' }).Count -gt 0) { return }
    $computer = if ($script:Machine.ContainsKey('computer')) { $script:Machine.computer } else { @{ name = 'SERVER' } }
    $name = [string]$computer.name
    if ($computer.ContainsKey('domain') -and ([string]$computer.domain).Contains('.')) { $name = "$name.$($computer.domain)" }
    $now = (Get-Date).ToUniversalTime()
    $thumbprint = -join (1..40 | ForEach-Object { '0123456789ABCDEF'[(Get-Random -Maximum 16)] })
    $certificate = @{
        store              = 'Remote Desktop'
        thumbprint         = $thumbprint
        subject            = "CN=$name"
        issuer             = "CN=$name"
        notBefore          = $now.ToString('yyyy-MM-ddTHH:mm:ssZ')
        notAfter           = $now.AddDays(182).ToString('yyyy-MM-ddTHH:mm:ssZ')
        dnsNames           = @($name)
        enhancedKeyUsages  = @('1.3.6.1.4.1.311.54.1.2')
        hasPrivateKey      = $true
        privateKeyReadable = $true
        keyFile            = 'f686aace6942fb7f7ceb231212eef4a4_' + [guid]::NewGuid().ToString()
    }
    $script:Machine.certificates = @($certificates) + @($certificate)
}

function Restart-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [switch]$Force)
    foreach ($serviceName in $Name) {
        Add-FakeCall -Command 'Restart-Service' -Mutates $true -Arguments @{ name = $serviceName; force = [bool]$Force }
        $service = Find-FakeService $serviceName $PSCmdlet
        if ($null -ne $service) { Start-FakeService $service $PSCmdlet }
    }
}

function Start-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name)
    foreach ($serviceName in $Name) {
        Add-FakeCall -Command 'Start-Service' -Mutates $true -Arguments @{ name = $serviceName }
        $service = Find-FakeService $serviceName $PSCmdlet
        if ($null -ne $service) { Start-FakeService $service $PSCmdlet }
    }
}

function Stop-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [switch]$Force)
    foreach ($serviceName in $Name) {
        Add-FakeCall -Command 'Stop-Service' -Mutates $true -Arguments @{ name = $serviceName; force = [bool]$Force }
        $service = Find-FakeService $serviceName $PSCmdlet
        if ($null -ne $service) { $service.status = 'Stopped' }
    }
}

function Set-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [string]$StartupType, [string]$Status)
    Add-FakeCall -Command 'Set-Service' -Mutates $true -Arguments @{ name = $Name; startupType = $StartupType; status = $Status }
    $service = Find-FakeService $Name $PSCmdlet
    if ($null -eq $service) { return }
    if ($StartupType) { $service.startType = $StartupType }
    if ($Status -eq 'Running') { Start-FakeService $service $PSCmdlet }
    if ($Status -eq 'Stopped') { $service.status = 'Stopped' }
}

# --- firewall --------------------------------------------------------------------------------

function Get-FakeFirewallRules {
    param([string[]]$Name, [string[]]$Group, [string[]]$DisplayGroup)
    @(Get-FakeSection 'firewallRules' @() | Where-Object {
            $rule = $_
            (-not $Name -or @($Name | Where-Object { $rule.name -ilike $_ }).Count -gt 0) -and
            (-not $Group -or @($Group | Where-Object { $rule.group -ieq $_ }).Count -gt 0) -and
            (-not $DisplayGroup -or @($DisplayGroup | Where-Object { $rule.displayGroup -ieq $_ }).Count -gt 0)
        })
}

function Set-FakeFirewallRuleEnabled {
    param([string]$Command, [bool]$Enabled, [string[]]$Name, [string[]]$Group, [string[]]$DisplayGroup, [System.Management.Automation.PSCmdlet]$Cmdlet)
    Add-FakeCall -Command $Command -Mutates $true -Arguments @{ name = $Name; group = $Group; displayGroup = $DisplayGroup }
    $rules = @(Get-FakeFirewallRules -Name $Name -Group $Group -DisplayGroup $DisplayGroup)
    if ($rules.Count -eq 0) { Write-FakeError 'No MSFT_NetFirewallRule objects found with property matching the criteria.' 'ObjectNotFound' $Cmdlet; return }
    foreach ($rule in $rules) { $rule.enabled = $Enabled }
}

function Enable-NetFirewallRule {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('ID')][string[]]$Name, [string[]]$Group, [string[]]$DisplayGroup)
    Set-FakeFirewallRuleEnabled 'Enable-NetFirewallRule' $true $Name $Group $DisplayGroup $PSCmdlet
}

function Disable-NetFirewallRule {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('ID')][string[]]$Name, [string[]]$Group, [string[]]$DisplayGroup)
    Set-FakeFirewallRuleEnabled 'Disable-NetFirewallRule' $false $Name $Group $DisplayGroup $PSCmdlet
}

function New-NetFirewallRule {
    [CmdletBinding()]
    param(
        [string]$Name = ([guid]::NewGuid().ToString('B')),
        [Parameter(Mandatory = $true)][string]$DisplayName,
        [string]$Direction = 'Inbound',
        [string]$Protocol = 'Any',
        [string[]]$LocalPort = @('Any'),
        [string[]]$RemoteAddress = @('Any'),
        [string]$Action = 'Allow',
        [string[]]$Profile = @('Any'),
        [string]$Group = '',
        [string]$Enabled = 'True'
    )
    Add-FakeCall -Command 'New-NetFirewallRule' -Mutates $true -Arguments @{ name = $Name; displayName = $DisplayName; protocol = $Protocol; localPort = $LocalPort; remoteAddress = $RemoteAddress; action = $Action }
    $rules = @(Get-FakeSection 'firewallRules' @())
    if (@($rules | Where-Object { $_.name -ieq $Name }).Count -gt 0) {
        Write-FakeError "Cannot create a file when that file already exists: rule $Name" 'ResourceExists' $PSCmdlet
        return
    }
    $rule = @{
        name = $Name; displayName = $DisplayName; displayGroup = ''; group = $Group; enabled = ($Enabled -eq 'True')
        direction = $Direction; action = $Action; profiles = @($Profile); protocol = $Protocol
        localPorts = @($LocalPort | ForEach-Object { [string]$_ }); remoteAddresses = @($RemoteAddress)
    }
    $script:Machine.firewallRules = $rules + @($rule)
    ConvertTo-FakeFirewallRuleObject $rule
}

function Remove-NetFirewallRule {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('ID')][string[]]$Name, [string[]]$DisplayName)
    Add-FakeCall -Command 'Remove-NetFirewallRule' -Mutates $true -Arguments @{ name = $Name; displayName = $DisplayName }
    $rules = @(Get-FakeSection 'firewallRules' @())
    $gone = @($rules | Where-Object { $rule = $_; @($Name | Where-Object { $_ -and $rule.name -ilike $_ }).Count -gt 0 -or @($DisplayName | Where-Object { $_ -and $rule.displayName -ilike $_ }).Count -gt 0 })
    if ($gone.Count -eq 0) { Write-FakeError 'No MSFT_NetFirewallRule objects found with property matching the criteria.' 'ObjectNotFound' $PSCmdlet; return }
    $script:Machine.firewallRules = @($rules | Where-Object { $gone -notcontains $_ })
}

function ConvertTo-FakeFirewallRuleObject {
    param([System.Collections.IDictionary]$Rule)
    [pscustomobject]@{
        Name         = [string]$Rule.name
        DisplayName  = [string]$Rule.displayName
        DisplayGroup = [string]$Rule.displayGroup
        Group        = [string]$Rule.group
        Enabled      = $(if ($Rule.enabled) { 'True' } else { 'False' })
        Direction    = [string]$Rule.direction
        Action       = [string]$Rule.action
        Profile      = (@($Rule.profiles) -join ', ')
    }
}

# --- certificates ----------------------------------------------------------------------------

function Export-Certificate {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][object]$Cert, [Parameter(Mandatory = $true)][string]$FilePath, [string]$Type = 'CERT')
    Add-FakeCall -Command 'Export-Certificate' -Mutates $false -Arguments @{ thumbprint = [string]$Cert.Thumbprint; file = $FilePath; type = $Type }
    # The public part only (what a .cer holds); a test reads it back as JSON.
    $public = [ordered]@{ thumbprint = $Cert.Thumbprint; subject = $Cert.Subject; issuer = $Cert.Issuer; notBefore = $Cert.NotBefore; notAfter = $Cert.NotAfter }
    [System.IO.File]::WriteAllText($FilePath, (ConvertTo-Json -InputObject $public -Depth 3), [System.Text.UTF8Encoding]::new($false))
    Get-Item -LiteralPath $FilePath
}

# --- local security policy (secedit) ---------------------------------------------------------

function secedit {
    $list = @($args | ForEach-Object { [string]$_ })
    $lower = @($list | ForEach-Object { $_.ToLowerInvariant() })
    $cfgAt = [array]::IndexOf($lower, '/cfg')
    $file = if ($cfgAt -ge 0) { $list[$cfgAt + 1] } else { '' }
    $rights = Get-FakeSection 'userRights' @{}
    if ($lower -contains '/export') {
        if ($script:ReaderNative.ContainsKey('secedit')) { return & $script:ReaderNative['secedit'] @args }
        Add-FakeCall -Command 'secedit' -Mutates $false -Arguments @{ verb = 'export'; file = $file }
        $lines = @('[Unicode]', 'Unicode=yes', '[Version]', 'signature="$CHICAGO$"', 'Revision=1', '[Privilege Rights]')
        foreach ($name in @($rights.Keys | Sort-Object)) {
            # secedit leaves out a right no one holds.
            if (@($rights[$name]).Count -gt 0) { $lines += "$name = $(@($rights[$name]) -join ',')" }
        }
        [System.IO.File]::WriteAllText($file, (($lines -join "`r`n") + "`r`n"), [System.Text.Encoding]::Unicode)
        'The task has completed successfully.'
        $global:LASTEXITCODE = 0
        return
    }
    if ($lower -contains '/configure') {
        $dbAt = [array]::IndexOf($lower, '/db')
        Add-FakeCall -Command 'secedit' -Mutates $true -Arguments @{ verb = 'configure'; file = $file; db = $list[$dbAt + 1] }
        $inSection = $false
        foreach ($line in ([System.IO.File]::ReadAllText($file) -split "\r?\n")) {
            if ($line -match '^\s*\[(.+)\]\s*$') { $inSection = $Matches[1] -eq 'Privilege Rights'; continue }
            if ($inSection -and $line -match '^\s*(\w+)\s*=\s*(.*)$') {
                $rights[$Matches[1]] = @($Matches[2].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' })
            }
        }
        # secedit creates its database beside the template.
        [System.IO.File]::WriteAllBytes($list[$dbAt + 1], [byte[]]@())
        'The task has completed successfully.'
        $global:LASTEXITCODE = 0
        return
    }
    if ($script:ReaderNative.ContainsKey('secedit')) { return & $script:ReaderNative['secedit'] @args }
    throw "fake secedit: '$($list -join ' ')' is not faked"
}

# --- Entra sign-in (dsregcmd) ----------------------------------------------------------------

function dsregcmd {
    $verb = if ($args.Count -gt 0) { ([string]$args[0]).ToLowerInvariant() } else { '' }
    $text = if ($script:Machine.ContainsKey('dsregcmd') -and $null -ne $script:Machine.dsregcmd) { [string]$script:Machine.dsregcmd } else { '' }
    switch ($verb) {
        '/status' {
            if ($script:ReaderNative.ContainsKey('dsregcmd')) { return & $script:ReaderNative['dsregcmd'] @args }
            Add-FakeCall -Command 'dsregcmd' -Mutates $false -Arguments @{ verb = 'status' }
            $text -split "\r?\n"
            $global:LASTEXITCODE = 0
        }
        '/refreshprt' {
            Add-FakeCall -Command 'dsregcmd' -Mutates $true -Arguments @{ verb = 'refreshprt' }
            # Only a joined machine gets a token; the times are dsregcmd's "yyyy-MM-dd HH:mm:ss.fff UTC".
            if ($text -match '(?m)^\s*AzureAdJoined\s*:\s*YES\s*$') {
                $now = (Get-Date).ToUniversalTime()
                $fields = [ordered]@{
                    AzureAdPrt           = 'YES'
                    AzureAdPrtUpdateTime = $now.ToString('yyyy-MM-dd HH:mm:ss.fff') + ' UTC'
                    AzureAdPrtExpiryTime = $now.AddDays(14).ToString('yyyy-MM-dd HH:mm:ss.fff') + ' UTC'
                }
                $lines = [System.Collections.Generic.List[string]]::new()
                foreach ($line in ($text -split "\r?\n")) { $lines.Add($line) }
                foreach ($field in $fields.Keys) {
                    $at = -1
                    for ($i = 0; $i -lt $lines.Count; $i++) { if ($lines[$i] -match "^(\s*$field\s*:\s*)") { $at = $i; $prefix = $Matches[1] } }
                    if ($at -ge 0) { $lines[$at] = $prefix + $fields[$field] }
                    else { $lines.Add("             $field : $($fields[$field])") }
                }
                $script:Machine.dsregcmd = $lines -join "`n"
            }
            $global:LASTEXITCODE = 0
        }
        default {
            if ($script:ReaderNative.ContainsKey('dsregcmd')) { return & $script:ReaderNative['dsregcmd'] @args }
            throw "fake dsregcmd: '$verb' is not faked"
        }
    }
}

# --- readers the fixes need, where Readers.ps1 has none --------------------------------------

function Test-FakeReaderMissing {
    param([string]$Name)
    $null -eq (Get-Command -Name $Name -CommandType Function -ErrorAction SilentlyContinue)
}

if (Test-FakeReaderMissing 'Test-Path') {
    function Test-Path {
        [CmdletBinding()]
        param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [string]$PathType)
        $targets = @($Path) + @($LiteralPath) | Where-Object { $_ }
        foreach ($target in $targets) {
            Add-FakeCall -Command 'Test-Path' -Mutates $false -Arguments @{ path = $target }
            if (Test-FakeRegistryPath $target) { Test-FakeKeyImplied (ConvertTo-FakeRegistryKey $target); continue }
            if (Test-FakeCertPath $target) {
                $parts = Split-FakeCertPath $target
                $inStore = @(Get-FakeCertificates $parts.Store)
                if ($parts.Thumbprint) { @($inStore | Where-Object { $_.thumbprint -ieq $parts.Thumbprint }).Count -gt 0 } else { $true }
                continue
            }
            if ($null -ne (Find-FakeAclPath $target)) { $true; continue }
            if ($target -match '^[A-Za-z]:\\') { $false; continue }
            Microsoft.PowerShell.Management\Test-Path -LiteralPath $target
        }
    }
}

if (Test-FakeReaderMissing 'Get-ItemProperty') {
    function Get-ItemProperty {
        [CmdletBinding()]
        param([Parameter(Position = 0)][string]$Path, [Parameter(Position = 1)][string[]]$Name, [string]$LiteralPath)
        if ($LiteralPath) { $Path = $LiteralPath }
        Add-FakeCall -Command 'Get-ItemProperty' -Mutates $false -Arguments @{ path = $Path; name = $Name }
        $values = Get-FakeRegistryValues $Path
        if ($null -eq $values) { Write-FakeError "Cannot find path '$Path' because it does not exist." 'ObjectNotFound' $PSCmdlet; return }
        $result = [ordered]@{}
        foreach ($valueName in @($values.Keys)) {
            if ($Name -and @($Name | Where-Object { $valueName -ilike $_ }).Count -eq 0) { continue }
            $entry = $values[$valueName]
            $result[$valueName] = switch ([string]$entry.type) {
                # The registry provider shows a DWORD as a signed Int32 (0xffffffff is -1).
                'REG_DWORD' { [System.BitConverter]::ToInt32([System.BitConverter]::GetBytes([uint32][long]$entry.value), 0) }
                'REG_QWORD' { [long]$entry.value }
                'REG_MULTI_SZ' { , [string[]]@($entry.value) }
                'REG_BINARY' { , [byte[]][System.Convert]::FromHexString([string]$entry.value) }
                default { [string]$entry.value }
            }
        }
        if ($Name -and $result.Count -eq 0) { Write-FakeError "Property $($Name -join ',') does not exist at path $Path." 'InvalidArgument' $PSCmdlet; return }
        $result['PSPath'] = "Microsoft.PowerShell.Core\Registry::$(ConvertTo-FakeRegistryKey $Path)"
        [pscustomobject]$result
    }
}

if (Test-FakeReaderMissing 'Get-ChildItem') {
    function Get-ChildItem {
        [CmdletBinding()]
        param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [string]$Filter, [switch]$Recurse, [switch]$File)
        $targets = @($Path) + @($LiteralPath) | Where-Object { $_ }
        foreach ($target in $targets) {
            if (Test-FakeCertPath $target) {
                Add-FakeCall -Command 'Get-ChildItem' -Mutates $false -Arguments @{ path = $target }
                $parts = Split-FakeCertPath $target
                foreach ($certificate in @(Get-FakeCertificates $parts.Store)) { ConvertTo-FakeCertificateObject $certificate }
                continue
            }
            Microsoft.PowerShell.Management\Get-ChildItem @PSBoundParameters
        }
    }
}

if (Test-FakeReaderMissing 'Get-Acl') {
    function Get-Acl {
        [CmdletBinding()]
        param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath)
        if ($LiteralPath) { $Path = $LiteralPath }
        Add-FakeCall -Command 'Get-Acl' -Mutates $false -Arguments @{ path = $Path }
        $found = Find-FakeAclPath $Path
        if ($null -eq $found) { Write-FakeError "Cannot find path '$Path' because it does not exist." 'ObjectNotFound' $PSCmdlet; return }
        $entry = $script:Machine.acls[$found]
        $access = foreach ($ace in @($entry.access)) {
            $sid = Get-FakeAceSid $ace
            $identity = [pscustomobject]@{ Value = [string]$ace.identity }
            $identity | Add-Member -MemberType ScriptMethod -Name Translate -Value ({ param($type) [pscustomobject]@{ Value = $sid } }.GetNewClosure())
            $identity | Add-Member -MemberType ScriptMethod -Name ToString -Value ({ [string]$ace.identity }.GetNewClosure()) -Force
            [pscustomobject]@{
                IdentityReference = $identity
                FileSystemRights  = [System.Security.AccessControl.FileSystemRights](Get-FakeAceMask $ace)
                AccessControlType = [string]$ace.type
                IsInherited       = [bool]$ace.inherited
                InheritanceFlags  = 'None'
                PropagationFlags  = 'None'
            }
        }
        [pscustomobject]@{ Path = $found; Owner = $(if ($entry.ContainsKey('owner')) { $entry.owner } else { '' }); Access = @($access) }
    }
}

if (Test-FakeReaderMissing 'Get-Service') {
    function Get-Service {
        [CmdletBinding()]
        param([Parameter(Position = 0)][string[]]$Name)
        foreach ($serviceName in $Name) {
            Add-FakeCall -Command 'Get-Service' -Mutates $false -Arguments @{ name = $serviceName }
            $service = Find-FakeService $serviceName $PSCmdlet
            if ($null -eq $service -or $service.status -eq 'NotFound') { continue }
            [pscustomobject]@{ Name = $service.name; Status = $service.status; StartType = $service.startType }
        }
    }
}

if (Test-FakeReaderMissing 'Get-NetFirewallRule') {
    function Get-NetFirewallRule {
        [CmdletBinding()]
        param(
            [Parameter(Position = 0)][Alias('ID')][string[]]$Name,
            [string[]]$Group,
            [string[]]$DisplayGroup,
            [string[]]$DisplayName,
            [string]$Direction,
            [string]$Enabled,
            [string]$Action
        )
        Add-FakeCall -Command 'Get-NetFirewallRule' -Mutates $false -Arguments @{ name = $Name; group = $Group; displayGroup = $DisplayGroup; direction = $Direction; enabled = $Enabled; action = $Action }
        $rules = @()
        foreach ($rule in @(Get-FakeFirewallRules -Name $Name -Group $Group -DisplayGroup $DisplayGroup)) {
            if ($DisplayName -and @($DisplayName | Where-Object { $rule.displayName -ilike $_ }).Count -eq 0) { continue }
            if ($Direction -and $rule.direction -ine $Direction) { continue }
            if ($Action -and $rule.action -ine $Action) { continue }
            if ($Enabled -and [string][bool]$rule.enabled -ine $Enabled) { continue }
            $rules += $rule
        }
        if ($rules.Count -eq 0) { Write-FakeError 'No MSFT_NetFirewallRule objects found with property matching the criteria.' 'ObjectNotFound' $PSCmdlet; return }
        foreach ($rule in $rules) { ConvertTo-FakeFirewallRuleObject $rule }
    }
}

if (Test-FakeReaderMissing 'Get-NetFirewallPortFilter') {
    function Get-NetFirewallPortFilter {
        [CmdletBinding()]
        param([Parameter(ValueFromPipeline = $true)][object]$AssociatedNetFirewallRule)
        process {
            Add-FakeCall -Command 'Get-NetFirewallPortFilter' -Mutates $false -Arguments @{ rule = [string]$AssociatedNetFirewallRule.Name }
            foreach ($rule in @(Get-FakeFirewallRules -Name @([string]$AssociatedNetFirewallRule.Name))) {
                [pscustomobject]@{ InstanceID = $rule.name; Protocol = [string]$rule.protocol; LocalPort = @($rule.localPorts) }
            }
        }
    }
}
