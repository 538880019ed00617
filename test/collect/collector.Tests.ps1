# Pester tests of the server collector's failure paths, with Pester's Mock standing in for one
# command at a time on top of the fake machine (run by test/collect/collector.test.ts).
BeforeAll {
    $script:Root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    # The shipped text (includes expanded), written by collector.test.ts.
    $script:Collector = $env:RDP_DOCTOR_SHIPPED_COLLECTOR
    if (-not $script:Collector -or -not (Test-Path -LiteralPath $script:Collector)) {
        throw 'RDP_DOCTOR_SHIPPED_COLLECTOR must name the shipped collect-server.ps1 (collector.test.ts sets it)'
    }
    $script:Healthy = Join-Path $script:Root 'test/fixtures/collect/scenarios/server-healthy.json'
    Import-Module (Join-Path $PSScriptRoot 'fake-windows/FakeWindows.psm1') -Force
    $env:ProgramData = 'C:\ProgramData'

    # Runs the collector on the healthy fake server and returns its document.
    function Invoke-Collector {
        $out = Join-Path ([System.IO.Path]::GetTempPath()) "collector-pester-$([guid]::NewGuid().ToString('N')).json"
        try {
            $printed = & $script:Collector -OutFile $out
            [pscustomobject]@{ Printed = @($printed); Document = (Get-Content -LiteralPath $out -Raw | ConvertFrom-Json) }
        } finally {
            if (Test-Path -LiteralPath $out) { Microsoft.PowerShell.Management\Remove-Item -LiteralPath $out }
        }
    }

    function Get-Skip {
        param($Document, [string]$Check)
        @($Document.skipped | Where-Object { $_.check -eq $Check })
    }
}

Describe 'collect-server.ps1 on a fake server' {
    BeforeEach {
        Use-FakeMachine -Path $script:Healthy
        Enable-FakeTypes
    }

    Describe 'a Windows without Get-TlsCipherSuite (before Server 2016)' {
        It 'leaves tlsCipherSuites null and says the cmdlet is missing' {
            # Pester 6 wants a default: every other name is looked up as usual (not through
            # Get-Command, which is the mock now).
            Mock Get-Command -MockWith { $ExecutionContext.InvokeCommand.GetCommand($Name, [System.Management.Automation.CommandTypes]::All) }
            Mock Get-Command -ParameterFilter { $Name -eq 'Get-TlsCipherSuite' } -MockWith { $null }
            $result = Invoke-Collector
            $result.Document.tlsCipherSuites | Should -BeNullOrEmpty
            $skip = Get-Skip $result.Document 'tlsCipherSuites'
            $skip.Count | Should -Be 1
            $skip[0].reason | Should -Be 'cmdlet-missing'
            $skip[0].detail | Should -Match 'Get-TlsCipherSuite'
            Should -Invoke Get-Command -ParameterFilter { $Name -eq 'Get-TlsCipherSuite' } -Times 1 -Exactly
            # The other sections are still read.
            $result.Document.firewall.rules.Count | Should -Be 3
        }

        It 'says the same when the command is listed but cannot load (CommandNotFoundException)' {
            Mock Get-TlsCipherSuite -MockWith { throw [System.Management.Automation.CommandNotFoundException]::new('The module NetSecurity could not be loaded.') }
            $result = Invoke-Collector
            $result.Document.tlsCipherSuites | Should -BeNullOrEmpty
            (Get-Skip $result.Document 'tlsCipherSuites')[0].reason | Should -Be 'cmdlet-missing'
        }
    }

    Describe 'event logs that refuse to be read' {
        It 'names each log in skipped and leaves events null, not empty' {
            Mock Get-WinEvent -MockWith { throw [System.UnauthorizedAccessException]::new('Attempted to perform an unauthorized operation.') }
            $result = Invoke-Collector
            $result.Document.events | Should -BeNullOrEmpty
            $skips = @($result.Document.skipped | Where-Object { $_.check -like 'events:*' })
            $skips.Count | Should -Be 3
            @($skips | ForEach-Object { $_.reason } | Sort-Object -Unique) | Should -Be @('not-elevated')
            Should -Invoke Get-WinEvent -Times 3 -Exactly
        }
    }

    Describe 'secedit failing' {
        It 'leaves logonRights null with the reason, and reads the rest' {
            Mock secedit -MockWith { $global:LASTEXITCODE = 1; 'Task is completed. Errors occurred: Access is denied.' }
            $result = Invoke-Collector
            $result.Document.logonRights | Should -BeNullOrEmpty
            $skip = Get-Skip $result.Document 'logonRights'
            $skip.Count | Should -Be 1
            $skip[0].reason | Should -Be 'not-elevated'
            $result.Document.machineKeys.access.Count | Should -Be 2
        }
    }

    Describe 'the Azure instance metadata service' {
        It 'asks IMDS with the Metadata header and a short timeout, and reports the VM' {
            Mock Invoke-RestMethod -MockWith {
                [pscustomobject]@{ compute = [pscustomobject]@{ vmId = 'f0e1d2c3-0000-4000-8000-000000000001'; location = 'northeurope'; resourceGroupName = 'rg-lab'; name = 'vm-lab' } }
            }
            $result = Invoke-Collector
            $result.Document.azure.isAzureVm | Should -BeTrue
            $result.Document.azure.vmName | Should -Be 'vm-lab'
            $result.Document.azure.resourceGroup | Should -Be 'rg-lab'
            Should -Invoke Invoke-RestMethod -Times 1 -Exactly -ParameterFilter {
                $Uri -eq 'http://169.254.169.254/metadata/instance?api-version=2021-02-01' -and $Headers['Metadata'] -eq 'true' -and $TimeoutSec -eq 2
            }
        }

        It 'takes no answer as "not an Azure VM", not as a failed check' {
            $result = Invoke-Collector
            $result.Document.azure.isAzureVm | Should -BeFalse
            (Get-Skip $result.Document 'azure').Count | Should -Be 0
        }
    }
}
