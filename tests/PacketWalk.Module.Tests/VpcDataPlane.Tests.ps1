BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Igw = Join-Path $RepoRoot 'tests/scenarios/internet-gateway/snapshot'
    $script:Nat = Join-Path $RepoRoot 'tests/scenarios/nat-gateway/snapshot'
    $script:Peering = Join-Path $RepoRoot 'tests/scenarios/vpc-peering/snapshot'
    $script:Web = 'i-0e100000000000a01'
    $script:WebIgw = 'igw-0e1000000000000a1'
}

Describe 'The internet as a source: in through the internet gateway' {
    BeforeAll {
        $script:Result = Test-PacketPath -Source 203.0.113.50 -Destination $Web -Port 443 -Snapshot $Igw
    }

    It 'is Reachable and starts and ends at the internet gateway' {
        $Result.Verdict | Should -Be 'Reachable'
        $Result.ForwardPath[0] | Should -Be $WebIgw
        $Result.ReturnPath[-1] | Should -Be $WebIgw
        $Result.DestinationAddress | Should -Be '3.80.0.10'
    }

    It 'shows the 1:1 NAT as a header rewrite on the gateway hop' {
        $in = $Result.Hops | Where-Object { $_.Step -eq 'InternetGateway' -and $_.Direction -eq 'Forward' }
        $in.InternetGatewayId | Should -Be $WebIgw
        $in.DestinationAddress | Should -Be '10.20.1.10'
        $in.Rule | Should -Be '1:1 NAT destination 3.80.0.10 -> 10.20.1.10'
        $out = $Result.Hops | Where-Object { $_.Step -eq 'InternetGateway' -and $_.Direction -eq 'Return' }
        $out.SourceAddress | Should -Be '3.80.0.10'
    }
}

Describe '-SourceIp and -DestinationIp' {
    It 'give the internet host behind an igw- source' {
        $r = Test-PacketPath -Source $WebIgw -SourceIp 10.1.1.1 -Destination $Web -Port 443 -Snapshot $Igw
        $r.Verdict | Should -Be 'Blocked'
        $r.Reason | Should -Be 'IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS'
    }

    It 'bind by property name from CSV-like rows' {
        $rows = [pscustomobject]@{ Source = $Web; Destination = $WebIgw; DestinationIp = '8.8.4.4'; Port = 443 }
        ($rows | Test-PacketPath -Snapshot $Igw).Verdict | Should -Be 'Reachable'
    }

    It 'are required for an igw- source: a non-terminating PacketWalkInvalidEndpoint' {
        $r = Test-PacketPath -Source $WebIgw -Destination $Web -Port 443 -Snapshot $Igw -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkInvalidEndpoint,*'
        $errs[0].Exception.Message | Should -Match '-SourceIp'
    }
}

Describe 'A NAT gateway on the path' {
    It 'names the NAT gateway and shows the translated source and ports' {
        $hops = Get-PacketPath -Source i-0f200000000000a01 -Destination 8.8.8.8 -Port 443 -Snapshot $Nat
        $nat = $hops | Where-Object { $_.Step -eq 'NatGateway' -and $_.Direction -eq 'Forward' }
        $nat.NatGatewayId | Should -Be 'nat-0f2000000000000a1'
        $nat.SourceAddress | Should -Be '10.30.0.5'
        $nat.SourcePort | Should -Be '1024-65535'
        ($hops | Where-Object { $_.Step -eq 'NatGateway' -and $_.Direction -eq 'Return' }).DestinationAddress | Should -Be '10.30.1.10'
    }
}

Describe 'An address in two VPCs' {
    It 'asks for -SourceVpcId instead of guessing' {
        $r = Test-PacketPath -Source 10.51.1.10 -Destination i-0a300000000000a01 -Port 443 -Snapshot $Peering -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkEndpointAmbiguous,*'
        (Test-PacketPath -Source 10.51.1.10 -SourceVpcId vpc-0a3000000000000d1 -Destination i-0a300000000000a01 -Port 443 -Snapshot $Peering).ForwardPath[0] |
            Should -Be 'eni-0a300000000000d01'
    }
}
