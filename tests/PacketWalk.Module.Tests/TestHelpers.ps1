# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the BUILT module by path and names the sample folders.
# build.ps1 sets PACKETWALK_MODULE_PATH to out/PacketWalk/PacketWalk.psd1; running Pester by hand, set it yourself.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:PACKETWALK_MODULE_PATH) { $env:PACKETWALK_MODULE_PATH } else { Join-Path $script:RepoRoot 'out/PacketWalk/PacketWalk.psd1' }
if (-not (Test-Path -LiteralPath $script:ModulePath)) { throw "Built module not found at $script:ModulePath: run ./build.ps1 Build first." }
Import-Module $script:ModulePath -Force -ErrorAction Stop

$script:ModuleBase = Split-Path -Parent $script:ModulePath
$script:Seed = Join-Path $script:ModuleBase 'samples/seed'
$script:BadSnapshots = Join-Path $script:RepoRoot 'tests/bad-snapshots'

# The seed walk (Packet Walking in AWS, part 3): HOST-A -> HOST-B tcp/443.
$script:HostA = 'i-0a00000000000000a'
$script:HostB = 'i-0b00000000000000b'
$script:SeedForward = 'Forward: eni-084d826e4b1e0e190 -> eni-02632fc1186f1e023 -> eni-09cd3bddbd4bb7b1b -> eni-0092f8e2d29917a4c'
$script:SeedReturn = 'Return: eni-0092f8e2d29917a4c -> eni-05888d6f1ed0595bb -> eni-062a260949710dda8 -> eni-084d826e4b1e0e190'

# ---- live AWS tests: the tests' own EC2 endpoint on 127.0.0.1 and child pwsh processes -------------------------------
$script:StubDll = $env:PACKETWALK_EC2STUB
$script:LiveKeys = @{ AccessKey = 'testing'; SecretKey = 'PacketWalkTestSecret-9f3c'; Region = 'us-east-1' }

function Start-Ec2Stub {
    # Starts tests/PacketWalk.Ec2Stub on a free port of 127.0.0.1 serving a snapshot; returns @{ Url; Process }.
    param([Parameter(Mandatory)][string]$Snapshot, [string[]]$Arguments = @())
    if (-not $script:StubDll -or -not (Test-Path -LiteralPath $script:StubDll)) { throw 'PACKETWALK_EC2STUB is not set: run the tests through ./build.ps1 Test.' }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($script:StubDll, '--snapshot', $Snapshot) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch '^LISTENING (http://127\.0\.0\.1:\d+/)$') { $process.Kill(); throw "The EC2 stub did not start: '$line'" }
    return @{ Url = $Matches[1]; Process = $process }
}

function Stop-Ec2Stub {
    param($Stub)
    if ($null -eq $Stub) { return }
    try { $Stub.Process.StandardInput.Close() } catch { }
    if (-not $Stub.Process.WaitForExit(5000)) { $Stub.Process.Kill() }
}

function Get-StubActions {
    # Every Action the stub received, in order.
    param($Stub)
    @((Invoke-RestMethod -Uri ($Stub.Url + '__requests')) | ForEach-Object Action)
}

function Invoke-PwshScript {
    # Runs a script in a fresh pwsh (the same executable as this one); returns its output lines and exit code.
    param([Parameter(Mandatory)][string]$Script)
    $file = Join-Path ([IO.Path]::GetTempPath()) ("pw-child-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    try {
        $exe = [Environment]::ProcessPath
        $output = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
            & $exe (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1
        } else {
            & $exe -NoProfile -NonInteractive -File $file 2>&1
        }
        return @{ Output = @($output | ForEach-Object { "$_" }); ExitCode = $LASTEXITCODE }
    }
    finally { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
}

function Start-MotoServer {
    # moto_server on a free 127.0.0.1 port, its output in the test drive; returns @{ Process; Url } once it answers.
    # -Environment is set only while the process starts (moto reads it at start-up).
    param([Parameter(Mandatory)][string]$Folder, [hashtable]$Environment = @{})
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $url = "http://127.0.0.1:$port"
    foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $process = Start-Process moto_server -ArgumentList '-H', '127.0.0.1', '-p', $port -PassThru -WorkingDirectory $Folder `
            -RedirectStandardOutput (Join-Path $Folder 'moto.out') -RedirectStandardError (Join-Path $Folder 'moto.err')
    }
    finally { foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $null) } }
    $up = $false
    for ($i = 0; $i -lt 100 -and -not $up; $i++) {
        try { $null = Invoke-WebRequest "$url/moto-api/" -TimeoutSec 1; $up = $true } catch { Start-Sleep -Milliseconds 200 }
    }
    if (-not $up) { throw "moto_server did not answer on $url" }
    @{ Process = $process; Url = $url }
}

function Publish-FlowLogBucket {
    # Bucket 'flowlogs' on the S3 stand-in at -Url, holding tests/flowlogs/s3-layout/AWSLogs under the same keys, plus
    # -ExtraObjects (key = text). Needs AWSSDK.S3 loaded.
    param([Parameter(Mandatory)][string]$Url, [string]$AccessKey = 'setup', [hashtable]$ExtraObjects = @{})
    $config = [Amazon.S3.AmazonS3Config]@{ ServiceURL = $Url; ForcePathStyle = $true; AuthenticationRegion = 'us-east-1' }
    $s3 = [Amazon.S3.AmazonS3Client]::new([Amazon.Runtime.BasicAWSCredentials]::new($AccessKey, $AccessKey), $config)
    try {
        $null = $s3.PutBucketAsync('flowlogs').GetAwaiter().GetResult()
        $root = Join-Path $RepoRoot 'tests/flowlogs/s3-layout'
        foreach ($file in Get-ChildItem (Join-Path $root 'AWSLogs') -Recurse -File) {
            $key = [IO.Path]::GetRelativePath($root, $file.FullName) -replace '\\', '/'
            $null = $s3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = 'flowlogs'; Key = $key; FilePath = $file.FullName }).GetAwaiter().GetResult()
        }
        foreach ($key in $ExtraObjects.Keys) {
            $null = $s3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = 'flowlogs'; Key = $key; ContentBody = $ExtraObjects[$key] }).GetAwaiter().GetResult()
        }
    }
    finally { $s3.Dispose() }
}
