BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:FlowLogs = Join-Path $RepoRoot 'tests/flowlogs'
    $script:SeedRecords = Join-Path $FlowLogs 'seed-bonus/records.log'
    # The seed's bonus section: HOST-A -> HOST-B tcp/8000 from client port 49999.
    $script:BonusWalk = Test-PacketPath -Source $HostA -Destination $HostB -Port 8000 -SourcePort 49999 -Snapshot $Seed -WarningAction SilentlyContinue
    $script:Forward = 'eni-084d826e4b1e0e190', 'eni-02632fc1186f1e023', 'eni-09cd3bddbd4bb7b1b', 'eni-0092f8e2d29917a4c'
    $script:Return = 'eni-0092f8e2d29917a4c', 'eni-05888d6f1ed0595bb', 'eni-062a260949710dda8', 'eni-084d826e4b1e0e190'

    function script:Assert-SeedConfirmed($evidence) {
        $evidence = @($evidence)
        $evidence.Count | Should -Be 8
        $evidence | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.FlowLogs.FlowLogHopEvidence]) }
        @($evidence | Where-Object Direction -eq 'Forward' | ForEach-Object NetworkInterfaceId) | Should -Be $Forward
        @($evidence | Where-Object Direction -eq 'Return' | ForEach-Object NetworkInterfaceId) | Should -Be $Return
        $evidence | ForEach-Object { $_.Seen | Should -BeTrue; $_.PathVerdict | Should -Be 'Confirmed' }
    }
}

Describe 'Test-PacketPathFlowLog on the seed''s bonus section' {
    It 'walks the bonus flow on the seed paths' {
        $BonusWalk.Verdict | Should -Be 'Reachable'
        $BonusWalk.ForwardPath | Should -Be $Forward
        $BonusWalk.ReturnPath | Should -Be $Return
    }

    It 'confirms all eight ENI sightings from the walk piped and -LogPath' {
        $evidence = $BonusWalk | Test-PacketPathFlowLog -LogPath $SeedRecords
        Assert-SeedConfirmed $evidence
        $evidence | ForEach-Object { $_.Status | Should -Be 'Confirmed'; $_.Action | Should -Be 'ACCEPT'; $_.ObservedSourcePort | Should -Be '49999' }
    }

    It 'confirms them from record lines piped in any order, with -Walk' {
        $lines = Get-Content $SeedRecords
        foreach ($order in @($lines), @($lines[7..0]), @($lines | Sort-Object { Get-Random })) {
            Assert-SeedConfirmed ($order | Test-PacketPathFlowLog -Walk $BonusWalk)
        }
    }

    It 'gives first and last seen as DateTimeOffset in UTC and local time, not unix seconds' {
        $hop = $BonusWalk | Test-PacketPathFlowLog -LogPath $SeedRecords | Where-Object { $_.Direction -eq 'Forward' -and $_.Sequence -eq 2 }
        $hop.FirstSeenUtc | Should -BeOfType ([DateTimeOffset])
        $hop.FirstSeenUtc | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1671497064))
        $hop.FirstSeenUtc.Offset | Should -Be ([TimeSpan]::Zero)
        $hop.FirstSeen.UtcDateTime | Should -Be $hop.FirstSeenUtc.UtcDateTime
        $hop.FirstSeen.Offset | Should -Be ([TimeZoneInfo]::Local.GetUtcOffset($hop.FirstSeenUtc.UtcDateTime))
    }

    It 'reads CloudWatch Logs events as Get-CWLFilteredLogEvent emits them (Message, Timestamp, LogStreamName)' {
        $events = Get-Content $SeedRecords | ForEach-Object -Begin { $i = 0 } -Process {
            [pscustomobject]@{ EventId = "3727$i"; IngestionTime = 1671497160000; LogStreamName = ($_ -split ' ')[2] + '-all'; Message = $_; Timestamp = 1671497100000 }
            $i++
        }
        $evidence = $events | Test-PacketPathFlowLog -Walk $BonusWalk
        Assert-SeedConfirmed $evidence
        ($evidence | Where-Object NetworkInterfaceId -eq 'eni-02632fc1186f1e023').Records[0].Origin | Should -Be 'eni-02632fc1186f1e023-all 37270'
    }

    It 'reads the events of a Get-CWLFilteredLogEvent response through Select-Object -ExpandProperty Events' {
        $response = [pscustomobject]@{ Events = @(Get-Content -Raw (Join-Path $FlowLogs 'seed-bonus/cloudwatch-events.json') | ConvertFrom-Json); NextToken = $null }
        Assert-SeedConfirmed ($response | Select-Object -ExpandProperty Events | Test-PacketPathFlowLog -Walk $BonusWalk)
    }

    It 'reads the seed''s Logs Insights rows (field/value, aliased names, no action) as sightings' {
        $rows = (Get-Content -Raw (Join-Path $FlowLogs 'seed-bonus/insights-rows.json') | ConvertFrom-Json).results
        $evidence = $rows | Test-PacketPathFlowLog -Walk $BonusWalk
        Assert-SeedConfirmed $evidence
        $evidence | ForEach-Object { $_.Status | Should -Be 'Seen'; $_.Action | Should -BeNullOrEmpty }
    }

    It 'reads Insights rows shaped like AWS.Tools ResultField lists (Field, Value)' {
        $rows = foreach ($line in Get-Content $SeedRecords) {
            $f = $line -split ' '
            , [System.Collections.Generic.List[object]]@(
                [pscustomobject]@{ Field = 'interfaceId'; Value = $f[2] }, [pscustomobject]@{ Field = 'srcAddr'; Value = $f[3] },
                [pscustomobject]@{ Field = 'dstAddr'; Value = $f[4] }, [pscustomobject]@{ Field = 'srcPort'; Value = $f[5] },
                [pscustomobject]@{ Field = 'dstPort'; Value = $f[6] }, [pscustomobject]@{ Field = 'protocol'; Value = $f[7] },
                [pscustomobject]@{ Field = 'start'; Value = $f[10] }, [pscustomobject]@{ Field = 'action'; Value = $f[12] },
                [pscustomobject]@{ Field = '@ptr'; Value = 'CmAKJgoiMTExMTIyMjIzMzMz' })
        }
        $evidence = $rows | Test-PacketPathFlowLog -Walk $BonusWalk
        Assert-SeedConfirmed $evidence
        $evidence | ForEach-Object { $_.Status | Should -Be 'Confirmed' }
    }

    It 'accepts Get-PacketPath hops piped, grouped back into the walk' {
        $evidence = Get-PacketPath -Source $HostA -Destination $HostB -Port 8000 -SourcePort 49999 -Snapshot $Seed | Test-PacketPathFlowLog -LogPath $SeedRecords
        Assert-SeedConfirmed $evidence
        $hops = Get-PacketPath -Source $HostA -Destination $HostB -Port 8000 -SourcePort 49999 -Snapshot $Seed
        Assert-SeedConfirmed (Get-Content $SeedRecords | Test-PacketPathFlowLog -Walk $hops)
    }

    It 'reads the S3 layout (gzip, header with pkt-* fields) and matches the TGW ENIs on pkt-srcaddr/pkt-dstaddr' {
        $evidence = $BonusWalk | Test-PacketPathFlowLog -LogPath (Join-Path $FlowLogs 's3-layout/AWSLogs')
        Assert-SeedConfirmed $evidence
        $evidence | Where-Object Role -eq 'TransitGatewayAttachment' | ForEach-Object { $_.MatchedBy | Should -Be 'PacketAddresses' }
    }

    It 'says when TGW ENIs could only be matched by interface and ports (default format, own addresses)' {
        $report = $BonusWalk | Test-PacketPathFlowLog -LogPath (Join-Path $FlowLogs 's3-layout/tgw-own-addresses.log') -Summary
        $report.Verdict | Should -Be 'Confirmed'
        ($report.Notes -join ' ') | Should -Match 'pkt-srcaddr'
        $report.Hops | Where-Object Role -eq 'TransitGatewayAttachment' | ForEach-Object { $_.MatchedBy | Should -Be 'InterfaceAndPorts'; $_.Note | Should -Match 'R-FL-4' }
    }

    It 'matches any client port of an ephemeral walk and reports the observed one' {
        $ephemeral = Test-PacketPath -Source $HostA -Destination $HostB -Port 8000 -Snapshot $Seed -WarningAction SilentlyContinue
        $ephemeral.SourcePort | Should -Be '32768-60999'
        $evidence = $ephemeral | Test-PacketPathFlowLog -LogPath $SeedRecords
        Assert-SeedConfirmed $evidence
        $evidence | ForEach-Object { $_.ObservedSourcePort | Should -Be '49999' }
    }
}

Describe 'Test-PacketPathFlowLog verdicts' {
    It 'finds a missing record: Incomplete, that hop Missing' {
        $report = $BonusWalk | Test-PacketPathFlowLog -LogPath (Join-Path $FlowLogs 'missing-record') -Summary
        $report | Should -BeOfType ([PacketWalk.Core.FlowLogs.FlowLogEvidenceReport])
        $report.Verdict | Should -Be 'Incomplete'
        $missing = $report.Hops | Where-Object Status -eq 'Missing'
        $missing.NetworkInterfaceId | Should -Be 'eni-05888d6f1ed0595bb'
        $missing.Direction | Should -Be 'Return'
        $report.Explanation | Should -Match 'not proof of a drop'
    }

    It 'finds a record on an ENI off the path: Contradicted' {
        $evidence = @($BonusWalk | Test-PacketPathFlowLog -LogPath (Join-Path $FlowLogs 'off-path'))
        $evidence.Count | Should -Be 9
        $off = $evidence | Where-Object Role -eq 'OffPath'
        $off.NetworkInterfaceId | Should -Be 'eni-0c0ffee00000000c1'
        $off.Status | Should -Be 'Contradiction'
        $evidence | ForEach-Object { $_.PathVerdict | Should -Be 'Contradicted' }
    }

    It 'confirms an SG drop with the REJECT at the destination ENI' {
        $snapshot = Join-Path $RepoRoot 'tests/scenarios/sg-port-mismatch/snapshot'
        $walk = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -SourcePort 49999 -Snapshot $snapshot -WarningAction SilentlyContinue
        $walk.Verdict | Should -Be 'Blocked'
        $evidence = @($walk | Test-PacketPathFlowLog -LogPath (Join-Path $FlowLogs 'sg-drop'))
        $evidence.Count | Should -Be 4
        $drop = $evidence[3]
        $drop.NetworkInterfaceId | Should -Be 'eni-0092f8e2d29917a4c'
        $drop.Expected | Should -Be 'Reject'
        $drop.Action | Should -Be 'REJECT'
        $drop.Status | Should -Be 'Confirmed'
        $drop.PathVerdict | Should -Be 'Confirmed'
    }

    It 'calls a REJECT where the walk passes a contradiction' {
        $lines = Get-Content $SeedRecords | ForEach-Object { if ($_ -match 'eni-09cd3bddbd4bb7b1b') { $_ -replace 'ACCEPT', 'REJECT' } else { $_ } }
        $report = $lines | Test-PacketPathFlowLog -Walk $BonusWalk -Summary
        $report.Verdict | Should -Be 'Contradicted'
        $report.Explanation | Should -Match 'eni-09cd3bddbd4bb7b1b \(Forward 3\) logged REJECT'
    }

    It 'checks several piped walks against one read of the logs' {
        $other = Test-PacketPath -Source $HostA -Destination $HostB -Port 22 -SourcePort 40000 -Snapshot $Seed -WarningAction SilentlyContinue
        $reports = @($BonusWalk, $other | Test-PacketPathFlowLog -LogPath $SeedRecords -Summary)
        $reports.Count | Should -Be 2
        $reports[0].Verdict | Should -Be 'Confirmed'
        $reports[1].Verdict | Should -Be 'Incomplete'
        $reports[1].ConfirmedHops | Should -Be 0
    }
}

Describe 'Flow-log output for Format-Table and Export-Csv' {
    It 'formats evidence as a table and a list' {
        $evidence = $BonusWalk | Test-PacketPathFlowLog -LogPath $SeedRecords
        $table = $evidence | Format-Table | Out-String -Width 220
        $table | Should -Match 'NetworkInterfaceId'
        $table | Should -Match 'eni-02632fc1186f1e023 TransitGatewayAttachment'
        $table | Should -Match 'flow logs Confirmed'
        $list = $evidence[0] | Format-List | Out-String -Width 220
        $list | Should -Match 'FirstSeenUtc'
        ($BonusWalk | Test-PacketPathFlowLog -LogPath $SeedRecords -Summary | Format-List | Out-String -Width 220) | Should -Match 'Verdict\s*:\s*Confirmed'
    }

    It 'exports evidence flat: one row per hop, the records as a short text' {
        $csv = $BonusWalk | Test-PacketPathFlowLog -LogPath $SeedRecords | ConvertTo-Csv | ConvertFrom-Csv
        @($csv).Count | Should -Be 8
        $csv[0].Records | Should -Match 'records\.log:8$'
        $csv[0].Status | Should -Be 'Confirmed'
        $csv[0].PSObject.Properties.Value | ForEach-Object { $_ | Should -Not -Match '^System\.' }
    }

    It 'round-trips records through Export-Csv and back into the evidence' {
        $rows = Get-FlowLogRecord -Path $SeedRecords | ConvertTo-Csv | ConvertFrom-Csv
        @($rows).Count | Should -Be 8
        $rows[0].PSObject.Properties.Value | ForEach-Object { $_ | Should -Not -Match '^System\.' }
        Assert-SeedConfirmed ($rows | Test-PacketPathFlowLog -Walk $BonusWalk)
    }
}

Describe 'Get-FlowLogRecord' {
    It 'reads typed records from a file' {
        $records = @(Get-FlowLogRecord $SeedRecords)
        $records.Count | Should -Be 8
        $records | ForEach-Object { $_ | Should -BeOfType ([PacketWalk.Core.FlowLogs.FlowLogRecord]) }
        $records[0].SrcPort | Should -BeOfType ([int])
        $records[0].StartTimeUtc | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1671497064))
        ($records | Format-Table | Out-String -Width 200) | Should -Match 'eni-02632fc1186f1e023 10\.0\.9\.132\s+49999'
    }

    It 'filters by -Interface, -Address, -Port, -Action and -Protocol' {
        @(Get-FlowLogRecord $SeedRecords -Interface eni-0092f8e2d29917a4c).Count | Should -Be 2
        @(Get-FlowLogRecord $SeedRecords -Address 10.1.8.131 -Port 49999).Count | Should -Be 8
        @(Get-FlowLogRecord $SeedRecords -Address 10.9.9.9).Count | Should -Be 0
        @(Get-FlowLogRecord $SeedRecords -Action REJECT).Count | Should -Be 0
        @(Get-FlowLogRecord $SeedRecords -Protocol udp).Count | Should -Be 0
        @(Get-FlowLogRecord $SeedRecords -Protocol tcp -Interface eni-084d826e4b1e0e190 -Port 8000 -Action ACCEPT).Count | Should -Be 2
    }

    It 'reads S3-layout folders recursively, and a time window skips the rest' {
        $all = @(Get-FlowLogRecord (Join-Path $FlowLogs 's3-layout/AWSLogs'))
        $all.Count | Should -Be 10
        ($all | Where-Object PktSrcAddr).Count | Should -Be 9
        $window = @(Get-FlowLogRecord (Join-Path $FlowLogs 's3-layout/AWSLogs') -StartTime ([datetime]'2022-12-20T00:44:40Z').ToUniversalTime() -EndTime ([datetime]'2022-12-20T00:44:50Z').ToUniversalTime())
        @($window.InterfaceId) | Should -Be @('eni-09cd3bddbd4bb7b1b', 'eni-05888d6f1ed0595bb', 'eni-062a260949710dda8')
    }

    It 'reads lines, files and custom formats from the pipeline' {
        @(Get-Content $SeedRecords | Get-FlowLogRecord -Port 8000).Count | Should -Be 8
        @(Get-Item $SeedRecords | Get-FlowLogRecord).Count | Should -Be 8
        $r = '5 eni-1 10.0.0.1 10.0.0.2 ingress 4' | Get-FlowLogRecord -LogFormat '${version} ${interface-id} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path}'
        $r.PktDstAddr | Should -Be '10.0.0.2'
        $r.FlowDirection | Should -Be 'ingress'
        $r.TrafficPath | Should -Be 4
    }
}

Describe 'Flow-log errors' {
    It 'reports a malformed line as a non-terminating MalformedRecord error and keeps reading' {
        $records = @('2 111122223333 eni-1 10.0.0.1', (Get-Content $SeedRecords)[0]) | Get-FlowLogRecord -ErrorVariable errs -ErrorAction SilentlyContinue
        $records.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkFlowLogMalformedRecord,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].Exception.Message | Should -Match '4 fields'
    }

    It 'caps the malformed-line errors and warns with the total' {
        $null = 1..25 | ForEach-Object { 'garbage line' } | Get-FlowLogRecord -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue
        $errs.Count | Should -Be 10
        $warns[0] | Should -Match '25 malformed'
    }

    It 'reports a missing path as PathNotFound / ObjectNotFound' {
        $null = Get-FlowLogRecord -Path (Join-Path $TestDrive 'nope.log') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PacketWalkFlowLogPathNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'rejects a bad -LogFormat as InvalidFormat / InvalidArgument' {
        { 'x' | Get-FlowLogRecord -LogFormat '${version} ${Not A Field}' -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkFlowLogInvalidFormat,*'
    }

    It 'needs a walk for piped records, and records for a piped walk' {
        { Get-Content $SeedRecords | Test-PacketPathFlowLog -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkFlowLogNoWalk,*'
        { $BonusWalk | Test-PacketPathFlowLog -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkFlowLogNoRecords,*'
        { Test-PacketPathFlowLog -Walk 'not a walk' -LogPath $SeedRecords -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkFlowLogNoWalk,*'
    }
}
