#Requires -Version 7.4
<#
.SYNOPSIS
    PacketWalk's front door: build the module, run the tests, show the demo, or clean.

.DESCRIPTION
    Build  Publishes src/PacketWalk.PowerShell to out/staging and lays out out/PacketWalk/ (an explicit allowlist of
           assemblies, the stamped manifest, the format file, the samples, and en-US/ with the MAML help compiled from
           docs/help/*.md by tools/PacketWalkHelp.psm1 plus about_PacketWalk), then imports it in a child pwsh.
    Test   Build, then the solution's xunit tests (dotnet test) and the Pester tests in tests/PacketWalk.Module.Tests
           against the built module, in a child pwsh so the build session never locks the DLL. Prints
           "xunit: N passed, N failed", "Pester: N passed, N failed" and finally the totals "N passed, N failed".
           Exits non-zero on any failure or if either runner ran no test.
    Demo   Build, then walks the seed sample (HOST-A -> HOST-B tcp/443): the verdict, the hop table, the seed's notes
           (Format-PacketPath), a reachability matrix, and the path as out/seed-walk.svg.
    Clean  Removes out/ and every project's bin/ and obj/.
    Bench  Runs the benchmarks. Flow logs (bench/FlowLogBench): generates once, into out/bench/flowlogs, a 1 GiB
           (uncompressed) day of VPC Flow Logs in the S3 layout, then times filtering it by interface, checking the
           seed walk against it, and building every record. Fails if the evidence is not Confirmed or a filtered pass
           takes a minute or more. Extra arguments for it: -FlowLogBenchArgs '--size-mb 256 --files 48'.
           Walks (bench/PacketWalk.Bench): generates seeded synthetic estates (small, medium, large) under
           out/bench/estates/ if missing, then measures snapshot load time and peak memory (cold, one child process per
           run), one walk forward and return, all-pairs walks per minute on every core, and the same against a
           linear-scan baseline; prints the table and writes out/bench/results.md. -BenchSuite Walk or FlowLogs runs one
           of the two; -BenchSizes small,medium and -BenchArguments '--pairs','300' shape the walk benchmark.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Clean', 'Bench')]
    [string]$Task = 'Build',

    [string]$Configuration = 'Release',

    # Passed to bench/FlowLogBench by the Bench task (--size-mb N, --files N, --data FOLDER, --skip-all).
    [string[]]$FlowLogBenchArgs = @(),

    # Bench only: which benchmarks, which estate sizes for the walk benchmark, and extra arguments for its harness.
    [ValidateSet('All', 'Walk', 'FlowLogs')]
    [string]$BenchSuite = 'All',
    [string]$BenchSizes = 'small,medium,large',
    [string[]]$BenchArguments = @()
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$Staging = Join-Path $Out 'staging'
$ModuleDir = Join-Path $Out 'PacketWalk'
$ManifestPath = Join-Path $ModuleDir 'PacketWalk.psd1'
$TestResults = Join-Path $Out 'test-results'
$ModuleProject = Join-Path $Root 'src/PacketWalk.PowerShell/PacketWalk.PowerShell.csproj'
$Solution = Join-Path $Root 'PacketWalk.sln'
$PesterProject = Join-Path $Root 'tests/tools/PesterRestore.csproj'
$OtherSdkProject = Join-Path $Root 'tests/tools/OtherAwsSdkRestore.csproj'
$StubProject = Join-Path $Root 'tests/PacketWalk.Ec2Stub/PacketWalk.Ec2Stub.csproj'
$StubDir = Join-Path $Out 'ec2stub'
$PesterVersion = '5.7.1'
$ModuleTests = Join-Path $Root 'tests/PacketWalk.Module.Tests'

# Exactly these assemblies ship; the build fails if one is missing.
$ShippedAssemblies = @('PacketWalk.dll', 'PacketWalk.Core.dll', 'PacketWalk.Aws.dll', 'AWSSDK.Core.dll', 'AWSSDK.EC2.dll', 'AWSSDK.S3.dll', 'AWSSDK.SecurityToken.dll')
$ExpectedCmdlets = @('Compare-PacketWalkSnapshot', 'ConvertTo-PacketPathDiagram', 'Export-PacketWalkSnapshot', 'Format-PacketPath', 'Get-FlowLogRecord', 'Get-PacketPath', 'Get-PacketPathFix', 'Get-ReachabilityMatrix', 'Get-ReachablePort', 'Get-TgwAttachmentForAz', 'Import-PacketWalkSnapshot', 'Test-NaclHop', 'Test-PacketPath', 'Test-PacketPathFlowLog')

function Invoke-Native {
    # Runs a native command and throws if it fails.
    param([Parameter(Mandatory)][string]$FilePath, [string[]]$ArgumentList = @())
    Write-Host ">> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-ChildPwsh {
    # Runs a script in a fresh pwsh (the same pwsh that runs this build), so no DLL stays loaded here. Returns its exit code.
    param([Parameter(Mandatory)][string]$Script, [hashtable]$Environment = @{})
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $host_ = [Environment]::ProcessPath
        $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $Script)
        if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') {
            # Running as a .NET local tool (dotnet pwsh): start pwsh.dll through the same dotnet host.
            & $host_ (Join-Path $PSHOME 'pwsh.dll') @pwshArgs | Out-Host
        }
        else {
            & $host_ @pwshArgs | Out-Host
        }
        return $LASTEXITCODE
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw -LiteralPath (Join-Path $Root 'Directory.Build.props'))
    $node = $props.SelectSingleNode('//PacketWalkVersion')
    if ($null -eq $node -or [string]::IsNullOrWhiteSpace($node.InnerText)) { throw 'Directory.Build.props has no PacketWalkVersion.' }
    return $node.InnerText.Trim()
}

function Invoke-BuildTask {
    $version = Get-ModuleVersion
    Write-Host "Building PacketWalk $version ($Configuration)" -ForegroundColor Cyan
    if (Test-Path $Staging) { Remove-Item -Recurse -Force $Staging }
    Invoke-Native dotnet @('publish', $ModuleProject, '-c', $Configuration, '-o', $Staging, '--nologo', '-v', 'minimal')

    if (Test-Path $ModuleDir) { Remove-Item -Recurse -Force $ModuleDir }
    $null = New-Item -ItemType Directory -Path $ModuleDir
    foreach ($name in $ShippedAssemblies) {
        $file = Join-Path $Staging $name
        if (-not (Test-Path -LiteralPath $file)) { throw "Build output lacks $name (looked in $Staging)." }
        Copy-Item -LiteralPath $file -Destination $ModuleDir
    }

    $manifest = Get-Content -Raw -LiteralPath (Join-Path $Root 'PacketWalk.psd1')
    if ($manifest -notmatch '\{\{ModuleVersion\}\}') { throw 'PacketWalk.psd1 lacks the {{ModuleVersion}} placeholder.' }
    $manifest = $manifest.Replace('{{ModuleVersion}}', $version)
    Set-Content -LiteralPath $ManifestPath -Value $manifest -Encoding utf8 -NoNewline
    Copy-Item -LiteralPath (Join-Path $Root 'src/PacketWalk.PowerShell/PacketWalk.Format.ps1xml') -Destination $ModuleDir
    $samples = Join-Path $Root 'src/PacketWalk.PowerShell/samples'
    if (Test-Path -LiteralPath $samples) { Copy-Item -LiteralPath $samples -Destination $ModuleDir -Recurse }

    # Help: docs/help/*.md compiled to MAML (binary cmdlets have no comment-based help), plus the about topics.
    Import-Module (Join-Path $Root 'tools/PacketWalkHelp.psm1') -Force
    $maml = ConvertTo-PacketWalkMaml -SourcePath (Join-Path $Root 'docs/help') -OutputPath (Join-Path $ModuleDir 'en-US')
    Write-Host "Help compiled to $($maml.FullName)" -ForegroundColor DarkGray

    $data = Import-PowerShellDataFile -LiteralPath $ManifestPath
    if ($data.ModuleVersion -ne $version) { throw "Stamped manifest has ModuleVersion '$($data.ModuleVersion)', expected '$version'." }

    # Import the laid-out module by path in a child pwsh and check what it exports.
    $check = @'
$ErrorActionPreference = 'Stop'
$m = Import-Module $env:PACKETWALK_MODULE_PATH -PassThru
$got = @($m.ExportedCmdlets.Keys | Sort-Object)
$want = @($env:PACKETWALK_EXPECTED_CMDLETS -split ',')
if (($got -join ',') -ne ($want -join ',')) { Write-Host "Module exports: $($got -join ', '); expected: $($want -join ', ')"; exit 1 }
Write-Host "Imported $($m.Name) $($m.Version) from $($m.ModuleBase): $($got -join ', ')"
exit 0
'@
    $code = Invoke-ChildPwsh -Script $check -Environment @{ PACKETWALK_MODULE_PATH = $ManifestPath; PACKETWALK_EXPECTED_CMDLETS = ($ExpectedCmdlets -join ',') }
    if ($code -ne 0) { throw "Importing $ManifestPath failed (exit code $code)." }
    Write-Host "Module laid out in $ModuleDir" -ForegroundColor Green
}

function Invoke-XunitTests {
    # Returns @{ Passed; Failed; ExitCode }.
    $dir = Join-Path $TestResults 'xunit'
    if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
    Write-Host ">> dotnet test $Solution -c $Configuration" -ForegroundColor DarkGray
    & dotnet test $Solution -c $Configuration --nologo --logger trx --results-directory $dir | Out-Host
    $exit = $LASTEXITCODE
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in @(Get-ChildItem -Path $dir -Filter *.trx -Recurse -ErrorAction SilentlyContinue)) {
        $doc = [xml](Get-Content -Raw -LiteralPath $trx.FullName)
        $ns = @{ t = $doc.DocumentElement.NamespaceURI }
        $counters = (Select-Xml -Xml $doc -XPath '//t:ResultSummary/t:Counters' -Namespace $ns | Select-Object -First 1).Node
        if ($null -eq $counters) { continue }
        $passed += [int]$counters.passed
        $skipped += [int]$counters.notExecuted
        foreach ($attr in 'failed', 'error', 'timeout', 'aborted') {
            $value = $counters.GetAttribute($attr)
            if ($value) { $failed += [int]$value }
        }
    }
    return @{ Passed = $passed; Failed = $failed; Skipped = $skipped; ExitCode = $exit }
}

function Get-PesterManifest {
    Invoke-Native dotnet @('restore', $PesterProject, '--nologo', '-v', 'quiet')
    $root = $env:NUGET_PACKAGES
    if ([string]::IsNullOrWhiteSpace($root)) {
        $line = & dotnet nuget locals global-packages --list
        if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals failed.' }
        $root = ($line | Select-Object -First 1) -replace '^\s*global-packages:\s*', ''
    }
    if ([string]::IsNullOrWhiteSpace($root)) { $root = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $psd1 = Join-Path $root.Trim() "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $psd1)) { throw "Pester $PesterVersion not found at $psd1 after restoring $PesterProject." }
    return $psd1
}

function Get-NuGetRoot {
    $root = $env:NUGET_PACKAGES
    if ([string]::IsNullOrWhiteSpace($root)) {
        $line = & dotnet nuget locals global-packages --list
        if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals failed.' }
        $root = ($line | Select-Object -First 1) -replace '^\s*global-packages:\s*', ''
    }
    if ([string]::IsNullOrWhiteSpace($root)) { $root = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    return $root.Trim()
}

function Get-OtherAwsSdk {
    # A second AWS SDK v4 build (AWSSDK.Core 4.0.102.18 + AWSSDK.EC2 4.0.131) for the load-order tests.
    Invoke-Native dotnet @('restore', $OtherSdkProject, '--nologo', '-v', 'quiet')
    $root = Get-NuGetRoot
    $core = Join-Path $root 'awssdk.core/4.0.102.18/lib/net8.0/AWSSDK.Core.dll'
    $ec2 = Join-Path $root 'awssdk.ec2/4.0.131/lib/net8.0/AWSSDK.EC2.dll'
    foreach ($f in $core, $ec2) { if (-not (Test-Path -LiteralPath $f)) { throw "Second AWS SDK copy not found at $f after restoring $OtherSdkProject." } }
    return @{ Core = $core; Ec2 = $ec2 }
}

function Invoke-PesterTests {
    # Returns @{ Passed; Failed; ExitCode }.
    $pester = Get-PesterManifest
    # The tests' own EC2 endpoint (127.0.0.1 only), started by the live Pester tests as a child process.
    Invoke-Native dotnet @('build', $StubProject, '-c', $Configuration, '-o', $StubDir, '--nologo', '-v', 'quiet')
    $otherSdk = Get-OtherAwsSdk
    $dir = Join-Path $TestResults 'pester'
    if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
    $null = New-Item -ItemType Directory -Path $dir
    $summary = Join-Path $dir 'summary.json'
    $runner = @'
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $env:PACKETWALK_PESTER_PATH -Force
$config = New-PesterConfiguration
$config.Run.Path = $env:PACKETWALK_TEST_PATH
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $env:PACKETWALK_RESULTS_DIR 'pester.xml'
$result = Invoke-Pester -Configuration $config
[ordered]@{
    Passed = $result.PassedCount
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
} | ConvertTo-Json | Set-Content -LiteralPath $env:PACKETWALK_PESTER_SUMMARY -Encoding utf8
exit 0
'@
    $envVars = @{
        PACKETWALK_PESTER_PATH    = $pester
        PACKETWALK_MODULE_PATH    = $ManifestPath
        PACKETWALK_REPO_ROOT      = $Root
        PACKETWALK_TEST_PATH      = $ModuleTests
        PACKETWALK_RESULTS_DIR    = $dir
        PACKETWALK_PESTER_SUMMARY = $summary
        PACKETWALK_EC2STUB        = (Join-Path $StubDir 'PacketWalk.Ec2Stub.dll')
        PACKETWALK_OTHER_AWSSDK_CORE = $otherSdk.Core
        PACKETWALK_OTHER_AWSSDK_EC2  = $otherSdk.Ec2
    }
    $exit = Invoke-ChildPwsh -Script $runner -Environment $envVars
    if (-not (Test-Path -LiteralPath $summary)) { return @{ Passed = 0; Failed = 0; ExitCode = if ($exit -ne 0) { $exit } else { 1 } } }
    $s = Get-Content -Raw -LiteralPath $summary | ConvertFrom-Json
    return @{ Passed = [int]$s.Passed; Failed = [int]$s.Failed; ExitCode = $exit }
}

function Invoke-Test {
    Invoke-BuildTask
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    $problems = [System.Collections.Generic.List[string]]::new()
    if ($xunit.ExitCode -ne 0) { $problems.Add("dotnet test exited with code $($xunit.ExitCode)") }
    if ($xunit.Passed + $xunit.Failed -eq 0) { $problems.Add('xunit ran no test') }
    if ($pester.ExitCode -ne 0) { $problems.Add("the Pester run exited with code $($pester.ExitCode)") }
    if ($pester.Passed + $pester.Failed -eq 0) { $problems.Add('Pester ran no test') }
    if ($xunit.Failed + $pester.Failed -gt 0) { $problems.Add('tests failed') }
    # Credentials never reach test logs: the tests' made-up secret and session token must not appear in any result file.
    $testCredentials = Import-PowerShellDataFile -LiteralPath (Join-Path $Root 'tests/PacketWalk.Module.Tests/TestCredentials.psd1')
    $leaks = @(Get-ChildItem -LiteralPath $TestResults -Recurse -File -ErrorAction SilentlyContinue |
        Select-String -SimpleMatch -Pattern (@($testCredentials.SecretKey, $testCredentials.SessionToken) + $testCredentials.OtherSecrets) -List)
    foreach ($leak in $leaks) { $problems.Add("a test credential appears in the test log $($leak.Path)") }

    Write-Host ''
    Write-Output "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
    Write-Output "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    foreach ($p in $problems) { Write-Output "FAILED: $p" }
    $failed = $xunit.Failed + $pester.Failed
    if ($problems.Count -gt 0 -and $failed -eq 0) { $failed = 1 }  # a broken run must not read as green
    Write-Output "$($xunit.Passed + $pester.Passed) passed, $failed failed"
    if ($problems.Count -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-BuildTask
    $demo = @'
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $env:PACKETWALK_MODULE_PATH
$seed = Join-Path (Split-Path -Parent $env:PACKETWALK_MODULE_PATH) 'samples/seed'
$snap = Import-PacketWalkSnapshot $seed
$walk = @{ Source = 'i-0a00000000000000a'; Destination = 'i-0b00000000000000b'; Protocol = 'tcp'; Port = 443; Snapshot = $snap }

Write-Output "PS> `$snap = Import-PacketWalkSnapshot $seed"
Write-Output 'PS> Test-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -Snapshot $snap'
$result = Test-PacketPath @walk
$result | Format-Table | Out-String -Width 160 | Write-Output

Write-Output 'PS> Get-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -Snapshot $snap'
Get-PacketPath @walk | Format-Table | Out-String -Width 160 | Write-Output

Write-Output 'PS> Test-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -Snapshot $snap | Format-PacketPath'
Write-Output ($result | Format-PacketPath)

Write-Output 'PS> Get-ReachabilityMatrix -Source i-0a00000000000000a, i-0b00000000000000b -Port 22, 443 -Snapshot $snap'
Get-ReachabilityMatrix -Source i-0a00000000000000a, i-0b00000000000000b -Port 22, 443 -Snapshot $snap | Format-Table | Out-String -Width 160 | Write-Output

$svg = Join-Path (Split-Path -Parent (Split-Path -Parent $env:PACKETWALK_MODULE_PATH)) 'seed-walk.svg'
Write-Output "PS> `$result | ConvertTo-PacketPathDiagram -Format Svg | Set-Content $svg"
$result | ConvertTo-PacketPathDiagram -Format Svg | Set-Content -LiteralPath $svg -Encoding utf8
Write-Output "(open $svg in a browser)"
if ($result.Verdict -ne 'Reachable') { Write-Output "Demo walk was $($result.Verdict), expected Reachable."; exit 1 }
exit 0
'@
    $code = Invoke-ChildPwsh -Script $demo -Environment @{ PACKETWALK_MODULE_PATH = $ManifestPath }
    if ($code -ne 0) { throw "Demo failed (exit code $code)." }
}

function Invoke-FlowLogBench {
    # Flow-log reading and evidence matching over a generated day of logs (issue 5). Not part of Test: speed is measured here.
    $project = Join-Path $Root 'bench/FlowLogBench/FlowLogBench.csproj'
    Invoke-Native dotnet @('build', $project, '-c', 'Release', '--nologo', '-v', 'quiet')
    $dll = Join-Path $Root 'bench/FlowLogBench/bin/Release/net10.0/FlowLogBench.dll'
    # From bash (pwsh -File) the arguments arrive as one string; split on commas and spaces either way.
    $benchArgs = @($FlowLogBenchArgs | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ })
    Invoke-Native dotnet (@($dll) + $benchArgs)
}

function Invoke-WalkBench {
    # Walk speed and scale (issue 7). Always Release: a Debug build would measure the wrong thing.
    $project = Join-Path $Root 'bench/PacketWalk.Bench/PacketWalk.Bench.csproj'
    Invoke-Native dotnet @('build', $project, '-c', 'Release', '--nologo', '-v', 'minimal')
    $harness = Join-Path $Root 'bench/PacketWalk.Bench/bin/Release/net10.0/PacketWalk.Bench.dll'
    $walkArgs = @($BenchArguments | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ })
    Invoke-Native dotnet (@($harness, 'run', '--sizes', $BenchSizes, '--out', (Join-Path $Out 'bench')) + $walkArgs)
}

function Invoke-SessionBench {
    # What a PowerShell user sees (issue 7): in a fresh pwsh, Import-PacketWalkSnapshot of each estate the walk benchmark
    # generated, then 1,000 Test-PacketPath calls on that one import. Three fresh sessions per estate.
    Invoke-BuildTask
    $session = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:PACKETWALK_MODULE_PATH
$import = Measure-Command { $snapshot = Import-PacketWalkSnapshot -Path $env:PACKETWALK_BENCH_ESTATE }
$instances = @($snapshot.Model.Instances.Keys | Sort-Object)
$calls = 1000
$random = [Random]::new(42)
$pairs = foreach ($i in 1..$calls) { , @($instances[$random.Next($instances.Count)], $instances[$random.Next($instances.Count)]) }
$reachable = 0
$walks = Measure-Command {
    foreach ($pair in $pairs) {
        if (Test-PacketPath -Source $pair[0] -Destination $pair[1] -Port 443 -Snapshot $snapshot -Quiet) { $reachable++ }
    }
}
$process = [Diagnostics.Process]::GetCurrentProcess()
[ordered]@{ ImportMs = $import.TotalMilliseconds; CallsMs = $walks.TotalMilliseconds; Calls = $calls; Reachable = $reachable; PeakWorkingSetMiB = [int]($process.PeakWorkingSet64 / 1MB) } |
    ConvertTo-Json -Compress | Set-Content -LiteralPath $env:PACKETWALK_BENCH_RESULT
'@
    $rows = foreach ($size in ($BenchSizes -split '[,\s]+' | Where-Object { $_ })) {
        $estate = Get-ChildItem -Directory -Path (Join-Path $Out 'bench/estates') -Filter "$size-*" -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $estate) { Write-Warning "No generated $size estate under out/bench/estates: run the walk benchmark first."; continue }
        $runs = foreach ($run in 1..3) {
            $result = Join-Path $Out "bench/session-$size-$run.json"
            $code = Invoke-ChildPwsh -Script $session -Environment @{ PACKETWALK_MODULE_PATH = $ManifestPath; PACKETWALK_BENCH_ESTATE = $estate.FullName; PACKETWALK_BENCH_RESULT = $result }
            if ($code -ne 0) { throw "Session benchmark on $size failed (exit code $code)." }
            Get-Content -LiteralPath $result -Raw | ConvertFrom-Json
        }
        $imports = @($runs.ImportMs | Sort-Object)
        $perCall = @($runs | ForEach-Object { $_.CallsMs * 1000 / $_.Calls } | Sort-Object)
        [pscustomobject]@{
            Size = $size
            ImportSeconds = '{0:0.00} s (min {1:0.00}, max {2:0.00}, n=3)' -f ($imports[1] / 1000), ($imports[0] / 1000), ($imports[-1] / 1000)
            TestPacketPathMicroseconds = '{0:0} µs (min {1:0}, max {2:0}, n=3 x 1,000 calls)' -f $perCall[1], $perCall[0], $perCall[-1]
            Reachable = '{0} of {1}' -f $runs[0].Reachable, $runs[0].Calls
            PeakWorkingSetMiB = ($runs.PeakWorkingSetMiB | Measure-Object -Maximum).Maximum
        }
    }
    $load = (Get-Content -LiteralPath /proc/loadavg -ErrorAction SilentlyContinue) -replace '^(\S+ \S+ \S+).*', '$1'
    $table = @('', '## In PowerShell: Import-PacketWalkSnapshot once, then Test-PacketPath 1,000 times', '',
        'Each row: three fresh `pwsh` sessions (module import not counted); the import is the cold load a user waits for, the calls are',
        '`Test-PacketPath -Snapshot $snapshot -Quiet` between random instance pairs (seed 42, tcp/443) in the same session, cmdlet binding included.',
        "Load averages at the end: $load.", '',
        '| estate | Import-PacketWalkSnapshot, median | Test-PacketPath per call, median | Reachable | peak working set |',
        '|---|---|---|---|---:|')
    $table += foreach ($row in $rows) { "| $($row.Size) | $($row.ImportSeconds) | $($row.TestPacketPathMicroseconds) | $($row.Reachable) | $($row.PeakWorkingSetMiB) MiB |" }
    $table | Write-Output
    $results = Join-Path $Out 'bench/results.md'
    Add-Content -LiteralPath $results -Value $table -Encoding utf8
    Write-Host "Appended to $results" -ForegroundColor Green
}

function Invoke-Bench {
    if ($BenchSuite -in 'All', 'FlowLogs') { Invoke-FlowLogBench }
    if ($BenchSuite -in 'All', 'Walk') { Invoke-WalkBench; Invoke-SessionBench }
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item -Recurse -Force $Out }
    foreach ($project in Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'tools'), (Join-Path $Root 'bench') -Filter *.csproj -Recurse -ErrorAction SilentlyContinue) {
        foreach ($sub in 'bin', 'obj') {
            $dir = Join-Path $project.DirectoryName $sub
            if (Test-Path -LiteralPath $dir) { Remove-Item -Recurse -Force -LiteralPath $dir }
        }
    }
    Write-Host 'Cleaned out/ and bin/ obj/.' -ForegroundColor Green
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Clean' { Invoke-Clean }
    'Bench' { Invoke-Bench }
}
