# Readers: the reading commands the collectors (src/collect/collect-*.ps1) use, faked from
# $script:Machine (a scenario of test/fixtures/collect/scenarios, format in its README.md). Each
# answers in the shape Windows gives (same property names, same kinds of errors: a missing
# registry key or file is an ItemNotFoundException, an admin-only read by a non-admin is access
# denied) and logs itself with Add-FakeCall -Mutates $false.
#
# Four .NET types cannot be replaced by functions; PowerShell's type accelerators can stand in
# for them, because a type accelerator wins over an assembly's type of the same full name:
# WindowsIdentity/WindowsPrincipal (the elevation test) and RSACertificateExtensions/
# ECDsaCertificateExtensions (opening a certificate's private key). Enable-FakeTypes installs them.
# Fake objects carry PSTypeName FakeWindows.<Type>: a real type name would pull in that type's
# extended members (X509Certificate2's DnsNameList script property) and clash with ours.
Set-StrictMode -Version Latest

if (-not ('FakeWindows.Principal' -as [type])) {
    Add-Type -TypeDefinition @'
namespace FakeWindows {
    public static class State {
        public static bool Elevated = true;
        // Answers GetRSAPrivateKey: null (no key), a key object, or a string (the error to throw).
        public static System.Func<object, object> OpenRsaKey;
    }
    public static class Identity {
        public static object GetCurrent() { return "fake-identity"; }
    }
    public class Principal {
        public Principal(object identity) { }
        public bool IsInRole(object role) { return State.Elevated && role.ToString() == "Administrator"; }
    }
    public static class RsaExtensions {
        public static object GetRSAPrivateKey(object certificate) {
            object answer = State.OpenRsaKey == null ? null : State.OpenRsaKey(certificate);
            string error = answer as string;
            if (error != null) throw new System.Security.Cryptography.CryptographicException(error);
            return answer;
        }
    }
    public static class EcdsaExtensions {
        public static object GetECDsaPrivateKey(object certificate) { return null; }
    }
}
'@
}

function Enable-FakeTypes {
    $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
    $replacements = @{
        'System.Security.Principal.WindowsIdentity'                                = [FakeWindows.Identity]
        'System.Security.Principal.WindowsPrincipal'                               = [FakeWindows.Principal]
        'System.Security.Cryptography.X509Certificates.RSACertificateExtensions'   = [FakeWindows.RsaExtensions]
        'System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions' = [FakeWindows.EcdsaExtensions]
    }
    foreach ($name in $replacements.Keys) {
        [void]$accelerators::Remove($name)
        $accelerators::Add($name, $replacements[$name])
    }
    [FakeWindows.State]::Elevated = [bool](Get-FakeValue $script:Machine 'elevated' $true)
    [FakeWindows.State]::OpenRsaKey = [System.Func[object, object]] {
        param($certificate)
        Open-FakePrivateKey $certificate
    }
}

# --- scenario access ------------------------------------------------------------------------------

function Get-FakeValue {
    param($Table, [string]$Name, $Default = $null)
    if ($null -ne $Table -and $Table -is [System.Collections.IDictionary] -and $Table.Contains($Name)) { return $Table[$Name] }
    $Default
}

function Get-FakeList {
    param([string]$Name)
    $value = Get-FakeValue $script:Machine $Name
    if ($null -eq $value) { return @() }
    @($value)
}

# Case-insensitive lookup of a dictionary key, like Windows' registry and file system.
function Find-FakeKey {
    param($Table, [string]$Name)
    if ($null -eq $Table) { return $null }
    foreach ($key in $Table.Keys) { if ([string]$key -eq $Name) { return [string]$key } }
    $null
}

function Test-FakeElevated { [bool](Get-FakeValue $script:Machine 'elevated' $true) }

function Assert-FakeCommand {
    param([string]$Name)
    if ((Get-FakeList 'missingCommands') -contains $Name) {
        throw [System.Management.Automation.CommandNotFoundException]::new("The term '$Name' is not recognized as a name of a cmdlet, function, script file, or executable program.")
    }
}

function New-FakeError {
    param([System.Exception]$Exception, [string]$Id, [System.Management.Automation.ErrorCategory]$Category, $Target = $null)
    [System.Management.Automation.ErrorRecord]::new($Exception, $Id, $Category, $Target)
}

function New-AccessDenied {
    param([string]$What)
    [System.UnauthorizedAccessException]::new("Access to the path '$What' is denied.")
}

# --- registry ------------------------------------------------------------------------------------

function Get-FakeRegistryKeys { $keys = Get-FakeValue $script:Machine 'registry'; if ($null -eq $keys) { @{} } else { $keys } }

# A key exists when the scenario lists it or a key below it (Windows has every ancestor).
function Test-FakeRegistryKey {
    param([string]$Key)
    $prefix = "$Key\"
    foreach ($listed in (Get-FakeRegistryKeys).Keys) {
        if ([string]$listed -eq $Key -or ([string]$listed).StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    $false
}

function ConvertTo-FakeRegistryData {
    param($Entry)
    $type = [string]$Entry.type
    $value = Get-FakeValue $Entry 'value'
    switch ($type) {
        'REG_DWORD' { return [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32][int64]$value), 0) }
        'REG_QWORD' { return [BitConverter]::ToInt64([BitConverter]::GetBytes([uint64]$value), 0) }
        'REG_MULTI_SZ' { return [string[]]@($value) }
        'REG_SZ' { return [string]$value }
        'REG_EXPAND_SZ' { return [string]$value }
        default {
            $hex = [string]$value
            $bytes = New-Object byte[] ($hex.Length / 2)
            for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [Convert]::ToByte($hex.Substring($i * 2, 2), 16) }
            return , $bytes
        }
    }
}

$script:FakeKindOfType = @{
    REG_SZ = 'String'; REG_EXPAND_SZ = 'ExpandString'; REG_MULTI_SZ = 'MultiString'; REG_DWORD = 'DWord'
    REG_QWORD = 'QWord'; REG_BINARY = 'Binary'; REG_NONE = 'None'
}

# A RegistryKey look-alike: Name, Property, GetValueNames/GetValue/GetValueKind/GetSubKeyNames.
function New-FakeRegistryItem {
    param([string]$Key)
    $listedName = Find-FakeKey (Get-FakeRegistryKeys) $Key
    $values = @{}
    if ($listedName) { $values = (Get-FakeRegistryKeys)[$listedName]; if ($null -eq $values) { $values = @{} } }
    $item = [pscustomobject]@{
        PSTypeName = 'FakeWindows.RegistryKey'
        Name       = $Key
        PSPath     = "Microsoft.PowerShell.Core\Registry::$Key"
        Property   = [string[]]@($values.Keys)
    }
    $item | Add-Member -MemberType NoteProperty -Name FakeValues -Value $values
    $item | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { [string[]]@($this.FakeValues.Keys) }
    $item | Add-Member -MemberType ScriptMethod -Name GetValue -Value {
        param([string]$Name, $DefaultValue = $null, $Options = $null)
        $found = Find-FakeKey $this.FakeValues $Name
        if ($null -eq $found) { return $DefaultValue }
        , (ConvertTo-FakeRegistryData $this.FakeValues[$found])
    }
    $item | Add-Member -MemberType ScriptMethod -Name GetValueKind -Value {
        param([string]$Name)
        $found = Find-FakeKey $this.FakeValues $Name
        if ($null -eq $found) { throw [System.IO.IOException]::new('The system cannot find the file specified.') }
        [Microsoft.Win32.RegistryValueKind]$script:FakeKindOfType[[string]$this.FakeValues[$found].type]
    }
    $item | Add-Member -MemberType ScriptMethod -Name GetSubKeyNames -Value {
        $prefix = "$($this.Name)\"
        $names = @{}
        foreach ($listed in (Get-FakeRegistryKeys).Keys) {
            if (([string]$listed).StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) {
                $child = ([string]$listed).Substring($prefix.Length).Split('\')[0]
                $names[$child.ToLowerInvariant()] = $child
            }
        }
        [string[]]@($names.Values | Sort-Object)
    }
    $item
}

# --- files, certificates, ACLs -------------------------------------------------------------------

# Get-Item and Get-ChildItem stay plain functions passing $args through: other modules call them
# with parameters of their own (Pester, the Archive module), and the real cmdlets must answer those.
function Get-FakeCallArguments {
    param([object[]]$Arguments)
    $named = @{ Path = $null; ErrorAction = $null }
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        $token = [string]$Arguments[$i]
        if ($token -match '^-(LiteralPath|Path|ErrorAction|EA)$' -and $i + 1 -lt $Arguments.Count) {
            $name = $Matches[1]
            if ($name -eq 'EA') { $name = 'ErrorAction' }
            if ($name -eq 'LiteralPath') { $name = 'Path' }
            $named[$name] = [string]$Arguments[$i + 1]
            $i++
        } elseif ($token -notmatch '^-' -and $null -eq $named.Path) {
            $named.Path = $token
        }
    }
    $named
}

# A missing item, as the real cmdlets report it: thrown with -ErrorAction Stop, silent with
# SilentlyContinue/Ignore, a non-terminating error otherwise.
function Write-FakeNotFound {
    param([string]$Target, [string]$ErrorAction)
    $exception = [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$Target' because it does not exist.")
    if ($ErrorAction -eq 'Stop') { throw $exception }
    if ($ErrorAction -eq 'SilentlyContinue' -or $ErrorAction -eq 'Ignore') { return }
    Write-Error -Exception $exception -Category ObjectNotFound -TargetObject $Target
}

function Get-Item {
    $call = Get-FakeCallArguments $args
    $target = [string]$call.Path
    if ($target -match '^(Microsoft\.PowerShell\.Core\\)?Registry::|^HK(LM|CU):') {
        $key = ConvertTo-FakeRegistryKey -Path $target
        Add-FakeCall -Command 'Get-Item' -Mutates $false -Arguments @{ LiteralPath = $key }
        if (-not (Test-FakeRegistryKey $key)) { Write-FakeNotFound $target $call.ErrorAction; return }
        return New-FakeRegistryItem $key
    }
    if ($target -match '^[A-Za-z]:\\') {
        Add-FakeCall -Command 'Get-Item' -Mutates $false -Arguments @{ LiteralPath = $target }
        foreach ($app in (Get-FakeList 'clientApps')) {
            if ([string](Get-FakeValue $app 'path') -eq $target) {
                return [pscustomobject]@{
                    PSTypeName  = 'FakeWindows.FileInfo'
                    FullName    = $target
                    Name        = Split-Path -Leaf $target
                    VersionInfo = [pscustomobject]@{ ProductVersion = [string]$app.version; FileVersion = [string]$app.version; FileName = $target }
                }
            }
        }
        Write-FakeNotFound $target $call.ErrorAction
        return
    }
    Microsoft.PowerShell.Management\Get-Item @args
}

function ConvertTo-FakeTime {
    param([string]$Iso)
    [datetime]::Parse($Iso, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal).ToLocalTime()
}

function New-FakeCertificate {
    param($Entry)
    $certificate = [pscustomobject]@{
        PSTypeName            = 'FakeWindows.X509Certificate2'
        Thumbprint            = [string]$Entry.thumbprint
        Subject               = [string]$Entry.subject
        Issuer                = [string]$Entry.issuer
        NotBefore             = ConvertTo-FakeTime $Entry.notBefore
        NotAfter              = ConvertTo-FakeTime $Entry.notAfter
        HasPrivateKey         = [bool]$Entry.hasPrivateKey
        DnsNameList           = @(@(Get-FakeValue $Entry 'dnsNames' @()) | ForEach-Object { [pscustomobject]@{ Punycode = [string]$_; Unicode = [string]$_ } })
        EnhancedKeyUsageList  = @(@(Get-FakeValue $Entry 'enhancedKeyUsages' @()) | ForEach-Object { [pscustomobject]@{ FriendlyName = ''; ObjectId = [string]$_ } })
        PSParentPath          = "Microsoft.PowerShell.Security\Certificate::LocalMachine\$($Entry.store)"
    }
    $certificate
}

# GetRSAPrivateKey's answer for a certificate of the scenario (see FakeWindows.RsaExtensions).
function Open-FakePrivateKey {
    param($Certificate)
    $thumbprint = [string]$Certificate.Thumbprint
    Add-FakeCall -Command 'RSACertificateExtensions.GetRSAPrivateKey' -Mutates $false -Arguments @{ Thumbprint = $thumbprint }
    foreach ($entry in (Get-FakeList 'certificates')) {
        if ([string]$entry.thumbprint -ne $thumbprint) { continue }
        if (-not [bool]$entry.hasPrivateKey) { return $null }
        $readable = Get-FakeValue $entry 'privateKeyReadable' $true
        if (-not (Test-FakeElevated) -or $readable -eq $false) { return 'Keyset does not exist' }
        return [pscustomobject]@{ Key = [pscustomobject]@{ UniqueName = [string](Get-FakeValue $entry 'keyFile' '') } }
    }
    $null
}

function Get-ChildItem {
    $call = Get-FakeCallArguments $args
    $target = [string]$call.Path
    if ($target -match '^Cert:\\LocalMachine\\(.+)$') {
        $store = $Matches[1]
        Add-FakeCall -Command 'Get-ChildItem' -Mutates $false -Arguments @{ LiteralPath = $target }
        $entries = @(Get-FakeList 'certificates' | Where-Object { [string]$_.store -eq $store })
        $stores = @('My', 'Root', 'CA', 'Remote Desktop') + @(Get-FakeList 'certificateStores')
        if ($entries.Count -eq 0 -and $stores -notcontains $store) { Write-FakeNotFound $target $call.ErrorAction; return }
        foreach ($entry in $entries) { New-FakeCertificate $entry }
        return
    }
    Microsoft.PowerShell.Management\Get-ChildItem @args
}

function New-FakeIdentity {
    param([string]$Identity, [string]$Sid)
    $reference = [pscustomobject]@{ PSTypeName = 'FakeWindows.NTAccount'; Value = $Identity }
    $reference | Add-Member -MemberType NoteProperty -Name FakeSid -Value $Sid
    $reference | Add-Member -MemberType ScriptMethod -Name Translate -Value {
        param($TargetType)
        if (-not $this.FakeSid) { throw [System.Security.Principal.IdentityNotMappedException]::new('Some or all identity references could not be translated.') }
        [pscustomobject]@{ PSTypeName = 'FakeWindows.SecurityIdentifier'; Value = $this.FakeSid }
    }
    $reference | Add-Member -MemberType ScriptMethod -Name ToString -Value { $this.Value } -Force
    $reference
}

function ConvertTo-FakeRights {
    param([string]$Rights)
    $type = [System.Security.AccessControl.FileSystemRights]
    if ($Rights -match '^-?\d+$') { return [System.Enum]::ToObject($type, [int]$Rights) }
    [System.Security.AccessControl.FileSystemRights]$Rights
}

function Get-Acl {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath)
    $target = $LiteralPath
    if (-not $target) { $target = $Path }
    Add-FakeCall -Command 'Get-Acl' -Mutates $false -Arguments @{ LiteralPath = $target }
    $acls = Get-FakeValue $script:Machine 'acls'
    $found = Find-FakeKey $acls $target
    if ($null -eq $found) {
        $PSCmdlet.WriteError((New-FakeError ([System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$target' because it does not exist.")) 'GetAcl_PathNotFound_Exception,Microsoft.PowerShell.Commands.GetAclCommand' ObjectNotFound $target))
        return
    }
    $entry = $acls[$found]
    if ([bool](Get-FakeValue $entry 'adminOnly' $false) -and -not (Test-FakeElevated)) {
        $PSCmdlet.WriteError((New-FakeError (New-AccessDenied $target) 'System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetAclCommand' PermissionDenied $target))
        return
    }
    $access = @(foreach ($ace in @(Get-FakeValue $entry 'access' @())) {
            [pscustomobject]@{
                PSTypeName        = 'FakeWindows.FileSystemAccessRule'
                IdentityReference = New-FakeIdentity ([string]$ace.identity) ([string](Get-FakeValue $ace 'sid' ''))
                FileSystemRights  = ConvertTo-FakeRights ([string]$ace.rights)
                AccessControlType = [System.Security.AccessControl.AccessControlType][string]$ace.type
                IsInherited       = [bool]$ace.inherited
                InheritanceFlags  = [System.Security.AccessControl.InheritanceFlags]::None
                PropagationFlags  = [System.Security.AccessControl.PropagationFlags]::None
            }
        })
    [pscustomobject]@{
        PSTypeName = 'FakeWindows.DirectorySecurity'
        Path       = "Microsoft.PowerShell.Core\FileSystem::$target"
        Owner      = [string]$entry.owner
        Access     = $access
    }
}

# --- services, CIM -------------------------------------------------------------------------------

function Get-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name)
    Add-FakeCall -Command 'Get-Service' -Mutates $false -Arguments @{ Name = $Name }
    foreach ($wanted in @($Name)) {
        $service = Get-FakeList 'services' | Where-Object { [string]$_.name -eq $wanted } | Select-Object -First 1
        if ($null -eq $service) {
            $PSCmdlet.WriteError((New-FakeError ([System.InvalidOperationException]::new("Cannot find any service with service name '$wanted'.")) 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand' ObjectNotFound $wanted))
            continue
        }
        [pscustomobject]@{
            PSTypeName  = 'FakeWindows.ServiceController'
            Name        = [string]$service.name
            DisplayName = [string]$service.name
            Status      = [string]$service.status
            StartType   = [string]$service.startType
        }
    }
}

function Get-FakeListenerThumbprint {
    $explicit = Get-FakeValue $script:Machine 'listenerCertificateThumbprint'
    if ($explicit) { return [string]$explicit }
    $listener = (Get-FakeRegistryKeys)[(Find-FakeKey (Get-FakeRegistryKeys) 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp')]
    $hash = Get-FakeValue $listener 'SSLCertificateSHA1Hash'
    if ($null -ne $hash) { return ([string]$hash.value).ToUpperInvariant() }
    $selfSigned = Get-FakeList 'certificates' | Where-Object { [string]$_.store -eq 'Remote Desktop' } | Select-Object -First 1
    if ($null -ne $selfSigned) { return [string]$selfSigned.thumbprint }
    ''
}

function Get-CimInstance {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$ClassName, [string]$Namespace = 'root\cimv2', [string]$Filter)
    Add-FakeCall -Command 'Get-CimInstance' -Mutates $false -Arguments @{ ClassName = $ClassName; Namespace = $Namespace; Filter = $Filter }
    $computer = Get-FakeValue $script:Machine 'computer' @{}
    if ($Namespace -eq 'root\cimv2\TerminalServices' -and -not (Test-FakeElevated)) {
        $PSCmdlet.WriteError((New-FakeError ([System.UnauthorizedAccessException]::new('Access denied')) 'HRESULT 0x80041003,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand' PermissionDenied $ClassName))
        return
    }
    switch ($ClassName) {
        'Win32_OperatingSystem' {
            return [pscustomobject]@{ Caption = [string]$computer.osCaption; Version = [string]$computer.osVersion; BuildNumber = [string]$computer.osBuild }
        }
        'Win32_ComputerSystem' {
            $domain = [string](Get-FakeValue $computer 'domain' 'WORKGROUP')
            return [pscustomobject]@{ Name = [string]$computer.name; Domain = $domain; PartOfDomain = ($domain -ne 'WORKGROUP') }
        }
        'Win32_Service' {
            $processId = $null
            if ($Filter -match 'ProcessId\s*=\s*(\d+)') { $processId = [int]$Matches[1] }
            foreach ($process in (Get-FakeList 'processes')) {
                if ($null -ne $processId -and [int]$process.id -ne $processId) { continue }
                foreach ($service in @(Get-FakeValue $process 'services' @())) { [pscustomobject]@{ Name = [string]$service; ProcessId = [int]$process.id } }
            }
            return
        }
        'Win32_TSGeneralSetting' {
            return [pscustomobject]@{ TerminalName = 'RDP-Tcp'; SSLCertificateSHA1Hash = Get-FakeListenerThumbprint }
        }
        'Win32_TerminalServiceSetting' {
            $licensing = Get-FakeValue $script:Machine 'licensing'
            if ($null -eq $licensing) { break }
            $mode = 0
            if ([bool]$licensing.sessionHostInstalled) { $mode = 1 }
            return [pscustomobject]@{
                PSTypeName         = 'FakeWindows.Win32_TerminalServiceSetting'
                TerminalServerMode = $mode
                LicensingType      = Get-FakeValue $licensing 'licensingType'
                LicensingName      = Get-FakeValue $licensing 'licensingName'
            }
        }
    }
    $PSCmdlet.WriteError((New-FakeError ([System.ArgumentException]::new('Invalid class')) 'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand' MetadataError $ClassName))
}

function Invoke-CimMethod {
    [CmdletBinding()]
    param($InputObject, [string]$MethodName, [string]$ClassName, [string]$Namespace, [System.Collections.IDictionary]$Arguments)
    Add-FakeCall -Command 'Invoke-CimMethod' -Mutates $false -Arguments @{ MethodName = $MethodName }
    $licensing = Get-FakeValue $script:Machine 'licensing' @{}
    switch ($MethodName) {
        'GetGracePeriodDays' { return [pscustomobject]@{ DaysLeft = [int](Get-FakeValue $licensing 'graceDaysLeft' 0); ReturnValue = 0 } }
        'GetSpecifiedLicenseServerList' { return [pscustomobject]@{ SpecifiedLSList = [string[]]@(Get-FakeValue $licensing 'licenseServers' @()); ReturnValue = 0 } }
    }
    throw [System.InvalidOperationException]::new("fake Invoke-CimMethod knows no read-only method '$MethodName'")
}

# --- firewall, network, processes ----------------------------------------------------------------

function Get-NetFirewallProfile {
    [CmdletBinding()]
    param([string[]]$Name)
    Assert-FakeCommand 'Get-NetFirewallProfile'
    Add-FakeCall -Command 'Get-NetFirewallProfile' -Mutates $false -Arguments @{ Name = $Name }
    foreach ($firewallProfile in (Get-FakeList 'firewallProfiles')) {
        if ($Name -and $Name -notcontains [string]$firewallProfile.name) { continue }
        [pscustomobject]@{
            Name                 = [string]$firewallProfile.name
            Enabled              = if ([bool]$firewallProfile.enabled) { 'True' } else { 'False' }
            DefaultInboundAction = [string]$firewallProfile.defaultInboundAction
        }
    }
}

function Get-NetConnectionProfile {
    [CmdletBinding()]
    param()
    Assert-FakeCommand 'Get-NetConnectionProfile'
    Add-FakeCall -Command 'Get-NetConnectionProfile' -Mutates $false
    $index = 0
    foreach ($firewallProfile in (Get-FakeList 'firewallProfiles')) {
        if (-not [bool](Get-FakeValue $firewallProfile 'active' $false)) { continue }
        $index++
        $category = [string]$firewallProfile.name
        if ($category -eq 'Domain') { $category = 'DomainAuthenticated' }
        [pscustomobject]@{ Name = "Network $index"; InterfaceAlias = "Ethernet $index"; NetworkCategory = $category }
    }
}

function New-FakeFirewallRule {
    param($Entry)
    [pscustomobject]@{
        PSTypeName   = 'FakeWindows.MSFT_NetFirewallRule'
        Name         = [string]$Entry.name
        InstanceID   = [string]$Entry.name
        DisplayName  = [string]$Entry.displayName
        DisplayGroup = [string]$Entry.displayGroup
        Group        = [string]$Entry.group
        Enabled      = if ([bool]$Entry.enabled) { 'True' } else { 'False' }
        Direction    = [string]$Entry.direction
        Action       = [string]$Entry.action
        Profile      = (@($Entry.profiles) -join ', ')
    }
}

function Get-NetFirewallRule {
    [CmdletBinding()]
    param([string[]]$Name, [string[]]$Group, [string[]]$DisplayGroup, [string]$Direction)
    Assert-FakeCommand 'Get-NetFirewallRule'
    Add-FakeCall -Command 'Get-NetFirewallRule' -Mutates $false -Arguments @{ Name = $Name; Group = $Group; DisplayGroup = $DisplayGroup }
    $found = @(Get-FakeList 'firewallRules' | Where-Object {
            (-not $Name -or $Name -contains [string]$_.name) -and
            (-not $Group -or $Group -contains [string]$_.group) -and
            (-not $DisplayGroup -or $DisplayGroup -contains [string]$_.displayGroup) -and
            (-not $Direction -or [string]$_.direction -eq $Direction)
        })
    if ($found.Count -eq 0) {
        $PSCmdlet.WriteError((New-FakeError ([System.Management.Automation.ItemNotFoundException]::new('No MSFT_NetFirewallRule objects found with property matching the criteria.')) 'CmdletizationQuery_NotFound,Get-NetFirewallRule' ObjectNotFound $null))
        return
    }
    foreach ($entry in $found) { New-FakeFirewallRule $entry }
}

function Get-FakeRuleEntries {
    param($AssociatedNetFirewallRule)
    if ($null -eq $AssociatedNetFirewallRule) { return Get-FakeList 'firewallRules' }
    $names = @($AssociatedNetFirewallRule | ForEach-Object { [string]$_.Name })
    Get-FakeList 'firewallRules' | Where-Object { $names -contains [string]$_.name }
}

function Get-NetFirewallPortFilter {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline = $true)]$AssociatedNetFirewallRule, [string]$Protocol)
    process {
        Assert-FakeCommand 'Get-NetFirewallPortFilter'
        Add-FakeCall -Command 'Get-NetFirewallPortFilter' -Mutates $false
        foreach ($entry in @(Get-FakeRuleEntries $AssociatedNetFirewallRule)) {
            $ports = @(Get-FakeValue $entry 'localPorts' @('Any'))
            $localPort = if ($ports.Count -eq 1) { [string]$ports[0] } else { [string[]]$ports }
            [pscustomobject]@{ InstanceID = [string]$entry.name; Protocol = [string]$entry.protocol; LocalPort = $localPort; RemotePort = 'Any' }
        }
    }
}

function Get-NetFirewallAddressFilter {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline = $true)]$AssociatedNetFirewallRule)
    process {
        Assert-FakeCommand 'Get-NetFirewallAddressFilter'
        Add-FakeCall -Command 'Get-NetFirewallAddressFilter' -Mutates $false
        foreach ($entry in @(Get-FakeRuleEntries $AssociatedNetFirewallRule)) {
            $addresses = @(Get-FakeValue $entry 'remoteAddresses' @('Any'))
            $remote = if ($addresses.Count -eq 1) { [string]$addresses[0] } else { [string[]]$addresses }
            [pscustomobject]@{ InstanceID = [string]$entry.name; RemoteAddress = $remote; LocalAddress = 'Any' }
        }
    }
}

function Get-NetTCPConnection {
    [CmdletBinding()]
    param([string]$State, [int[]]$LocalPort)
    Assert-FakeCommand 'Get-NetTCPConnection'
    Add-FakeCall -Command 'Get-NetTCPConnection' -Mutates $false -Arguments @{ State = $State; LocalPort = $LocalPort }
    $found = @(Get-FakeList 'tcpListeners' | Where-Object { -not $LocalPort -or $LocalPort -contains [int]$_.port })
    if ($found.Count -eq 0) {
        $PSCmdlet.WriteError((New-FakeError ([System.Management.Automation.ItemNotFoundException]::new('No MSFT_NetTCPConnection objects found with property matching the criteria.')) 'CmdletizationQuery_NotFound,Get-NetTCPConnection' ObjectNotFound $null))
        return
    }
    foreach ($listener in $found) {
        [pscustomobject]@{ LocalAddress = [string]$listener.address; LocalPort = [int]$listener.port; State = 'Listen'; OwningProcess = [int]$listener.processId }
    }
}

function Get-NetUDPEndpoint {
    [CmdletBinding()]
    param([int[]]$LocalPort)
    Assert-FakeCommand 'Get-NetUDPEndpoint'
    Add-FakeCall -Command 'Get-NetUDPEndpoint' -Mutates $false -Arguments @{ LocalPort = $LocalPort }
    $found = @(Get-FakeList 'udpListeners' | Where-Object { -not $LocalPort -or $LocalPort -contains [int]$_.port })
    if ($found.Count -eq 0) {
        $PSCmdlet.WriteError((New-FakeError ([System.Management.Automation.ItemNotFoundException]::new('No MSFT_NetUDPEndpoint objects found with property matching the criteria.')) 'CmdletizationQuery_NotFound,Get-NetUDPEndpoint' ObjectNotFound $null))
        return
    }
    foreach ($listener in $found) {
        [pscustomobject]@{ LocalAddress = [string]$listener.address; LocalPort = [int]$listener.port; OwningProcess = [int]$listener.processId }
    }
}

function Get-Process {
    [CmdletBinding()]
    param([int[]]$Id, [string[]]$Name)
    Add-FakeCall -Command 'Get-Process' -Mutates $false -Arguments @{ Id = $Id }
    foreach ($wanted in @($Id)) {
        $process = Get-FakeList 'processes' | Where-Object { [int]$_.id -eq $wanted } | Select-Object -First 1
        if ($null -eq $process) {
            $PSCmdlet.WriteError((New-FakeError ([System.ArgumentException]::new("Cannot find a process with the process identifier $wanted.")) 'NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.GetProcessCommand' ObjectNotFound $wanted))
            continue
        }
        [pscustomobject]@{ PSTypeName = 'FakeWindows.Process'; Id = [int]$process.id; ProcessName = [string]$process.name }
    }
}

function Get-TlsCipherSuite {
    [CmdletBinding()]
    param([string]$Name)
    Assert-FakeCommand 'Get-TlsCipherSuite'
    Add-FakeCall -Command 'Get-TlsCipherSuite' -Mutates $false
    foreach ($suite in (Get-FakeList 'tlsCipherSuites')) { [pscustomobject]@{ Name = [string]$suite; Exchange = ''; Cipher = '' } }
}

# --- accounts, rights, sign-in -------------------------------------------------------------------

# secedit /export /cfg FILE /areas USER_RIGHTS: an INF in UTF-16LE, as secedit writes it.
function secedit {
    Assert-FakeCommand 'secedit'
    $arguments = @($args | ForEach-Object { [string]$_ })
    Add-FakeCall -Command 'secedit' -Mutates ($arguments -notcontains '/export') -Arguments @{ Arguments = $arguments }
    $cfgIndex = [array]::IndexOf([string[]]$arguments, '/cfg')
    if ($arguments -notcontains '/export' -or $cfgIndex -lt 0) { $global:LASTEXITCODE = 87; 'The parameter is incorrect.'; return }
    if (-not (Test-FakeElevated)) {
        $global:LASTEXITCODE = 1
        'Task is completed. Errors occurred: Access is denied.'
        return
    }
    $lines = @('[Unicode]', 'Unicode=yes', '[Privilege Rights]')
    $rights = Get-FakeValue $script:Machine 'userRights' @{}
    foreach ($right in ($rights.Keys | Sort-Object)) {
        $accounts = @($rights[$right])
        if ($accounts.Count -gt 0) { $lines += "$right = $($accounts -join ',')" }
    }
    $lines += @('[Version]', 'signature="$CHICAGO$"', 'Revision=1')
    [System.IO.File]::WriteAllText($arguments[$cfgIndex + 1], (($lines -join "`r`n") + "`r`n"), [System.Text.Encoding]::Unicode)
    $global:LASTEXITCODE = 0
    'The task has completed successfully.'
}

function Get-LocalGroupMember {
    [CmdletBinding()]
    param([string]$Group, [string]$Name, [string]$SID)
    Assert-FakeCommand 'Get-LocalGroupMember'
    Add-FakeCall -Command 'Get-LocalGroupMember' -Mutates $false -Arguments @{ SID = $SID; Name = $Name }
    $groups = Get-FakeValue $script:Machine 'localGroups' @{}
    $found = Find-FakeKey $groups $SID
    if ($null -eq $found) {
        $PSCmdlet.WriteError((New-FakeError ([System.InvalidOperationException]::new("Group $SID was not found.")) 'GroupNotFound,Microsoft.PowerShell.Commands.GetLocalGroupMemberCommand' ObjectNotFound $SID))
        return
    }
    foreach ($member in @($groups[$found])) {
        [pscustomobject]@{ Name = [string]$member; ObjectClass = 'User'; PrincipalSource = 'ActiveDirectory' }
    }
}

function Invoke-RestMethod {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Uri, [System.Collections.IDictionary]$Headers, [int]$TimeoutSec, [string]$Method = 'Get', [switch]$UseBasicParsing)
    Add-FakeCall -Command 'Invoke-RestMethod' -Mutates ($Method -ne 'Get') -Arguments @{ Uri = $Uri; Method = $Method }
    $imds = Get-FakeValue $script:Machine 'imds'
    if ($Uri -like 'http://169.254.169.254/metadata/instance*' -and $null -ne $imds -and $null -ne $Headers -and [string]$Headers['Metadata'] -eq 'true') {
        return [pscustomobject]@{
            compute = [pscustomobject]@{
                vmId = [string]$imds.vmId; location = [string]$imds.location
                resourceGroupName = [string]$imds.resourceGroupName; name = [string]$imds.name; osType = 'Windows'
            }
        }
    }
    throw [System.Net.WebException]::new('The operation has timed out.')
}

function dsregcmd {
    Assert-FakeCommand 'dsregcmd'
    Add-FakeCall -Command 'dsregcmd' -Mutates (@($args) -notcontains '/status') -Arguments @{ Arguments = @($args) }
    $text = Get-FakeValue $script:Machine 'dsregcmd'
    if ($null -eq $text) { $global:LASTEXITCODE = 1; 'dsregcmd: this device does not support the operation.'; return }
    $global:LASTEXITCODE = 0
    # The status's times move with the scenario's clock like its events ("eventsRelativeTo"), so a
    # token renewed an hour before the anchor is an hour old whenever the test runs.
    $shifted = [regex]::Replace([string]$text, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC', {
            param($match)
            $stamp = $match.Value -replace ' UTC$', 'Z' -replace ' ', 'T'
            (Get-FakeEventTime $stamp).ToUniversalTime().ToString('yyyy-MM-dd HH:mm:ss.fff', [System.Globalization.CultureInfo]::InvariantCulture) + ' UTC'
        })
    $shifted -split "`r?`n"
}

function Get-AppxPackage {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name)
    Assert-FakeCommand 'Get-AppxPackage'
    Add-FakeCall -Command 'Get-AppxPackage' -Mutates $false -Arguments @{ Name = $Name }
    foreach ($app in (Get-FakeList 'clientApps')) {
        if ([string]$app.name -ne 'windows-app' -or $Name -ne 'MicrosoftCorporationII.Windows365') { continue }
        [pscustomobject]@{ Name = 'MicrosoftCorporationII.Windows365'; Version = [string]$app.version; InstallLocation = [string]$app.path }
    }
}

# --- events --------------------------------------------------------------------------------------

# Scenario events carry fixed times; with "eventsRelativeTo" they are moved so that instant is now,
# so "the last 7 days" keeps meaning the same records whenever the test runs.
function Get-FakeEventTime {
    param([string]$Time)
    $when = [datetime]::Parse($Time, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal)
    $anchor = Get-FakeValue $script:Machine 'eventsRelativeTo'
    if ($anchor) {
        $anchorTime = [datetime]::Parse([string]$anchor, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal)
        $when = $when + ([datetime]::UtcNow - $anchorTime)
    }
    [datetime]::SpecifyKind($when, [System.DateTimeKind]::Utc).ToLocalTime()
}

function New-FakeEventRecord {
    param($Entry)
    $escape = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
    $time = Get-FakeEventTime ([string]$Entry.time)
    $dataXml = (@(foreach ($name in @((Get-FakeValue $Entry 'data' @{}).Keys)) { "<Data Name='$(& $escape $name)'>$(& $escape $Entry.data[$name])</Data>" }) -join '')
    $xml = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='$(& $escape $Entry.provider)'/>" +
    "<EventID>$([int]$Entry.eventId)</EventID><TimeCreated SystemTime='$($time.ToUniversalTime().ToString('o'))'/>" +
    "<EventRecordID>$([int64]$Entry.recordId)</EventRecordID><Channel>$(& $escape $Entry.channel)</Channel>" +
    "<Computer>$(& $escape $Entry.computer)</Computer></System><EventData>$dataXml</EventData></Event>"
    $record = [pscustomobject]@{
        PSTypeName   = 'FakeWindows.EventLogRecord'
        Id           = [int]$Entry.eventId
        ProviderName = [string]$Entry.provider
        LogName      = [string]$Entry.channel
        TimeCreated  = $time
        RecordId     = [int64]$Entry.recordId
        MachineName  = [string]$Entry.computer
    }
    $record | Add-Member -MemberType NoteProperty -Name FakeXml -Value $xml
    $record | Add-Member -MemberType ScriptMethod -Name ToXml -Value { $this.FakeXml }
    $record
}

function Test-FakeChannel {
    param([string]$Channel)
    (Get-FakeList 'missingChannels') -notcontains $Channel
}

function Get-WinEvent {
    [CmdletBinding()]
    param([hashtable]$FilterHashtable, [int64]$MaxEvents = [int64]::MaxValue, [string[]]$LogName)
    Assert-FakeCommand 'Get-WinEvent'
    Add-FakeCall -Command 'Get-WinEvent' -Mutates $false -Arguments @{ FilterHashtable = $FilterHashtable; MaxEvents = $MaxEvents }
    $channel = [string]$FilterHashtable['LogName']
    if (-not (Test-FakeChannel $channel)) {
        $PSCmdlet.WriteError((New-FakeError ([System.Exception]::new("There is not an event log on the localhost computer that matches `"$channel`".")) 'NoMatchingLogsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' ObjectNotFound $channel))
        return
    }
    if ($channel -eq 'Security' -and -not (Test-FakeElevated)) {
        $PSCmdlet.WriteError((New-FakeError ([System.UnauthorizedAccessException]::new('Attempted to perform an unauthorized operation.')) 'LogInfoUnavailable,Microsoft.PowerShell.Commands.GetWinEventCommand' PermissionDenied $channel))
        return
    }
    $providers = @($FilterHashtable['ProviderName'] | Where-Object { $_ })
    $start = $FilterHashtable['StartTime']
    # Newest first, as Get-WinEvent reads.
    $records = @(Get-FakeList 'events' | Where-Object { [string]$_.channel -eq $channel -and ($providers.Count -eq 0 -or $providers -contains [string]$_.provider) } |
            ForEach-Object { New-FakeEventRecord $_ } |
            Where-Object { $null -eq $start -or $_.TimeCreated -ge $start } |
            Sort-Object -Property TimeCreated -Descending | Select-Object -First $MaxEvents)
    if ($records.Count -eq 0) {
        $PSCmdlet.WriteError((New-FakeError ([System.Exception]::new('No events were found that match the specified selection criteria.')) 'NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' ObjectNotFound $null))
        return
    }
    $records
}

# wevtutil epl CHANNEL FILE [/q:QUERY] [/ow:true]: writes a small stand-in .evtx ("ElfFile" header).
function wevtutil {
    Assert-FakeCommand 'wevtutil'
    $arguments = @($args | ForEach-Object { [string]$_ })
    $verb = $arguments[0]
    Add-FakeCall -Command 'wevtutil' -Mutates (@('epl', 'export-log', 'qe', 'query-events', 'gl', 'get-log', 'el', 'enum-logs') -notcontains $verb) -Arguments @{ Arguments = $arguments }
    if ($verb -ne 'epl' -and $verb -ne 'export-log') { $global:LASTEXITCODE = 87; 'The parameter is incorrect.'; return }
    $channel = $arguments[1]
    if (-not (Test-FakeChannel $channel)) { $global:LASTEXITCODE = 15007; "Failed to export log $channel. The specified channel could not be found."; return }
    if ($channel -eq 'Security' -and -not (Test-FakeElevated)) { $global:LASTEXITCODE = 5; "Failed to export log $channel. Access is denied."; return }
    $bytes = [System.Text.Encoding]::ASCII.GetBytes("ElfFile`0fake export of $channel")
    [System.IO.File]::WriteAllBytes($arguments[2], $bytes)
    $global:LASTEXITCODE = 0
}
