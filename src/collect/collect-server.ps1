<#
.SYNOPSIS
    rdp-doctor's server collector: reads the Remote Desktop state of this machine into one JSON
    document (schema rdp-doctor/collect, version 1) for `rdp-doctor analyze`.
.DESCRIPTION
    Read-only: it changes no setting, exports no private key and no password hash. Each check runs
    on its own; one that cannot run (not elevated, cmdlet missing on this Windows) is listed in
    `skipped` with the reason and the rest continue. Runs on Windows PowerShell 5.1 (Server 2012 R2
    and later) and PowerShell 7. docs/collect.md describes every field.
.PARAMETER OutFile
    Where to write the JSON (UTF-8 without BOM). Default:
    rdp-doctor-server-<computer>-<yyyyMMddHHmmss>.json in the current directory.
.PARAMETER Compact
    Print a one-line JSON summary (under 4,096 bytes: Azure Run Command returns only the last
    4,096 bytes of output) instead of the file names.
.PARAMETER EventDays
    How many days of events to read (default 7).
.PARAMETER ExportEvents
    Also export the RDP event logs of the last EventDays days (wevtutil epl) into a zip beside
    the JSON, with the JSON inside it.
.EXAMPLE
    .\collect-server.ps1 -Compact
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
$Role = 'server'
$SummaryLimitBytes = 3900
$MaxEventsPerLog = 500
$started = Get-Date
$skipped = New-Object System.Collections.ArrayList
$registry = New-Object System.Collections.ArrayList

# --- helpers -------------------------------------------------------------------------------------
#include common/collector-helpers.ps1

function ConvertTo-CollectedAcl {
    param([string]$Path, $Acl)
    $access = @(foreach ($ace in @($Acl.Access)) {
            $identity = [string]$ace.IdentityReference.Value
            $entry = [ordered]@{ identity = $identity }
            try {
                $entry.sid = [string]$ace.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value
            } catch {
                # An orphaned SID or an account the domain cannot resolve now: the identity is kept as given.
                $entry.Remove('sid')
            }
            $entry.rights = [string]$ace.FileSystemRights
            $entry.type = [string]$ace.AccessControlType
            $entry.inherited = [bool]$ace.IsInherited
            $entry
        })
    [ordered]@{ path = $Path; owner = [string]$Acl.Owner; access = $access }
}

# --- computer and elevation ----------------------------------------------------------------------

$elevated = Test-Elevated
$computer = Read-ComputerIdentity $elevated
$programData = $env:ProgramData
if (-not $programData) { $programData = 'C:\ProgramData' }

# --- registry ------------------------------------------------------------------------------------

$TerminalServerKey = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server'
$ListenerKey = "$TerminalServerKey\WinStations\RDP-Tcp"
$PolicyKey = 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$ProtocolsKey = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
$KnownProtocols = @('SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3')

$terminalServer = Add-RegistryKey $TerminalServerKey
$listener = Add-RegistryKey $ListenerKey
$policy = Add-RegistryKey $PolicyKey
[void](Add-RegistryKey "$TerminalServerKey\RCM\Licensing Core")
Add-ProtocolKeys $ProtocolsKey $KnownProtocols
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002')
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002')
$credSsp = Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters'
[void](Add-RegistryKey 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CredentialsDelegation')

# A policy value wins over the local one (PortNumber has no policy).
function Get-EffectiveValue {
    param([string]$Name, $LocalRecord)
    $fromPolicy = Get-RegistryValueOf $policy $Name
    if ($null -ne $fromPolicy) { return $fromPolicy }
    Get-RegistryValueOf $LocalRecord $Name
}
$listenerPort = Get-RegistryValueOf $listener 'PortNumber'
if ($null -eq $listenerPort) { $listenerPort = 3389 }

# --- certificates and MachineKeys ----------------------------------------------------------------

# The thumbprint the listener uses: WMI knows the self-signed one too; the registry only a chosen one.
$boundThumbprint = $null
$boundFromWmi = Invoke-Check -Name 'certificates.boundToListener' -Commands @('Get-CimInstance') -Body {
    $setting = Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-Tcp'" -ErrorAction Stop
    [string](@($setting)[0].SSLCertificateSHA1Hash)
}
if ($boundFromWmi) { $boundThumbprint = $boundFromWmi.ToUpperInvariant() }
else {
    $hashValue = Get-RegistryValueOf $listener 'SSLCertificateSHA1Hash'
    if ($hashValue -is [string] -and $hashValue.Length -eq 40) { $boundThumbprint = $hashValue.ToUpperInvariant() }
}

# Opens the private key to learn whether it can be opened and which container file holds it;
# nothing of the key leaves this function. GetRSAPrivateKey/GetECDsaPrivateKey, not .PrivateKey:
# on Windows PowerShell 5.1 .PrivateKey throws for CNG keys that are perfectly readable.
function Get-PrivateKeyState {
    param($Certificate)
    $state = [ordered]@{ readable = $null; uniqueName = $null }
    if (-not $Certificate.HasPrivateKey) { $state.readable = $false; return $state }
    if (-not $elevated) { return $state }
    $key = $null
    # ECDsaCertificateExtensions arrived with .NET 4.6.1; without it an ECDSA key cannot be tested.
    $ecdsa = 'System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions' -as [type]
    try {
        $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
        if ($null -eq $key -and $null -ne $ecdsa) { $key = $ecdsa::GetECDsaPrivateKey($Certificate) }
    } catch {
        $state.readable = $false
        return $state
    }
    if ($null -eq $key -and $null -eq $ecdsa) { return $state }
    $state.readable = $null -ne $key
    if ($null -ne $key) {
        $properties = $key.PSObject.Properties
        if ($properties['Key'] -and $null -ne $key.Key) { $state.uniqueName = [string]$key.Key.UniqueName }
        elseif ($properties['CspKeyContainerInfo'] -and $null -ne $key.CspKeyContainerInfo) {
            $state.uniqueName = [string]$key.CspKeyContainerInfo.UniqueKeyContainerName
        }
        if ($key -is [System.IDisposable]) { $key.Dispose() }
    }
    $state
}

# The key container file (CAPI keys in RSA\MachineKeys, CNG keys in Keys) and its ACL.
function Get-KeyFile {
    param([string]$UniqueName)
    $found = [ordered]@{ name = $null; acl = $null }
    if (-not $UniqueName) { return $found }
    $folders = @("$programData\Microsoft\Crypto\RSA\MachineKeys", "$programData\Microsoft\Crypto\Keys", "$programData\Microsoft\Crypto\SystemKeys")
    foreach ($folder in $folders) {
        $path = "$folder\$UniqueName"
        try {
            $acl = Get-Acl -LiteralPath $path -ErrorAction Stop
        } catch [System.Management.Automation.ItemNotFoundException] {
            continue
        }
        $found.name = $UniqueName
        $found.acl = ConvertTo-CollectedAcl $path $acl
        return $found
    }
    $found
}

$certificates = Invoke-Check -Name 'certificates' -Body {
    $list = New-Object System.Collections.ArrayList
    foreach ($store in @('Remote Desktop', 'My')) {
        $items = @()
        try {
            $items = @(Get-ChildItem -LiteralPath "Cert:\LocalMachine\$store" -ErrorAction Stop)
        } catch [System.Management.Automation.ItemNotFoundException] {
            continue
        }
        foreach ($certificate in $items) {
            $dnsNames = @()
            if ($certificate.PSObject.Properties['DnsNameList'] -and $null -ne $certificate.DnsNameList) {
                $dnsNames = @($certificate.DnsNameList | ForEach-Object { [string]$_.Unicode })
            }
            $usages = @()
            if ($certificate.PSObject.Properties['EnhancedKeyUsageList'] -and $null -ne $certificate.EnhancedKeyUsageList) {
                $usages = @($certificate.EnhancedKeyUsageList | ForEach-Object { [string]$_.ObjectId })
            }
            $keyState = Get-PrivateKeyState $certificate
            $keyFile = [ordered]@{ name = $null; acl = $null }
            try {
                $keyFile = Get-KeyFile $keyState.uniqueName
            } catch {
                $reason = 'error'
                if (Test-AccessDenied $_) { $reason = 'not-elevated' }
                Add-Skipped 'certificates.keyFileAcl' $reason "$($certificate.Thumbprint): $($_.Exception.Message)"
            }
            [void]$list.Add([ordered]@{
                    store              = $store
                    thumbprint         = ([string]$certificate.Thumbprint).ToUpperInvariant()
                    subject            = [string]$certificate.Subject
                    issuer             = [string]$certificate.Issuer
                    notBefore          = ConvertTo-IsoTime $certificate.NotBefore
                    notAfter           = ConvertTo-IsoTime $certificate.NotAfter
                    dnsNames           = $dnsNames
                    enhancedKeyUsages  = $usages
                    hasPrivateKey      = [bool]$certificate.HasPrivateKey
                    privateKeyReadable = $keyState.readable
                    keyFile            = $keyFile.name
                    keyFileAcl         = $keyFile.acl
                    boundToListener    = $false
                })
        }
    }
    # Without a chosen or reported thumbprint, RDP uses the newest self-signed one in 'Remote Desktop'.
    $bound = $null
    if ($boundThumbprint) { $bound = @($list | Where-Object { $_.thumbprint -eq $boundThumbprint }) | Select-Object -First 1 }
    else { $bound = @($list | Where-Object { $_.store -eq 'Remote Desktop' } | Sort-Object { $_.notAfter } -Descending) | Select-Object -First 1 }
    if ($null -ne $bound) { $bound.boundToListener = $true }
    , $list.ToArray()
}
if ($null -ne $certificates -and -not $elevated) {
    Add-Skipped 'certificates.privateKeyReadable' 'not-elevated' 'opening machine private keys (and so finding their key files) needs an elevated PowerShell'
}

$machineKeysPath = "$programData\Microsoft\Crypto\RSA\MachineKeys"
$machineKeys = Invoke-Check -Name 'machineKeys' -Commands @('Get-Acl') -Body {
    ConvertTo-CollectedAcl $machineKeysPath (Get-Acl -LiteralPath $machineKeysPath -ErrorAction Stop)
}

$tlsCipherSuites = Invoke-Check -Name 'tlsCipherSuites' -Commands @('Get-TlsCipherSuite') -Body {
    , @(Get-TlsCipherSuite | ForEach-Object { [string]$_.Name })
}

# --- services, firewall, listeners ---------------------------------------------------------------

$services = Invoke-Check -Name 'services' -Commands @('Get-Service') -Body {
    , @(foreach ($name in @('TermService', 'SessionEnv', 'UmRdpService')) {
            $service = Get-Service -Name $name -ErrorAction SilentlyContinue
            if ($null -eq $service) { [ordered]@{ name = $name; status = 'NotFound'; startType = 'Unknown' } }
            else {
                $startType = 'Unknown'
                if ($service.PSObject.Properties['StartType']) { $startType = [string]$service.StartType }
                [ordered]@{ name = $name; status = [string]$service.Status; startType = $startType }
            }
        })
}

$firewall = Invoke-Check -Name 'firewall' -Commands @('Get-NetFirewallProfile', 'Get-NetFirewallRule', 'Get-NetFirewallPortFilter', 'Get-NetFirewallAddressFilter') -Body {
    $activeCategories = @()
    if (Test-CommandPresent 'Get-NetConnectionProfile') {
        $activeCategories = @(Get-NetConnectionProfile -ErrorAction SilentlyContinue | ForEach-Object {
                $category = [string]$_.NetworkCategory
                if ($category -eq 'DomainAuthenticated') { 'Domain' } else { $category }
            })
    } else {
        Add-Skipped 'firewall.profiles.active' 'cmdlet-missing' 'Get-NetConnectionProfile is not available on this system'
    }
    $profiles = @(Get-NetFirewallProfile -ErrorAction Stop | ForEach-Object {
            [ordered]@{
                name                 = [string]$_.Name
                enabled              = ([string]$_.Enabled -eq 'True')
                defaultInboundAction = [string]$_.DefaultInboundAction
                active               = ($activeCategories -contains [string]$_.Name)
            }
        })
    # The Remote Desktop group by its locale-independent name, plus every inbound rule naming the port.
    $rules = @{}
    foreach ($rule in @(Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' -ErrorAction SilentlyContinue)) { $rules[[string]$rule.Name] = $rule }
    foreach ($filter in @(Get-NetFirewallPortFilter -ErrorAction Stop)) {
        if (@($filter.LocalPort | ForEach-Object { [string]$_ }) -contains [string]$listenerPort) {
            $name = [string]$filter.InstanceID
            if (-not $rules.ContainsKey($name)) {
                $rule = Get-NetFirewallRule -Name $name -ErrorAction SilentlyContinue
                if ($null -ne $rule) { $rules[$name] = $rule }
            }
        }
    }
    $collected = @(foreach ($name in ($rules.Keys | Sort-Object)) {
            $rule = $rules[$name]
            if ([string]$rule.Direction -ne 'Inbound') { continue }
            $portFilter = Get-NetFirewallPortFilter -AssociatedNetFirewallRule $rule -ErrorAction Stop
            $addressFilter = Get-NetFirewallAddressFilter -AssociatedNetFirewallRule $rule -ErrorAction Stop
            [ordered]@{
                name            = $name
                displayName     = [string]$rule.DisplayName
                displayGroup    = [string]$rule.DisplayGroup
                group           = [string]$rule.Group
                enabled         = ([string]$rule.Enabled -eq 'True')
                direction       = [string]$rule.Direction
                action          = [string]$rule.Action
                profiles        = @(([string]$rule.Profile) -split ',\s*' | Where-Object { $_ })
                protocol        = [string]$portFilter.Protocol
                localPorts      = @($portFilter.LocalPort | ForEach-Object { [string]$_ })
                remoteAddresses = @($addressFilter.RemoteAddress | ForEach-Object { [string]$_ })
            }
        })
    [ordered]@{ profiles = $profiles; rules = $collected }
}

function Get-ProcessFacts {
    param([int]$ProcessId)
    $facts = [ordered]@{ name = ''; services = @() }
    $process = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
    if ($null -ne $process) { $facts.name = [string]$process.ProcessName }
    $facts.services = @(Get-CimInstance -ClassName Win32_Service -Filter "ProcessId = $ProcessId" -ErrorAction SilentlyContinue |
            ForEach-Object { [string]$_.Name } | Sort-Object)
    $facts
}

$listeners = Invoke-Check -Name 'listeners' -Commands @('Get-NetTCPConnection') -Body {
    $found = New-Object System.Collections.ArrayList
    foreach ($connection in @(Get-NetTCPConnection -State Listen -LocalPort $listenerPort -ErrorAction SilentlyContinue)) {
        $facts = Get-ProcessFacts ([int]$connection.OwningProcess)
        [void]$found.Add([ordered]@{
                address = [string]$connection.LocalAddress; port = [int]$connection.LocalPort; protocol = 'TCP'
                processId = [int]$connection.OwningProcess; processName = $facts.name; services = $facts.services
            })
    }
    if (Test-CommandPresent 'Get-NetUDPEndpoint') {
        foreach ($endpoint in @(Get-NetUDPEndpoint -LocalPort $listenerPort -ErrorAction SilentlyContinue)) {
            $facts = Get-ProcessFacts ([int]$endpoint.OwningProcess)
            [void]$found.Add([ordered]@{
                    address = [string]$endpoint.LocalAddress; port = [int]$endpoint.LocalPort; protocol = 'UDP'
                    processId = [int]$endpoint.OwningProcess; processName = $facts.name; services = $facts.services
                })
        }
    }
    , $found.ToArray()
}

# --- logon rights, licensing, Azure --------------------------------------------------------------

$logonRights = Invoke-Check -Name 'logonRights' -Commands @('secedit') -NeedsElevation -Body {
    $exportFile = Join-Path ([System.IO.Path]::GetTempPath()) ("rdp-doctor-rights-{0}.inf" -f [guid]::NewGuid().ToString('N'))
    try {
        $export = Invoke-Native 'secedit' @('/export', '/cfg', $exportFile, '/areas', 'USER_RIGHTS', '/quiet')
        if ($export.ExitCode -ne 0 -or -not [System.IO.File]::Exists($exportFile)) {
            throw "secedit /export failed (exit $($export.ExitCode)): $($export.Text)"
        }
        $text = [System.IO.File]::ReadAllText($exportFile)
    } finally {
        if ([System.IO.File]::Exists($exportFile)) { [System.IO.File]::Delete($exportFile) }
    }
    $rights = [ordered]@{ SeRemoteInteractiveLogonRight = @(); SeDenyRemoteInteractiveLogonRight = @(); remoteDesktopUsers = $null }
    foreach ($line in ($text -split "`r?`n")) {
        if ($line -match '^\s*(SeRemoteInteractiveLogonRight|SeDenyRemoteInteractiveLogonRight)\s*=\s*(.*)$') {
            $rights[$Matches[1]] = @($Matches[2].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        }
    }
    $rights.remoteDesktopUsers = Invoke-Check -Name 'logonRights.remoteDesktopUsers' -Commands @('Get-LocalGroupMember') -Body {
        , @(Get-LocalGroupMember -SID 'S-1-5-32-555' -ErrorAction Stop | ForEach-Object { [string]$_.Name })
    }
    $rights
}

$licensing = Invoke-Check -Name 'licensing' -Commands @('Get-CimInstance', 'Invoke-CimMethod') -Body {
    $setting = @(Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TerminalServiceSetting -ErrorAction Stop)[0]
    # TerminalServerMode 1: the Session Host role is installed (0: remote administration only).
    $sessionHost = ([int]$setting.TerminalServerMode -eq 1)
    $graceDays = $null
    $servers = @()
    if ($sessionHost) {
        $grace = Invoke-CimMethod -InputObject $setting -MethodName GetGracePeriodDays -ErrorAction Stop
        $graceDays = [int]$grace.DaysLeft
        $list = Invoke-CimMethod -InputObject $setting -MethodName GetSpecifiedLicenseServerList -ErrorAction SilentlyContinue
        if ($null -ne $list -and $null -ne $list.SpecifiedLSList) { $servers = @($list.SpecifiedLSList | ForEach-Object { [string]$_ }) }
    }
    $licensingName = $null
    if ($setting.LicensingName) { $licensingName = [string]$setting.LicensingName }
    [ordered]@{
        sessionHostInstalled = $sessionHost
        licensingType        = [int]$setting.LicensingType
        licensingName        = $licensingName
        graceDaysLeft        = $graceDays
        licenseServers       = $servers
    }
}

# No answer from IMDS within 2 s means "not an Azure VM", not a failed check.
$azure = [ordered]@{ isAzureVm = $false; vmId = $null; location = $null; resourceGroup = $null; vmName = $null }
try {
    $metadata = Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/instance?api-version=2021-02-01' -Headers @{ Metadata = 'true' } -TimeoutSec 2 -UseBasicParsing -ErrorAction Stop
    $azure.isAzureVm = $true
    $azure.vmId = [string]$metadata.compute.vmId
    $azure.location = [string]$metadata.compute.location
    $azure.resourceGroup = [string]$metadata.compute.resourceGroupName
    $azure.vmName = [string]$metadata.compute.name
} catch {
    $azure.isAzureVm = $false
}

# --- events --------------------------------------------------------------------------------------

$since = (Get-Date).AddDays(-$EventDays)
$EventQueries = @(
    @{ LogName = 'System'; ProviderName = @('Schannel', 'TermService', 'Microsoft-Windows-TerminalServices-RemoteConnectionManager'); StartTime = $since },
    @{ LogName = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational'; StartTime = $since },
    @{ LogName = 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational'; StartTime = $since }
)
$events = Invoke-Check -Name 'events' -Commands @('Get-WinEvent') -Body {
    $collected = New-Object System.Collections.ArrayList
    $failed = 0
    foreach ($query in $EventQueries) {
        try {
            foreach ($record in @(Get-WinEvent -FilterHashtable $query -MaxEvents $MaxEventsPerLog -ErrorAction Stop)) {
                [void]$collected.Add((ConvertTo-CollectedEvent $record))
            }
        } catch {
            # "No events were found" is an answer (an empty log), not a failure.
            if ($_.FullyQualifiedErrorId -notmatch 'NoMatchingEventsFound') {
                $reason = 'error'
                if (Test-AccessDenied $_) { $reason = 'not-elevated' }
                Add-Skipped "events:$($query.LogName)" $reason $_.Exception.Message
                $failed++
            }
        }
    }
    # No log could be read: the section is absent (each log is named in `skipped`), not empty.
    if ($failed -eq $EventQueries.Count) { return $null }
    , $collected.ToArray()
}

# --- the document --------------------------------------------------------------------------------

$OutFile = Resolve-OutFile $OutFile $computer.name

$exported = $null
if ($ExportEvents) { $exported = Export-EventLogs @('Microsoft-Windows-TerminalServices-LocalSessionManager/Operational') $EventDays }

$document = New-CollectDocument ([ordered]@{
        certificates    = $certificates
        machineKeys     = $machineKeys
        tlsCipherSuites = $tlsCipherSuites
        services        = $services
        firewall        = $firewall
        listeners       = $listeners
        logonRights     = $logonRights
        licensing       = $licensing
        azure           = $azure
    }) $events $exported
$zipFile = Write-CollectedFiles $document $OutFile $exported

# --- output --------------------------------------------------------------------------------------

if (-not $Compact) {
    Write-CollectedNames $zipFile $exported
    return
}

$parts = New-Object System.Collections.ArrayList
[void]$parts.Add(@('rdp', [ordered]@{
            fDenyTSConnections        = Get-EffectiveValue 'fDenyTSConnections' $terminalServer
            fDenyByPolicy             = Get-RegistryValueOf $policy 'fDenyTSConnections'
            PortNumber                = $listenerPort
            SecurityLayer             = Get-EffectiveValue 'SecurityLayer' $listener
            UserAuthentication        = Get-EffectiveValue 'UserAuthentication' $listener
            MinEncryptionLevel        = Get-EffectiveValue 'MinEncryptionLevel' $listener
            MaxOutstandingConnections = Get-RegistryValueOf $terminalServer 'MaxOutstandingConnections'
            AllowEncryptionOracle     = Get-RegistryValueOf $credSsp 'AllowEncryptionOracle'
        }))
if ($null -ne $certificates) {
    [void]$parts.Add(@('listenerCertificate', (@($certificates | Where-Object { $_.boundToListener } | ForEach-Object {
                        [ordered]@{ thumbprint = $_.thumbprint; store = $_.store; notAfter = $_.notAfter; hasPrivateKey = $_.hasPrivateKey; privateKeyReadable = $_.privateKeyReadable; keyFile = $_.keyFile }
                    }) | Select-Object -First 1)))
}
if ($null -ne $machineKeys) {
    [void]$parts.Add(@('machineKeys', @($machineKeys.access | ForEach-Object { "$($_.type) $($_.identity): $($_.rights)" })))
}
[void]$parts.Add(@('schannel', (Get-ProtocolSummary $ProtocolsKey)))
if ($null -ne $services) { [void]$parts.Add(@('services', @($services | ForEach-Object { "$($_.name):$($_.status)/$($_.startType)" }))) }
if ($null -ne $firewall) {
    [void]$parts.Add(@('firewallProfiles', @($firewall.profiles | ForEach-Object { "$($_.name):$(if ($_.enabled) { 'on' } else { 'off' })/$($_.defaultInboundAction)$(if ($_.active) { '/active' })" })))
    [void]$parts.Add(@('firewallRules', @($firewall.rules | ForEach-Object { "$($_.name):$(if ($_.enabled) { 'on' } else { 'off' })/$($_.action)/$($_.protocol) $($_.localPorts -join ',')" })))
}
if ($null -ne $listeners) { [void]$parts.Add(@('listeners', @($listeners | ForEach-Object { "$($_.protocol) $($_.address):$($_.port) $($_.processName) $($_.services -join ',')" }))) }
if ($null -ne $logonRights) {
    [void]$parts.Add(@('logonRights', [ordered]@{ allow = $logonRights.SeRemoteInteractiveLogonRight; deny = $logonRights.SeDenyRemoteInteractiveLogonRight }))
}
if ($null -ne $licensing) { [void]$parts.Add(@('licensing', [ordered]@{ sessionHost = $licensing.sessionHostInstalled; type = $licensing.licensingType; graceDaysLeft = $licensing.graceDaysLeft })) }
[void]$parts.Add(@('azure', [ordered]@{ isAzureVm = $azure.isAzureVm; vmName = $azure.vmName; resourceGroup = $azure.resourceGroup }))
if ($null -ne $tlsCipherSuites) { [void]$parts.Add(@('tlsCipherSuites', [ordered]@{ count = @($tlsCipherSuites).Count; first = @($tlsCipherSuites | Select-Object -First 3) })) }
if ($null -ne $events) {
    $counts = [ordered]@{}
    foreach ($record in $events) { $id = "$($record.provider) $($record.eventId)"; if ($counts.Contains($id)) { $counts[$id]++ } else { $counts[$id] = 1 } }
    [void]$parts.Add(@('eventCounts', $counts))
}

# --- the embedded document ------------------------------------------------------------------------
# The sections of least value, in the order Write-CompactSummary leaves them out of the document
# it embeds while that is too long (events are always left out).
$CompactDrops = @(
    @('tlsCipherSuites', 'the cipher-suite order policy is in the registry section', {
            param($Reduced)
            if ($null -eq $Reduced.tlsCipherSuites) { return $false }
            $Reduced.tlsCipherSuites = $null
            $true
        }),
    @('listeners', 'who owns the listening port', {
            param($Reduced)
            if ($null -eq $Reduced.listeners) { return $false }
            $Reduced.listeners = $null
            $true
        }),
    @('firewall:disabled-rules', 'disabled rules outside the Remote Desktop group (they have no effect)', {
            param($Reduced)
            if ($null -eq $Reduced.firewall) { return $false }
            $kept = @($Reduced.firewall.rules | Where-Object { $_.enabled -or $_.group -eq '@FirewallAPI.dll,-28752' })
            if ($kept.Count -eq @($Reduced.firewall.rules).Count) { return $false }
            $Reduced.firewall = [ordered]@{ profiles = $Reduced.firewall.profiles; rules = $kept }
            $true
        }),
    @('certificates:not-bound', 'certificates the listener does not use', {
            param($Reduced)
            if ($null -eq $Reduced.certificates) { return $false }
            $kept = @($Reduced.certificates | Where-Object { $_.boundToListener })
            if ($kept.Count -eq @($Reduced.certificates).Count) { return $false }
            $Reduced.certificates = $kept
            $true
        }),
    @('registry:binary-values', 'REG_BINARY values other than SSLCertificateSHA1Hash (no check reads them)', {
            param($Reduced)
            $changed = $false
            $keys = New-Object System.Collections.ArrayList
            foreach ($record in $Reduced.registry) {
                $values = @($record.values | Where-Object { $_.type -ne 'REG_BINARY' -or $_.name -eq 'SSLCertificateSHA1Hash' })
                if ($values.Count -ne @($record.values).Count) { $changed = $true }
                [void]$keys.Add([ordered]@{ key = $record.key; exists = $record.exists; values = $values })
            }
            $Reduced.registry = $keys
            $changed
        }),
    @('azure', 'whether this is an Azure VM', {
            param($Reduced)
            if ($null -eq $Reduced.azure) { return $false }
            $Reduced.azure = $null
            $true
        }),
    # Whole, not in part: a rule left out could be the one that allows (or blocks) the port.
    @('firewall', 'the firewall profiles and rules', {
            param($Reduced)
            if ($null -eq $Reduced.firewall) { return $false }
            $Reduced.firewall = $null
            $true
        })
)

Write-CompactSummary $parts $CompactDrops $zipFile
