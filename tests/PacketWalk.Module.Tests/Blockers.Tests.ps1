BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Scenarios = Join-Path $RepoRoot 'tests/scenarios'
    $script:Multi = Join-Path $Scenarios 'multi-blocker/snapshot'
    $script:Review = Join-Path $Scenarios 'change-review'
}

Describe 'Test-PacketPath -AllBlockers' {
    BeforeAll {
        $script:Result = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Multi -AllBlockers
    }

    It 'keeps the first blocker as the verdict and lists every blocker in path order' {
        $Result.Verdict | Should -Be 'Blocked'
        $Result.BlockedAt | Should -Be 'eni-084d826e4b1e0e190'
        $Result.BlockersComplete | Should -BeTrue
        @($Result.Blockers).Count | Should -Be 4
        ($Result.Blockers | ForEach-Object { "$($_.Direction) $($_.Step) $($_.Component)" }) | Should -Be @(
            'Forward SecurityGroupEgress eni-084d826e4b1e0e190'
            'Forward NaclOutbound acl-0a00000000000a801'
            'Forward SecurityGroupIngress eni-0092f8e2d29917a4c'
            'Return NaclOutbound acl-0b00000000000b801')
        $Result.Blockers[0].Component | Should -Be $Result.BlockedAt
        $Result.Blockers | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.Walk.PacketBlocker]) }
    }

    It 'lists nothing without the switch' {
        $plain = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Multi
        @($plain.Blockers).Count | Should -Be 0
        $plain.BlockersComplete | Should -BeNullOrEmpty
        $plain.Verdict | Should -Be $Result.Verdict
    }

    It 'says where the list stops when a fix would change the path' {
        $r = Test-PacketPath -Source $HostA -Destination i-0b000000000000b21 -Port 443 -Snapshot $Multi -AllBlockers
        $r.BlockersComplete | Should -BeFalse
        $r.Blockers[-1].WalkedPast | Should -BeFalse
        $r.Blockers[-1].Note | Should -Match 'walking on would need a new route; the rest of the path depends on it'
        $r.BlockersIncompleteReason | Should -Match 'rtb-0b00000000000b121'
    }

    It 'serialises with its blockers to the documented JSON' {
        $json = $Result | ConvertTo-Json -Depth 5 -EnumsAsStrings -WarningVariable truncation
        $truncation | Should -BeNullOrEmpty
        $json | Test-Json -SchemaFile (Join-Path $RepoRoot 'docs/verdict-schema.json') | Should -BeTrue
        $doc = $json | ConvertFrom-Json
        $doc.Blockers.Count | Should -Be 4
        $doc.Blockers[1].Hop.NetworkAclId | Should -Be 'acl-0a00000000000a801'
        $doc.BlockersText | Should -Match '^eni-084d826e4b1e0e190 ENI_SG_RULES_MISMATCH; '
    }

    It 'formats blockers as a table and the result list shows them' {
        $table = $Result.Blockers | Format-Table | Out-String -Width 200
        $table | Should -Match 'WalkedPast'
        $table | Should -Match 'acl-0a00000000000a801'
        $list = $Result | Format-List | Out-String -Width 200
        $list | Should -Match 'Blockers\s*:\s*1\. Forward SecurityGroupEgress eni-084d826e4b1e0e190 ENI_SG_RULES_MISMATCH'
        $list | Should -Match 'BlockersComplete\s*:\s*True'
    }
}

Describe 'Get-PacketPathFix' {
    BeforeAll {
        $script:Fixes = @(Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Multi -AllBlockers | Get-PacketPathFix)
        # Stand-ins for the AWS.Tools cmdlets with their parameter names and SDK types: running a proposed command binds
        # its arguments exactly as AWS.Tools would, and records them instead of calling AWS.
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.Core.dll'), (Join-Path $ModuleBase 'AWSSDK.EC2.dll')
        $global:PacketWalkFixCalls = [System.Collections.Generic.List[object]]::new()
        function global:Grant-EC2SecurityGroupIngress([string]$GroupId, [Amazon.EC2.Model.IpPermission[]]$IpPermission, [string]$Region) { $global:PacketWalkFixCalls.Add([pscustomobject]@{ Cmdlet = $MyInvocation.MyCommand.Name; Args = $PSBoundParameters }) }
        function global:Grant-EC2SecurityGroupEgress([string]$GroupId, [Amazon.EC2.Model.IpPermission[]]$IpPermission, [string]$Region) { $global:PacketWalkFixCalls.Add([pscustomobject]@{ Cmdlet = $MyInvocation.MyCommand.Name; Args = $PSBoundParameters }) }
        function global:New-EC2NetworkAclEntry([string]$NetworkAclId, [int]$RuleNumber, [bool]$Egress, [string]$Protocol, [Amazon.EC2.RuleAction]$RuleAction,
            [string]$CidrBlock, [string]$Ipv6CidrBlock, [int]$PortRange_From, [int]$PortRange_To, [int]$IcmpTypeCode_Type, [int]$IcmpTypeCode_Code, [string]$Region) { $global:PacketWalkFixCalls.Add([pscustomobject]@{ Cmdlet = $MyInvocation.MyCommand.Name; Args = $PSBoundParameters }) }
    }
    AfterAll {
        Remove-Item Function:\Grant-EC2SecurityGroupIngress, Function:\Grant-EC2SecurityGroupEgress, Function:\New-EC2NetworkAclEntry -ErrorAction SilentlyContinue
    }

    It 'proposes one change per blocker, each a PathFix with the resource id under its SDK name' {
        $Fixes.Count | Should -Be 4
        $Fixes | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.Fixes.PathFix]) }
        ($Fixes.Kind | ForEach-Object ToString) | Should -Be @('SecurityGroupEgress', 'NetworkAclEntry', 'SecurityGroupIngress', 'NetworkAclEntry')
        $Fixes[0].GroupId | Should -Be 'sg-0a00000000000a801'
        $Fixes[1].NetworkAclId | Should -Be 'acl-0a00000000000a801'
        $Fixes[3].Direction | Should -Be 'Return'
        $Fixes | ForEach-Object { $_.Structural | Should -BeFalse; $_.Command | Should -Not -Match '0\.0\.0\.0/0' }
    }

    It 'writes commands that bind to the AWS.Tools parameters and SDK v4 types' {
        $global:PacketWalkFixCalls.Clear()
        foreach ($fix in $Fixes) { & ([scriptblock]::Create($fix.Command)) }
        $global:PacketWalkFixCalls.Count | Should -Be 4
        $egress = $global:PacketWalkFixCalls[0].Args
        $global:PacketWalkFixCalls[0].Cmdlet | Should -Be 'Grant-EC2SecurityGroupEgress'
        $egress.IpPermission[0].IpProtocol | Should -Be 'tcp'
        $egress.IpPermission[0].FromPort | Should -Be 443
        $egress.IpPermission[0].ToPort | Should -Be 443
        $egress.IpPermission[0].Ipv4Ranges[0].CidrIp | Should -Be '10.1.8.131/32'
        $acl = $global:PacketWalkFixCalls[1].Args
        $acl.RuleNumber | Should -Be 90
        $acl.Egress | Should -BeTrue
        $acl.Protocol | Should -Be '6'
        $acl.RuleAction.Value | Should -Be 'allow'
        $acl.CidrBlock | Should -Be '10.1.8.131/32'
        ($acl.PortRange_From, $acl.PortRange_To) | Should -Be @(443, 443)
        $global:PacketWalkFixCalls[3].Args.PortRange_From | Should -Be 32768
        $global:PacketWalkFixCalls[3].Args.PortRange_To | Should -Be 60999
    }

    It 'names the source group where referencing works, and the address with -AddressOnly' {
        $snap = Join-Path $Scenarios 'sg-reference/snapshot'
        $walk = Test-PacketPath -Source i-0a000000000000a0f -Destination i-0a000000000000a0d -Port 443 -Snapshot $snap -AllBlockers
        ($walk | Get-PacketPathFix).Command | Should -Match "UserIdGroupPairs = @\(@\{ GroupId = 'sg-"
        ($walk | Get-PacketPathFix -AddressOnly).Command | Should -Match "Ipv4Ranges = @\(@\{ CidrIp = '10\.0\.9\.150/32'"
    }

    It 'finds the blocks behind a path-changing fix in later rounds' {
        $snap = Join-Path $Scenarios 'tgw-association-and-route/snapshot'
        $fixes = @(Test-PacketPath -Source $HostA -Destination i-0b000000000000b05 -Port 443 -Snapshot $snap | Get-PacketPathFix)
        ($fixes | ForEach-Object { "$($_.Round) $($_.Kind)" }) | Should -Be @('1 TransitGatewayRoute', '2 TransitGatewayRouteTableAssociation')
        $fixes[1].Command | Should -Be 'Register-EC2TransitGatewayRouteTable -TransitGatewayRouteTableId tgw-rtb-0a1b2c3d4e5f60001 -TransitGatewayAttachmentId tgw-attach-0c1a2b3c4d5e605bd'
    }

    It 'describes a structural fix and warns that the path stays blocked' {
        $snap = Join-Path $Scenarios 'tgw-source-az-no-attachment/snapshot'
        $fix = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $snap | Get-PacketPathFix -WarningVariable warn -WarningAction SilentlyContinue
        $fix.Structural | Should -BeTrue
        $fix.Command | Should -Match '^Edit-EC2TransitGatewayVpcAttachment -TransitGatewayAttachmentId tgw-attach-0a1a2b3c4d5e6f0aa -AddSubnetId subnet-'
        "$warn" | Should -Match 'still Blocked at tgw-attach-0a1a2b3c4d5e6f0aa \(TGW_ROUTE_AZ_RESTRICTION\)'
    }

    It 'writes nothing for a reachable walk' {
        Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Seed | Get-PacketPathFix | Should -BeNullOrEmpty
    }

    It 'reports a result that does not carry its snapshot as an error for that input' {
        $bare = [PacketWalk.Core.Walk.PacketPathResult]::new()
        $null = $bare | Get-PacketPathFix -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkResultWithoutModel,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'formats fixes as a table with the whole command' {
        $text = $Fixes | Format-Table | Out-String -Width 250
        $text | Should -Match 'Grant-EC2SecurityGroupEgress -GroupId sg-0a00000000000a801'
        $text | Should -Match 'Round'
        ($Fixes[1] | Format-List | Out-String -Width 250) | Should -Match 'Change\s*:\s*allow outbound tcp 443 to 10\.1\.8\.131/32 in acl-0a00000000000a801 as rule 90'
    }
}

Describe 'Get-ReachablePort' {
    It 'splits 0-65535 into runs by outcome, with the first blocker of each blocked run' {
        $runs = @(Get-ReachablePort -Source $HostB -Destination $HostA -Snapshot $Seed)
        $runs | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.Walk.PortRangeVerdict]) }
        ($runs | ForEach-Object { "$($_.Ports) $($_.Verdict) $($_.BlockedAt)" }) | Should -Be @(
            '0-21 Blocked eni-084d826e4b1e0e190', '22 Reachable ', '23-65535 Blocked eni-084d826e4b1e0e190')
    }

    It 'writes only the reachable runs with -ReachableOnly, for the given ports' {
        $runs = @(Get-ReachablePort -Source $HostB -Destination $HostA -Port '20-25', 443 -ReachableOnly -Snapshot $Seed)
        $runs.Count | Should -Be 1
        $runs[0].Ports | Should -Be '22'
        @(Get-ReachablePort -Source $HostB -Destination $HostA -Port '20-25', 443 -Snapshot $Seed).Ports | Should -Be @('20-21', '22', '23-25', '443')
    }

    It 'rejects a port range it cannot read' {
        $null = Get-ReachablePort -Source $HostB -Destination $HostA -Port '25-20' -Snapshot $Seed -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkInvalidPortRange,*'
        { Get-ReachablePort -Source $HostB -Destination $HostA -Protocol icmp -Snapshot $Seed } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'formats runs as a table' {
        (Get-ReachablePort -Source $HostB -Destination $HostA -Snapshot $Seed | Format-Table | Out-String -Width 200) | Should -Match '23-65535\s+Blocked\s+Forward\s+eni-084d826e4b1e0e190'
    }
}

Describe 'Compare-PacketWalkSnapshot' {
    BeforeAll {
        $script:Changes = @(Compare-PacketWalkSnapshot -Reference (Join-Path $Review 'snapshot') -Difference (Join-Path $Review 'difference') -Port 22, 443)
    }

    It 'lists the flows whose verdict the change alters, with the hop that changed them' {
        $Changes.Count | Should -Be 12
        $Changes | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.Analysis.FlowChange]) }
        $first = $Changes[0]
        "$($first.Source) $($first.Destination) $($first.Port) $($first.Change)" | Should -Be 'i-0a00000000000000a i-0b00000000000000b 22 NowBlocked'
        $first.ChangedAt | Should -Be 'eni-0092f8e2d29917a4c'
        $first.ReferenceRule | Should -Be 'sg-0b00000000000b801 inbound all from 0.0.0.0/0'
        $first.DifferenceRule | Should -Be 'no rule in sg-0b00000000000b801 matches'
        @($Changes | Where-Object ChangedAt -eq 'acl-0a00000000000a801').Count | Should -Be 4
    }

    It 'narrows to the given sources and destinations' {
        $some = @(Compare-PacketWalkSnapshot (Join-Path $Review 'snapshot') (Join-Path $Review 'difference') -Source $HostB -Destination $HostA -Port 22, 443)
        $some.Count | Should -Be 1
        $some[0].ChangedStep | Should -Be 'NaclInbound'
    }

    It 'finds nothing between a snapshot and itself' {
        $s = Import-PacketWalkSnapshot -Path (Join-Path $Review 'snapshot')
        Compare-PacketWalkSnapshot -Reference $s -Difference $s -Port 22 | Should -BeNullOrEmpty
    }

    It 'needs -Port for tcp' {
        $null = Compare-PacketWalkSnapshot -Reference $Seed -Difference $Seed -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkPortRequired,*'
    }

    It 'formats changes as a table' {
        ($Changes | Format-Table | Out-String -Width 220) | Should -Match 'NowBlocked\s+acl-0a00000000000a801\s+NaclInbound\s+rule 50 deny tcp 22 10\.1\.0\.0/16'
    }
}
