using System.Management.Automation;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Tests whether a packet gets from a source to a destination and back, in live AWS (read-only calls) or a saved snapshot.</para>
/// <para type="description">Writes one PacketPathResult per walk (Verdict, BlockedAt, Reason, ForwardPath, ReturnPath, Hops). With -Quiet, writes only the Reachable boolean.
/// With -AllBlockers the walk also goes on past each block as if it had been fixed, forward and return, and lists every check that would block in Blockers
/// (path order; the first decides Verdict); a block whose fix changes the path (a missing route) ends the list. Pipe the result to Get-PacketPathFix for the changes.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PacketPath", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(PacketPathResult), typeof(bool))]
public sealed class TestPacketPathCommand : PacketPathCommandBase
{
    /// <summary>Write only $true (reachable) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>List every blocker on the path (Blockers), not only the first.</summary>
    [Parameter]
    public SwitchParameter AllBlockers { get; set; }

    protected override bool WalkAllBlockers => AllBlockers.IsPresent;

    protected override void Emit(PacketPathResult result)
    {
        if (Quiet) WriteObject(result.Reachable);
        else WriteObject(result);
    }
}
