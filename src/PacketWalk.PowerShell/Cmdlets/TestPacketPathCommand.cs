using System.Management.Automation;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Tests whether a packet gets from a source to a destination and back, in live AWS (read-only calls) or a saved snapshot.</para>
/// <para type="description">Writes one PacketPathResult per walk (Verdict, BlockedAt, Reason, ForwardPath, ReturnPath, Hops). With -Quiet, writes only the Reachable boolean.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PacketPath", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(PacketPathResult), typeof(bool))]
public sealed class TestPacketPathCommand : PacketPathCommandBase
{
    /// <summary>Write only $true (reachable) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void Emit(PacketPathResult result)
    {
        if (Quiet) WriteObject(result.Reachable);
        else WriteObject(result);
    }
}
