# PacketWalk ships AWSSDK.Core/EC2 and must load beside another module that already loaded (or later loads) a different
# AWS SDK v4 build, in either order. The other module here is a stand-in with AWS.Tools' manifest shape
# (RequiredAssemblies = AWSSDK.Core.dll, AWSSDK.EC2.dll) holding a second SDK build (AWSSDK.Core 4.0.102.18,
# AWSSDK.EC2 4.0.131; build.ps1 restores it). Each order runs in a fresh pwsh process.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if (-not $env:PACKETWALK_OTHER_AWSSDK_CORE -or -not (Test-Path -LiteralPath $env:PACKETWALK_OTHER_AWSSDK_CORE)) { throw 'PACKETWALK_OTHER_AWSSDK_CORE is not set: run the tests through ./build.ps1 Test.' }
    $script:OtherModule = Join-Path $TestDrive 'OtherSdkModule'
    $null = New-Item -ItemType Directory -Path $OtherModule
    Copy-Item -LiteralPath $env:PACKETWALK_OTHER_AWSSDK_CORE, $env:PACKETWALK_OTHER_AWSSDK_EC2 -Destination $OtherModule
    Set-Content -LiteralPath (Join-Path $OtherModule 'OtherSdkModule.psd1') -Value @'
@{ ModuleVersion = '1.0.0'; GUID = '5d1b6a3e-0c2f-4a4e-9d0b-6a1f2e3d4c5b'; RequiredAssemblies = @('AWSSDK.Core.dll', 'AWSSDK.EC2.dll')
   FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }
'@
    $script:Stub = Start-Ec2Stub -Snapshot $Seed

    # The script each child runs; ORDER picks the order. It prints KEY=VALUE lines the tests read.
    $script:ChildScript = @'
$ErrorActionPreference = 'Stop'
$walk = @{ Source = 'i-0a00000000000000a'; Destination = 'i-0b00000000000000b'; Port = 443; AccessKey = 'testing'; SecretKey = 'x'; Region = 'us-east-1'; EndpointUrl = '__URL__' }
function Sdk { ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' -and [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_) -eq [Runtime.Loader.AssemblyLoadContext]::Default }).Location }
if ('__ORDER__' -eq 'other-first') {
    Import-Module '__OTHER__'
    Import-Module '__MODULE__'
    "WALK1=$((Test-PacketPath @walk).Verdict)"
    $credential = [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'from-the-other-sdk')
    $walk.Remove('AccessKey'); $walk.Remove('SecretKey')
    "CREDENTIAL=$((Test-PacketPath @walk -Credential $credential).Verdict)"
}
else {
    Import-Module '__MODULE__'
    "SDK_AFTER_IMPORT=$(Sdk)"
    "WALK1=$((Test-PacketPath @walk).Verdict)"
    "SDK_AFTER_WALK=$(Sdk)"
    Import-Module '__OTHER__'
    "OTHER=imported"
    "WALK2=$((Test-PacketPath @walk).Verdict)"
    $instance = [Amazon.EC2.Model.Instance]::new(); $instance.InstanceId = 'i-0a00000000000000a'
    "PIPED=$(($instance | Test-PacketPath -Destination i-0b00000000000000b -Port 443 -AccessKey testing -SecretKey x -Region us-east-1 -EndpointUrl '__URL__').Verdict)"
}
"SDK=$(Sdk)"
exit 0
'@
    function script:Invoke-Order([string]$Order) {
        $script = $ChildScript.Replace('__ORDER__', $Order).Replace('__URL__', $Stub.Url).Replace('__OTHER__', (Join-Path $OtherModule 'OtherSdkModule.psd1')).Replace('__MODULE__', $ModulePath)
        $run = Invoke-PwshScript -Script $script
        $values = @{}
        foreach ($line in $run.Output) { if ($line -match '^([A-Z0-9_]+)=(.*)$') { $values[$Matches[1]] = $Matches[2] } }
        $values['EXIT'] = $run.ExitCode
        $values['TEXT'] = $run.Output -join "`n"
        return $values
    }
}

AfterAll {
    Stop-Ec2Stub $Stub
}

Describe 'Beside another module that loads a different AWS SDK v4 build' {
    It 'works when the other module was imported first, and binds to its SDK' {
        $r = Invoke-Order 'other-first'
        $r.EXIT | Should -Be 0 -Because $r.TEXT
        $r.WALK1 | Should -Be 'Reachable'
        $r.CREDENTIAL | Should -Be 'Reachable' -Because 'an AWSCredentials made with the other SDK is accepted'
        $r.SDK | Should -Be (Join-Path $OtherModule 'AWSSDK.Core.dll')
    }

    It 'works when PacketWalk was imported and used first, and the other module imports cleanly after it' {
        $r = Invoke-Order 'module-first'
        $r.EXIT | Should -Be 0 -Because $r.TEXT
        $r.SDK_AFTER_IMPORT | Should -BeNullOrEmpty -Because 'importing PacketWalk loads no AWS SDK'
        $r.WALK1 | Should -Be 'Reachable'
        $r.SDK_AFTER_WALK | Should -BeNullOrEmpty -Because "PacketWalk's own SDK copy stays out of the default load context"
        $r.OTHER | Should -Be 'imported'
        $r.WALK2 | Should -Be 'Reachable'
        $r.PIPED | Should -Be 'Reachable'
        $r.SDK | Should -Be (Join-Path $OtherModule 'AWSSDK.Core.dll')
    }

    It 'PacketWalk.dll itself references no AWS SDK assembly' {
        $names = (Get-Module PacketWalk).ImplementingAssembly.GetReferencedAssemblies().Name
        $names | Should -Contain 'PacketWalk.Core'
        $names | Where-Object { $_ -like 'AWSSDK*' -or $_ -eq 'PacketWalk.Aws' } | Should -BeNullOrEmpty
    }
}
