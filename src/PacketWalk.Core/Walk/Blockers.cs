using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>
/// One check that blocks the path, from a walk that went on past each block as if it had been fixed
/// (<see cref="WalkRequest.AllBlockers"/>). Flat and scalar like <see cref="PacketHop"/>; the deciding hop is kept in
/// <see cref="Hop"/>. Resource ids carry the AWS SDK's property names so a blocker pipes into AWS.Tools cmdlets.
/// </summary>
public sealed class PacketBlocker
{
    /// <summary>1-based position along the walk: forward blockers first, then the reply's.</summary>
    public int Sequence { get; internal set; }
    public WalkDirection Direction { get; init; }
    public HopStep Step { get; init; }
    /// <summary>The deciding resource: ENI (security group), NACL, route table, TGW route table or attachment.</summary>
    public string? Component { get; init; }
    /// <summary>The deciding rule or route in the console's words.</summary>
    public string? Rule { get; init; }
    /// <summary>A Reachability Analyzer explanation code.</summary>
    public string Reason { get; init; } = "";
    public string? Explanation { get; init; }
    /// <summary>
    /// True for a filter (security group, NACL) the walk went past as if it allowed the packet. False where fixing the
    /// block changes the path (a missing route, a blackhole, no attachment in the AZ): the walk stopped there.
    /// </summary>
    public bool WalkedPast { get; init; }
    /// <summary>Why the walk stopped here, for a blocker it could not walk past.</summary>
    public string? Note { get; init; }
    /// <summary>For tcp/udp: the destination ports this check denies (the client's ports on the return path).</summary>
    public string? BlockedPorts { get; init; }

    public string? Region { get; init; }
    public string? OwnerId { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public string? GroupId { get; init; }
    public string? NetworkAclId { get; init; }
    public string? RouteTableId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? TransitGatewayAttachmentId { get; init; }
    public string? TransitGatewayRouteTableId { get; init; }

    /// <summary>The packet as it is at this check.</summary>
    public string SourceAddress { get; init; } = "";
    public string DestinationAddress { get; init; } = "";
    public string Protocol { get; init; } = "";
    public string? DestinationPort { get; init; }

    /// <summary>The hop that blocked, with every id and the packet headers.</summary>
    public PacketHop Hop { get; init; } = null!;

    /// <summary>The packet at the blocking check (addresses after translation, group identity, ICMP type), for fixes.</summary>
    internal Packet Packet { get; init; } = null!;
    /// <summary>The destination ports the check denies.</summary>
    internal PortSet DeniedPorts { get; init; } = PortSet.Empty;

    public override string ToString() => $"{Direction} {Step} {Component} {Reason}{(WalkedPast ? "" : " (walk stopped)")}";

    /// <summary>The hops of this leg up to and including the blocking one (a fix may depend on how the packet got here).</summary>
    internal IReadOnlyList<PacketHop> LegHops { get; init; } = Array.Empty<PacketHop>();

    internal static PacketBlocker From(Trace trace, PacketHop hop, Packet packet, PortSet denied, bool walkedPast, string reason, string? explanation, string? note) => new()
    {
        LegHops = trace.Hops.ToList(),
        Direction = hop.Direction,
        Step = hop.Step,
        Component = hop.Component,
        Rule = hop.Rule,
        Reason = reason,
        Explanation = explanation,
        WalkedPast = walkedPast,
        Note = note,
        BlockedPorts = IpProtocol.HasPorts(packet.Protocol) && !denied.IsEmpty ? denied.ToString() : null,
        Region = hop.Region,
        OwnerId = hop.OwnerId,
        VpcId = hop.VpcId,
        SubnetId = hop.SubnetId,
        NetworkInterfaceId = hop.NetworkInterfaceId,
        GroupId = hop.GroupId,
        NetworkAclId = hop.NetworkAclId,
        RouteTableId = hop.RouteTableId,
        TransitGatewayId = hop.TransitGatewayId,
        TransitGatewayAttachmentId = hop.TransitGatewayAttachmentId,
        TransitGatewayRouteTableId = hop.TransitGatewayRouteTableId,
        SourceAddress = hop.SourceAddress,
        DestinationAddress = hop.DestinationAddress,
        Protocol = hop.Protocol,
        DestinationPort = hop.DestinationPort,
        Hop = hop,
        Packet = packet,
        DeniedPorts = denied,
    };

    /// <summary>What the admin must know about a block the walk cannot go past: the rest of the path depends on the fix.</summary>
    internal static string PathDependsNote(string reason) => reason switch
    {
        "NO_ROUTE_TO_DESTINATION" or "TGW_RTB_CANNOT_ROUTE" =>
            "walking on would need a new route; the rest of the path depends on it",
        "BAD_STATE_ROUTE" or "TGW_RTB_BAD_STATE_ROUTE" =>
            "walking on would need this route to lead somewhere; the rest of the path depends on its new target",
        "TGW_ROUTE_AZ_RESTRICTION" =>
            "walking on would need an attachment subnet in this Availability Zone; the rest of the path depends on which subnet",
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION" =>
            "walking on would need a route-table association; the rest of the path depends on the table chosen",
        "BAD_STATE_ATTACHMENT" =>
            "walking on would need this attachment to be available; the rest of the path depends on it",
        _ => "fixing this changes the path; the rest of the path depends on the fix",
    };
}
