# Reading flow logs from S3, against moto_server on 127.0.0.1 (a stand-in S3; never AWS). Skipped where moto is not
# installed (pip install 'moto[server]').
BeforeDiscovery {
    $script:HaveMoto = [bool](Get-Command moto_server -ErrorAction Ignore)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:FlowLogs = Join-Path $RepoRoot 'tests/flowlogs'
    $script:DayPrefix = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2022/12/20/'
    $script:BonusWalk = Test-PacketPath -Source $HostA -Destination $HostB -Port 8000 -SourcePort 49999 -Snapshot $Seed -WarningAction SilentlyContinue
    $script:Moto = $null
    if (Get-Command moto_server -ErrorAction Ignore) {
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.Core.dll'), (Join-Path $ModuleBase 'AWSSDK.S3.dll')
        $started = Start-MotoServer -Folder $TestDrive
        $script:Moto = $started.Process
        $script:Url = $started.Url
        # The JSON object is not a log file: listed but never read.
        Publish-FlowLogBucket -Url $Url -AccessKey 'testing' -ExtraObjects @{ 'AWSLogs/aws-account-id_vpcflowlogs.json' = '{}' }
        $script:Keys = @{ AccessKey = 'testing'; SecretKey = 'testing'; EndpointUrl = $Url; Region = 'us-east-1' }
    }
}

AfterAll {
    if ($Moto) { Stop-Process -Id $Moto.Id -ErrorAction SilentlyContinue }
}

Describe 'Flow logs from S3 (moto_server on 127.0.0.1)' -Skip:(-not $HaveMoto) {
    It 'confirms the seed walk from the S3 day prefix' {
        $report = $BonusWalk | Test-PacketPathFlowLog -S3BucketName flowlogs -S3KeyPrefix $DayPrefix @Keys -Summary
        $report.Verdict | Should -Be 'Confirmed'
        $report.ConfirmedHops | Should -Be 8
        $report.Hops[0].Records[0].Origin | Should -BeLike "s3://flowlogs/$DayPrefix*.log.gz:*"
    }

    It 'reads every log object under the bucket with Get-FlowLogRecord, skipping non-log keys' {
        $records = @(Get-FlowLogRecord -S3BucketName flowlogs @Keys)
        $records.Count | Should -Be 10
        @(Get-FlowLogRecord -S3BucketName flowlogs -Interface eni-084d826e4b1e0e190 -Port 8000 @Keys).Count | Should -Be 2
    }

    It 'skips day prefixes outside -StartTime/-EndTime without reading them' {
        @(Get-FlowLogRecord -S3BucketName flowlogs @Keys -StartTime ([datetime]'2023-01-10') -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '0 log object' }).Count | Should -Be 1
    }

    It 'takes credentials from a -ProfileName in -ProfileLocation' {
        $ini = Join-Path $TestDrive 'credentials'
        Set-Content $ini "[flowlog-reader]`naws_access_key_id = testing`naws_secret_access_key = testing`n"
        $report = $BonusWalk | Test-PacketPathFlowLog -S3BucketName flowlogs -S3KeyPrefix $DayPrefix -EndpointUrl $Url -Region us-east-1 -ProfileName flowlog-reader -ProfileLocation $ini -Summary
        $report.Verdict | Should -Be 'Confirmed'
    }

    It 'leaves credentials to the SDK chain (environment) when none are given' {
        $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
        try {
            $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'testing'
            @(Get-FlowLogRecord -S3BucketName flowlogs -S3KeyPrefix $DayPrefix -EndpointUrl $Url -Region us-east-1).Count | Should -Be 10
        }
        finally { $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY = $saved }
    }

    It 'says BucketNotFound / ObjectNotFound for a missing bucket' {
        { Get-FlowLogRecord -S3BucketName no-such-bucket @Keys -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkFlowLogS3BucketNotFound,*'
        try { Get-FlowLogRecord -S3BucketName no-such-bucket @Keys -ErrorAction Stop } catch { $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
    }

    It 'rejects half a key pair and an unknown profile' {
        { Get-FlowLogRecord -S3BucketName flowlogs -AccessKey testing -EndpointUrl $Url -ErrorAction Stop } | Should -Throw -ErrorId 'AwsIncompleteKeys,*'
        $ini = Join-Path $TestDrive 'empty-credentials'
        Set-Content $ini "[other]`naws_access_key_id = a`naws_secret_access_key = b`n"
        { Get-FlowLogRecord -S3BucketName flowlogs -ProfileName missing -ProfileLocation $ini -EndpointUrl $Url -ErrorAction Stop } | Should -Throw -ErrorId 'AwsProfileNotFound,*'
    }
}
