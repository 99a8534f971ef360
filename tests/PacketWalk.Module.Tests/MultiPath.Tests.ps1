BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Accounts = Join-Path $RepoRoot 'tests/scenarios/multi-account/snapshot/aws_configs/accounts'
}

Describe 'Import-PacketWalkSnapshot -Path a, b' {
    It 'merges several folders into one estate and walks across them' {
        $paths = @('111111111111/us-east-1', '222222222222/us-east-1', '333333333333/eu-west-1') | ForEach-Object { Join-Path $Accounts $_ }
        $s = Import-PacketWalkSnapshot -Path $paths -WarningVariable w -WarningAction SilentlyContinue
        $s.Vpcs | Should -Be 3
        @($w).Count | Should -Be 0
        # The participant's host in the owner's shared subnet reaches the owner's host: needs both accounts' folders.
        $r = Test-PacketPath -Source i-0f800000000000a02 -Destination i-0f800000000000a01 -Port 443 -Snapshot $s
        $r.Verdict | Should -Be 'Reachable'
        $r.Hops[0].OwnerId | Should -Be '222222222222'
        ($r.Hops | Where-Object Step -eq 'RouteLookup' | Select-Object -First 1).OwnerId | Should -Be '111111111111'
    }

    It 'loads a participant account without the owner''s folder (the participant sees the shared subnet itself)' {
        { Import-PacketWalkSnapshot -Path (Join-Path $Accounts '333333333333/eu-west-1'), (Join-Path $Accounts '222222222222/us-east-1') -ErrorAction Stop } |
            Should -Not -Throw -Because 'the participant account sees the shared subnet itself'
    }
}
