# Helpers the fix scripts (fixes/*.ps1) share. scripts/gen-collect-scripts.mjs puts this text in
# place of each fix's `#include common/fix-helpers.ps1` line, so the script a user runs stays one
# file. Export-RegistryKey (which says where the backup went) and Save-JsonBackup write into the
# fix's $BackupDirectory.

function Get-RegistryValue {
    param([string]$Path, [string]$Name)
    if (-not (Test-Path -Path $Path)) { return $null }
    $property = (Get-ItemProperty -Path $Path).PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    $property.Value
}

function ConvertTo-Quoted {
    param([string]$Text)
    "'" + $Text.Replace("'", "''") + "'"
}

function Export-RegistryKey {
    param([string]$Path, [string]$File)
    [void][System.IO.Directory]::CreateDirectory($BackupDirectory)
    $native = $Path -replace '^HKLM:\\', 'HKLM\'
    & reg export $native $File /y | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "reg export $native failed (exit $LASTEXITCODE): nothing was changed." }
    Write-Output "Backed up $Path to $File"
}

function Save-JsonBackup {
    param([string]$File, [object]$Data)
    [void][System.IO.Directory]::CreateDirectory($BackupDirectory)
    $json = ConvertTo-Json -InputObject $Data -Depth 5
    [System.IO.File]::WriteAllText($File, $json, (New-Object System.Text.UTF8Encoding($false)))
}
