<#
.SYNOPSIS
Regenerates the self-signed Remote Desktop certificate: removes it and restarts SessionEnv and TermService.
.DESCRIPTION
Acts only when the listener uses the self-signed certificate of the 'Remote Desktop' store
(no SSLCertificateSHA1Hash and no certificate template set) and that certificate is missing,
expired or has no private key (or -Force). It exports the certificate's public part first
(Export-Certificate; the private key is never exported), removes it from the store and restarts
Remote Desktop Configuration (SessionEnv) and Remote Desktop Services (TermService), which create
a new one. Restarting TermService disconnects every session. If RCM events 1057/1058 appear and no
new certificate does, repair the MachineKeys permissions first (repair-machinekeys-acl).
Supports -WhatIf; prints the undo commands.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Regenerate even a certificate that looks valid (its key file is damaged, say).
    [switch]$Force,
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

#include common/fix-helpers.ps1

# SSLCertificateSHA1Hash is REG_BINARY: 20 bytes, shown as the thumbprint's hex digits.
function ConvertTo-Thumbprint {
    param([object]$Value)
    if ($Value -is [string]) { return ($Value -replace '[^0-9a-fA-F]', '').ToUpperInvariant() }
    (@($Value) | ForEach-Object { '{0:X2}' -f [int]$_ }) -join ''
}

$store = 'Cert:\LocalMachine\Remote Desktop'
$listenerKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$policyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'

$template = Get-RegistryValue -Path $policyKey -Name 'CertTemplateName'
if ($null -ne $template) {
    Write-Output "Group Policy enrols the listener's certificate from template '$template' ($policyKey CertTemplateName): the self-signed one is not used. Nothing was changed."
    return
}

$selfSigned = @(Get-ChildItem -Path $store -ErrorAction SilentlyContinue | Where-Object { $_.Subject -eq $_.Issuer })
$configured = Get-RegistryValue -Path $listenerKey -Name 'SSLCertificateSHA1Hash'
if ($null -ne $configured) {
    $thumbprint = ConvertTo-Thumbprint $configured
    if (@($selfSigned | Where-Object { $_.Thumbprint -eq $thumbprint }).Count -eq 0) {
        Write-Output "The listener is set to certificate $thumbprint (RDP-Tcp SSLCertificateSHA1Hash), not the self-signed one: regenerating the self-signed certificate would not change it. Renew or re-point that certificate instead. Nothing was changed."
        return
    }
}

$now = Get-Date
$bad = @($selfSigned | Where-Object { $Force -or -not $_.HasPrivateKey -or ([datetime]$_.NotAfter) -lt $now })
if ($selfSigned.Count -gt 0 -and $bad.Count -eq 0) {
    foreach ($certificate in $selfSigned) {
        Write-Output "The self-signed certificate $($certificate.Thumbprint) is already valid until $(([datetime]$certificate.NotAfter).ToString('u')) and has its private key: nothing to change (-Force regenerates it anyway)."
    }
    return
}

$undo = @()
foreach ($certificate in $bad) {
    $target = "certificate $($certificate.Thumbprint) ($($certificate.Subject)) in $store"
    if (-not $PSCmdlet.ShouldProcess($target, 'Export its public part, then remove it')) { continue }
    [void][System.IO.Directory]::CreateDirectory($BackupDirectory)
    $backupFile = Join-Path $BackupDirectory "rdp-self-signed-$($certificate.Thumbprint).cer"
    Export-Certificate -Cert $certificate -FilePath $backupFile -Type CERT | Out-Null
    Write-Output "Exported the public certificate to $backupFile (no private key)."
    Remove-Item -Path "$store\$($certificate.Thumbprint)"
    Write-Output "Removed certificate $($certificate.Thumbprint)."
    $undo += "Import-Certificate -FilePath $(ConvertTo-Quoted $backupFile) -CertStoreLocation $(ConvertTo-Quoted $store)"
    # Import-Certificate brings the public part back; repairstore links it to its key again.
    $undo += "certutil -repairstore $(ConvertTo-Quoted 'Remote Desktop') $($certificate.Thumbprint)"
}
if ($selfSigned.Count -gt 0 -and $undo.Count -eq 0) { return }

if ($PSCmdlet.ShouldProcess('services SessionEnv and TermService', 'Restart (disconnects every Remote Desktop session) so Windows creates a new self-signed certificate')) {
    Restart-Service -Name SessionEnv -Force
    Restart-Service -Name TermService -Force
    $created = @(Get-ChildItem -Path $store -ErrorAction SilentlyContinue | Where-Object { $_.Subject -eq $_.Issuer })
    if ($created.Count -gt 0) {
        Write-Output "New self-signed certificate: $($created[0].Thumbprint), valid until $(([datetime]$created[0].NotAfter).ToString('u'))."
    }
    else {
        Write-Output 'No new certificate appeared: look for RCM events 1057/1058 in the System log; broken MachineKeys permissions (repair-machinekeys-acl) are the usual cause.'
    }
    foreach ($line in $undo) { Write-Output "Undo: $line" }
}
