BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Snapshot = Import-PacketWalkSnapshot -Path $Seed -WarningAction SilentlyContinue

    $script:Malformed = Join-Path $BadSnapshots 'malformed-json/snapshot'
    if (-not (Test-Path $Malformed)) {
        # The repository normally carries this fixture; fall back to one made here.
        $script:Malformed = Join-Path $TestDrive 'malformed-json'
        $null = New-Item -ItemType Directory -Path $Malformed
        Copy-Item (Join-Path $Seed '*.json') $Malformed -Exclude expected.json
        Set-Content (Join-Path $Malformed 'Subnets.json') '{ "Subnets": [ { "SubnetId": "subnet-1", '
    }

    function Get-TerminatingError([scriptblock]$Script) {
        try { & $Script; return $null } catch { return $_ }
    }
}

Describe 'Snapshot errors' {
    It 'Test-PacketPath on a malformed-JSON folder throws SnapshotMalformedJson / InvalidData naming the file' {
        $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Malformed -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'SnapshotMalformedJson*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception | Should -BeOfType ([PacketWalk.Core.Snapshot.SnapshotException])
        $err.TargetObject | Should -BeLike '*.json'
        Test-Path -LiteralPath $err.TargetObject | Should -BeTrue -Because 'the target is the full path of the broken file'
    }

    It 'Import-PacketWalkSnapshot on a malformed-JSON folder throws SnapshotMalformedJson / InvalidData' {
        $err = Get-TerminatingError { Import-PacketWalkSnapshot -Path $Malformed }
        $err.FullyQualifiedErrorId | Should -BeLike 'SnapshotMalformedJson*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a missing folder is SnapshotPathNotFound / ObjectNotFound' {
        $err = Get-TerminatingError { Import-PacketWalkSnapshot -Path (Join-Path $TestDrive 'no-such-snapshot') }
        $err.FullyQualifiedErrorId | Should -BeLike 'SnapshotPathNotFound*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a dangling subnet reference is InvalidData with its own id' {
        $err = Get-TerminatingError { Import-PacketWalkSnapshot -Path (Join-Path $BadSnapshots 'missing-subnet/snapshot') }
        $err.FullyQualifiedErrorId | Should -BeLike 'Snapshot*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a -Snapshot value that is neither a path nor a snapshot is InvalidArgument' {
        $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot 42 }
        $err.FullyQualifiedErrorId | Should -BeLike 'PacketWalkInvalidSnapshotArgument*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Walk input errors' {
    It 'an unknown source is a non-terminating PacketWalkEndpointNotFound / ObjectNotFound' {
        $r = Test-PacketPath -Source i-0000000000000dead -Destination $HostB -Port 443 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkEndpointNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'keeps walking the other piped sources after an unknown one' {
        $r = @('i-0000000000000dead', $HostA | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $r[0].Verdict | Should -Be 'Reachable'
        $errs.Count | Should -Be 1
    }

    It 'requires -Port for tcp with a clear, specific error' {
        $r = Test-PacketPath -Source $HostA -Destination $HostB -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkPortRequired,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match '-Port'
    }

    It 'rejects an out-of-range port at binding' {
        { Test-PacketPath -Source $HostA -Destination $HostB -Port 70000 -Snapshot $Snapshot } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'rejects an unknown protocol name' {
        Test-PacketPath -Source $HostA -Destination $HostB -Protocol bogus -Port 1 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkInvalidProtocol,*'
    }

    It 'rejects -Port with icmp' {
        Test-PacketPath -Source $HostA -Destination $HostB -Protocol icmp -Port 1 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkInvalidPacket,*'
    }

    It 'walks icmp without a port' {
        $r = Test-PacketPath -Source $HostA -Destination $HostB -Protocol icmp -IcmpType 8 -IcmpCode 0 -Snapshot $Snapshot
        $r.Protocol | Should -Be 'icmp'
        $r.Verdict | Should -BeIn @('Reachable', 'Blocked', 'Unknown', 'Ambiguous')
    }

    It 'never uses the NotSpecified category' {
        Test-PacketPath -Source i-0000000000000dead -Destination $HostB -Port 443 -Snapshot $Snapshot -ErrorVariable +errs -ErrorAction SilentlyContinue
        Test-NaclHop acl-00000000000000bad -Direction Inbound -Address 10.0.0.1 -Port 1 -Snapshot $Snapshot -ErrorVariable +errs -ErrorAction SilentlyContinue
        Test-NaclHop acl-0a00000000000a801 -Direction Inbound -Address not-an-ip -Port 1 -Snapshot $Snapshot -ErrorVariable +errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 3
        $errs.CategoryInfo.Category | Should -Not -Contain 'NotSpecified'
    }
}
