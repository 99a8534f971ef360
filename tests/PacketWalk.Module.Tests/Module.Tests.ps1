BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'The built PacketWalk module' {
    It 'exports exactly the PacketWalk cmdlets and nothing else' {
        $m = Get-Module PacketWalk
        @($m.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Compare-PacketWalkSnapshot', 'ConvertTo-PacketPathDiagram', 'Export-PacketWalkSnapshot', 'Format-PacketPath', 'Get-FlowLogRecord', 'Get-PacketPath', 'Get-PacketPathFix', 'Get-ReachabilityMatrix', 'Get-ReachablePort', 'Get-TgwAttachmentForAz', 'Import-PacketWalkSnapshot', 'Test-NaclHop', 'Test-PacketPath', 'Test-PacketPathFlowLog')
        $m.ExportedFunctions.Count | Should -Be 0
        $m.ExportedAliases.Count | Should -Be 0
        $m.ExportedVariables.Count | Should -Be 0
    }

    It 'carries the version from Directory.Build.props, stamped' {
        $props = [xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))
        $want = $props.SelectSingleNode('//PacketWalkVersion').InnerText.Trim()
        (Get-Module PacketWalk).Version.ToString() | Should -Be ([version]$want).ToString()
        Get-Content -Raw $ModulePath | Should -Not -Match '\{\{ModuleVersion\}\}'
    }

    It 'ships exactly the allowlisted assemblies, the format file, the help and the samples' {
        Join-Path $ModuleBase 'en-US/PacketWalk.dll-Help.xml' | Should -Exist
        @(Get-ChildItem $ModuleBase -Filter *.dll | ForEach-Object Name | Sort-Object) | Should -Be @('AWSSDK.Core.dll', 'AWSSDK.EC2.dll', 'AWSSDK.S3.dll', 'AWSSDK.SecurityToken.dll', 'PacketWalk.Aws.dll', 'PacketWalk.Core.dll', 'PacketWalk.dll')
        Join-Path $ModuleBase 'PacketWalk.Format.ps1xml' | Should -Exist
        Join-Path $Seed 'Vpcs.json' | Should -Exist
    }

    It 'loads the bundled sample without a single warning' {
        # Regression: a test file inside the sample folder once made every load warn about an unknown key.
        $s = Import-PacketWalkSnapshot -Path $Seed -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 0
        $s.WarningCount | Should -Be 0
    }

    It 'is Core-only and needs PowerShell 7.4' {
        $data = Import-PowerShellDataFile $ModulePath
        $data.CompatiblePSEditions | Should -Be @('Core')
        $data.PowerShellVersion | Should -Be '7.4'
    }

    It '<Name> declares an output type and no -WhatIf' -ForEach @(
        @{ Name = 'Get-PacketPath' }, @{ Name = 'Test-PacketPath' }, @{ Name = 'Test-NaclHop' },
        @{ Name = 'Get-TgwAttachmentForAz' }, @{ Name = 'Import-PacketWalkSnapshot' },
        @{ Name = 'Get-FlowLogRecord' }, @{ Name = 'Test-PacketPathFlowLog' }, @{ Name = 'Format-PacketPath' },
        @{ Name = 'ConvertTo-PacketPathDiagram' }, @{ Name = 'Get-ReachabilityMatrix' },
        @{ Name = 'Get-PacketPathFix' }, @{ Name = 'Get-ReachablePort' }, @{ Name = 'Compare-PacketWalkSnapshot' }
    ) {
        $cmd = Get-Command $Name
        $cmd.OutputType.Count | Should -BeGreaterThan 0
        $cmd.Parameters.Keys | Should -Not -Contain 'WhatIf'
    }

    It 'emits no property that AWS.Tools cmdlets would bind silently' {
        $forbidden = 'Filter', 'Select', 'NextToken', 'ProfileName', 'AccessKey', 'SecretKey', 'SessionToken', 'Credential', 'EndpointUrl', 'ClientConfig', 'PassThru', 'MaxResult'
        $types = (Get-Command -Module PacketWalk).OutputType.Type
        foreach ($t in $types | Where-Object { $_ -notin [bool], [string] }) {
            $t.GetProperties().Name | Where-Object { $_ -in $forbidden } | Should -BeNullOrEmpty -Because "$($t.Name) must not carry them"
        }
    }

    It 'loads PacketWalk.Core so [PacketWalk.Core.Walk.SeedNotes] resolves right after import' {
        [PacketWalk.Core.Walk.SeedNotes] | Should -Not -BeNullOrEmpty
    }
}
