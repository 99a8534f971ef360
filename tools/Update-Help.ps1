#Requires -Version 7.4
<#
.SYNOPSIS
    Creates or refreshes docs/help/<Cmdlet>.md from the built module (run ./build.ps1 Build first).

.DESCRIPTION
    For a cmdlet without a help file, writes one in the platyPS layout with {{ Fill ... }} placeholders for the prose
    (the Pester help tests fail until they are filled). For the others, rewrites SYNTAX and each parameter's yaml block
    (type, parameter sets, aliases, required, position, pipeline input, wildcards) from the code, keeps every word of
    prose and the documented default values, adds sections for new parameters and drops those of removed ones.

.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./tools/Update-Help.ps1
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../out/PacketWalk/PacketWalk.psd1'),
    [string]$HelpPath = (Join-Path $PSScriptRoot '../docs/help')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'PacketWalkHelp.psm1') -Force
Import-Module $ModulePath -Force
Update-PacketWalkHelpMarkdown -Path (Resolve-Path $HelpPath).Path -WhatIf:$WhatIfPreference
