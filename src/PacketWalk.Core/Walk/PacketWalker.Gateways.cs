using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// The route targets of a VPC (§0 step 5) and the two ways a packet comes into a VPC from outside it: through a
// gateway whose edge-associated route table may steer it (R-RT-11), or straight to the destination by the local route.
public sealed partial class PacketWalker
{
    /// <summary>Step 5 for the VPC's own gateways and middleboxes; the packet moves on to that component.</summary>
    private LegOutcome RouteToVpcTarget(WalkDirection direction, Subnet subnet, Route route, RouteTable table, Packet packet, Trace trace, int budget) =>
        route.TargetType switch
        {
            RouteTargetType.InternetGateway => ExitThroughInternetGateway(direction, subnet, route, packet, trace, budget),
            RouteTargetType.EgressOnlyInternetGateway => ExitThroughEgressOnlyGateway(direction, subnet, route, packet, trace, budget),
            RouteTargetType.NatGateway => ThroughNatGateway(direction, subnet, route, packet, trace, budget),
            RouteTargetType.VpcPeering => ThroughPeering(direction, subnet, route, packet, trace, budget),
            RouteTargetType.VpcEndpoint => ToVpcEndpoint(direction, subnet, route, table, packet, trace),
            RouteTargetType.NetworkInterface or RouteTargetType.Instance => ToAppliance(direction, subnet, route, packet, trace, budget),
            _ => throw new InvalidOperationException($"{route.TargetType} is not a VPC target"),
        };

    /// <summary>
    /// The packet comes into <paramref name="vpcId"/> from outside it (internet gateway, peering connection, egress-only
    /// gateway, gateway endpoint). No source subnet is left, so only the destination subnet's inbound rules apply (R-NACL-5),
    /// and the VPC router delivers by the local route: no subnet route table is consulted on the way in.
    /// </summary>
    private LegOutcome EnterVpcLocally(WalkDirection direction, string vpcId, Packet packet, Trace trace, string via)
    {
        var target = _model.NetworkInterfacesWithAddress(packet.Destination).FirstOrDefault(e => e.VpcId == vpcId);
        if (target is null)
            return StopAt(direction, HopStep.Destination, trace, packet, null, null, OutcomeKind.Unknown, vpcId, "UNKNOWN_DESTINATION",
                $"no interface in {vpcId} has {packet.Destination}",
                $"The packet enters {vpcId} from {via}, but no network interface in {vpcId} has the address {packet.Destination} in the snapshot.");
        var subnet = _model.Subnets[target.SubnetId];
        var inbound = CheckNacl(direction, subnet, RuleDirection.Inbound, packet, trace, why: $"entering {vpcId} from {via}");
        if (inbound.Stop is { } stop) return stop;
        return Deliver(direction, target, inbound.Packet, trace);
    }

    /// <summary>
    /// In through an internet gateway or virtual private gateway: its edge-associated gateway route table, if any, may send
    /// the packet to an appliance ENI instead of the destination (R-RT-11); without one the local route delivers.
    /// </summary>
    private LegOutcome EnterThroughGateway(WalkDirection direction, string gatewayId, string vpcId, Packet packet, Trace trace, int budget)
    {
        var table = _model.RouteTableForGateway(gatewayId);
        if (table is null) return EnterVpcLocally(direction, vpcId, packet, trace, gatewayId);
        var lookup = RouteResolver.Lookup(_model, table, packet.Destination);
        var route = lookup.Route;
        if (route is null)
            return StopAt(direction, HopStep.GatewayRouteTable, trace, packet, null, null, OutcomeKind.Blocked, table.RouteTableId, "NO_ROUTE_TO_DESTINATION",
                $"no route matches {packet.Destination} (gateway route table of {gatewayId})",
                $"The gateway route table {table.RouteTableId} of {gatewayId} has no route to {packet.Destination}.", routeTableId: table.RouteTableId);
        var ruleText = $"{route.Text} (gateway route table of {gatewayId})";
        if (route.IsBlackhole)
            return StopAt(direction, HopStep.GatewayRouteTable, trace, packet, null, null, OutcomeKind.Blocked, table.RouteTableId, "BAD_STATE_ROUTE", ruleText,
                $"The route {route.DestinationText} in the gateway route table {table.RouteTableId} is a blackhole: its target is not available.", routeTableId: table.RouteTableId);
        trace.Hops.Add(Hop(direction, HopStep.GatewayRouteTable, null, null, packet, HopDecision.Forward, table.RouteTableId, ruleText, null,
            "an edge-associated route table steers traffic coming in through the gateway (R-RT-11)", routeTableId: table.RouteTableId, vpcId: vpcId));
        switch (route.TargetType)
        {
            case RouteTargetType.Local:
                return EnterVpcLocally(direction, vpcId, packet, trace, gatewayId);
            case RouteTargetType.NetworkInterface:
            case RouteTargetType.Instance:
                return ToAppliance(direction, null, route, packet, trace, budget - 1);
            case RouteTargetType.VpcEndpoint:
                // R-GWLB-1: a Gateway Load Balancer endpoint; what the appliances behind it do is not walked.
                return StopAt(direction, HopStep.GatewayRouteTable, trace, packet, null, null, OutcomeKind.Unknown, route.TargetId!, "PATH_THROUGH_GWLB_NOT_CHECKED", ruleText,
                    $"{table.RouteTableId} sends the traffic to {route.TargetId}, a Gateway Load Balancer endpoint; PacketWalk does not follow the path through the load balancer and its appliances (R-GWLB-1).",
                    vpceId: route.TargetId, routeTableId: table.RouteTableId);
            default:
                // R-RT-11: a gateway route table may only target local, an ENI or a GWLB endpoint.
                return StopAt(direction, HopStep.GatewayRouteTable, trace, packet, null, null, OutcomeKind.Unknown, table.RouteTableId, "UNSUPPORTED_COMPONENT", ruleText,
                    $"The gateway route table {table.RouteTableId} routes to {route.TargetId} ({route.TargetType}); a gateway route table can target only local, a network interface or a Gateway Load Balancer endpoint (R-RT-11).",
                    routeTableId: table.RouteTableId);
        }
    }

    /// <summary>
    /// An interface receives a packet addressed to one of its addresses. A NAT gateway maps a reply back to the client it
    /// translated (R-NAT-1) and, having no security groups, accepts what is addressed to it; an interface that is not the
    /// leg's target but has the same address got the packet by mistake: routing is by longest prefix only (R-PCX-5).
    /// Null when ordinary delivery applies.
    /// </summary>
    private LegOutcome? ArriveAtInterface(WalkDirection direction, NetworkInterface target, Packet packet, Trace trace)
    {
        if (_addresses.NatGatewayOf(target) is { } nat)
        {
            var mapping = direction == WalkDirection.Return
                ? trace.ForwardTranslations.LastOrDefault(t => t.NatGatewayId == nat.NatGatewayId && t.TranslatedSource == packet.Destination) : null;
            if (mapping is not null) return ReverseNatTranslation(nat, target, mapping, packet, trace);
            if (direction == WalkDirection.Forward && trace.EnteredVpc is { Via: "internet-gateway" } entered && entered.VpcId == target.VpcId)
                // A NAT gateway translates connections its VPC opens; it accepts none the internet starts (R-NAT-1).
                return StopAt(direction, HopStep.NatGateway, trace, packet, _model.Subnets[target.SubnetId], target, OutcomeKind.Blocked, nat.NatGatewayId,
                    "NGW_UNSOLICITED_INBOUND", $"{packet.Destination} is {nat.NatGatewayId}'s address",
                    $"{nat.NatGatewayId} translates only connections opened from its side; a connection the internet starts to its address {packet.Destination} is dropped (R-NAT-1).",
                    natId: nat.NatGatewayId);
            if (trace.Target?.Interface == target) return DeliverWithoutSecurityGroups(direction, target, packet, trace, "a NAT gateway has no security groups (R-NAT-2)");
        }
        if (trace.Target is { Kind: EndpointKind.Interface, Interface: { } expected } && expected.NetworkInterfaceId != target.NetworkInterfaceId)
        {
            var subnet = _model.Subnets[target.SubnetId];
            trace.AddToPath(target.NetworkInterfaceId);
            return StopAt(direction, HopStep.Destination, trace, packet, subnet, target, OutcomeKind.Blocked, target.NetworkInterfaceId, "DELIVERED_TO_OTHER_INTERFACE",
                $"{packet.Destination} is also an address of {target.NetworkInterfaceId}",
                direction == WalkDirection.Return
                    ? $"The reply to {packet.Destination} is routed by longest prefix to {target.NetworkInterfaceId} in {target.VpcId}, not back to {expected.NetworkInterfaceId} in {expected.VpcId}: replies are not routed \"back where they came from\" (R-PCX-5)."
                    : $"The packet to {packet.Destination} is routed to {target.NetworkInterfaceId} in {target.VpcId}, not to {expected.NetworkInterfaceId} in {expected.VpcId}, which has the same address.");
        }
        return null;
    }

    /// <summary>Delivery to an AWS-managed interface without security groups: the subnet's NACL was the only filter.</summary>
    private LegOutcome DeliverWithoutSecurityGroups(WalkDirection direction, NetworkInterface target, Packet packet, Trace trace, string why)
    {
        var subnet = _model.Subnets[target.SubnetId];
        var natId = _addresses.NatGatewayOf(target)?.NatGatewayId;
        trace.Hops.Add(Hop(direction, HopStep.SecurityGroupIngress, target, subnet, packet, HopDecision.Info, target.NetworkInterfaceId, "no security groups", null, why, natGatewayId: natId));
        trace.AddToPath(target.NetworkInterfaceId);
        trace.Hops.Add(Hop(direction, HopStep.Destination, target, subnet, packet, HopDecision.Deliver, target.NetworkInterfaceId,
            $"delivered to {target.NetworkInterfaceId}{(natId is null ? "" : $" ({natId})")}", null, null, natGatewayId: natId));
        return new LegOutcome(OutcomeKind.Delivered, trace, packet)
        {
            DeliveredTo = target,
            Reached = new Terminus(TerminusKind.Interface, target.NetworkInterfaceId) { Interface = target, VpcId = target.VpcId, Zone = _model.ZoneOf(target) },
        };
    }

    /// <summary>A stop with a hop that names the deciding component; the gateway counterpart of StopWithHop.</summary>
    private LegOutcome StopAt(WalkDirection direction, HopStep step, Trace trace, Packet packet, Subnet? subnet, NetworkInterface? eni, OutcomeKind kind,
        string at, string reason, string rule, string explanation, string? note = null, string? routeTableId = null, string? peeringId = null,
        string? igwId = null, string? eigwId = null, string? natId = null, string? vpceId = null, string? transitGatewayId = null, string? attachmentId = null,
        string? vpcId = null)
    {
        var decision = kind switch
        {
            OutcomeKind.Unknown => HopDecision.Unknown,
            OutcomeKind.Ambiguous => HopDecision.Ambiguous,
            _ => reason switch
            {
                "NO_ROUTE_TO_DESTINATION" => HopDecision.NoRoute,
                "BAD_STATE_ROUTE" => HopDecision.Blackhole,
                _ => HopDecision.Deny,
            },
        };
        trace.Hops.Add(Hop(direction, step, eni, subnet, packet, decision, at, rule, reason, note ?? explanation,
            routeTableId: routeTableId, peeringId: peeringId, internetGatewayId: igwId, egressOnlyId: eigwId, natGatewayId: natId, vpcEndpointId: vpceId,
            transitGatewayId: transitGatewayId, attachmentId: attachmentId, vpcId: vpcId));
        return Stop(kind, trace, packet, at, reason, rule, explanation);
    }

    /// <summary>"10.0.1.5:32768-60999" for port protocols, the bare address otherwise.</summary>
    private static string AddressText(IpAddress address, PortSet ports, int protocol) =>
        IpProtocol.HasPorts(protocol) ? (address.IsV6 ? $"[{address}]:{ports}" : $"{address}:{ports}") : address.ToString();
}
