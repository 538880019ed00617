# Reads a JSON array of scripts from stdin ({ "name", "path" } for a file, { "name", "text" } for
# script text) and writes a JSON array of what Windows PowerShell 5.1 lacks, found in each one's
# syntax tree: { name, line, what }. Parse errors are reported too (what = "parse error: ...").
# With -RequireStrictMode, a script without a top-level `Set-StrictMode -Version Latest`
# statement is reported as well. test/collect/ps51-compat.test.ts drives it.
param([switch]$RequireStrictMode)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$forEachNames = @('ForEach-Object', 'foreach', '%')
# Commands PowerShell 7 added (Get-Error, Join-String, Test-Json are not in 5.1).
$ps7Commands = @('Join-String', 'Get-Error', 'Test-Json', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service')

function Test-Parameter {
    param([System.Management.Automation.Language.CommandAst]$Command, [string]$Full, [int]$Shortest)
    foreach ($element in $Command.CommandElements) {
        if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
        $name = $element.ParameterName
        if ($name.Length -ge $Shortest -and $Full.StartsWith($name, [System.StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    $false
}

function Test-TopLevel {
    param([System.Management.Automation.Language.Ast]$Ast)
    for ($parent = $Ast.Parent; $null -ne $parent; $parent = $parent.Parent) {
        if ($parent -is [System.Management.Automation.Language.FunctionDefinitionAst]) { return $false }
        if ($parent -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { return $false }
    }
    $true
}

function Find-Ps7Only {
    param([System.Management.Automation.Language.ScriptBlockAst]$Root)
    $found = [System.Collections.Generic.List[object]]::new()
    $add = { param($ast, $what) $found.Add([pscustomobject]@{ line = $ast.Extent.StartLineNumber; what = $what }) }

    foreach ($ast in $Root.FindAll({ $true }, $true)) {
        $type = $ast.GetType().Name
        switch ($type) {
            'BinaryExpressionAst' { if ([string]$ast.Operator -eq 'QuestionQuestion') { & $add $ast 'null-coalescing operator ??' } }
            'AssignmentStatementAst' { if ([string]$ast.Operator -eq 'QuestionQuestionEquals') { & $add $ast 'null-coalescing assignment ??=' } }
            'TernaryExpressionAst' { & $add $ast 'ternary operator ?:' }
            'PipelineChainAst' { & $add $ast "pipeline chain operator $($ast.Operator -replace 'AndAnd', '&&' -replace 'OrOr', '||')" }
            'MemberExpressionAst' { if ($ast.NullConditional) { & $add $ast 'null-conditional member access ?.' } }
            'InvokeMemberExpressionAst' { if ($ast.NullConditional) { & $add $ast 'null-conditional member access ?.' } }
            'IndexExpressionAst' { if ($ast.NullConditional) { & $add $ast 'null-conditional index ?[]' } }
            'ScriptBlockAst' { if ($null -ne $ast.CleanBlock) { & $add $ast 'clean block' } }
            'VariableExpressionAst' { if ($ast.VariablePath.UserPath -eq 'PSStyle') { & $add $ast '$PSStyle' } }
            'CommandAst' {
                $name = $ast.GetCommandName()
                if ($null -eq $name) { break }
                if ($ps7Commands -contains $name) { & $add $ast "command $name (PowerShell 7 only)" }
                if ($forEachNames -contains $name -and (Test-Parameter $ast 'Parallel' 2)) { & $add $ast 'ForEach-Object -Parallel' }
                if ($name -eq 'ConvertFrom-Json') {
                    if (Test-Parameter $ast 'AsHashtable' 1) { & $add $ast 'ConvertFrom-Json -AsHashtable' }
                    if (Test-Parameter $ast 'Depth' 2) { & $add $ast 'ConvertFrom-Json -Depth' }
                    if (Test-Parameter $ast 'NoEnumerate' 1) { & $add $ast 'ConvertFrom-Json -NoEnumerate' }
                }
                if ($name -eq 'ConvertTo-Json') {
                    # 5.1 cuts nesting at depth 2 without a word: every call states its depth.
                    if (-not (Test-Parameter $ast 'Depth' 2)) { & $add $ast 'ConvertTo-Json without -Depth' }
                    foreach ($ps7 in @('AsArray', 'EnumsAsStrings', 'EscapeHandling')) {
                        if (Test-Parameter $ast $ps7 2) { & $add $ast "ConvertTo-Json -$ps7" }
                    }
                }
                if (Test-Parameter $ast 'SkipCertificateCheck' 5) { & $add $ast '-SkipCertificateCheck' }
                if (Test-Parameter $ast 'NoProxy' 3) { & $add $ast '-NoProxy' }
            }
        }
    }
    $found
}

function Test-StrictModeLatest {
    param([System.Management.Automation.Language.ScriptBlockAst]$Root)
    $commands = $Root.FindAll({ param($ast) $ast -is [System.Management.Automation.Language.CommandAst] }, $true)
    foreach ($command in $commands) {
        if ($command.GetCommandName() -ne 'Set-StrictMode' -or -not (Test-TopLevel $command)) { continue }
        $elements = @($command.CommandElements)
        for ($i = 1; $i -lt $elements.Count; $i++) {
            $element = $elements[$i]
            if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
            if (-not 'Version'.StartsWith($element.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) { continue }
            $argument = $element.Argument
            if ($null -eq $argument -and $i + 1 -lt $elements.Count) { $argument = $elements[$i + 1] }
            if ($argument -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $argument.Value -eq 'Latest') { return $true }
        }
    }
    $false
}

$problems = [System.Collections.Generic.List[object]]::new()
foreach ($script in @([Console]::In.ReadToEnd() | ConvertFrom-Json)) {
    $tokens = $null
    $errors = $null
    if ($script.PSObject.Properties['path']) {
        $root = [System.Management.Automation.Language.Parser]::ParseFile($script.path, [ref]$tokens, [ref]$errors)
    }
    else {
        $root = [System.Management.Automation.Language.Parser]::ParseInput([string]$script.text, [string]$script.name, [ref]$tokens, [ref]$errors)
    }
    foreach ($parseError in @($errors)) {
        $problems.Add([pscustomobject]@{ name = $script.name; line = $parseError.Extent.StartLineNumber; what = "parse error: $($parseError.Message)" })
    }
    foreach ($hit in (Find-Ps7Only $root)) {
        $problems.Add([pscustomobject]@{ name = $script.name; line = $hit.line; what = $hit.what })
    }
    if ($RequireStrictMode -and -not (Test-StrictModeLatest $root)) {
        $problems.Add([pscustomobject]@{ name = $script.name; line = 1; what = 'no top-level Set-StrictMode -Version Latest statement' })
    }
}
ConvertTo-Json -InputObject @($problems) -Depth 4 -Compress
