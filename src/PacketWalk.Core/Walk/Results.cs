using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Enum values are pinned: ConvertTo-Json without -EnumsAsStrings writes the numbers, and docs/verdict-schema.json
// documents them. Add new members with new numbers at the end of the list of values; never renumber.

public enum WalkDirection { Forward = 0, Return = 1 }

/// <summary>
/// The outcome classes of a walk. Unknown: data is missing. Ambiguous: AWS behaviour (or the client's port choice) decides.
/// ReachableToEdge: the packet leaves the estate at a VPN or Direct Connect gateway attachment or a virtual private gateway
/// and its reply, walked back in from there, gets home; whether on-premises answers is out of scope (R-TGW-20). It is not
/// <see cref="PacketPathResult.Reachable"/>, which means delivered end to end.
/// </summary>
public enum PathVerdict { Reachable = 0, Blocked = 1, Unknown = 2, Ambiguous = 3, ReachableToEdge = 4 }

/// <summary>What one hop decided.</summary>
public enum HopDecision
{
    /// <summary>A filter (security group, NACL) let the packet through.</summary>
    Allow = 0,
    /// <summary>A filter dropped the packet.</summary>
    Deny = 1,
    /// <summary>A route or gateway sent the packet on.</summary>
    Forward = 2,
    /// <summary>The packet reached its destination interface.</summary>
    Deliver = 3,
    /// <summary>No route matched.</summary>
    NoRoute = 4,
    /// <summary>The matching route is a blackhole.</summary>
    Blackhole = 5,
    /// <summary>The snapshot lacks what this hop needs.</summary>
    Unknown = 6,
    /// <summary>AWS may do either; the alternatives are named.</summary>
    Ambiguous = 7,
    /// <summary>A note on the path that decides nothing (stateful return, skipped check).</summary>
    Info = 8,
}

/// <summary>The kind of check a hop made, in the seed's words.</summary>
public enum HopStep
{
    SourceInterface = 0,
    SecurityGroupEgress = 1,
    SecurityGroupIngress = 2,
    SourceDestinationCheck = 3,
    SameSubnet = 4,
    RouteLookup = 5,
    NaclOutbound = 6,
    NaclInbound = 7,
    TgwAttachmentEntry = 8,
    TgwRouteTable = 9,
    TgwAttachmentExit = 10,
    TgwPeering = 11,
    VpcPeering = 12,
    InternetGateway = 13,
    EgressOnlyInternetGateway = 14,
    NatGateway = 15,
    GatewayEndpoint = 16,
    InterfaceEndpoint = 17,
    Appliance = 18,
    GatewayRouteTable = 19,
    Edge = 20,
    Destination = 21,
    /// <summary>The policy table of the arrival attachment picked the route table (policy-based routing, R-TGW-22); between TgwAttachmentEntry and TgwRouteTable on the path.</summary>
    TgwPolicyTable = 22,
}

/// <summary>
/// One check on the path, flat and scalar so Export-Csv gives one clean row per hop. Resource ids use the
/// AWS SDK's property names so hops pipe by property name into AWS.Tools cmdlets.
/// </summary>
public sealed class PacketHop
{
    public WalkDirection Direction { get; init; }
    public int Sequence { get; set; }
    public HopStep Step { get; init; }
    /// <summary>The id of the resource that made the decision (ENI, NACL, route table, attachment, …).</summary>
    public string? Component { get; init; }
    public HopDecision Decision { get; init; }
    /// <summary>The deciding rule or route in the console's words, e.g. "rule 100 allow all 0.0.0.0/0".</summary>
    public string? Rule { get; init; }
    /// <summary>A Reachability Analyzer explanation code where one fits.</summary>
    public string? Reason { get; init; }
    public string? Note { get; init; }

    public string? Region { get; init; }
    public string? OwnerId { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string? AvailabilityZone { get; init; }
    /// <summary>The AZ id of <see cref="AvailabilityZone"/> (the same zone in every account), when the snapshot has it.</summary>
    public string? AvailabilityZoneId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public string? InstanceId { get; init; }
    public string? GroupId { get; init; }
    public string? NetworkAclId { get; init; }
    public string? RouteTableId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? TransitGatewayAttachmentId { get; init; }
    public string? TransitGatewayRouteTableId { get; init; }
    public string? TransitGatewayPolicyTableId { get; init; }
    public string? VpcPeeringConnectionId { get; init; }
    public string? InternetGatewayId { get; init; }
    public string? EgressOnlyInternetGatewayId { get; init; }
    public string? NatGatewayId { get; init; }
    public string? VpcEndpointId { get; init; }
    public string? VpnGatewayId { get; init; }
    public string? VpnConnectionId { get; init; }

    /// <summary>The packet as it is at this hop (after any translation so far).</summary>
    public string SourceAddress { get; init; } = "";
    public string DestinationAddress { get; init; } = "";
    public string Protocol { get; init; } = "";
    public string? SourcePort { get; init; }
    public string? DestinationPort { get; init; }

    /// <summary>True for a hop that let the packet continue (allow, forward, deliver, info).</summary>
    public bool Passed => Decision is HopDecision.Allow or HopDecision.Forward or HopDecision.Deliver or HopDecision.Info;

    public override string ToString() => $"{Direction} {Sequence} {Step} {Component} {Decision} {Rule}";
}

/// <summary>The verdict of one walk, forward and return. Runbooks branch on these property names: keep them.</summary>
public sealed class PacketPathResult
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string SourceAddress { get; init; } = "";
    public string DestinationAddress { get; init; } = "";
    public string Protocol { get; init; } = "";
    public int? Port { get; init; }
    public string? SourcePort { get; init; }
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }

    public PathVerdict Verdict { get; init; }
    public bool Reachable => Verdict == PathVerdict.Reachable;
    public WalkDirection? BlockedDirection { get; init; }
    /// <summary>The deciding resource: NACL id, ENI id (SG drop), rtb-/tgw-rtb- id (no route, blackhole), tgw-attach- id (AZ).</summary>
    public string? BlockedAt { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? Explanation { get; init; }

    /// <summary>The ENIs that received the packet, in order, like the seed's "Forward:" line.</summary>
    public IReadOnlyList<string> ForwardPath { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ReturnPath { get; init; } = Array.Empty<string>();
    /// <summary>
    /// For <see cref="PathVerdict.ReachableToEdge"/>: where the packet leaves the estate — a VPN or Direct Connect gateway
    /// attachment (tgw-attach-) or a virtual private gateway (vgw-); several, comma-separated, when ECMP spreads the flow.
    /// </summary>
    public string? EdgeId { get; init; }
    /// <summary>Client ports for which replies get back, when the return path narrows the ephemeral range.</summary>
    public string? ReturnPortsAllowed { get; init; }
    /// <summary>Informational codes and notes (AVAILABILITY_ZONE_CROSSED, ambiguity alternatives, …).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
    public IReadOnlyList<PacketHop> Hops { get; init; } = Array.Empty<PacketHop>();
    public string? Region { get; init; }

    /// <summary>
    /// With <see cref="WalkRequest.AllBlockers"/>: every check that would block, in path order, from a walk that went on
    /// past each filter as if it had been fixed. The first one is the one that decides <see cref="Verdict"/>. Empty otherwise.
    /// </summary>
    public IReadOnlyList<PacketBlocker> Blockers { get; internal set; } = Array.Empty<PacketBlocker>();
    /// <summary>
    /// With AllBlockers: true when the walk past the blockers reached the destination and came back, so the list is
    /// complete; false when it stopped (a block that changes the path, missing data, AWS's choice). Null without AllBlockers.
    /// </summary>
    public bool? BlockersComplete { get; internal set; }
    /// <summary>With AllBlockers, when the list is not complete: where and why the walk past the blockers stopped.</summary>
    public string? BlockersIncompleteReason { get; internal set; }
    /// <summary>The blockers on one line ("eni-… ENI_SG_RULES_MISMATCH; acl-… SUBNET_ACL_RESTRICTION"), for Export-Csv.</summary>
    public string? BlockersText => BlockersComplete is null ? null : string.Join("; ", Blockers.Select(b => $"{b.Component} {b.Reason}"));
    /// <summary>What was walked, as the engine received it (a method, so it stays out of the JSON verdict contract).</summary>
    internal WalkRequest? Request { get; set; }
    /// <summary>What was walked, as the engine received it; null for a result built elsewhere.</summary>
    public WalkRequest? GetRequest() => Request;

    /// <summary>The model the walk ran on, so a fix can be planned from the result alone (Get-PacketPathFix).</summary>
    internal Snapshot.NetworkModel? Model { get; set; }
    /// <summary>The model this walk ran on; null for a result built elsewhere.</summary>
    public Snapshot.NetworkModel? GetModel() => Model;

    /// <summary>Every blocker the walk met (walk-on mode: all of them; otherwise the one that stopped it).</summary>
    internal IReadOnlyList<PacketBlocker> LegBlockers { get; set; } = Array.Empty<PacketBlocker>();
    /// <summary>Forward destination ports a filter removed, with the hop that removed them (Get-ReachablePort).</summary>
    internal IReadOnlyList<PortDrop> ForwardPortDrops { get; set; } = Array.Empty<PortDrop>();
    /// <summary>The forward destination ports still in the packet where the forward leg ended.</summary>
    internal PortSet ForwardRemainingPorts { get; set; } = PortSet.Empty;
    /// <summary>The client's ephemeral range (by the source instance's platform), for NACL fixes on the reply.</summary>
    internal PortRange ClientEphemeralRange { get; set; } = PacketWalker.LinuxEphemeral;

    public string ForwardPathText => string.Join(" -> ", ForwardPath);
    public string ReturnPathText => string.Join(" -> ", ReturnPath);

    public override string ToString() => $"{Source} -> {Destination} {Protocol}/{Port}: {Verdict}{(BlockedAt is null ? "" : $" at {BlockedAt} ({Reason})")}{(EdgeId is null ? "" : $" via {EdgeId}")}";
}

/// <summary>Bad walk input (unknown source, ambiguous IP, bad port): the cmdlet turns it into an error record.</summary>
public sealed class WalkInputException : Exception
{
    public WalkInputException(string errorId, string message, string? target = null) : base(message) { ErrorId = errorId; Target = target; }
    public string ErrorId { get; }
    public string? Target { get; }
}

public static class WalkErrorIds
{
    public const string EndpointNotFound = "PacketWalkEndpointNotFound";
    public const string EndpointAmbiguous = "PacketWalkEndpointAmbiguous";
    public const string InvalidEndpoint = "PacketWalkInvalidEndpoint";
    public const string InvalidPacket = "PacketWalkInvalidPacket";
}

/// <summary>What to walk: the cmdlet parameters, already bound.</summary>
public sealed record WalkRequest
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    /// <summary>IP protocol number; -1 is not allowed for a packet.</summary>
    public int Protocol { get; init; } = IpProtocol.Tcp;
    public int? Port { get; init; }
    public int? SourcePort { get; init; }
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }
    /// <summary>
    /// For tcp/udp: walk a set of destination ports at once instead of <see cref="Port"/> (Get-ReachablePort). Filters
    /// narrow the set; the result accounts for every port.
    /// </summary>
    public PortSet? DestinationPorts { get; init; }
    /// <summary>
    /// Walk on past each block as if it had been fixed and list every check that would block, forward and return
    /// (<see cref="PacketPathResult.Blockers"/>). The verdict is still decided by the first blocker.
    /// </summary>
    public bool AllBlockers { get; init; }
    /// <summary>Disambiguates a source IP that exists in several VPCs.</summary>
    public string? SourceVpcId { get; init; }
    public string? DestinationVpcId { get; init; }
    /// <summary>
    /// The source address, as Reachability Analyzer's SourceIp: picks one of an interface's addresses, and is required
    /// when the source is an internet gateway, a transit gateway attachment or a virtual private gateway.
    /// </summary>
    public string? SourceIp { get; init; }
    /// <summary>The destination address, as Reachability Analyzer's DestinationIp (see <see cref="SourceIp"/>).</summary>
    public string? DestinationIp { get; init; }
}
