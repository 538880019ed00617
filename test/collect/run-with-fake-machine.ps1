# Runs a collector (or any script) on a fake Windows machine: imports FakeWindows.psm1, loads the
# scenario, installs the fake .NET types, leaves out the scenario's missing commands, then runs the
# script with the remaining arguments (-Name value / -Switch). With -CallsFile, every faked call
# is written there as JSON afterwards (test/collect/collector.test.ts checks none changed anything).
#
# -Batch FILE runs many in this one process (pwsh takes seconds to start): FILE is a JSON array of
# {scenario, script, callsFile, outputFile, arguments}; each run's output goes to its outputFile
# and one JSON line per run ({scenario, ok, errors}) to stdout.
[CmdletBinding(DefaultParameterSetName = 'One')]
param(
    [Parameter(Mandatory, ParameterSetName = 'One')][string]$Scenario,
    [Parameter(Mandatory, ParameterSetName = 'One')][string]$Script,
    [Parameter(ParameterSetName = 'One')][string]$CallsFile,
    [Parameter(ParameterSetName = 'One', ValueFromRemainingArguments)][string[]]$ScriptArguments,
    [Parameter(Mandatory, ParameterSetName = 'Batch')][string]$Batch
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$module = Join-Path $PSScriptRoot 'fake-windows/FakeWindows.psm1'
$utf8 = [System.Text.UTF8Encoding]::new($false)

function Use-ScenarioMachine {
    param([string]$Path)
    # The scenario's missing commands are left out of the import, so Get-Command does not find them
    # and calling one fails as on a Windows that lacks it (CommandNotFoundException).
    $missing = @((Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json).PSObject.Properties |
            Where-Object { $_.Name -eq 'missingCommands' } | ForEach-Object { $_.Value })
    $exported = @((Import-Module $module -Force -PassThru -Global).ExportedFunctions.Keys)
    Remove-Module -Name FakeWindows
    Import-Module $module -Force -Global -Function @($exported | Where-Object { $missing -notcontains $_ })
    Use-FakeMachine -Path $Path
    Enable-FakeTypes

    # The environment a Windows session has; the collectors read a few of these.
    $machine = Get-FakeMachine
    $env:COMPUTERNAME = [string]$machine['computer']['name']
    $env:ProgramData = 'C:\ProgramData'
    $env:SystemRoot = 'C:\Windows'
    $env:ProgramFiles = 'C:\Program Files'
    $env:LOCALAPPDATA = 'C:\Users\user\AppData\Local'
}

# "-Name value" pairs and bare "-Switch"es, bound by name (an array splat would pass them as strings).
function ConvertTo-NamedArguments {
    param([string[]]$Tokens)
    $named = @{}
    if ($null -eq $Tokens) { return $named }
    for ($i = 0; $i -lt $Tokens.Count; $i++) {
        $token = $Tokens[$i]
        if ($token -notmatch '^-(\w+)$') { throw "run-with-fake-machine: expected -Name, got '$token'" }
        $name = $Matches[1]
        if ($i + 1 -lt $Tokens.Count -and $Tokens[$i + 1] -notmatch '^-\w+$') { $named[$name] = $Tokens[$i + 1]; $i++ }
        else { $named[$name] = $true }
    }
    $named
}

function Save-Calls {
    param([string]$Path)
    if (-not $Path) { return }
    $recorded = Get-FakeCalls
    $calls = @(foreach ($call in $recorded) { [ordered]@{ command = $call.command; mutates = $call.mutates } })
    [System.IO.File]::WriteAllText($Path, (ConvertTo-Json -InputObject $calls -Depth 4), $utf8)
}

if ($PSCmdlet.ParameterSetName -eq 'One') {
    Use-ScenarioMachine $Scenario
    $named = ConvertTo-NamedArguments $ScriptArguments
    try {
        & $Script @named
    } finally {
        Save-Calls $CallsFile
    }
    return
}

foreach ($item in @(Get-Content -LiteralPath $Batch -Raw | ConvertFrom-Json)) {
    $errors = @()
    $lines = @()
    try {
        Use-ScenarioMachine $item.scenario
        $named = ConvertTo-NamedArguments @($item.arguments)
        # Errors and warnings are kept apart from the output: a clean run has none.
        $lines = @(& $item.script @named 2>&1 3>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord] -or $_ -is [System.Management.Automation.WarningRecord]) { $errors += [string]$_ }
                else { [string]$_ }
            })
    } catch {
        $errors += "$($_.Exception.Message) at $($_.InvocationInfo.PositionMessage)"
    } finally {
        Save-Calls $item.callsFile
    }
    [System.IO.File]::WriteAllText($item.outputFile, (($lines -join "`n") + "`n"), $utf8)
    ConvertTo-Json -InputObject ([ordered]@{ scenario = [string]$item.scenario; ok = ($errors.Count -eq 0); errors = $errors }) -Compress
}
