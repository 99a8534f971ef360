# PacketWalk's help tool chain (platyPS is not available here, so this is a small one of our own).
#
#   docs/help/<Cmdlet>.md          one file per cmdlet, platyPS layout: SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES,
#                                  PARAMETERS (each with a yaml block: Type, Parameter Sets, Aliases, Required, Position,
#                                  Default value, Accept pipeline input, Accept wildcard characters), INPUTS, OUTPUTS,
#                                  NOTES, RELATED LINKS
#   docs/help/about_*.help.txt     about topics, plain text, copied as they are
#
#   ConvertTo-PacketWalkMaml       Markdown -> en-US/PacketWalk.dll-Help.xml (MAML), called by build.ps1 Build
#   Update-PacketWalkHelpMarkdown  creates the Markdown of a new cmdlet and refreshes SYNTAX and parameter metadata of
#                                  the others from the built module, keeping every word of prose (tools/Update-Help.ps1)
#   Read-PacketWalkHelpMarkdown / Get-PacketWalkCommandHelpMetadata: used by both and by the Pester help tests.
#
# New prose is written as {{ Fill ... }} placeholders; the help tests fail while one is left.

Set-StrictMode -Version 3.0

$script:Placeholder = '{{ Fill'
$script:CommonParametersText = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see about_CommonParameters.'

function Split-Section {
    # Splits lines into sections at headings of the given level ('## ' or '### '), outside code fences.
    param([string[]]$Lines, [string]$Prefix)
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix + '#')) {
            $current = [pscustomobject]@{ Title = $line.Substring($Prefix.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $sections.Add($current)
        }
        elseif ($null -ne $current) { $current.Lines.Add($line) }
    }
    return , $sections
}

function Get-Fence {
    # Returns @{ Before; Language; Code; After } for the first fenced block in the lines, or $null.
    param([string[]]$Lines)
    $start = -1
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i] -match '^\s*```(\w*)\s*$') {
            if ($start -lt 0) { $start = $i; $language = $Matches[1] }
            else {
                return [pscustomobject]@{
                    Before   = @($Lines[0..($start - 1)] | Where-Object { $start -gt 0 })
                    Language = $language
                    Code     = (@($Lines[($start + 1)..($i - 1)] | Where-Object { $i -gt $start + 1 }) -join "`n")
                    After    = @(if ($i + 1 -lt $Lines.Count) { $Lines[($i + 1)..($Lines.Count - 1)] })
                }
            }
        }
    }
    return $null
}

function Get-Text {
    # Trims blank lines at both ends and joins.
    param([string[]]$Lines)
    $list = @($Lines)
    while ($list.Count -gt 0 -and [string]::IsNullOrWhiteSpace($list[0])) { $list = @($list | Select-Object -Skip 1) }
    while ($list.Count -gt 0 -and [string]::IsNullOrWhiteSpace($list[-1])) { $list = @($list | Select-Object -SkipLast 1) }
    return ($list -join "`n")
}

function ConvertFrom-ParameterYaml {
    param([string]$Yaml)
    $block = [ordered]@{ Type = ''; ParameterSets = '(All)'; Aliases = ''; AcceptedValues = ''; Required = 'False'; Position = 'Named'; DefaultValue = 'None'; PipelineInput = 'False'; Wildcards = 'False' }
    $keys = @{ 'Type' = 'Type'; 'Parameter Sets' = 'ParameterSets'; 'Aliases' = 'Aliases'; 'Accepted values' = 'AcceptedValues'; 'Required' = 'Required'; 'Position' = 'Position'; 'Default value' = 'DefaultValue'; 'Accept pipeline input' = 'PipelineInput'; 'Accept wildcard characters' = 'Wildcards' }
    foreach ($line in $Yaml -split "`n") {
        if ($line -match '^\s*([^:]+):\s*(.*)$' -and $keys.ContainsKey($Matches[1].Trim())) { $block[$keys[$Matches[1].Trim()]] = $Matches[2].Trim() }
    }
    return [pscustomobject]$block
}

function Read-PacketWalkHelpMarkdown {
    <#
    .SYNOPSIS
        Parses one docs/help/<Cmdlet>.md into an object (prose kept as Markdown text).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Path)
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    # Front matter.
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        if ($end -gt 0) { $lines = @($lines | Select-Object -Skip ($end + 1)) }
    }
    $name = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1) -replace '^# ', ''
    $help = [ordered]@{
        Name = $name.Trim(); Synopsis = ''; Syntax = [ordered]@{}; Description = ''; Examples = @(); Parameters = [ordered]@{}
        CommonParameters = $false; Inputs = @(); Outputs = @(); Notes = ''; RelatedLinks = @(); Path = $Path
    }
    foreach ($section in (Split-Section $lines '## ')) {
        switch ($section.Title) {
            'SYNOPSIS' { $help.Synopsis = Get-Text $section.Lines }
            'DESCRIPTION' { $help.Description = Get-Text $section.Lines }
            'NOTES' { $help.Notes = Get-Text $section.Lines }
            'SYNTAX' {
                foreach ($set in (Split-Section $section.Lines '### ')) {
                    $fence = Get-Fence $set.Lines
                    $setName = $set.Title -replace '\s*\(Default\)\s*$', ''
                    $help.Syntax[$setName] = [pscustomobject]@{ Default = $set.Title -match '\(Default\)\s*$'; Text = if ($fence) { $fence.Code.Trim() } else { '' } }
                }
            }
            'EXAMPLES' {
                $help.Examples = @(foreach ($ex in (Split-Section $section.Lines '### ')) {
                        $fence = Get-Fence $ex.Lines
                        [pscustomobject]@{
                            Title   = $ex.Title
                            Code    = if ($fence) { $fence.Code } else { '' }
                            Remarks = if ($fence) { Get-Text ($fence.Before + $fence.After) } else { Get-Text $ex.Lines }
                        }
                    })
            }
            'PARAMETERS' {
                foreach ($p in (Split-Section $section.Lines '### ')) {
                    if ($p.Title -eq 'CommonParameters') { $help.CommonParameters = $true; continue }
                    $pname = $p.Title.TrimStart('-')
                    $description = [System.Collections.Generic.List[string]]::new()
                    $blocks = [System.Collections.Generic.List[object]]::new()
                    $rest = @($p.Lines)
                    while ($true) {
                        $fence = Get-Fence $rest
                        if (-not $fence -or $fence.Language -ne 'yaml') {
                            if ($blocks.Count -eq 0) { $description.AddRange([string[]]$rest) }
                            break
                        }
                        if ($blocks.Count -eq 0) { $description.AddRange([string[]]$fence.Before) }
                        $blocks.Add((ConvertFrom-ParameterYaml $fence.Code))
                        $rest = @($fence.After)
                    }
                    $help.Parameters[$pname] = [pscustomobject]@{ Name = $pname; Description = Get-Text $description; Blocks = @($blocks) }
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $items = @(foreach ($t in (Split-Section $section.Lines '### ')) { [pscustomobject]@{ Type = $t.Title; Description = Get-Text $t.Lines } })
                if ($section.Title -eq 'INPUTS') { $help.Inputs = $items } else { $help.Outputs = $items }
            }
            'RELATED LINKS' {
                $help.RelatedLinks = @(foreach ($l in $section.Lines) {
                        if ($l -match '\[([^\]]+)\]\(([^)]*)\)') { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } }
                    })
            }
        }
    }
    return [pscustomobject]$help
}

function Get-TypeDisplayName {
    param([type]$Type)
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    return $Type.Name
}

function Get-PacketWalkCommandHelpMetadata {
    <#
    .SYNOPSIS
        What the code says about a cmdlet's parameters, in the Markdown's words: one yaml block per distinct behaviour.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Management.Automation.CommandInfo]$Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $allSets = @($Command.ParameterSets.Name)
    $syntax = [ordered]@{}
    foreach ($set in $Command.ParameterSets) {
        $syntax[$set.Name] = [pscustomobject]@{ Default = $set.IsDefault -and $Command.ParameterSets.Count -gt 1; Text = "$($Command.Name) $($set.ToString())" }
    }
    $parameters = [ordered]@{}
    # Parameter order: the default set's order first, then any others.
    $ordered = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault } | ForEach-Object { $_.Parameters.Name }) | Select-Object -Unique
    foreach ($name in $ordered) {
        if ($name -in $common) { continue }
        $p = $Command.Parameters[$name]
        $type = $p.ParameterType
        $enumType = if ([Nullable]::GetUnderlyingType($type)) { [Nullable]::GetUnderlyingType($type) } else { $type }
        $accepted = if ($enumType.IsEnum) { [Enum]::GetNames($enumType) -join ', ' } else {
            $set = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            if ($set) { $set.ValidValues -join ', ' } else { '' }
        }
        $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $perSet = foreach ($entry in $p.ParameterSets.GetEnumerator()) {
            $m = $entry.Value
            $pipe = @(if ($m.ValueFromPipeline) { 'ByValue' }; if ($m.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
            [pscustomobject]@{
                Set           = $entry.Key
                Required      = if ($m.IsMandatory) { 'True' } else { 'False' }
                Position      = if ($m.Position -ge 0) { "$($m.Position)" } else { 'Named' }
                PipelineInput = if ($pipe.Count) { "True ($($pipe -join ', '))" } else { 'False' }
            }
        }
        $groups = @($perSet | Group-Object { "$($_.Required)|$($_.Position)|$($_.PipelineInput)" })
        $blocks = foreach ($g in $groups) {
            $sets = @($g.Group.Set)
            $setsText = if ($sets -contains '__AllParameterSets' -or ($groups.Count -eq 1 -and @($allSets | Where-Object { $_ -notin $sets }).Count -eq 0)) { '(All)' } else { ($sets | Sort-Object) -join ', ' }
            [pscustomobject]@{
                Type           = Get-TypeDisplayName $type
                ParameterSets  = $setsText
                Aliases        = ($p.Aliases | Sort-Object) -join ', '
                AcceptedValues = $accepted
                Required       = $g.Group[0].Required
                Position       = $g.Group[0].Position
                DefaultValue   = 'None'
                PipelineInput  = $g.Group[0].PipelineInput
                Wildcards      = if ($wild) { 'True' } else { 'False' }
            }
        }
        $parameters[$name] = [pscustomobject]@{ Name = $name; Blocks = @($blocks | Sort-Object ParameterSets) }
    }
    return [pscustomobject]@{ Name = $Command.Name; Syntax = $syntax; Parameters = $parameters; OutputTypes = @($Command.OutputType.Name | Select-Object -Unique) }
}

function Format-ParameterYaml {
    param($Block)
    $lines = @('```yaml', "Type: $($Block.Type)", "Parameter Sets: $($Block.ParameterSets)", "Aliases: $($Block.Aliases)".TrimEnd())
    if ($Block.AcceptedValues) { $lines += "Accepted values: $($Block.AcceptedValues)" }
    $lines += @('', "Required: $($Block.Required)", "Position: $($Block.Position)", "Default value: $($Block.DefaultValue)",
        "Accept pipeline input: $($Block.PipelineInput)", "Accept wildcard characters: $($Block.Wildcards)", '```')
    return $lines
}

function Write-PacketWalkHelpMarkdown {
    # Writes the help object back as Markdown in the fixed layout.
    param([Parameter(Mandatory)]$Help, [Parameter(Mandatory)][string]$Path)
    $out = [System.Collections.Generic.List[string]]::new()
    $out.AddRange([string[]]@('---', 'external help file: PacketWalk.dll-Help.xml', 'Module Name: PacketWalk', 'schema: 2.0.0', '---', '', "# $($Help.Name)", '', '## SYNOPSIS', $Help.Synopsis, '', '## SYNTAX', ''))
    foreach ($set in $Help.Syntax.GetEnumerator()) {
        $out.Add("### $($set.Key)$(if ($set.Value.Default) { ' (Default)' })")
        $out.AddRange([string[]]@('```', $set.Value.Text, '```', ''))
    }
    $out.AddRange([string[]]@('## DESCRIPTION', $Help.Description, '', '## EXAMPLES', ''))
    foreach ($ex in $Help.Examples) {
        $out.AddRange([string[]]@("### $($ex.Title)", '', '```powershell', $ex.Code, '```', '', $ex.Remarks, ''))
    }
    $out.AddRange([string[]]@('## PARAMETERS', ''))
    foreach ($p in $Help.Parameters.Values) {
        $out.AddRange([string[]]@("### -$($p.Name)", $p.Description, ''))
        foreach ($b in $p.Blocks) { $out.AddRange([string[]](Format-ParameterYaml $b)); $out.Add('') }
    }
    $out.AddRange([string[]]@('### CommonParameters', $script:CommonParametersText, '', '## INPUTS', ''))
    foreach ($i in $Help.Inputs) { $out.AddRange([string[]]@("### $($i.Type)", $i.Description, '')) }
    $out.AddRange([string[]]@('## OUTPUTS', ''))
    foreach ($o in $Help.Outputs) { $out.AddRange([string[]]@("### $($o.Type)", $o.Description, '')) }
    $out.AddRange([string[]]@('## NOTES', $Help.Notes, '', '## RELATED LINKS', ''))
    foreach ($l in $Help.RelatedLinks) { $out.Add("- [$($l.Text)]($($l.Uri))") }
    $text = (($out -join "`n") -replace "`n{3,}", "`n`n").TrimEnd() + "`n"
    [System.IO.File]::WriteAllText($Path, $text, [System.Text.UTF8Encoding]::new($false))
}

function Update-PacketWalkHelpMarkdown {
    <#
    .SYNOPSIS
        Creates docs/help/<Cmdlet>.md for every cmdlet of the loaded PacketWalk module that has none, and refreshes SYNTAX
        and the parameter yaml of the existing files from the code. Prose is kept; new prose is a {{ Fill }} placeholder.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)][string]$Path, [string]$ModuleName = 'PacketWalk')
    foreach ($command in Get-Command -Module $ModuleName -CommandType Cmdlet, Function | Sort-Object Name) {
        $file = Join-Path $Path "$($command.Name).md"
        $meta = Get-PacketWalkCommandHelpMetadata -Command $command
        $help = if (Test-Path -LiteralPath $file) { Read-PacketWalkHelpMarkdown -Path $file } else {
            [pscustomobject][ordered]@{
                Name = $command.Name; Synopsis = "$script:Placeholder in the Synopsis }}"; Syntax = [ordered]@{}
                Description = "$script:Placeholder in the Description }}"
                Examples = @(
                    [pscustomobject]@{ Title = 'Example 1'; Code = "PS> $($command.Name) $script:Placeholder in the example }}"; Remarks = "$script:Placeholder in what the example shows }}" }
                    [pscustomobject]@{ Title = 'Example 2'; Code = "PS> $($command.Name) $script:Placeholder in the example }}"; Remarks = "$script:Placeholder in what the example shows }}" }
                )
                Parameters = [ordered]@{}; CommonParameters = $true
                Inputs = @([pscustomobject]@{ Type = 'None'; Description = "$script:Placeholder in the pipeline input }}" })
                Outputs = @($meta.OutputTypes | ForEach-Object { [pscustomobject]@{ Type = $_; Description = "$script:Placeholder in what is written }}" } })
                Notes = ''; RelatedLinks = @([pscustomobject]@{ Text = 'about_PacketWalk'; Uri = '' })
            }
        }
        $help.Syntax = $meta.Syntax
        $parameters = [ordered]@{}
        foreach ($p in $meta.Parameters.Values) {
            $old = if ($help.Parameters.Contains($p.Name)) { $help.Parameters[$p.Name] } else { $null }
            foreach ($b in $p.Blocks) {
                # Default values are prose (the code cannot say them): keep what the Markdown wrote.
                $previous = if ($old) { @($old.Blocks | Where-Object ParameterSets -eq $b.ParameterSets) + @($old.Blocks) | Select-Object -First 1 } else { $null }
                if ($previous -and $previous.DefaultValue) { $b.DefaultValue = $previous.DefaultValue }
            }
            $parameters[$p.Name] = [pscustomobject]@{
                Name = $p.Name
                Description = if ($old -and $old.Description) { $old.Description } else { "$script:Placeholder in the $($p.Name) description }}" }
                Blocks = $p.Blocks
            }
        }
        foreach ($gone in @($help.Parameters.Keys | Where-Object { -not $meta.Parameters.Contains($_) })) {
            Write-Warning "$($command.Name): parameter -$gone is documented but no longer exists; its section is dropped."
        }
        $help.Parameters = $parameters
        if ($PSCmdlet.ShouldProcess($file, 'Write help Markdown')) { Write-PacketWalkHelpMarkdown -Help $help -Path $file }
    }
}

function ConvertTo-PlainHelpText {
    # Markdown prose to console text: backticks and bold markers dropped, links reduced to their text.
    param([string]$Text)
    return ($Text -replace '\*\*', '' -replace '`', '' -replace '\[([^\]]+)\]\([^)]*\)', '$1')
}

function Get-Paragraphs {
    param([string]$Text)
    if ([string]::IsNullOrWhiteSpace($Text)) { return @() }
    return @(($Text -split "\n\s*\n") | ForEach-Object { ConvertTo-PlainHelpText $_.Trim() } | Where-Object { $_ })
}

function ConvertTo-PacketWalkMaml {
    <#
    .SYNOPSIS
        Compiles docs/help/*.md into one MAML file (PacketWalk.dll-Help.xml) and copies the about_*.help.txt topics.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$SourcePath, [Parameter(Mandatory)][string]$OutputPath)
    $null = New-Item -ItemType Directory -Path $OutputPath -Force
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $file = Join-Path $OutputPath 'PacketWalk.dll-Help.xml'
    $w = [System.Xml.XmlWriter]::Create($file, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($md in Get-ChildItem -LiteralPath $SourcePath -Filter '*.md' | Sort-Object Name) {
            $h = Read-PacketWalkHelpMarkdown -Path $md.FullName
            if (-not $h.Name) { throw "$($md.FullName) has no '# <Cmdlet-Name>' heading." }
            $verb, $noun = $h.Name -split '-', 2
            $w.WriteStartElement('command', 'command', $command)
            $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
            $w.WriteAttributeString('xmlns', 'command', $null, $command)
            $w.WriteAttributeString('xmlns', 'dev', $null, $dev)

            $w.WriteStartElement('command', 'details', $command)
            $w.WriteElementString('command', 'name', $command, $h.Name)
            $w.WriteElementString('command', 'verb', $command, $verb)
            $w.WriteElementString('command', 'noun', $command, $noun)
            Write-Paragraphs $w $maml 'description' $h.Synopsis
            $w.WriteEndElement()

            Write-Paragraphs $w $maml 'description' $h.Description

            # Syntax: one item per parameter set, positional parameters first in position order.
            $w.WriteStartElement('command', 'syntax', $command)
            foreach ($set in $h.Syntax.Keys) {
                $w.WriteStartElement('command', 'syntaxItem', $command)
                $w.WriteElementString('maml', 'name', $maml, $h.Name)
                $inSet = foreach ($p in $h.Parameters.Values) {
                    $block = @($p.Blocks | Where-Object { $_.ParameterSets -eq '(All)' -or ($_.ParameterSets -split ',\s*') -contains $set }) | Select-Object -First 1
                    if ($block) { [pscustomobject]@{ Parameter = $p; Block = $block; Order = if ($block.Position -eq 'Named') { 1000 } else { [int]$block.Position } } }
                }
                foreach ($item in @($inSet | Sort-Object Order)) { Write-Parameter $w $item.Parameter $item.Block -InSyntax }
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            $w.WriteStartElement('command', 'parameters', $command)
            foreach ($p in $h.Parameters.Values) { if ($p.Blocks.Count) { Write-Parameter $w $p $p.Blocks[0] } }
            $w.WriteEndElement()

            foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Items = $h.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Items = $h.Outputs })) {
                $w.WriteStartElement('command', $kind.List, $command)
                foreach ($i in $kind.Items) {
                    $w.WriteStartElement('command', $kind.Item, $command)
                    $w.WriteStartElement('dev', 'type', $dev)
                    $w.WriteElementString('maml', 'name', $maml, $i.Type)
                    $w.WriteEndElement()
                    Write-Paragraphs $w $maml 'description' $i.Description
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
            }

            $w.WriteStartElement('maml', 'alertSet', $maml)
            $w.WriteStartElement('maml', 'alert', $maml)
            foreach ($para in (Get-Paragraphs $h.Notes)) { $w.WriteElementString('maml', 'para', $maml, $para) }
            $w.WriteEndElement()
            $w.WriteEndElement()

            $w.WriteStartElement('command', 'examples', $command)
            $n = 0
            foreach ($ex in $h.Examples) {
                $n++
                $w.WriteStartElement('command', 'example', $command)
                $w.WriteElementString('maml', 'title', $maml, "-------------------------- $($ex.Title) --------------------------")
                $w.WriteElementString('dev', 'code', $dev, $ex.Code)
                $w.WriteStartElement('dev', 'remarks', $dev)
                foreach ($para in (Get-Paragraphs ($ex.Remarks -replace '(?m)^```\w*\s*$', ''))) { $w.WriteElementString('maml', 'para', $maml, $para) }
                $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            $w.WriteStartElement('command', 'relatedLinks', $command)
            foreach ($l in $h.RelatedLinks) {
                $w.WriteStartElement('maml', 'navigationLink', $maml)
                $w.WriteElementString('maml', 'linkText', $maml, $l.Text)
                $w.WriteElementString('maml', 'uri', $maml, $l.Uri)
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            $w.WriteEndElement()   # command
        }
        $w.WriteEndElement()   # helpItems
        $w.WriteEndDocument()
    }
    finally { $w.Dispose() }

    foreach ($about in Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.help.txt') { Copy-Item -LiteralPath $about.FullName -Destination $OutputPath }
    return Get-Item -LiteralPath $file
}

function Write-Paragraphs {
    param($w, $maml, [string]$Element, [string]$Text)
    $w.WriteStartElement('maml', $Element, $maml)
    foreach ($para in (Get-Paragraphs $Text)) { $w.WriteElementString('maml', 'para', $maml, $para) }
    $w.WriteEndElement()
}

function Write-Parameter {
    param($w, $Parameter, $Block, [switch]$InSyntax)
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $isSwitch = $Block.Type -eq 'SwitchParameter'
    $w.WriteStartElement('command', 'parameter', $command)
    $w.WriteAttributeString('required', $Block.Required.ToLowerInvariant())
    $w.WriteAttributeString('variableLength', 'true')
    $w.WriteAttributeString('globbing', $Block.Wildcards.ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $Block.PipelineInput)
    $w.WriteAttributeString('position', $(if ($Block.Position -eq 'Named') { 'named' } else { $Block.Position }))
    $w.WriteAttributeString('aliases', $(if ($Block.Aliases) { $Block.Aliases } else { 'none' }))
    $w.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    if (-not $InSyntax) { Write-Paragraphs $w $maml 'description' $Parameter.Description }
    if ($Block.AcceptedValues) {
        $w.WriteStartElement('command', 'parameterValueGroup', $command)
        foreach ($v in $Block.AcceptedValues -split ',\s*') {
            $w.WriteStartElement('command', 'parameterValue', $command)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $command, 'false')
            $w.WriteString($v)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not $isSwitch) {
        $w.WriteStartElement('command', 'parameterValue', $command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($Block.Type)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $dev)
    $w.WriteElementString('maml', 'name', $maml, $Block.Type)
    $w.WriteEndElement()
    if (-not $InSyntax) { $w.WriteElementString('dev', 'defaultValue', $dev, $Block.DefaultValue) }
    $w.WriteEndElement()
}

Export-ModuleMember -Function Read-PacketWalkHelpMarkdown, Get-PacketWalkCommandHelpMetadata, Update-PacketWalkHelpMarkdown, ConvertTo-PacketWalkMaml, Write-PacketWalkHelpMarkdown
