# Every cmdlet of the module, present and future, ships help: a synopsis, a description, at least two examples, a
# description for every parameter, and metadata (type, sets, required, position, pipeline, aliases) that matches the
# code. Help is Markdown in docs/help/<Cmdlet>.md compiled to MAML by build.ps1; tools/Update-Help.ps1 creates the file
# of a new cmdlet and refreshes the metadata of the others.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:CommandCases = @(Get-Command -Module PacketWalk -CommandType Cmdlet, Function | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    $script:ParameterCases = @(foreach ($c in Get-Command -Module PacketWalk -CommandType Cmdlet, Function | Sort-Object Name) {
            foreach ($p in $c.Parameters.Keys | Where-Object { $_ -notin $common }) { @{ Name = $c.Name; Parameter = $p } }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $RepoRoot 'tools/PacketWalkHelp.psm1') -Force
    $script:HelpSource = Join-Path $RepoRoot 'docs/help'
    function script:HelpFile([string]$name) { Join-Path $HelpSource "$name.md" }
}

Describe 'Help of <Name>' -ForEach $CommandCases {
    It 'has docs/help/<Name>.md (create it with tools/Update-Help.ps1)' {
        HelpFile $Name | Should -Exist -Because "$Name has no help source; run ./build.ps1 Build; pwsh ./tools/Update-Help.ps1 and fill it in"
    }

    It 'shows a synopsis, a description and at least two examples with code and an explanation in Get-Help -Full' {
        $help = Get-Help $Name -Full
        # Without MAML, Get-Help makes up a synopsis from the syntax: that is not help.
        $help.Synopsis | Should -Not -BeNullOrEmpty -Because "$Name needs a SYNOPSIS"
        $help.Synopsis | Should -Not -Match ([regex]::Escape("$Name [")) -Because "$Name has only auto-generated help"
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "$Name needs a DESCRIPTION"
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2 -Because "$Name needs at least two EXAMPLES"
        foreach ($ex in $examples) {
            $ex.code | Should -Match ([regex]::Escape($Name)) -Because "each example of $Name shows $Name being used ($($ex.title))"
            ($ex.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "each example of $Name says what it shows ($($ex.title))"
        }
        $help.returnValues | Should -Not -BeNullOrEmpty -Because "$Name needs OUTPUTS"
    }

    It 'has no placeholder left in docs/help/<Name>.md' {
        $text = Get-Content -Raw -LiteralPath (HelpFile $Name)
        $text | Should -Not -Match '\{\{' -Because "docs/help/$Name.md still has {{ Fill ... }} placeholders"
    }

    It 'has a SYNTAX section that matches the code' {
        $doc = Read-PacketWalkHelpMarkdown -Path (HelpFile $Name)
        $meta = Get-PacketWalkCommandHelpMetadata -Command (Get-Command $Name)
        @($doc.Syntax.Keys) | Should -Be @($meta.Syntax.Keys) -Because "the parameter sets of $Name changed: run tools/Update-Help.ps1"
        foreach ($set in $meta.Syntax.Keys) { $doc.Syntax[$set].Text | Should -Be $meta.Syntax[$set].Text -Because "SYNTAX of $Name ($set) is out of date: run tools/Update-Help.ps1" }
        @($doc.Parameters.Keys | Where-Object { -not $meta.Parameters.Contains($_) }) | Should -BeNullOrEmpty -Because "docs/help/$Name.md documents parameters $Name does not have"
    }
}

Describe 'Help of <Name> -<Parameter>' -ForEach $ParameterCases {
    It 'has a description in Get-Help' {
        $p = (Get-Help $Name -Parameter $Parameter -ErrorAction SilentlyContinue)
        $p | Should -Not -BeNullOrEmpty -Because "$Name -$Parameter is missing from docs/help/$Name.md"
        ($p.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$Name -$Parameter needs a description in docs/help/$Name.md"
    }

    It 'has metadata (type, sets, aliases, required, position, pipeline, wildcards) that matches the code' {
        $doc = Read-PacketWalkHelpMarkdown -Path (HelpFile $Name)
        $doc.Parameters.Contains($Parameter) | Should -BeTrue -Because "$Name -$Parameter is missing from docs/help/$Name.md"
        $meta = (Get-PacketWalkCommandHelpMetadata -Command (Get-Command $Name)).Parameters[$Parameter]
        $fields = 'Type', 'ParameterSets', 'Aliases', 'AcceptedValues', 'Required', 'Position', 'PipelineInput', 'Wildcards'
        $documented = @($doc.Parameters[$Parameter].Blocks | ForEach-Object { $b = $_; ($fields | ForEach-Object { "$_=$($b.$_)" }) -join '; ' })
        $actual = @($meta.Blocks | ForEach-Object { $b = $_; ($fields | ForEach-Object { "$_=$($b.$_)" }) -join '; ' })
        $documented | Should -Be $actual -Because "the yaml of $Name -$Parameter in docs/help/$Name.md is out of date: run tools/Update-Help.ps1"
    }
}

Describe 'The help sources' {
    It 'document no cmdlet the module lacks' {
        $names = @(Get-Command -Module PacketWalk).Name
        Get-ChildItem (Join-Path $RepoRoot 'docs/help') -Filter *.md | ForEach-Object { $_.BaseName } | Where-Object { $_ -notin $names } |
            Should -BeNullOrEmpty -Because 'a help file for a cmdlet that no longer exists misleads'
    }

    It 'are compiled into the built module as en-US/PacketWalk.dll-Help.xml with the about topic' {
        $maml = Join-Path $ModuleBase 'en-US/PacketWalk.dll-Help.xml'
        $maml | Should -Exist
        $xml = [xml](Get-Content -Raw -LiteralPath $maml)
        $ns = @{ command = 'http://schemas.microsoft.com/maml/dev/command/2004/10' }
        @(Select-Xml -Xml $xml -XPath '//command:command/command:details/command:name' -Namespace $ns | ForEach-Object { $_.Node.InnerText } | Sort-Object) |
            Should -Be @(Get-Command -Module PacketWalk | ForEach-Object Name | Sort-Object)
        Join-Path $ModuleBase 'en-US/about_PacketWalk.help.txt' | Should -Exist
    }
}

Describe 'about_PacketWalk' {
    BeforeAll {
        $script:About = (Get-Help about_PacketWalk | Out-String)
    }

    It 'is found by Get-Help and explains the walk' {
        $About | Should -Match 'TOPIC\s+about_PacketWalk'
        foreach ($heading in 'THE WALK', 'VERDICTS', 'REASON CODES') { $About | Should -Match $heading }
    }

    It 'explains every verdict and every hop decision' {
        foreach ($name in [Enum]::GetNames([PacketWalk.Core.Walk.PathVerdict]) + [Enum]::GetNames([PacketWalk.Core.Walk.HopDecision])) {
            $About | Should -Match "(?m)^\s+$name\s" -Because "about_PacketWalk must explain $name"
        }
    }

    It 'explains every reason code the engine can give' {
        $codes = Get-ChildItem (Join-Path $RepoRoot 'src/PacketWalk.Core') -Filter *.cs -Recurse |
            # "CODE" as a reason, or $"CODE: …" at the start of a note.
            Select-String -Pattern '"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[":]' -AllMatches -CaseSensitive |
            ForEach-Object { foreach ($m in $_.Matches) { [pscustomobject]@{ Code = $m.Groups[1].Value; File = $_.Path } } } |
            Sort-Object Code -Unique
        $codes.Count | Should -BeGreaterThan 5
        foreach ($c in $codes) {
            $About | Should -Match "(?m)^\s+$($c.Code)\s*$" -Because "$($c.Code) (used in $(Split-Path -Leaf $c.File)) must be explained in docs/help/about_PacketWalk.help.txt"
        }
    }
}
