#Requires -Version 7.4
<#
.SYNOPSIS
    Runbook step: is Destination reachable from Source on this port? Answers with the exit code.

.DESCRIPTION
    Walks one packet with PacketWalk over a saved snapshot, writes the verdict as JSON (docs/verdict-schema.md) to
    standard output, and exits with:

        0  Reachable
        1  Blocked            (the JSON says where: BlockedDirection, BlockedAt, Reason, Rule)
        2  Unknown/Ambiguous/ReachableToEdge  (the snapshot lacks something, the answer depends on the client port or
                              on AWS, or the path leaves AWS at a VPN/Direct Connect edge PacketWalk cannot see past)
        3  the question could not be asked: unknown id, bad port, unreadable snapshot, PacketWalk not found

    Run it with pwsh -File so the exit code reaches the caller (a CI job, SSM Run Command, a scheduler).

.EXAMPLE
    pwsh -NoProfile -File ./examples/Test-Reachability.ps1 -Source i-0a00000000000000a -Destination i-0b00000000000000b -Port 443 -Snapshot ./out/PacketWalk/samples/seed
    echo "exit code: $?"
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$Source,
    [Parameter(Mandatory)][string]$Destination,
    [Parameter(Mandatory)][string]$Snapshot,
    [string]$Protocol = 'tcp',
    [Nullable[int]]$Port,
    # Where PacketWalk is: by default the installed module, else the one ./build.ps1 laid out next to this repository.
    [string]$ModulePath
)

$ErrorActionPreference = 'Stop'
try {
    if (-not $ModulePath) {
        $ModulePath = if (Get-Module -ListAvailable PacketWalk) { 'PacketWalk' } else { Join-Path $PSScriptRoot '../out/PacketWalk/PacketWalk.psd1' }
    }
    Import-Module $ModulePath
    $walk = @{ Source = $Source; Destination = $Destination; Protocol = $Protocol; Snapshot = $Snapshot }
    if ($null -ne $Port) { $walk.Port = $Port }
    # -ErrorAction Stop: bad input (PacketWalkEndpointNotFound, PacketWalkPortRequired, ...) throws instead of
    # quietly writing nothing, so it cannot be mistaken for "not reachable".
    $result = Test-PacketPath @walk -ErrorAction Stop
}
catch {
    $Host.UI.WriteErrorLine("PacketWalk could not walk: $($_.FullyQualifiedErrorId): $($_.Exception.Message)")
    exit 3
}

$result | ConvertTo-Json -Depth 5 -EnumsAsStrings
switch ($result.Verdict.ToString()) {
    'Reachable' { exit 0 }
    'Blocked' { exit 1 }
    default { exit 2 }
}
