using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Regional NAT gateways (R-NAT-4/5): no subnet of their own, routes to them from any AZ, the source translated to the
// Elastic IP the gateway holds in the source's AZ, and their own route table (to the internet gateway) routing what they
// send. Zonal NAT gateways keep PacketWalker.Nat.cs.
public sealed partial class PacketWalker
{
    private LegOutcome ThroughRegionalNatGateway(WalkDirection direction, Subnet subnet, Route route, NatGateway nat, Packet packet, Trace trace, int budget)
    {
        var natId = nat.NatGatewayId;
        LegOutcome Halt(OutcomeKind kind, string reason, string rule, string explanation) =>
            StopAt(direction, HopStep.NatGateway, trace, packet, subnet, null, kind, natId, reason, rule, explanation, natId: natId);

        if (direction == WalkDirection.Return)
            return Halt(OutcomeKind.Blocked, "NGW_SOURCE_ADDRESS_REASSIGN", route.Text,
                $"{subnet.SubnetId} routes the reply to {packet.Destination} through {natId}, which would replace the source {packet.Source} with its own address: the client cannot match it to its connection.");
        var choice = RegionalNatSelector.ForSource(_model, nat, subnet);
        var zone = _model.ZoneOf(subnet);
        if (choice.ZoneUnknown)
            // R-AZ-1: whether the gateway holds an address in the source's AZ cannot be told.
            return Halt(OutcomeKind.Unknown, UnknownZoneReason, $"{natId} (regional): address for {zone.Text}?", choice.Problem!);
        if (!choice.Found)
            // R-NAT-5 with RA's REGIONAL_NGW_ROUTE_AZ_RESTRICTION: the gateway does not serve the source's AZ.
            return Halt(choice.Blocked ? OutcomeKind.Blocked : OutcomeKind.Unknown, "REGIONAL_NGW_ROUTE_AZ_RESTRICTION",
                $"{natId} (regional) has no address in {zone.Text}", choice.Problem!);
        var address = choice.Address!;
        if (address.PublicIp is not { } publicIp)
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text, $"The snapshot does not list the Elastic IP of {natId} in {zone.Text}.");

        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stopOut) return stopOut;
        packet = outbound.Packet;

        var ports = IpProtocol.HasPorts(packet.Protocol) ? PortSet.Of(new[] { NatGatewayPorts }) : packet.SourcePorts;
        var translated = packet with { Source = publicIp, SourcePorts = ports, SourceInterfaces = Array.Empty<NetworkInterface>() };
        trace.Translations.Add(new NatTranslation(natId, packet.Source, packet.SourcePorts, publicIp, ports));
        trace.Note($"{natId} (regional) translates {AddressText(packet.Source, packet.SourcePorts, packet.Protocol)} to {AddressText(publicIp, ports, packet.Protocol)}, its address in {zone.Text}"
            + (choice.Candidates.Count > 1 ? $" (one of {choice.Candidates.Count} there: {string.Join(", ", choice.Candidates.Select(c => c.PublicIp))})" : "")
            + (IpProtocol.HasPorts(packet.Protocol) ? " (REMAP_EPHEMERAL_PORT: replies come back to NAT ports 1024-65535)" : ""));
        var table = nat.RouteTableId is { } rtbId && _model.RouteTables.TryGetValue(rtbId, out var own) ? own : _model.RouteTableForGateway(natId);
        trace.AddToPath(natId);
        trace.Hops.Add(Hop(direction, HopStep.NatGateway, null, null, translated, HopDecision.Forward, natId,
            $"SNAT {AddressText(packet.Source, packet.SourcePorts, packet.Protocol)} -> {AddressText(publicIp, ports, packet.Protocol)} ({zone.Text} address)", null,
            $"regional NAT gateway: the source becomes its Elastic IP in the source's AZ {zone.Text} (R-NAT-5); it has no subnet, so no network ACL applies on its side (UNCONFIRMED); "
            + $"routed on by its own route table {table?.RouteTableId ?? nat.RouteTableId ?? "(not in the snapshot)"} (R-NAT-4)",
            natGatewayId: natId, vpcId: nat.VpcId));

        if (table is null)
            return StopAt(direction, HopStep.RouteLookup, trace, translated, null, null, OutcomeKind.Unknown, nat.RouteTableId ?? natId, "UNKNOWN_RESOURCE",
                "route table not in the snapshot", $"The route table of the regional NAT gateway {natId} ({nat.RouteTableId ?? "not named"}) is not in the snapshot, so where it sends the packet is unknown.",
                natId: natId);
        var lookup = RouteResolver.Lookup(_model, table, translated.Destination);
        if (lookup.Route is not { } next)
            return StopAt(direction, HopStep.RouteLookup, trace, translated, null, null, OutcomeKind.Blocked, table.RouteTableId, "NO_ROUTE_TO_DESTINATION",
                $"no route matches {translated.Destination} (route table of {natId})", $"Route table {table.RouteTableId} of the regional NAT gateway {natId} has no route to {translated.Destination}.",
                routeTableId: table.RouteTableId);
        var ruleText = $"{next.Text} (route table of {natId})";
        if (next.IsBlackhole)
            return StopAt(direction, HopStep.RouteLookup, trace, translated, null, null, OutcomeKind.Blocked, table.RouteTableId, "BAD_STATE_ROUTE", ruleText,
                $"The route {next.DestinationText} in {table.RouteTableId} is a blackhole: its target is not available.", routeTableId: table.RouteTableId);
        trace.Hops.Add(Hop(direction, HopStep.RouteLookup, null, null, translated, HopDecision.Forward, table.RouteTableId, ruleText, null,
            "the route table AWS created for the regional NAT gateway (R-NAT-4)", routeTableId: table.RouteTableId, vpcId: nat.VpcId));
        if (next.TargetType != RouteTargetType.InternetGateway)
            return StopAt(direction, HopStep.RouteLookup, trace, translated, null, null, OutcomeKind.Unknown, next.TargetId ?? table.RouteTableId, "UNSUPPORTED_COMPONENT", ruleText,
                $"{table.RouteTableId} sends what {natId} translated to {next.TargetId} ({next.TargetType}); PacketWalk follows a regional NAT gateway only to an internet gateway (regional NAT gateways are public only, R-NAT-4).",
                routeTableId: table.RouteTableId);
        if (!_model.InternetGateways.TryGetValue(next.TargetId!, out var igw) || !igw.AttachedVpcIds.Contains(nat.VpcId))
            return StopAt(direction, HopStep.InternetGateway, trace, translated, null, null, igw is null ? OutcomeKind.Unknown : OutcomeKind.Blocked, next.TargetId!,
                igw is null ? "UNKNOWN_RESOURCE" : "BAD_STATE_ATTACHMENT", ruleText,
                igw is null ? $"{next.TargetId} is not in the snapshot (describe-internet-gateways)." : $"{next.TargetId} is not attached to {nat.VpcId}.", igwId: next.TargetId);
        if (CheckBlockPublicAccess(direction, HopStep.InternetGateway, igw.InternetGatewayId, nat.VpcId, null, null, InternetPath.NatGateway, initiatedInside: true, translated, trace, subnetless: true) is { } blocked)
            return blocked;
        return EgressToInternet(direction, igw, nat.VpcId, translated, trace, budget);
    }

    /// <summary>The regional NAT gateway that holds <paramref name="publicIp"/> in <paramref name="vpcId"/>, if any.</summary>
    private NatGateway? RegionalNatHolding(IpAddress publicIp, string vpcId) =>
        _model.NatGateways.Values.FirstOrDefault(n => n.IsRegional && n.VpcId == vpcId && n.Addresses.Any(a => a.PublicIp == publicIp));

    /// <summary>
    /// The reply reaches the regional NAT gateway's Elastic IP through the internet gateway: the translation recorded on
    /// the way out is undone, and the gateway's route table (its local route) delivers to the client.
    /// </summary>
    private LegOutcome ReplyIntoRegionalNat(InternetGateway igw, string vpcId, NatGateway nat, NatTranslation mapping, Packet packet, Trace trace)
    {
        var igwId = igw.InternetGatewayId;
        if (CheckBlockPublicAccess(WalkDirection.Return, HopStep.InternetGateway, igwId, vpcId, null, null, InternetPath.NatGateway, initiatedInside: true, packet, trace, subnetless: true) is { } blocked)
            return blocked;
        trace.AddToPath(igwId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.InternetGateway, null, null, packet, HopDecision.Forward, igwId,
            $"{packet.Destination} is {nat.NatGatewayId}'s Elastic IP", null, "the reply goes to the regional NAT gateway that sent the request", internetGatewayId: igwId, vpcId: vpcId));
        if (IpProtocol.HasPorts(packet.Protocol) && !packet.DestinationPorts.Equals(mapping.TranslatedPorts))
            trace.NatPortNarrowing ??= (nat.NatGatewayId, packet.DestinationPorts, mapping.TranslatedPorts);
        var restored = packet with { Destination = mapping.OriginalSource, DestinationPorts = mapping.OriginalPorts };
        trace.AddToPath(nat.NatGatewayId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.NatGateway, null, null, restored, HopDecision.Forward, nat.NatGatewayId,
            $"reverse NAT {AddressText(packet.Destination, packet.DestinationPorts, packet.Protocol)} -> {AddressText(mapping.OriginalSource, mapping.OriginalPorts, packet.Protocol)}", null,
            "the reply matches the translation made on the way out and goes back to the client", natGatewayId: nat.NatGatewayId, vpcId: vpcId));
        trace.EnteredVpc = (vpcId, "regional-nat-gateway");
        var table = nat.RouteTableId is { } rtbId && _model.RouteTables.TryGetValue(rtbId, out var own) ? own : _model.RouteTableForGateway(nat.NatGatewayId);
        var route = table is null ? null : RouteResolver.Lookup(_model, table, restored.Destination).Route;
        if (table is null || route is null || route.TargetType == RouteTargetType.Local)
            // The VPC's local route delivers to the client (the gateway's own table normally holds only local and the internet route).
            return EnterVpcLocally(WalkDirection.Return, vpcId, restored, trace, nat.NatGatewayId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.RouteLookup, null, null, restored, HopDecision.Forward, table.RouteTableId, $"{route.Text} (route table of {nat.NatGatewayId})", null,
            "the regional NAT gateway's route table can send return traffic through a middlebox (R-NAT-4)", routeTableId: table.RouteTableId, vpcId: vpcId));
        if (route.TargetType is RouteTargetType.NetworkInterface or RouteTargetType.Instance)
            return ToAppliance(WalkDirection.Return, null, route, restored, trace, HopBudget - 1);
        return StopAt(WalkDirection.Return, HopStep.RouteLookup, trace, restored, null, null, OutcomeKind.Unknown, table.RouteTableId, "UNSUPPORTED_COMPONENT", route.Text,
            $"{table.RouteTableId} sends the reply to {route.TargetId} ({route.TargetType}), which PacketWalk does not follow from a regional NAT gateway.", routeTableId: table.RouteTableId);
    }
}
