<#
.SYNOPSIS
Restores the Windows default permissions of the MachineKeys folder, where the listener's private key lives.
.DESCRIPTION
Windows' default ACL of %ProgramData%\Microsoft\Crypto\RSA\MachineKeys (Microsoft KB 278381,
"Default permissions for the MachineKeys folders"), this folder only, no inherited entries:
  Everyone        List Folder/Read Data, Read Attributes, Read Extended Attributes,
                  Create Files/Write Data, Create Folders/Append Data, Write Attributes,
                  Write Extended Attributes, Read Permissions  (icacls: (R,W))
  Administrators  Full Control
Every process can create its key file there, and each key file carries its own ACL. When an entry
is missing, a Deny entry is present or the folder inherits its ACL, the script saves the ACLs of
the folder and its files (icacls /save) and then sets the folder's ACL to that default. It
renames and deletes no key file. The key files of the 'Remote Desktop' certificates (found
through their private keys), and those -KeyFile names, must be readable by NETWORK SERVICE, the
account of Remote Desktop Services: where they are not, each gets Read for NETWORK SERVICE and
Full Control for SYSTEM. Supports -WhatIf; prints the icacls command that restores the saved ACLs.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$Path = "$env:ProgramData\Microsoft\Crypto\RSA\MachineKeys",
    # More key file names in the folder (the listener's, f686aace6942fb7f7ceb231212eef4a4_..., is found by itself).
    [string[]]$KeyFile = @(),
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$everyone = 'S-1-1-0'
$administrators = 'S-1-5-32-544'
$system = 'S-1-5-18'
$networkService = 'S-1-5-20'
# FILE_GENERIC_READ | FILE_GENERIC_WRITE (icacls R,W): the KB's special set plus Synchronize.
$readWrite = 0x12019F
$read = 0x120089
$fullControl = 0x1F01FF
# The groups in each account's token: an entry for any of them counts for the account.
$networkServiceToken = @($networkService, $everyone, 'S-1-5-11', 'S-1-5-32-545')
$systemToken = @($system, $administrators, $everyone, 'S-1-5-11')

#include common/fix-helpers.ps1

# The SID behind an ACE's identity; English well-known names only where translation is impossible.
function Get-IdentitySid {
    param([object]$Identity)
    try { return $Identity.Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { Write-Verbose "no SID translation for $Identity" }
    $text = [string]$Identity
    $known = @{
        'Everyone'                     = $everyone
        'BUILTIN\Administrators'       = $administrators
        'NT AUTHORITY\SYSTEM'          = $system
        'NT AUTHORITY\NETWORK SERVICE' = $networkService
    }
    if ($known.ContainsKey($text)) { return $known[$text] }
    $text
}

function Get-AceList {
    param([string]$Target)
    foreach ($ace in @((Get-Acl -Path $Target).Access)) {
        [pscustomobject]@{
            Sid       = Get-IdentitySid $ace.IdentityReference
            Rights    = [int64][System.Security.AccessControl.FileSystemRights]$ace.FileSystemRights
            Type      = [string]$ace.AccessControlType
            Inherited = [bool]$ace.IsInherited
        }
    }
}

# Whether one Allow entry for any of the SIDs grants all of Rights.
function Test-Allowed {
    param([object[]]$Aces, [string[]]$Sid, [int64]$Rights)
    @($Aces | Where-Object { $Sid -contains $_.Sid -and $_.Type -eq 'Allow' -and ($_.Rights -band $Rights) -eq $Rights }).Count -gt 0
}

function Invoke-Icacls {
    param([string[]]$Arguments)
    & icacls @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls $($Arguments -join ' ') failed (exit $LASTEXITCODE)." }
}

# The file name of a certificate's key container: CNG keys name it Key.UniqueName, CAPI keys
# (the self-signed RDP certificate's) CspKeyContainerInfo.UniqueKeyContainerName.
function Get-KeyContainerName {
    param([object]$Certificate)
    $key = $null
    try {
        $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    }
    catch {
        # .NET before 4.6 has no GetRSAPrivateKey; the old PrivateKey property serves CAPI keys.
        try { $key = $Certificate.PrivateKey } catch { return $null }
    }
    if ($null -eq $key) { return $null }
    try {
        if ($key.PSObject.Properties['Key'] -and $null -ne $key.Key) { return [string]$key.Key.UniqueName }
        if ($key.PSObject.Properties['CspKeyContainerInfo']) { return [string]$key.CspKeyContainerInfo.UniqueKeyContainerName }
    }
    finally {
        if ($key -is [System.IDisposable]) { $key.Dispose() }
    }
    $null
}

if (-not (Test-Path -Path $Path)) { throw "$Path does not exist." }

$keyNames = @($KeyFile)
foreach ($certificate in @(Get-ChildItem -Path 'Cert:\LocalMachine\Remote Desktop' -ErrorAction SilentlyContinue)) {
    if (-not $certificate.HasPrivateKey) { continue }
    $name = Get-KeyContainerName $certificate
    if ($name) { $keyNames += $name }
    else { Write-Output "The private key of certificate $($certificate.Thumbprint) could not be opened to find its key file: pass its file name with -KeyFile." }
}

$folderAces = @(Get-AceList -Target $Path)
$folderProblems = @()
if (-not (Test-Allowed $folderAces $everyone $readWrite)) { $folderProblems += 'Everyone lacks read and write (create key files)' }
if (-not (Test-Allowed $folderAces $administrators $fullControl)) { $folderProblems += 'Administrators lack Full Control' }
if (@($folderAces | Where-Object { $_.Type -eq 'Deny' }).Count -gt 0) { $folderProblems += 'a Deny entry is present' }
if (@($folderAces | Where-Object { $_.Inherited }).Count -gt 0) { $folderProblems += 'the folder inherits entries from its parent' }

$keyProblems = @()
foreach ($name in @($keyNames | Sort-Object -Unique)) {
    $file = "$($Path.TrimEnd('\'))\$name"
    if (-not (Test-Path -Path $file)) {
        Write-Output "Key file $name is not in $Path (a CNG key lives in Crypto\Keys): skipped."
        continue
    }
    $aces = @(Get-AceList -Target $file)
    $denials = @($aces | Where-Object { $_.Type -eq 'Deny' -and ($networkServiceToken + $systemToken) -contains $_.Sid } | ForEach-Object { $_.Sid } | Sort-Object -Unique)
    if ($denials.Count -gt 0 -or -not (Test-Allowed $aces $networkServiceToken $read) -or -not (Test-Allowed $aces $systemToken $fullControl)) {
        $keyProblems += [pscustomobject]@{ Name = $name; File = $file; Denials = $denials }
    }
}

if ($folderProblems.Count -eq 0 -and $keyProblems.Count -eq 0) {
    Write-Output "The MachineKeys permissions already hold Windows' defaults ($Path): nothing to change."
    return
}
foreach ($problem in $folderProblems) { Write-Output "MachineKeys: $problem." }
foreach ($problem in $keyProblems) { Write-Output "Key file $($problem.Name): NETWORK SERVICE cannot read it or SYSTEM lacks Full Control." }

$backupFile = Join-Path $BackupDirectory 'machinekeys.acl'
# icacls /save names entries relative to the parent: /restore runs there.
$parent = $Path.TrimEnd('\')
$parent = $parent.Substring(0, $parent.LastIndexOf('\'))
$backedUp = $false
function Save-Acls {
    if ($script:backedUp) { return }
    [void][System.IO.Directory]::CreateDirectory($BackupDirectory)
    # /t: the folder and every key file, so /restore puts back exactly what was there.
    Invoke-Icacls @($Path, '/save', $backupFile, '/t', '/c')
    Write-Output "Saved the ACLs of $Path and its files to $backupFile"
    $script:backedUp = $true
}

if ($folderProblems.Count -gt 0 -and $PSCmdlet.ShouldProcess($Path, "Set the ACL to Windows' default (Everyone read/write, Administrators Full Control, this folder only)")) {
    Save-Acls
    # Grant first so the folder is never without access, then drop what the default does not have.
    Invoke-Icacls @($Path, '/inheritance:r', '/grant:r', "*${everyone}:(R,W)", "*${administrators}:(F)")
    $others = @($folderAces | Where-Object { -not $_.Inherited -and @($everyone, $administrators) -notcontains $_.Sid } | ForEach-Object { $_.Sid } | Sort-Object -Unique)
    foreach ($sid in $others) { Invoke-Icacls @($Path, '/remove', "*$sid") }
    if (@($folderAces | Where-Object { $_.Type -eq 'Deny' -and @($everyone, $administrators) -contains $_.Sid }).Count -gt 0) {
        Invoke-Icacls @($Path, '/remove:d', "*$everyone", "*$administrators")
    }
    Write-Output "MachineKeys folder ACL set to Windows' default."
}

foreach ($problem in $keyProblems) {
    if (-not $PSCmdlet.ShouldProcess($problem.File, 'Grant NETWORK SERVICE Read and SYSTEM Full Control')) { continue }
    Save-Acls
    if ($problem.Denials.Count -gt 0) { Invoke-Icacls (@($problem.File, '/remove:d') + @($problem.Denials | ForEach-Object { "*$_" })) }
    Invoke-Icacls @($problem.File, '/grant', "*${networkService}:(R)", "*${system}:(F)")
    Write-Output "Key file $($problem.Name): NETWORK SERVICE can read it."
}

if ($backedUp) {
    Write-Output 'No key file was renamed or deleted. If the listener still fails, regenerate the self-signed certificate (regenerate-rdp-certificate).'
    Write-Output "Undo: icacls $(ConvertTo-Quoted $parent) /restore $(ConvertTo-Quoted $backupFile) /c"
}
