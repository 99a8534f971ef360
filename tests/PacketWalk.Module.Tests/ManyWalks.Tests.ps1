BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Thousands of walks on one imported snapshot' {
    It 'answers 1,000 Test-PacketPath calls from one Import-PacketWalkSnapshot without reading the snapshot again' {
        # Import a copy, then delete the copy: every later walk must come from the imported object, not the folder.
        $copy = Join-Path $TestDrive 'seed-copy'
        Copy-Item -LiteralPath $Seed -Destination $copy -Recurse
        $snapshot = Import-PacketWalkSnapshot -Path $copy -WarningAction SilentlyContinue
        Remove-Item -LiteralPath $copy -Recurse -Force
        $walker = $snapshot.GetWalker()
        $model = $snapshot.Model

        $verbose = [System.Collections.Generic.List[string]]::new()
        $results = [System.Collections.Generic.List[object]]::new()
        foreach ($i in 1..1000) {
            # Alternate the client port so the walks are not all the same request.
            Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -SourcePort (32768 + $i) -Snapshot $snapshot -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $results.Add($_) }
            }
        }

        $results.Count | Should -Be 1000
        @($results | Where-Object { $_.Verdict -ne 'Reachable' }).Count | Should -Be 0
        @($results | Where-Object { ('Forward: ' + ($_.ForwardPath -join ' -> ')) -cne $SeedForward }).Count | Should -Be 0
        @($results | Where-Object { ('Return: ' + ($_.ReturnPath -join ' -> ')) -cne $SeedReturn }).Count | Should -Be 0
        $results[0].SourcePort | Should -Be '32769'
        $results[999].SourcePort | Should -Be '33768'
        @($verbose | Where-Object { $_ -like 'Reading snapshot*' }).Count | Should -Be 0
        @($verbose | Where-Object { $_ -like 'Walking *' }).Count | Should -Be 1000
        [object]::ReferenceEquals($snapshot.GetWalker(), $walker) | Should -BeTrue
        [object]::ReferenceEquals($snapshot.Model, $model) | Should -BeTrue
    }
}
