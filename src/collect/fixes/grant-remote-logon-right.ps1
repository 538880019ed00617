<#
.SYNOPSIS
Grants "Allow log on through Remote Desktop Services" (SeRemoteInteractiveLogonRight) to Administrators and Remote Desktop Users.
.DESCRIPTION
Reads the local user-rights policy (secedit /export) and adds the accounts that are missing
(default *S-1-5-32-544 Administrators and *S-1-5-32-555 Remote Desktop Users, by SID so it works
in every language). It saves the user-rights area and a template holding the right's old value
before configuring (secedit /configure /areas USER_RIGHTS). An account listed in "Deny log on
through Remote Desktop Services" stays denied: the script names it and does not remove a deny.
A domain Group Policy that sets the right overrides the local one at the next refresh (gpresult
/h shows it): change it there. Supports -WhatIf; prints the undo command.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # secedit's form: *SID, or an account name.
    [string[]]$Account = @('*S-1-5-32-544', '*S-1-5-32-555'),
    [string]$BackupDirectory = "$env:ProgramData\rdp-doctor\backup\$(Get-Date -Format 'yyyyMMdd-HHmmss')"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$right = 'SeRemoteInteractiveLogonRight'
$denyRight = 'SeDenyRemoteInteractiveLogonRight'

#include common/fix-helpers.ps1

function Invoke-Secedit {
    param([string[]]$Arguments)
    & secedit @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "secedit $($Arguments -join ' ') failed (exit $LASTEXITCODE)." }
}

function Get-RightHolders {
    param([string]$Text, [string]$Name)
    foreach ($line in ($Text -split "`r?`n")) {
        if ($line -match "^\s*$Name\s*=\s*(.*)$") {
            return @($Matches[1].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' })
        }
    }
    @()
}

# secedit reads templates as UTF-16 when [Unicode] says so, as it writes them.
function Write-Template {
    param([string]$File, [string[]]$Holders)
    $lines = @('[Unicode]', 'Unicode=yes', '[Version]', 'signature="$CHICAGO$"', 'Revision=1', '[Privilege Rights]', "$right = $($Holders -join ',')")
    [System.IO.File]::WriteAllText($File, (($lines -join "`r`n") + "`r`n"), [System.Text.Encoding]::Unicode)
}

# Reading needs an export file too: a temporary one, deleted at once.
$work = [System.IO.Path]::GetTempFileName()
try {
    Invoke-Secedit @('/export', '/cfg', $work, '/areas', 'USER_RIGHTS', '/quiet')
    $policy = [System.IO.File]::ReadAllText($work)
}
finally {
    [System.IO.File]::Delete($work)
}

$holders = @(Get-RightHolders -Text $policy -Name $right)
$denied = @(Get-RightHolders -Text $policy -Name $denyRight)
foreach ($name in $Account) {
    if (@($denied | Where-Object { $_ -eq $name }).Count -gt 0) {
        Write-Output "Warning: $name is in $denyRight (Deny log on through Remote Desktop Services), which wins over any grant. This script does not remove a deny: review it in secpol.msc or the Group Policy that sets it."
    }
}
$missing = @($Account | Where-Object { $name = $_; @($holders | Where-Object { $_ -eq $name }).Count -eq 0 })
if ($missing.Count -eq 0) {
    Write-Output "$right already includes $($Account -join ', '): nothing to change."
    return
}
Write-Output "$right is held by: $(if ($holders.Count -gt 0) { $holders -join ', ' } else { 'no one' }); missing: $($missing -join ', ')."

if ($PSCmdlet.ShouldProcess("local security policy, $right", "Add $($missing -join ', ')")) {
    [void][System.IO.Directory]::CreateDirectory($BackupDirectory)
    $backupFile = Join-Path $BackupDirectory 'user-rights.inf'
    Invoke-Secedit @('/export', '/cfg', $backupFile, '/areas', 'USER_RIGHTS', '/quiet')
    $undoTemplate = Join-Path $BackupDirectory 'undo-remote-logon-right.inf'
    Write-Template -File $undoTemplate -Holders $holders
    Write-Output "Saved the user rights to $backupFile and the old value of $right to $undoTemplate"

    $newTemplate = Join-Path $BackupDirectory 'grant-remote-logon-right.inf'
    Write-Template -File $newTemplate -Holders ($holders + $missing)
    Invoke-Secedit @('/configure', '/db', (Join-Path $BackupDirectory 'grant.sdb'), '/cfg', $newTemplate, '/areas', 'USER_RIGHTS', '/quiet')
    Write-Output "$right granted to $($missing -join ', '). It applies to new logons."
    Write-Output "Undo: secedit /configure /db $(ConvertTo-Quoted (Join-Path $BackupDirectory 'undo.sdb')) /cfg $(ConvertTo-Quoted $undoTemplate) /areas USER_RIGHTS /quiet"
}
