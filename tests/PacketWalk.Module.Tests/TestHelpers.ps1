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
