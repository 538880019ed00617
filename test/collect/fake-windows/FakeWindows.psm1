# A fake Windows machine for the collector and fix tests: functions named like the cmdlets and
# native commands the scripts call (PowerShell prefers a function over a cmdlet or an .exe of the
# same name), answering from a scenario file (test/fixtures/collect/scenarios/*.json) instead of
# the real registry, certificate stores, ACLs, services and firewall.
#
# Readers.ps1 holds the reading commands (used by the collectors), Mutations.ps1 the changing ones
# (used by the fixes). Both read and change $script:Machine, the scenario as nested hashtables,
# and log every call with Add-FakeCall so a test can check what a script did and in which order.
Set-StrictMode -Version Latest

$script:Machine = $null
$script:Calls = [System.Collections.Generic.List[object]]::new()

function Use-FakeMachine {
    param([Parameter(Mandatory)][string]$Path)
    $script:Machine = Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json -AsHashtable
    $script:Calls.Clear()
}

function Get-FakeMachine { $script:Machine }

# Every faked command records itself: its name, whether it changes state, and its arguments.
function Add-FakeCall {
    param([string]$Command, [bool]$Mutates, [hashtable]$Arguments = @{})
    $script:Calls.Add([pscustomobject]@{ command = $Command; mutates = $Mutates; arguments = $Arguments })
}

function Get-FakeCalls { , $script:Calls.ToArray() }

# The scenario's state now (after a fix ran), for a test to save and collect again.
function Save-FakeMachine {
    param([Parameter(Mandatory)][string]$Path)
    $script:Machine | ConvertTo-Json -Depth 32 | Set-Content -LiteralPath $Path -Encoding utf8
}

# PowerShell registry paths (HKLM:\..., Registry::HKEY_LOCAL_MACHINE\...) to the scenario's key form.
function ConvertTo-FakeRegistryKey {
    param([Parameter(Mandatory)][string]$Path)
    $key = $Path -replace '^Microsoft\.PowerShell\.Core\\Registry::', '' -replace '^Registry::', ''
    $key = $key -replace '^HKLM:\\?', 'HKEY_LOCAL_MACHINE\' -replace '^HKCU:\\?', 'HKEY_CURRENT_USER\'
    $key = $key -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\' -replace '^HKCU\\', 'HKEY_CURRENT_USER\'
    $key.TrimEnd('\')
}

. (Join-Path $PSScriptRoot 'Readers.ps1')
if (Test-Path (Join-Path $PSScriptRoot 'Mutations.ps1')) { . (Join-Path $PSScriptRoot 'Mutations.ps1') }

Export-ModuleMember -Function *
