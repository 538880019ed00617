# Runs a collector (or any script) on a fake Windows machine: imports FakeWindows.psm1, loads the
# scenario, installs the fake .NET types, leaves out the scenario's missing commands, then runs the
# script with the remaining arguments (-Name value / -Switch). With -CallsFile, every faked call
# is written there as JSON afterwards (test/collect/collector.test.ts checks none changed anything).
param(
    [Parameter(Mandatory)][string]$Scenario,
    [Parameter(Mandatory)][string]$Script,
    [string]$CallsFile,
    [Parameter(ValueFromRemainingArguments)][string[]]$ScriptArguments
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The scenario's missing commands are left out of the import, so Get-Command does not find them
# and calling one fails as on a Windows that lacks it (CommandNotFoundException).
$module = Join-Path $PSScriptRoot 'fake-windows/FakeWindows.psm1'
$missing = @((Get-Content -LiteralPath $Scenario -Raw | ConvertFrom-Json).PSObject.Properties |
        Where-Object { $_.Name -eq 'missingCommands' } | ForEach-Object { $_.Value })
$exported = @((Import-Module $module -Force -PassThru).ExportedFunctions.Keys)
Remove-Module -Name FakeWindows
Import-Module $module -Force -Function @($exported | Where-Object { $missing -notcontains $_ })
Use-FakeMachine -Path $Scenario
Enable-FakeTypes

# The environment a Windows session has; the collectors read a few of these.
$machine = Get-FakeMachine
$env:COMPUTERNAME = [string]$machine['computer']['name']
$env:ProgramData = 'C:\ProgramData'
$env:SystemRoot = 'C:\Windows'
$env:ProgramFiles = 'C:\Program Files'
$env:LOCALAPPDATA = 'C:\Users\user\AppData\Local'

# "-Name value" pairs and bare "-Switch"es, bound by name (an array splat would pass them as strings).
$named = @{}
for ($i = 0; $i -lt @($ScriptArguments).Count; $i++) {
    $token = $ScriptArguments[$i]
    if ($token -notmatch '^-(\w+)$') { throw "run-with-fake-machine: expected -Name, got '$token'" }
    $name = $Matches[1]
    if ($i + 1 -lt $ScriptArguments.Count -and $ScriptArguments[$i + 1] -notmatch '^-\w+$') { $named[$name] = $ScriptArguments[$i + 1]; $i++ }
    else { $named[$name] = $true }
}

try {
    & $Script @named
} finally {
    if ($CallsFile) {
        $recorded = Get-FakeCalls
        $calls = @(foreach ($call in $recorded) { [ordered]@{ command = $call.command; mutates = $call.mutates } })
        [System.IO.File]::WriteAllText($CallsFile, (ConvertTo-Json -InputObject $calls -Depth 4), [System.Text.UTF8Encoding]::new($false))
    }
}
