using System.Management.Automation;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Walks a packet hop by hop through live AWS (read-only) or a saved snapshot and writes every hop.</para>
/// <para type="description">Writes one PacketHop per check on the path, forward then return. A blocked packet is a normal result: its deciding hop has Decision Deny, NoRoute or Blackhole.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PacketPath", DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(PacketHop))]
public sealed class GetPacketPathCommand : PacketPathCommandBase
{
    protected override void Emit(PacketPathResult result)
    {
        foreach (var hop in result.Hops.Where(h => h.Direction == WalkDirection.Forward)) WriteObject(hop);
        foreach (var hop in result.Hops.Where(h => h.Direction == WalkDirection.Return)) WriteObject(hop);
    }
}
