# Module manifest source for PacketWalk. build.ps1 stamps ModuleVersion from Directory.Build.props
# (PacketWalkVersion) and writes the result to out/PacketWalk/PacketWalk.psd1. Do not edit the version here.
@{
    RootModule           = 'PacketWalk.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '364f2687-dd06-4888-b1a3-2dea4f96537a'
    Author               = 'PacketWalk contributors'
    CompanyName          = 'PacketWalk'
    Copyright            = '(c) PacketWalk contributors. All rights reserved.'
    Description          = 'Walks a packet hop by hop through AWS networking (security groups, NACLs, route tables, transit gateways) from saved snapshots or live AWS (read-only, with the AWS.Tools credential parameters), forward and return, and names the rule that decides each hop.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'

    # Loaded up front so [PacketWalk.Core.Walk.SeedNotes] and the output types resolve right after Import-Module.
    RequiredAssemblies   = @('PacketWalk.Core.dll')
    FormatsToProcess     = @('PacketWalk.Format.ps1xml')

    # Explicit lists, no wildcards: command discovery then works without loading the module.
    CmdletsToExport      = @(
        'Get-PacketPath'
        'Test-PacketPath'
        'Test-NaclHop'
        'Get-TgwAttachmentForAz'
        'Import-PacketWalkSnapshot'
        'Get-FlowLogRecord'
        'Test-PacketPathFlowLog'
        'Format-PacketPath'
        'ConvertTo-PacketPathDiagram'
        'Get-ReachabilityMatrix'
        'Get-PacketPathFix'
        'Get-ReachablePort'
        'Compare-PacketWalkSnapshot'
        'Export-PacketWalkSnapshot'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'EC2', 'VPC', 'Networking', 'FlowLogs', 'TransitGateway', 'NACL', 'SecurityGroup', 'Reachability', 'PacketWalk', 'PSEdition_Core', 'Linux', 'MacOS', 'Windows')
            ReleaseNotes = 'Walks over saved snapshots or live AWS (read-only; Export-PacketWalkSnapshot saves live state): Get-PacketPath, Test-PacketPath (-AllBlockers), Test-NaclHop, Get-TgwAttachmentForAz, Import-PacketWalkSnapshot; VPC Flow Log evidence (Get-FlowLogRecord, Test-PacketPathFlowLog); seed-style notes (Format-PacketPath), diagrams (ConvertTo-PacketPathDiagram), audits (Get-ReachabilityMatrix); fixes as AWS.Tools commands (Get-PacketPathFix), reachable port ranges (Get-ReachablePort), change review (Compare-PacketWalkSnapshot).'
        }
    }
}
