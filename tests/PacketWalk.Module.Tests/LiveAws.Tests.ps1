# Live walks and exports through the tests' own EC2 endpoint on 127.0.0.1 (tests/PacketWalk.Ec2Stub), which serves the
# seed sample as EC2 Query-API XML and records every request. No test contacts any address off this machine.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Stub = Start-Ec2Stub -Snapshot $Seed
    $script:Live = $LiveKeys + @{ EndpointUrl = $Stub.Url }
    $script:Offline = @{ Snapshot = (Import-PacketWalkSnapshot -Path $Seed -WarningAction SilentlyContinue) }
    $script:ForbiddenNames = 'AccessKey', 'SecretKey', 'SessionToken', 'ProfileName', 'ProfileLocation', 'Credential', 'Filter', 'Select',
        'NextToken', 'MaxResult', 'EndpointUrl', 'ClientConfig', 'PassThru', 'NoAutoIteration', 'Force'
    function script:Get-TerminatingError([scriptblock]$Script) {
        try { & $Script; return $null } catch { return $_ }
    }
}

AfterAll {
    Stop-Ec2Stub $Stub
}

Describe 'Live walks: Get-PacketPath and Test-PacketPath without -Snapshot' {
    It 'walks HOST-A -> HOST-B tcp/443 exactly as on the snapshot' {
        $live = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live
        $offline = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Offline
        $live.Verdict | Should -Be 'Reachable'
        'Forward: ' + ($live.ForwardPath -join ' -> ') | Should -BeExactly $SeedForward
        ($live.ReturnPath -join ',') | Should -Be ($offline.ReturnPath -join ',')
    }

    It 'finds the same drop live as on the snapshot' {
        $live = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 @Live
        $offline = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 @Offline
        $live.Verdict | Should -Be 'Blocked'
        $live.BlockedAt | Should -Be $offline.BlockedAt
        $live.Reason | Should -Be $offline.Reason
    }

    It 'writes the same hops live as on the snapshot' {
        $show = { param($h) "$($h.Direction) $($h.Step) $($h.Component) $($h.Decision) $($h.Rule)" }
        $live = @(Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live | ForEach-Object { & $show $_ })
        $offline = @(Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Offline | ForEach-Object { & $show $_ })
        $live | Should -Be $offline
    }

    It 'writes one verbose line per API call and the total: the seed in 14 calls' {
        $records = @(Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($records | Where-Object Message -like 'EC2 *').Count | Should -Be 14
        $records.Message | Where-Object { $_ -like 'Read what the walk needs in 14 API call(s)*' } | Should -Not -BeNullOrEmpty
        $records.Message | Where-Object { $_ -like 'EC2 DescribeNetworkAcls (vpc-id=*' } | Should -Not -BeNullOrEmpty
    }

    It 'says in the debug stream where credentials and region came from' {
        $DebugPreference = 'Continue'
        $debug = @(Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message
        $debug | Should -Contain 'Credentials obtained from the -AccessKey and -SecretKey parameters'
        $debug | Should -Contain "Region obtained from the -Region parameter with value 'us-east-1'"
    }

    It 'never shows the secret key in output, verbose, debug, warning or error text' {
        $DebugPreference = 'Continue'
        $all = & { Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live -Verbose; Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live -Verbose | Format-List * } *>&1 | Out-String -Width 400
        $failed = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live -ProfileName nosuch } | Out-String -Width 400
        $LiveKeys.SecretKey | Should -Not -BeNullOrEmpty
        $all | Should -Not -Match ([regex]::Escape($LiveKeys.SecretKey))
        $failed | Should -Not -Match ([regex]::Escape($LiveKeys.SecretKey))
    }

    It 'sends nothing but read calls' {
        $actions = Get-StubActions $Stub
        $actions.Count | Should -BeGreaterThan 12
        $actions | ForEach-Object { $_ | Should -Match '^(Describe|Get|Search)[A-Za-z]+$' }
    }

    It "declares AWS.Tools' common parameter names and aliases" {
        foreach ($name in 'Get-PacketPath', 'Test-PacketPath', 'Export-PacketWalkSnapshot') {
            $p = (Get-Command $name).Parameters
            $p['AccessKey'].Aliases | Should -Be @('AK')
            $p['SecretKey'].Aliases | Should -Be @('SK', 'SecretAccessKey')
            $p['SessionToken'].Aliases | Should -Be @('ST')
            $p['ProfileName'].Aliases | Should -Be @('StoredCredentials', 'AWSProfileName')
            $p['ProfileLocation'].Aliases | Should -Be @('AWSProfilesLocation', 'ProfilesLocation')
            $p['Region'].Aliases | Should -Contain 'RegionToCall'
            $p.Keys | Should -Contain 'Credential'
            $p.Keys | Should -Contain 'EndpointUrl'
            $p['AssumeRoleArn'].ParameterType | Should -Be ([string[]])
        }
    }

    It 'takes the aliases on the command line' {
        $r = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -AK testing -SK $LiveKeys.SecretKey -RegionToCall us-east-1 -EndpointUrl $Stub.Url
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'reads a named profile from -ProfileLocation' {
        $file = Join-Path $TestDrive 'credentials'
        Set-Content -LiteralPath $file -Value "[walker]`naws_access_key_id = AKIAWALKER`naws_secret_access_key = profile-secret`nregion = us-east-1`n"
        $r = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -ProfileName walker -ProfileLocation $file -EndpointUrl $Stub.Url
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'a profile that does not exist is AwsProfileNotFound / ObjectNotFound, never a fall-back to other credentials' {
        $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
        try {
            $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'x'
            $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -ProfileName nosuch -ProfileLocation (Join-Path $TestDrive 'none') -Region us-east-1 -EndpointUrl $Stub.Url }
            $err.FullyQualifiedErrorId | Should -BeLike 'AwsProfileNotFound*'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally { $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY = $saved }
    }

    It 'uses AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION when nothing else is given' {
        $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY, $env:AWS_REGION
        try {
            $env:AWS_ACCESS_KEY_ID = 'testing'; $env:AWS_SECRET_ACCESS_KEY = 'env-secret'; $env:AWS_REGION = 'us-east-1'
            $DebugPreference = 'Continue'
            $out = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -EndpointUrl $Stub.Url 5>&1
            ($out | Where-Object { $_ -is [PacketWalk.Core.Walk.PacketPathResult] }).Verdict | Should -Be 'Reachable'
            ($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message | Should -Contain 'Credentials obtained from environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)'
        }
        finally { $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY, $env:AWS_REGION = $saved }
    }

    It 'an -EndpointUrl that is not http(s) is AwsInvalidEndpointUrl / InvalidArgument' {
        $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl 'ftp://127.0.0.1/' }
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsInvalidEndpointUrl*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'cannot mix -Snapshot with live parameters' {
        { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Seed -ProfileName x } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }
}

Describe 'Refused and slow calls' {
    It 'a refused call makes the walk Unknown, names the IAM action in a warning, and is never Reachable' {
        $denied = Start-Ec2Stub -Snapshot $Seed -Arguments '--unauthorized', 'DescribeNetworkAcls'
        try {
            $r = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $denied.Url -WarningVariable warnings -WarningAction SilentlyContinue
            $r.Verdict | Should -Be 'Unknown'
            $r.Explanation | Should -Match 'ec2:DescribeNetworkAcls'
            ($warnings -join "`n") | Should -Match 'ec2:DescribeNetworkAcls'
        }
        finally { Stop-Ec2Stub $denied }
    }

    It 'a refused call the walk cannot start without is AwsAccessDenied / PermissionDenied' {
        $denied = Start-Ec2Stub -Snapshot $Seed -Arguments '--unauthorized', 'DescribeSubnets'
        try {
            $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $denied.Url }
            $err.FullyQualifiedErrorId | Should -BeLike 'AwsAccessDenied*'
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -Match 'ec2:DescribeSubnets'
        }
        finally { Stop-Ec2Stub $denied }
    }

    It 'throttling is retried and the walk succeeds' {
        $throttled = Start-Ec2Stub -Snapshot $Seed -Arguments '--throttle', 'DescribeRouteTables=2'
        try {
            (Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $throttled.Url).Verdict | Should -Be 'Reachable'
            @(Get-StubActions $throttled | Where-Object { $_ -eq 'DescribeRouteTables' }).Count | Should -Be 3
        }
        finally { Stop-Ec2Stub $throttled }
    }

    It 'writes progress while reading and completes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $url) Import-Module $m; Test-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -AccessKey testing -SecretKey x -Region us-east-1 -EndpointUrl $url').AddArgument($ModulePath).AddArgument($Stub.Url)
            $result = $ps.Invoke()
            $result[0].Verdict | Should -Be 'Reachable'
            $progress = @($ps.Streams.Progress)
            $progress.Count | Should -BeGreaterThan 13
            ($progress | Where-Object StatusDescription -like '*of 14 AWS calls answered*') | Should -Not -BeNullOrEmpty
            $progress[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
    }

    It 'Ctrl+C (stopping the pipeline) cancels a slow read promptly' {
        $slow = Start-Ec2Stub -Snapshot $Seed -Arguments '--delay', 'DescribeSubnets=60000'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $url) Import-Module $m; Test-PacketPath -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -AccessKey testing -SecretKey x -Region us-east-1 -EndpointUrl $url').AddArgument($ModulePath).AddArgument($slow.Url)
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Get-StubActions $slow | Where-Object { $_ -eq 'DescribeSubnets' }) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose(); Stop-Ec2Stub $slow }
    }
}

Describe 'AWS.Tools objects on the pipeline' {
    BeforeAll {
        # Stand in for AWS.Tools: its SDK types in the session, and Get-EC2Instance / Get-EC2NetworkAcl as its cmdlets behave.
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.Core.dll')
        Add-Type -Path (Join-Path $ModuleBase 'AWSSDK.EC2.dll')
        function script:Get-EC2Instance {
            param([string[]]$InstanceId)
            $reservation = [Amazon.EC2.Model.Reservation]::new()
            $reservation.ReservationId = 'r-0123456789abcdef0'
            $reservation.Instances = [System.Collections.Generic.List[Amazon.EC2.Model.Instance]]::new()
            foreach ($id in $InstanceId) { $i = [Amazon.EC2.Model.Instance]::new(); $i.InstanceId = $id; $reservation.Instances.Add($i) }
            $reservation
        }
        function script:Get-EC2NetworkAcl {
            param([Parameter(ValueFromPipelineByPropertyName)][string[]]$NetworkAclId)
            process { $NetworkAclId }
        }
    }

    It 'Get-EC2Instance -InstanceId i-a | Get-PacketPath -Destination i-b -Port 443 works live' {
        $hops = @(Get-EC2Instance -InstanceId $HostA | Get-PacketPath -Destination $HostB -Port 443 @Live)
        ($hops | Where-Object Decision -eq 'Deliver').Count | Should -Be 2
        $hops[0].InstanceId | Should -Be $HostA
    }

    It 'binds an Instance, a NetworkInterface and PSObject-wrapped ones by value' {
        $instance = [Amazon.EC2.Model.Instance]::new(); $instance.InstanceId = $HostA
        $eni = [Amazon.EC2.Model.NetworkInterface]::new(); $eni.NetworkInterfaceId = 'eni-084d826e4b1e0e190'
        foreach ($value in $instance, $eni, [psobject]::AsPSObject($instance), (Write-Output $eni)) {
            ($value | Test-PacketPath -Destination $HostB -Port 443 @Offline).Verdict | Should -Be 'Reachable'
        }
        ($instance | Test-PacketPath -Destination $HostB -Port 443 @Live).Verdict | Should -Be 'Reachable'
    }

    It 'binds plain ids and objects by property name' {
        ([pscustomobject]@{ InstanceId = $HostA } | Test-PacketPath -Destination $HostB -Port 443 @Offline).Verdict | Should -Be 'Reachable'
        ([pscustomobject]@{ Source = $HostA; Destination = $HostB; Port = 443 } | Test-PacketPath @Live).Verdict | Should -Be 'Reachable'
        ($HostA | Test-PacketPath -Destination $HostB -Port 443 @Live).Verdict | Should -Be 'Reachable'
    }

    It 'takes -Credential as an AWSCredentials object' {
        $credential = [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'object-secret')
        (Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Credential $credential -Region us-east-1 -EndpointUrl $Stub.Url).Verdict | Should -Be 'Reachable'
    }

    It 'rejects a -Credential that is not an AWSCredentials with AwsInvalidCredential' {
        $err = Get-TerminatingError { Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Credential (Get-Date) -Region us-east-1 -EndpointUrl $Stub.Url }
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsInvalidCredential*'
    }

    It 'reads $StoredAWSCredentials through Get-AWSCredential, and $StoredAWSRegion' {
        function global:Get-AWSCredential { [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'shell-secret') }
        $global:StoredAWSCredentials = 'set by Set-AWSCredential'
        $global:StoredAWSRegion = 'us-east-1'
        try {
            $DebugPreference = 'Continue'
            $out = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -EndpointUrl $Stub.Url 5>&1
            ($out | Where-Object { $_ -is [PacketWalk.Core.Walk.PacketPathResult] }).Verdict | Should -Be 'Reachable'
            $debug = ($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message
            $debug | Should -Contain 'Credentials obtained from the shell variable $StoredAWSCredentials (Set-AWSCredential)'
            $debug | Should -Contain "Region obtained from the shell variable `$StoredAWSRegion (Set-DefaultAWSRegion) with value 'us-east-1'"
        }
        finally {
            Remove-Item function:global:Get-AWSCredential
            Remove-Variable -Scope Global StoredAWSCredentials, StoredAWSRegion
        }
    }

    It 'hop ids bind by property name into AWS.Tools-style cmdlets' {
        $acls = @(Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live | Where-Object Step -like 'Nacl*' | Get-EC2NetworkAcl)
        $acls.Count | Should -BeGreaterThan 0
        $acls | ForEach-Object { $_ | Should -Match '^acl-' }
    }

    It 'hop and result objects carry no property named like an AWS.Tools switch' {
        $hop = Get-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live | Select-Object -First 1
        $result = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live
        foreach ($o in $hop, $result) {
            $names = $o.PSObject.Properties.Name
            $ForbiddenNames | ForEach-Object { $names | Should -Not -Contain $_ }
        }
        $hop.PSObject.Properties.Name | Should -Contain 'Region'
        $hop.Region | Should -Be 'us-east-1'
    }
}

Describe 'Export-PacketWalkSnapshot' {
    It 'declares SupportsShouldProcess and writes nothing with -WhatIf' {
        (Get-Command Export-PacketWalkSnapshot).Parameters.Keys | Should -Contain 'WhatIf'
        $target = Join-Path $TestDrive 'whatif'
        Export-PacketWalkSnapshot -Path $target @Live -WhatIf
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'writes aws_configs/accounts/<account>/<region> that walks exactly like the live walk' {
        $target = Join-Path $TestDrive 'export'
        $summary = Export-PacketWalkSnapshot -Path $target @Live
        $summary.Files | Should -BeGreaterThan 10
        $summary.Accounts | Should -Be '111111111111'
        Test-Path -LiteralPath (Join-Path $target 'aws_configs/accounts/111111111111/us-east-1/Vpcs.json') | Should -BeTrue
        $fromExport = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $target
        $live = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @Live
        $fromExport.Verdict | Should -Be $live.Verdict
        ($fromExport.ForwardPath -join ',') | Should -Be ($live.ForwardPath -join ',')
        ($fromExport.ReturnPath -join ',') | Should -Be ($live.ReturnPath -join ',')
        $text = Get-ChildItem -Recurse -File $target | Get-Content -Raw | Out-String
        $text | Should -Not -Match ([regex]::Escape($LiveKeys.SecretKey))
        $text | Should -Not -Match '127\.0\.0\.1'
    }

    It '-Redact leaves out tags and descriptions' {
        $target = Join-Path $TestDrive 'redacted'
        $summary = Export-PacketWalkSnapshot -Path $target @Live -Redact
        $summary.Redacted | Should -BeTrue
        $text = Get-ChildItem -Recurse -File $target | Get-Content -Raw | Out-String
        $text | Should -Not -Match '"Tags"'
        (Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $target).Verdict | Should -Be 'Reachable'
    }

    It 'exports several regions and the accounts of assumed roles into accounts/<account>/<region>' {
        $roles = Start-Ec2Stub -Snapshot $Seed -Arguments '--role-account', "222222222222=$Seed", '--role-account', "333333333333=$Seed"
        try {
            $target = Join-Path $TestDrive 'accounts'
            $summaries = @(Export-PacketWalkSnapshot -Path $target @LiveKeys -EndpointUrl $roles.Url -Region us-east-1, eu-west-1 `
                -AssumeRoleArn arn:aws:iam::222222222222:role/PacketWalkReader, arn:aws:iam::333333333333:role/PacketWalkReader)
            $summaries.Count | Should -Be 2
            foreach ($account in '222222222222', '333333333333') {
                foreach ($region in 'us-east-1', 'eu-west-1') {
                    Test-Path -LiteralPath (Join-Path $target "aws_configs/accounts/$account/$region/Subnets.json") | Should -BeTrue
                }
            }
            Test-Path -LiteralPath (Join-Path $target 'aws_configs/accounts/111111111111') | Should -BeFalse -Because "with -AssumeRoleArn only the roles' accounts are exported"
            $actions = Get-StubActions $roles
            $actions | Should -Contain 'AssumeRole'
            $actions | Where-Object { $_ -ne 'AssumeRole' } | ForEach-Object { $_ | Should -Match '^(Describe|Get|Search)[A-Za-z]+$' }
        }
        finally { Stop-Ec2Stub $roles }
    }

    It 'walks live with -AssumeRoleArn, reading as the caller and the role' {
        $roles = Start-Ec2Stub -Snapshot $Seed -Arguments '--role-account', "222222222222=$Seed"
        try {
            $r = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 @LiveKeys -EndpointUrl $roles.Url -AssumeRoleArn arn:aws:iam::222222222222:role/PacketWalkReader -Verbose 4>&1
            ($r | Where-Object { $_ -is [PacketWalk.Core.Walk.PacketPathResult] }).Verdict | Should -Be 'Reachable'
            $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $verbose | Should -Contain "Reading AWS as caller in us-east-1 at $($roles.Url)"
            $verbose | Should -Contain "Reading AWS as role arn:aws:iam::222222222222:role/PacketWalkReader in us-east-1 at $($roles.Url)"
        }
        finally { Stop-Ec2Stub $roles }
    }

    It '-VpcId exports only that VPC' {
        $target = Join-Path $TestDrive 'one-vpc'
        $summary = Export-PacketWalkSnapshot -Path $target -VpcId vpc-0a000000000000001 @Live
        $summary.Vpcs | Should -Be 1
        (Import-PacketWalkSnapshot -Path $target -WarningAction SilentlyContinue).Vpcs | Should -Be 1
    }
}
