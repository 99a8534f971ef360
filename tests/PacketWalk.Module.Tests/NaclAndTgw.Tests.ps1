BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Snapshot = Import-PacketWalkSnapshot -Path $Seed -WarningAction SilentlyContinue
}

Describe 'Test-NaclHop on the seed NACLs' {
    It 'allows HOST-A''s outbound packet to HOST-B by rule 100' {
        $r = Test-NaclHop -NetworkAclId acl-0a00000000000a801 -Direction Outbound -Address 10.1.8.131 -Port 443 -Snapshot $Snapshot
        $r | Should -BeOfType ([PacketWalk.PowerShell.NaclHopResult])
        $r.NetworkAclId | Should -Be 'acl-0a00000000000a801'
        $r.VpcId | Should -Be 'vpc-0a000000000000001'
        $r.Direction | Should -Be 'Outbound'
        $r.Address | Should -Be '10.1.8.131'
        $r.Protocol | Should -Be 'tcp'
        $r.Port | Should -Be '443'
        $r.Decision | Should -Be 'Allow'
        $r.RuleNumber | Should -Be 100
        $r.RuleAction | Should -Be 'allow'
        $r.Rule | Should -Be 'rule 100 allow all 0.0.0.0/0'
        $r.AllowedPorts | Should -Be '443'
        $r.DeniedPorts | Should -Be 'none'
    }

    It 'tests a port range inbound (the reply''s ephemeral ports)' {
        $r = Test-NaclHop acl-0a00000000000a801 -Direction Inbound -Address 10.1.8.131 -PortRange '1024-65535' -Snapshot $Snapshot
        $r.Decision | Should -Be 'Allow'
        $r.Port | Should -Be '1024-65535'
        $r.AllowedPorts | Should -Be '1024-65535'
    }

    It 'falls to the * rule for an IPv6 peer the IPv4 rules cannot match' {
        $r = Test-NaclHop acl-0a00000000000a801 -Direction Inbound -Address 2001:db8::1 -Port 443 -Snapshot $Snapshot
        $r.Decision | Should -Be 'Deny'
        $r.RuleNumber | Should -Be 32767
        $r.RuleAction | Should -Be 'deny'
    }

    It 'checks ICMP without ports' {
        $r = Test-NaclHop acl-0b00000000000b801 -Direction Inbound -Address 10.0.9.132 -Protocol icmp -IcmpType 8 -Snapshot $Snapshot
        $r.Decision | Should -Be 'Allow'
        $r.Port | Should -BeNullOrEmpty
    }

    It 'takes NACL ids from the pipeline, and reports an unknown one without stopping' {
        $r = @('acl-0a00000000000a801', 'acl-00000000000000bad', 'acl-0b00000000000b801' |
            Test-NaclHop -Direction Outbound -Address 10.1.8.131 -Port 443 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkNetworkAclNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'rejects a malformed port range with a specific error' {
        { Test-NaclHop acl-0a00000000000a801 -Direction Inbound -Address 10.1.8.131 -PortRange '9-1' -Snapshot $Snapshot } |
            Should -Throw -ErrorId 'PacketWalkInvalidPortRange,*'
    }

    It 'formats as a table' {
        $text = Test-NaclHop acl-0a00000000000a801 -Direction Outbound -Address 10.1.8.131 -Port 443 -Snapshot $Snapshot | Format-Table | Out-String -Width 200
        $text | Should -Match 'acl-0a00000000000a801'
        $text | Should -Match 'rule 100 allow all 0.0.0.0/0'
    }
}

Describe 'Get-TgwAttachmentForAz across accounts whose AZ names map differently (tgw-az-id-cross-account)' {
    BeforeAll {
        $script:Cross = Import-PacketWalkSnapshot -Path (Join-Path $RepoRoot 'tests/scenarios/tgw-az-id-cross-account/snapshot') -WarningAction SilentlyContinue
    }

    It 'reads an AZ name as the attachment''s own account names it' {
        # Account 222222222222 calls use1-az2 us-east-1a (account 111111111111 calls use1-az1 that).
        $p = Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0e70000000000000b -AvailabilityZone us-east-1a -Snapshot $Cross
        $p.SubnetId | Should -Be 'subnet-0e70000000000b091'
        $p.AvailabilityZoneId | Should -Be 'use1-az2'
        (Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0e70000000000000b -AvailabilityZone use1-az1 -Snapshot $Cross).SubnetId |
            Should -Be 'subnet-0e70000000000b092'
    }

    It 'lists every possible subnet when the attachment''s subnets have no AZ ids' {
        $p = Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0e70000000000000d -AvailabilityZone use1-az1 -Snapshot $Cross
        $p.AvailabilityZoneUnknown | Should -BeTrue
        $p.SubnetId | Should -BeNullOrEmpty
        $p.CandidateSubnetIds | Should -Be @('subnet-0e70000000000d091', 'subnet-0e70000000000d092')
        ($p | Format-List | Out-String) | Should -Match 'AvailabilityZoneUnknown\s*:\s*True'
    }
}

Describe 'Get-TgwAttachmentForAz on the seed' {
    It 'delivers into VPC-B through its us-east-1b attachment ENI, without crossing AZs' {
        $p = Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0c1a2b3c4d5e605bd -AvailabilityZone us-east-1b -Snapshot $Snapshot
        $p | Should -BeOfType ([PacketWalk.Core.Walk.TgwAttachmentPlacement])
        $p.NetworkInterfaceId | Should -Be 'eni-09cd3bddbd4bb7b1b'
        $p.AvailabilityZone | Should -Be 'us-east-1b'
        $p.CrossedAvailabilityZone | Should -BeFalse
        $p.VpcId | Should -Be 'vpc-0b000000000000001'
    }

    It 'finds the same by -VpcId' {
        $p = @(Get-TgwAttachmentForAz -VpcId vpc-0b000000000000001 -AvailabilityZone us-east-1b -Snapshot $Snapshot)
        $p.Count | Should -Be 1
        $p[0].TransitGatewayAttachmentId | Should -Be 'tgw-attach-0c1a2b3c4d5e605bd'
        $p[0].NetworkInterfaceId | Should -Be 'eni-09cd3bddbd4bb7b1b'
    }

    It 'delivers the return into VPC-A through its us-east-1a ENI' {
        (Get-TgwAttachmentForAz -VpcId vpc-0a000000000000001 -AvailabilityZone us-east-1a -Snapshot $Snapshot).NetworkInterfaceId | Should -Be 'eni-062a260949710dda8'
    }

    It 'binds TransitGatewayAttachmentId and AvailabilityZone by property name' {
        $p = [pscustomobject]@{ TransitGatewayAttachmentId = 'tgw-attach-0c1a2b3c4d5e605bd'; AvailabilityZone = 'us-east-1b' } |
            Get-TgwAttachmentForAz -Snapshot $Snapshot
        $p.NetworkInterfaceId | Should -Be 'eni-09cd3bddbd4bb7b1b'
    }

    It 'takes an AZ id and reports the id of the zone it delivers in' {
        $p = Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0c1a2b3c4d5e605bd -AvailabilityZone use1-az2 -Snapshot $Snapshot
        $p.NetworkInterfaceId | Should -Be 'eni-09cd3bddbd4bb7b1b'
        $p.AvailabilityZone | Should -Be 'us-east-1b'
        $p.AvailabilityZoneId | Should -Be 'use1-az2'
        $p.RequestedAvailabilityZoneId | Should -Be 'use1-az2'
    }

    It 'crosses AZs when the VPC has no attachment subnet in the requested one' {
        $p = Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-0c1a2b3c4d5e605bd -AvailabilityZone us-east-1c -Snapshot $Snapshot
        $p.CrossedAvailabilityZone | Should -BeTrue
        $p.RequestedAvailabilityZone | Should -Be 'us-east-1c'
    }

    It 'reports an unknown attachment as ObjectNotFound' {
        Get-TgwAttachmentForAz -TransitGatewayAttachmentId tgw-attach-00000000000000bad -AvailabilityZone us-east-1b -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkTransitGatewayAttachmentNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'formats as a table' {
        Get-TgwAttachmentForAz -VpcId vpc-0b000000000000001 -AvailabilityZone us-east-1b -Snapshot $Snapshot | Format-Table | Out-String -Width 200 |
            Should -Match 'eni-09cd3bddbd4bb7b1b'
    }
}
