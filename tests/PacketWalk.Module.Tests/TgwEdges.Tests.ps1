BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Edges = Join-Path $RepoRoot 'tests/scenarios/tgw-vpn-dx-edges/snapshot'
    $script:Vpn = 'tgw-attach-0d1d1d1d1d1d1d1d1'
}

Describe 'A walk that leaves the estate at a VPN attachment' {
    BeforeAll {
        $script:Result = Test-PacketPath -Source $HostA -Destination 192.168.10.10 -Port 443 -Snapshot $Edges -WarningAction SilentlyContinue
    }

    It 'is ReachableToEdge, names the edge, and is not Reachable' {
        $Result.Verdict | Should -Be 'ReachableToEdge'
        $Result.EdgeId | Should -Be $Vpn
        $Result.Reachable | Should -BeFalse
        $Result.BlockedAt | Should -BeNullOrEmpty
        $Result.Explanation | Should -Match 'out of scope'
    }

    It 'walks the reply back in through the edge attachment' {
        $Result.ReturnPath[0] | Should -Be $Vpn
        $Result.ReturnPath[-1] | Should -Be 'eni-084d826e4b1e0e190'
    }

    It 'answers $false with -Quiet, since on-premises is not walked' {
        Test-PacketPath -Source $HostA -Destination 192.168.10.10 -Port 443 -Snapshot $Edges -Quiet -WarningAction SilentlyContinue | Should -BeFalse
    }

    It 'shows the edge in the table and list views' {
        ($Result | Format-Table | Out-String -Width 200) | Should -Match "edge: $Vpn"
        ($Result | Format-List | Out-String -Width 200) | Should -Match "EdgeId\s*:\s*$Vpn"
    }

    It 'labels the edge hop with the VPN connection id' {
        $edge = $Result.Hops | Where-Object { $_.Step -eq 'Edge' -and $_.Direction -eq 'Forward' }
        $edge.TransitGatewayAttachmentId | Should -Be $Vpn
        $edge.VpnConnectionId | Should -Be 'vpn-0d1d1d1d1d1d1d1d1'
    }
}
