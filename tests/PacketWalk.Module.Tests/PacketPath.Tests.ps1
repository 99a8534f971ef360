BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Snapshot = Import-PacketWalkSnapshot -Path $Seed -WarningAction SilentlyContinue
    $script:Walk = @{ Source = $HostA; Destination = $HostB; Port = 443; Snapshot = $Snapshot }
}

Describe 'Test-PacketPath on the seed sample' {
    BeforeAll {
        $script:Result = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Seed -WarningAction SilentlyContinue
    }

    It 'finds HOST-A -> HOST-B tcp/443 reachable' {
        $Result | Should -BeOfType ([PacketWalk.Core.Walk.PacketPathResult])
        $Result.Verdict | Should -Be 'Reachable'
        $Result.Reachable | Should -BeTrue
        $Result.BlockedAt | Should -BeNullOrEmpty
    }

    It 'walks the forward path exactly as the seed notes do' {
        'Forward: ' + ($Result.ForwardPath -join ' -> ') | Should -BeExactly $SeedForward
    }

    It 'walks the return path exactly as the seed notes do' {
        'Return: ' + ($Result.ReturnPath -join ' -> ') | Should -BeExactly $SeedReturn
    }

    It 'prints the seed-style notes with both lines' {
        $notes = [PacketWalk.Core.Walk.SeedNotes]::Format($Result) -split '\r?\n'
        $notes | Should -Contain $SeedForward
        $notes | Should -Contain $SeedReturn
    }

    It 'has the packet headers of the seed' {
        $Result.SourceAddress | Should -Be '10.0.9.132'
        $Result.DestinationAddress | Should -Be '10.1.8.131'
        $Result.Protocol | Should -Be 'tcp'
        $Result.Port | Should -Be 443
    }

    It 'returns only a [bool] with -Quiet' {
        $quiet = Test-PacketPath @Walk -Quiet
        $quiet | Should -BeOfType ([bool])
        @($quiet).Count | Should -Be 1
        $quiet | Should -BeTrue
    }

    It 'reports a blocked packet as a result, not an error' {
        $blocked = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $blocked.Verdict | Should -Be 'Blocked'
        $blocked.BlockedDirection | Should -Be 'Forward'
        $blocked.BlockedAt | Should -Be 'eni-084d826e4b1e0e190'
        Test-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot -Quiet | Should -BeFalse
    }

    It 'formats the result as a table and as a list' {
        $table = $Result | Format-Table | Out-String -Width 200
        $table | Should -Match 'Verdict'
        $table | Should -Match 'Reachable'
        $list = $Result | Format-List | Out-String -Width 200
        $list | Should -Match 'ForwardPath\s*:\s*eni-084d826e4b1e0e190 -> '
    }
}

Describe 'Get-PacketPath on the seed sample' {
    BeforeAll {
        $script:Hops = @(Get-PacketPath @Walk)
    }

    It 'writes PacketHop objects, forward then return' {
        $Hops.Count | Should -BeGreaterThan 4
        $Hops | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.Walk.PacketHop]) }
        $directions = ($Hops.Direction | ForEach-Object ToString) -join ','
        $directions | Should -Match '^(Forward,)+(Return,)*Return$'
        $Hops | Where-Object Decision -eq 'Deliver' | Should -HaveCount 2
    }

    It 'pipes into Format-Table without error and shows the ids' {
        $text = $Hops | Format-Table -ErrorVariable errs | Out-String -Width 200
        $errs | Should -BeNullOrEmpty
        $text | Should -Match 'eni-084d826e4b1e0e190'
        $text | Should -Match 'acl-0a00000000000a801'
        $text | Should -Match 'Component'
    }

    It 'exports one CSV row per hop with the resource-id columns' {
        $csv = Join-Path $TestDrive 'hops.csv'
        $Hops | Export-Csv -Path $csv -NoTypeInformation
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be $Hops.Count
        $columns = $rows[0].PSObject.Properties.Name
        foreach ($c in 'NetworkInterfaceId', 'NetworkAclId', 'RouteTableId', 'TransitGatewayAttachmentId', 'Decision', 'Rule') {
            $columns | Should -Contain $c
        }
        ($rows | Where-Object NetworkAclId -eq 'acl-0a00000000000a801').Count | Should -BeGreaterThan 0
        ($rows | Where-Object RouteTableId -eq 'rtb-0a00000000000a801').Count | Should -BeGreaterThan 0
        # No cell holds a type name instead of a value: every top-level property is scalar.
        (Get-Content -Raw $csv) | Should -Not -Match 'System\.Collections'
    }

    It 'filters with Where-Object Decision -eq Deny' {
        $Hops | Where-Object Decision -eq 'Deny' | Should -BeNullOrEmpty
        $deny = @(Get-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot | Where-Object Decision -eq 'Deny')
        $deny.Count | Should -Be 1
        $deny[0].NetworkInterfaceId | Should -Be 'eni-084d826e4b1e0e190'
        $deny[0].Rule | Should -Not -BeNullOrEmpty
    }

    It 'shows a hop as a list with its ids' {
        $text = $Hops[0] | Format-List | Out-String -Width 200
        $text | Should -Match 'NetworkInterfaceId\s*:\s*eni-'
    }
}

Describe 'Import-PacketWalkSnapshot' {
    It 'reads the sample once into a summary object' {
        $Snapshot | Should -BeOfType ([PacketWalk.PowerShell.PacketWalkSnapshot])
        $Snapshot.Vpcs | Should -Be 2
        $Snapshot.Subnets | Should -BeGreaterOrEqual 6
        $Snapshot.NetworkInterfaces | Should -BeGreaterOrEqual 6
        $Snapshot.TransitGateways | Should -Be 1
        $Snapshot.Model | Should -Not -BeNullOrEmpty
        $Snapshot.LoadTime | Should -BeOfType ([timespan])
        $Snapshot.Path | Should -Be @((Resolve-Path $Seed).Path)
    }

    It 'serves several walks from one read, with one shared walker' {
        $walker = $Snapshot.GetWalker()
        $verbose = @(
            Test-PacketPath @Walk -Verbose 4>&1
            Test-PacketPath -Source $HostB -Destination $HostA -Port 22 -Snapshot $Snapshot -Verbose 4>&1
            Get-PacketPath @Walk -Verbose 4>&1
        )
        $results = $verbose | Where-Object { $_ -is [PacketWalk.Core.Walk.PacketPathResult] }
        $results.Count | Should -Be 2
        $verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Reading snapshot*' } | Should -BeNullOrEmpty
        [object]::ReferenceEquals($walker, $Snapshot.GetWalker()) | Should -BeTrue
    }

    It 'binds -Snapshot by property name from piped rows' {
        $rows = @(
            [pscustomobject]@{ Source = $HostA; Destination = $HostB; Port = 443; Snapshot = $Snapshot }
            [pscustomobject]@{ Source = $HostB; Destination = $HostA; Port = 443; Snapshot = $Snapshot }
        )
        $results = @($rows | Test-PacketPath)
        $results.Count | Should -Be 2
        $results[0].Verdict | Should -Be 'Reachable'
        $results[1].Verdict | Should -Be 'Blocked'
    }

    It 'reads a path string given to -Snapshot once per pipeline' {
        $out = @($HostA, $HostA | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Seed -Verbose -WarningAction SilentlyContinue 4>&1)
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Reading snapshot*' }).Count | Should -Be 1
        @($out | Where-Object { $_ -is [PacketWalk.Core.Walk.PacketPathResult] }).Count | Should -Be 2
    }

    It 'formats as a table' {
        $Snapshot | Format-Table | Out-String -Width 200 | Should -Match 'Vpcs'
    }
}

Describe 'Pipeline input to -Source' {
    It 'accepts an object with an InstanceId property' {
        $r = [pscustomobject]@{ InstanceId = $HostA } | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot
        $r.Verdict | Should -Be 'Reachable'
        'Forward: ' + ($r.ForwardPath -join ' -> ') | Should -BeExactly $SeedForward
    }

    It 'accepts an object with a NetworkInterfaceId property' {
        $r = [pscustomobject]@{ NetworkInterfaceId = 'eni-084d826e4b1e0e190' } | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'accepts an object with a PrivateIpAddress property' {
        $r = [pscustomobject]@{ PrivateIpAddress = '10.0.9.132' } | Test-PacketPath -Destination '10.1.8.131' -Port 443 -Snapshot $Snapshot
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'accepts an InstanceId object passed as a parameter value' {
        $r = Test-PacketPath -Source ([pscustomobject]@{ InstanceId = $HostA }) -Destination ([pscustomobject]@{ InstanceId = $HostB }) -Port 443 -Snapshot $Snapshot
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'accepts plain id strings by pipeline' {
        $r = @($HostA, 'eni-084d826e4b1e0e190' | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot)
        $r.Count | Should -Be 2
        $r.Verdict | Should -Be @('Reachable', 'Reachable')
    }

    It 'accepts -InstanceId as an alias of -Source' {
        (Test-PacketPath -InstanceId $HostA -Destination $HostB -Port 443 -Snapshot $Snapshot).Verdict | Should -Be 'Reachable'
    }

    It 'accepts AWS SDK Instance, Reservation and NetworkInterface objects (AWS.Tools output)' {
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.Core.dll'), (Join-Path $ModuleBase 'AWSSDK.EC2.dll')
        $instance = [Amazon.EC2.Model.Instance]::new()
        $instance.InstanceId = $HostA
        $reservation = [Amazon.EC2.Model.Reservation]::new()
        $reservation.Instances = [System.Collections.Generic.List[Amazon.EC2.Model.Instance]]::new()
        $reservation.Instances.Add($instance)
        $eni = [Amazon.EC2.Model.NetworkInterface]::new()
        $eni.NetworkInterfaceId = 'eni-0092f8e2d29917a4c'
        ($instance | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot).Verdict | Should -Be 'Reachable'
        ($reservation | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot).Verdict | Should -Be 'Reachable'
        (Test-PacketPath -Source $instance -Destination $eni -Port 443 -Snapshot $Snapshot).Verdict | Should -Be 'Reachable'
    }

    It 'walks CSV rows (Source, Destination, Protocol, Port columns)' {
        $csv = Join-Path $TestDrive 'walks.csv'
        @(
            [pscustomobject]@{ Source = $HostA; Destination = $HostB; Protocol = 'tcp'; Port = 443 }
            [pscustomobject]@{ Source = $HostB; Destination = $HostA; Protocol = 'tcp'; Port = 22 }
        ) | Export-Csv $csv -NoTypeInformation
        $r = @(Import-Csv $csv | Test-PacketPath -Snapshot $Snapshot)
        $r.Count | Should -Be 2
        $r[0].Verdict | Should -Be 'Reachable'
        $r[1].Port | Should -Be 22
    }
}
