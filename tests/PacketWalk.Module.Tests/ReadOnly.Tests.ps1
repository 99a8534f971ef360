# Every cmdlet that talks to AWS only reads, and no credential ever shows: each such cmdlet runs against a local
# stand-in that records what reached it (moto_server's request recorder for S3, on 127.0.0.1), with distinctive test
# keys, -Verbose and -Debug, and an error case; the recording and every stream are then checked.
BeforeDiscovery {
    $script:HaveMoto = [bool](Get-Command moto_server -ErrorAction Ignore)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # Keys made to be found: if the secret or the token appears in output, a stream, an error or a file, a credential leaked.
    $credentials = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'TestCredentials.psd1')
    $script:TestAccessKey = $credentials.AccessKey
    $script:TestSecretKey = $credentials.SecretKey
    $script:TestSessionToken = $credentials.SessionToken
    $script:Secrets = $TestSecretKey, $TestSessionToken

    # The cmdlets exercised below against a recording endpoint. The coverage test fails when a cmdlet that can reach
    # AWS (it has -EndpointUrl) is exported but not listed here.
    $script:Covered = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
        'Get-FlowLogRecord', 'Test-PacketPathFlowLog', 'Get-PacketPath', 'Test-PacketPath', 'Export-PacketWalkSnapshot'))

    $script:Moto = $null
    if (Get-Command moto_server -ErrorAction Ignore) {
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.Core.dll'), (Join-Path $ModuleBase 'AWSSDK.S3.dll')
        # The recorder writes its file where MOTO_RECORDER_FILEPATH says: keep it in the test drive, out of the repository.
        $started = Start-MotoServer -Folder $TestDrive -Environment @{ MOTO_ENABLE_RECORDING = 'True'; MOTO_RECORDER_FILEPATH = (Join-Path $TestDrive 'moto_recording') }
        $script:Moto = $started.Process
        $script:Url = $started.Url
        # Set-up writes (bucket, objects) happen before recording starts; only the cmdlets' requests are recorded.
        Publish-FlowLogBucket -Url $Url
        $script:Keys = @{ AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; SessionToken = $TestSessionToken; EndpointUrl = $Url; Region = 'us-east-1' }
    }

    function script:Start-Recording { $null = Invoke-RestMethod -Method Post "$Url/moto-api/recorder/reset-recording"; $null = Invoke-RestMethod -Method Post "$Url/moto-api/recorder/start-recording" }
    function script:Get-Recording {
        $text = Invoke-WebRequest "$Url/moto-api/recorder/download-recording" | Select-Object -ExpandProperty Content
        if ($text -is [byte[]]) { $text = [System.Text.Encoding]::UTF8.GetString($text) }
        @($text -split "`n" | Where-Object { $_.Trim() } | ForEach-Object { $_ | ConvertFrom-Json })
    }

    # Everything a command shows: output (formatted every usual way), all six streams, and a terminating error.
    function script:Get-AllText([scriptblock]$Command) {
        $DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; $WarningPreference = 'Continue'; $InformationPreference = 'Continue'
        $text = try { & $Command *>&1 | ForEach-Object { $_; if ($_ -isnot [string]) { $_ | Format-List * } } | Out-String -Width 500 } catch { ($_ | Format-List * -Force | Out-String -Width 500) + $_.Exception.ToString() }
        $text + ($Error | Select-Object -First 5 | ForEach-Object { ($_ | Format-List * -Force | Out-String -Width 500) + $_.Exception.ToString() } | Out-String)
    }
}

AfterAll {
    if ($Moto) { Stop-Process -Id $Moto.Id -ErrorAction SilentlyContinue }
}

Describe 'Every cmdlet that can reach AWS is checked here' {
    It 'lists every exported cmdlet with -EndpointUrl as covered' {
        $reaching = @(Get-Command -Module PacketWalk -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('EndpointUrl') } | ForEach-Object Name)
        $reaching | Should -Not -BeNullOrEmpty
        $missing = @($reaching | Where-Object { -not $Covered.Contains($_) })
        $missing | Should -BeNullOrEmpty -Because 'a new AWS-reaching cmdlet needs its read-only and no-credential check in this file'
    }
}

Describe 'S3 flow-log cmdlets only read and never show credentials (moto_server on 127.0.0.1)' -Skip:(-not $HaveMoto) {
    BeforeAll {
        $script:Walk = Test-PacketPath -Source $HostA -Destination $HostB -Port 8000 -SourcePort 49999 -Snapshot $Seed -WarningAction SilentlyContinue
    }

    It 'Get-FlowLogRecord and Test-PacketPathFlowLog send nothing but GET and HEAD' {
        Start-Recording
        $records = @(Get-FlowLogRecord -S3BucketName flowlogs @Keys)
        $report = $Walk | Test-PacketPathFlowLog -S3BucketName flowlogs -S3KeyPrefix 'AWSLogs/' @Keys -Summary
        $failed = try { Get-FlowLogRecord -S3BucketName no-such-bucket @Keys -ErrorAction Stop } catch { $_ }
        $recording = Get-Recording
        $records.Count | Should -BeGreaterThan 0
        $report | Should -Not -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -BeLike 'PacketWalkFlowLogS3BucketNotFound,*'
        $recording.Count | Should -BeGreaterThan 0 -Because 'the recorder saw the cmdlets'
        $methods = @($recording | ForEach-Object method | Sort-Object -Unique)
        $methods | Where-Object { $_ -notin 'GET', 'HEAD' } | Should -BeNullOrEmpty -Because "only reads may reach S3, saw $($methods -join ', ')"
        # Signed with the test key: the access key id is in the signature scope, the secret and token never in clear.
        $wire = ($recording | ConvertTo-Json -Depth 5 -Compress)
        $wire | Should -Match $TestAccessKey
        $wire | Should -Not -Match ([regex]::Escape($TestSecretKey))
    }

    It 'no output, stream or error of either cmdlet carries the secret key or the session token' {
        $text = (Get-AllText { Get-FlowLogRecord -S3BucketName flowlogs @Keys -Verbose -Debug | Select-Object -First 3 }) +
            (Get-AllText { $Walk | Test-PacketPathFlowLog -S3BucketName flowlogs -S3KeyPrefix 'AWSLogs/' @Keys -Verbose -Debug }) +
            (Get-AllText { Get-FlowLogRecord -S3BucketName no-such-bucket @Keys -Verbose -Debug -ErrorAction Stop }) +
            (Get-AllText { Get-FlowLogRecord -S3BucketName flowlogs @Keys -EndpointUrl 'http://127.0.0.1:9/' -Verbose -Debug -ErrorAction Stop })
        $text | Should -Match 'flowlogs' -Because 'the streams were captured'
        foreach ($secret in $Secrets) { $text | Should -Not -Match ([regex]::Escape($secret)) }
    }
}

Describe 'EC2 cmdlets only read and never show credentials (the tests'' EC2 stub on 127.0.0.1)' -Skip:(-not $env:PACKETWALK_EC2STUB) {
    BeforeAll {
        $script:Stub = Start-Ec2Stub -Snapshot $Seed
        $script:Ec2 = @{ AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; SessionToken = $TestSessionToken; Region = 'us-east-1'; EndpointUrl = $Stub.Url }
        $script:Export = Join-Path $TestDrive 'export'
        $script:ReadAction = '^(Describe|Get|Search)[A-Za-z]+$'
    }
    AfterAll { Stop-Ec2Stub $Stub }

    It 'Get-PacketPath, Test-PacketPath and Export-PacketWalkSnapshot send nothing but Describe, Get and Search calls' {
        $before = @(Get-StubActions $Stub).Count
        $hops = @(Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Ec2)
        $result = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 @Ec2
        $written = Export-PacketWalkSnapshot -Path $Export @Ec2 -Confirm:$false
        $actions = @(Get-StubActions $Stub | Select-Object -Skip $before)
        $hops.Count | Should -BeGreaterThan 0
        $result.Verdict | Should -Not -BeNullOrEmpty
        $written.Files | Should -BeGreaterThan 0
        $actions.Count | Should -BeGreaterThan 10
        $actions | Where-Object { $_ -notmatch $ReadAction } | Should -BeNullOrEmpty -Because "only reads may reach EC2/STS, saw $(($actions | Sort-Object -Unique) -join ', ')"
    }

    It 'no output, stream, error or exported file carries the secret key or the session token' {
        $text = (Get-AllText { Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Ec2 -Verbose -Debug }) +
            (Get-AllText { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Ec2 -Verbose -Debug }) +
            (Get-AllText { Export-PacketWalkSnapshot -Path (Join-Path $TestDrive 'export2') @Ec2 -Redact -Verbose -Debug -Confirm:$false }) +
            (Get-AllText { Test-PacketPath -Source i-0000000000000dead -Destination $HostB -Port 443 @Ec2 -Verbose -Debug -ErrorAction Stop }) +
            (Get-AllText { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Ec2 -EndpointUrl 'http://127.0.0.1:9/' -Verbose -Debug -ErrorAction Stop })
        $text | Should -Match 'DescribeNetworkAcls' -Because 'the verbose stream was captured'
        foreach ($secret in $Secrets) { $text | Should -Not -Match ([regex]::Escape($secret)) }
        $files = @(Get-ChildItem -LiteralPath $Export, (Join-Path $TestDrive 'export2') -Recurse -File)
        $files.Count | Should -BeGreaterThan 0
        foreach ($file in $files) {
            $content = Get-Content -Raw -LiteralPath $file.FullName
            foreach ($secret in @($Secrets) + $TestAccessKey) { $content | Should -Not -Match ([regex]::Escape($secret)) -Because "$($file.Name) is an export" }
        }
    }
}

Describe 'Stopping a live cmdlet leaves no background work (the tests'' EC2 stub on 127.0.0.1)' -Skip:(-not $env:PACKETWALK_EC2STUB) {
    It '<Command>: after Stop() no further request reaches the endpoint and nothing is written' -ForEach @(
        @{ Command = 'Test-PacketPath'; Script = 'param($m, $url, $out) Import-Module $m; Test-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -AccessKey testing -SecretKey x -Region us-east-1 -EndpointUrl $url' }
        @{ Command = 'Export-PacketWalkSnapshot'; Script = 'param($m, $url, $out) Import-Module $m; Export-PacketWalkSnapshot -Path $out -AccessKey testing -SecretKey x -Region us-east-1 -EndpointUrl $url -Confirm:$false' }
    ) {
        # DescribeSubnets answers after 3 s: the cmdlet is stopped while it waits, then the answer arrives to nobody.
        $slow = Start-Ec2Stub -Snapshot $Seed -Arguments '--delay', 'DescribeSubnets=3000'
        $out = Join-Path $TestDrive "stopped-$Command"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($Script).AddArgument($ModulePath).AddArgument($slow.Url).AddArgument($out)
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Get-StubActions $slow | Where-Object { $_ -eq 'DescribeSubnets' }) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-StubActions $slow | Should -Contain 'DescribeSubnets' -Because 'the cmdlet was waiting on the slow call when stopped'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $atStop = @(Get-StubActions $slow).Count
            Start-Sleep -Seconds 5
            @(Get-StubActions $slow).Count | Should -Be $atStop -Because 'no call may go out after the cmdlet was stopped'
            Test-Path -LiteralPath $out | Should -BeFalse -Because 'a stopped export writes nothing'
        }
        finally { $ps.Dispose(); Stop-Ec2Stub $slow }
    }
}

Describe 'A live call that keeps failing (the tests'' EC2 stub on 127.0.0.1)' -Skip:(-not $env:PACKETWALK_EC2STUB) {
    It 'a lasting 5xx or cut-off answer on <Action> gives a warning and an Unknown verdict, never Reachable' -ForEach @(
        @{ Action = 'DescribeNetworkAcls'; Fault = '--fail' }
        @{ Action = 'DescribeRouteTables'; Fault = '--drop' }
    ) {
        $broken = Start-Ec2Stub -Snapshot $Seed -Arguments $Fault, $Action
        try {
            $r = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $broken.Url -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 0
            $r.Verdict | Should -Be 'Unknown'
            ($warned -join "`n") | Should -Match ([regex]::Escape("ec2:$Action failed"))
            $r.Explanation | Should -Match 'failed'
        }
        finally { Stop-Ec2Stub $broken }
    }

    It 'a lasting 5xx on a call the walk needs first is AwsServiceError / ConnectionError' {
        $broken = Start-Ec2Stub -Snapshot $Seed -Arguments '--fail', 'DescribeSubnets'
        try {
            $err = try { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $broken.Url -ErrorAction Stop; $null } catch { $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'AwsServiceError,*'
            $err.CategoryInfo.Category | Should -Be 'ConnectionError'
            $err.Exception.Message | Should -Match 'DescribeSubnets'
        }
        finally { Stop-Ec2Stub $broken }
    }
}
