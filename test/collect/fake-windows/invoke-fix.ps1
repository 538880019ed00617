# Runs fix scripts on fake machines, the way test/collect/fixes.test.ts checks them, in one pwsh
# session (loading the fakes once). -JobsPath holds a JSON array of jobs:
#   { "id", "scenario", "script", "mode": "WhatIf" | "Apply", "arguments": {...}, "workDirectory" }
# WhatIf: the scenario, then the script with -WhatIf. Apply: the scenario, the script, the script
# again (idempotence), then every "Undo:" line the first run printed whose command the fakes
# implement. Per phase the result has the output, the calls made (with mutates), the error if the
# script threw, and the machine state after (Save-FakeMachine). Results go to -ResultPath as JSON.
param(
    [Parameter(Mandatory = $true)][string]$JobsPath,
    [Parameter(Mandatory = $true)][string]$ResultPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module (Join-Path $PSScriptRoot 'FakeWindows.psm1') -Force
# Where Windows keeps what the scripts' defaults name (MachineKeys, the backup folder's parent).
$env:ProgramData = 'C:\ProgramData'
$env:SystemRoot = 'C:\Windows'

$script:stateCount = 0
function Get-StateSnapshot {
    param([string]$WorkDirectory)
    $script:stateCount++
    $path = Join-Path $WorkDirectory "state-$script:stateCount.json"
    Save-FakeMachine -Path $path
    Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable
}

function Invoke-Phase {
    param([string]$Name, [string]$WorkDirectory, [scriptblock]$Body)
    $before = (Get-FakeCalls).Count
    $output = @()
    $failure = $null
    try {
        $output = @(& $Body *>&1 | ForEach-Object { [string]$_ })
    }
    catch {
        $failure = "$($_.Exception.Message)`n$($_.ScriptStackTrace)"
    }
    $all = Get-FakeCalls
    $calls = @($all | Select-Object -Skip $before | ForEach-Object {
            [ordered]@{ command = $_.command; mutates = $_.mutates; arguments = $_.arguments }
        })
    [ordered]@{ name = $Name; output = $output; error = $failure; calls = $calls; state = (Get-StateSnapshot $WorkDirectory) }
}

$results = @()
foreach ($job in @(Get-Content -LiteralPath $JobsPath -Raw | ConvertFrom-Json -AsHashtable)) {
    $work = $job.workDirectory
    [void][System.IO.Directory]::CreateDirectory($work)
    Use-FakeMachine -Path $job.scenario
    if (Get-Command -Name Enable-FakeTypes -ErrorAction SilentlyContinue) { Enable-FakeTypes }
    if (Get-Command -Name Hide-FakeMissingCommands -ErrorAction SilentlyContinue) { Hide-FakeMissingCommands }
    $fix = $job.script
    $parameters = @{}
    if ($job.ContainsKey('arguments') -and $null -ne $job.arguments) { $parameters = $job.arguments }
    if ((Get-Command -Name $fix).Parameters.ContainsKey('BackupDirectory')) { $parameters['BackupDirectory'] = Join-Path $work 'backup' }

    $phases = @()
    $original = Get-StateSnapshot $work
    if ($job.mode -eq 'WhatIf') {
        $phases += Invoke-Phase 'whatif' $work { & $fix @parameters -WhatIf }
    }
    else {
        $first = Invoke-Phase 'apply' $work { & $fix @parameters }
        $phases += $first
        # The second run gets a directory of its own: it must not write a backup at all.
        $again = $parameters.Clone()
        if ($again.ContainsKey('BackupDirectory')) { $again['BackupDirectory'] = Join-Path $work 'backup-again' }
        $phases += Invoke-Phase 'again' $work { & $fix @again }
        $undoLines = @($first.output | Where-Object { $_ -like 'Undo: *' } | ForEach-Object { $_.Substring(6) })
        $script:skipped = @()
        $phases += Invoke-Phase 'undo' $work {
            foreach ($line in $undoLines) {
                $command = ($line -split '\s+')[0]
                if (-not (Get-Command -Name $command -CommandType Function -ErrorAction SilentlyContinue)) {
                    $script:skipped += $line
                    continue
                }
                & ([scriptblock]::Create($line))
            }
        }
        $phases[-1]['skipped'] = $script:skipped
    }
    $results += [ordered]@{ id = $job.id; original = $original; phases = $phases }
}
[System.IO.File]::WriteAllText($ResultPath, (ConvertTo-Json -InputObject $results -Depth 40), [System.Text.UTF8Encoding]::new($false))
