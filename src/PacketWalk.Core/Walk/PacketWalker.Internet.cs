using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Internet gateways (R-IGW-1..3: 1:1 NAT for IPv4, the RFC 1918 / RFC 6598 rules), egress-only internet gateways
// (R-EIGW-1) and the internet between them: an address outside the estate is "the internet" and the walk ends there;
// a public address the estate holds is reached by coming in through its VPC's internet gateway.
public sealed partial class PacketWalker
{
    /// <summary>Route target igw-: the subnet's outbound NACL, then the gateway's egress rules and source translation.</summary>
    private LegOutcome ExitThroughInternetGateway(WalkDirection direction, Subnet subnet, Route route, Packet packet, Trace trace, int budget)
    {
        var igwId = route.TargetId!;
        if (!_model.InternetGateways.TryGetValue(igwId, out var igw))
            return StopAt(direction, HopStep.InternetGateway, trace, packet, subnet, null, OutcomeKind.Unknown, igwId, "UNKNOWN_RESOURCE", route.Text,
                $"The route {route.DestinationText} leads to {igwId}, which is not in the snapshot (describe-internet-gateways).", igwId: igwId);
        if (!igw.AttachedVpcIds.Contains(subnet.VpcId))
            return StopAt(direction, HopStep.InternetGateway, trace, packet, subnet, null, OutcomeKind.Blocked, igwId, "BAD_STATE_ATTACHMENT", route.Text,
                $"{igwId} is not attached to {subnet.VpcId}, so it carries none of its traffic.", igwId: igwId);
        // R-BPA-1/5: leaving the VPC opens a connection outwards on the request, answers one from the internet on the reply.
        var (user, path) = InternetUser(subnet.VpcId, packet.Source);
        if (CheckBlockPublicAccess(direction, HopStep.InternetGateway, igwId, subnet.VpcId, user, subnet.SubnetId, path, direction == WalkDirection.Forward, packet, trace) is { } blocked)
            return blocked;
        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stop) return stop;
        return EgressToInternet(direction, igw, subnet.VpcId, outbound.Packet, trace, budget);
    }

    /// <summary>R-IGW-2/3: what the gateway refuses on the way out, then the 1:1 NAT of the source (IPv4).</summary>
    private LegOutcome EgressToInternet(WalkDirection direction, InternetGateway igw, string vpcId, Packet packet, Trace trace, int budget)
    {
        var igwId = igw.InternetGatewayId;
        var destination = packet.Destination;
        LegOutcome Refuse(string reason, string rule, string explanation) =>
            StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Blocked, igwId, reason, rule, explanation, igwId: igwId, vpcId: vpcId);

        if (_model.Vpcs.TryGetValue(vpcId, out var vpc) && vpc.ContainsAddress(destination))
            return Refuse("IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS", $"{destination} is inside {vpcId}",
                $"{igwId} does not send traffic for {destination}, an address of its own VPC {vpcId}, to the internet.");
        if (!destination.IsV6 && destination.IsRfc1918)
            return Refuse("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", $"{destination} is RFC 1918 private space",
                $"{igwId} drops traffic to {destination}: private (RFC 1918) addresses are not on the internet (R-IGW-3).");
        if (!destination.IsV6 && Cidr.Rfc6598.Contains(destination))
            return Refuse("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", $"{destination} is RFC 6598 shared address space",
                $"{igwId} drops traffic to {destination}: shared address space (RFC 6598, 100.64.0.0/10) is not on the internet (R-IGW-3).");

        // R-RT-11 with RA's INGRESS_RTB_TRAFFIC_REDIRECTION: when the gateway's edge route table sends traffic for this
        // source's subnet through an appliance, that subnet cannot use the gateway directly on the way out.
        if (_model.RouteTableForGateway(igwId) is { } edge && RouteResolver.Lookup(_model, edge, packet.Source).Route is { } steer
            && steer.TargetType is RouteTargetType.NetworkInterface or RouteTargetType.Instance
            && ApplianceInterface(steer) is { } appliance && !trace.Appliances.Contains(appliance.NetworkInterfaceId))
            return Refuse("INGRESS_RTB_TRAFFIC_REDIRECTION", $"{steer.Text} (gateway route table {edge.RouteTableId})",
                $"{edge.RouteTableId} sends traffic for {packet.Source} coming in through {igwId} to the appliance {appliance.NetworkInterfaceId}, but this packet leaves without passing it: "
                + "traffic redirected to a middlebox must return through it (R-RT-11, R-RT-13).");

        Packet translated = packet;
        string rule;
        string note;
        if (!packet.Source.IsV6 && RegionalNatHolding(packet.Source, vpcId) is { } regionalNat)
        {
            // R-NAT-5: a regional NAT gateway already sends with its Elastic IP for the source's AZ.
            rule = $"{packet.Source} is {regionalNat.NatGatewayId}'s Elastic IP: no translation";
            note = "a regional NAT gateway sends with the Elastic IP of the source's AZ (R-NAT-5)";
        }
        else if (!packet.Source.IsV6)
        {
            var owner = _model.NetworkInterfacesWithAddress(packet.Source).FirstOrDefault(e => e.VpcId == vpcId);
            var publicIp = owner is null ? null : _addresses.PublicIpOf(owner, packet.Source);
            if (publicIp is null)
            {
                var nat = owner is null ? null : _addresses.NatGatewayOf(owner);
                return Refuse("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", $"{packet.Source} has no public IPv4 address",
                    nat is { IsPublic: false } ? $"{nat.NatGatewayId} is a private NAT gateway: it has no Elastic IP, so {igwId} drops what it sends to the internet (R-NAT-1)."
                    : owner is null ? $"{packet.Source} is not an address of an interface in {vpcId}, so {igwId} has no public address to translate it to (R-IGW-2)."
                    : $"{owner.NetworkInterfaceId} has no public IPv4 or Elastic IP address for {packet.Source}, so {igwId} cannot translate it and drops the packet (R-IGW-1).");
            }
            translated = packet with { Source = publicIp.Value };
            rule = $"1:1 NAT source {packet.Source} -> {publicIp}";
            note = $"source {packet.Source} becomes {publicIp} (R-IGW-2)";
            trace.Note($"{igwId} translates {packet.Source} to {publicIp} on the way out");
        }
        else
        {
            if (vpc is not null && !vpc.ContainsAddress(packet.Source))
                return Refuse("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", $"{packet.Source} is not in {vpcId}",
                    $"{packet.Source} is not an IPv6 address of {vpcId}; {igwId} carries only the VPC's own IPv6 addresses.");
            rule = "IPv6: no translation";
            note = "IPv6 addresses are global: the gateway forwards without translation";
        }
        trace.AddToPath(igwId);
        trace.Hops.Add(Hop(direction, HopStep.InternetGateway, null, null, translated, HopDecision.Forward, igwId, rule, null, note, internetGatewayId: igwId, vpcId: vpcId));
        return AcrossInternet(direction, igwId, vpcId, translated, trace, budget, TerminusKind.Internet);
    }

    /// <summary>
    /// Past the gateway: an address an interface of the estate answers to (a public IPv4 address, or an IPv6 address) is
    /// reached through its own VPC's internet gateway; any other address is the internet, where the walk ends.
    /// </summary>
    private LegOutcome AcrossInternet(WalkDirection direction, string fromGatewayId, string fromVpcId, Packet packet, Trace trace, int budget, TerminusKind terminus)
    {
        var owner = packet.Destination.IsV6
            ? _model.NetworkInterfacesWithAddress(packet.Destination).FirstOrDefault()
            : _addresses.ByPublicIp(packet.Destination)?.Interface;
        if (owner is not null)
        {
            var igw = _addresses.InternetGatewayOfVpc(owner.VpcId);
            if (igw?.InternetGatewayId == fromGatewayId)
                return StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Unknown, fromGatewayId, "IGW_NAT_REFLECTION",
                    $"{packet.Destination} maps back into {owner.VpcId}",
                    $"{packet.Destination} is a public address of {owner.NetworkInterfaceId} in the same VPC: the packet would hairpin through {fromGatewayId}, which neither AWS documents nor Reachability Analyzer analyses (R-IGW-3).",
                    igwId: fromGatewayId);
            if (direction == WalkDirection.Return && packet.Destination.IsV6 && _addresses.EgressOnlyGatewayOfVpc(owner.VpcId) is { } eigw
                && trace.ForwardPath.Contains(eigw.EgressOnlyInternetGatewayId))
                // The request left its VPC through this egress-only gateway, which admits the reply (R-EIGW-1).
                return ReplyThroughEgressOnlyGateway(new Terminus(TerminusKind.EgressOnlyInternet, eigw.EgressOnlyInternetGatewayId) { VpcId = owner.VpcId }, packet, trace);
            if (igw is null)
                return BlockedWithoutInternetGateway(direction, owner.VpcId, packet, trace);
            return EnterFromInternet(direction, igw, packet, trace, budget - 1);
        }
        trace.Hops.Add(Hop(direction, HopStep.Destination, null, null, packet, HopDecision.Deliver, fromGatewayId,
            $"{packet.Destination} is on the internet", null,
            direction == WalkDirection.Forward ? "outside every VPC in the snapshot: the walk ends at the gateway, and the reply comes back in through it"
                : "the reply leaves for the internet host that sent the request",
            internetGatewayId: terminus == TerminusKind.Internet ? fromGatewayId : null, egressOnlyId: terminus == TerminusKind.EgressOnlyInternet ? fromGatewayId : null, vpcId: fromVpcId));
        return new LegOutcome(OutcomeKind.Delivered, trace, packet) { Reached = new Terminus(terminus, fromGatewayId) { VpcId = fromVpcId } };
    }

    /// <summary>Internet-initiated traffic to a VPC with no internet gateway: an egress-only gateway refuses it (R-EIGW-1), else there is no way in.</summary>
    private LegOutcome BlockedWithoutInternetGateway(WalkDirection direction, string vpcId, Packet packet, Trace trace)
    {
        if (packet.Destination.IsV6 && _addresses.EgressOnlyGatewayOfVpc(vpcId) is { } eigw)
        {
            return StopAt(direction, HopStep.EgressOnlyInternetGateway, trace, packet, null, null, OutcomeKind.Blocked, eigw.EgressOnlyInternetGatewayId, "EIGW_INBOUND_NOT_ALLOWED",
                "internet-initiated IPv6 is not allowed",
                $"{vpcId} reaches the IPv6 internet only through the egress-only gateway {eigw.EgressOnlyInternetGatewayId}, which admits replies to outbound connections and nothing the internet starts (R-EIGW-1).",
                eigwId: eigw.EgressOnlyInternetGatewayId, vpcId: vpcId);
        }
        return StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Blocked, vpcId, "NO_PATH",
            $"{vpcId} has no internet gateway", $"No internet gateway is attached to {vpcId}, so nothing from the internet can reach {packet.Destination}.", vpcId: vpcId);
    }

    /// <summary>The walk starts on the internet: in through the named gateway, or the one of the destination's VPC.</summary>
    private LegOutcome StartFromInternet(WalkDirection direction, Endpoint from, Endpoint to, Packet packet, Trace trace)
    {
        if (from.ComponentId is { } igwId) return EnterFromInternet(direction, _model.InternetGateways[igwId], packet, trace, HopBudget);
        var vpcId = to.Interface?.VpcId ?? _model.VpcContaining(to.Address)?.VpcId;
        if (vpcId is null)
            return StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Unknown, to.Given, "UNKNOWN_DESTINATION",
                $"{to.Address} is in no VPC of the snapshot", $"{to.Address} is in no VPC of the snapshot, so no internet gateway leads to it.");
        var igw = _addresses.InternetGatewayOfVpc(vpcId);
        return igw is null ? BlockedWithoutInternetGateway(direction, vpcId, packet, trace) : EnterFromInternet(direction, igw, packet, trace, HopBudget);
    }

    /// <summary>In from the internet (R-IGW-3): sources and destinations the gateway refuses, the 1:1 NAT back to the private address, then R-RT-11.</summary>
    private LegOutcome EnterFromInternet(WalkDirection direction, InternetGateway igw, Packet packet, Trace trace, int budget)
    {
        var igwId = igw.InternetGatewayId;
        var vpcId = igw.AttachedVpcIds.FirstOrDefault();
        if (vpcId is null)
            return StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Blocked, igwId, "BAD_STATE_ATTACHMENT",
                $"{igwId} is detached", $"{igwId} is not attached to any VPC, so nothing comes in through it.", igwId: igwId);
        LegOutcome Refuse(string reason, string rule, string explanation) =>
            StopAt(direction, HopStep.InternetGateway, trace, packet, null, null, OutcomeKind.Blocked, igwId, reason, rule, explanation, igwId: igwId, vpcId: vpcId);

        if (trace.Hops.Count == 0)
            // The leg starts on the internet: one hop shows the header as the internet host sends it, before the gateway rewrites it.
            trace.Hops.Add(Hop(direction, HopStep.SourceInterface, null, null, packet, HopDecision.Info, igwId,
                $"{packet.Source} on the internet sends to {packet.Destination}", null, $"arrives at {igwId}, the internet side of {vpcId}",
                internetGatewayId: igwId, vpcId: vpcId));

        if (direction == WalkDirection.Return && !packet.Destination.IsV6
            && trace.ForwardTranslations.LastOrDefault(t => t.TranslatedSource == packet.Destination) is { } regional
            && _model.NatGateways.TryGetValue(regional.NatGatewayId, out var regionalNat) && regionalNat.IsRegional)
            return ReplyIntoRegionalNat(igw, vpcId, regionalNat, regional, packet, trace);

        // R-BPA-1/5: coming in answers a connection made outwards on the reply, opens one from the internet on the request.
        var inboundUser = packet.Destination.IsV6
            ? _model.NetworkInterfacesWithAddress(packet.Destination).FirstOrDefault(e => e.VpcId == vpcId)
            : _addresses.ByPublicIp(packet.Destination) is { } m && m.Interface.VpcId == vpcId ? m.Interface : null;
        if (inboundUser is not null
            && CheckBlockPublicAccess(direction, HopStep.InternetGateway, igwId, vpcId, inboundUser, null,
                _addresses.NatGatewayOf(inboundUser) is not null ? InternetPath.NatGateway : InternetPath.Direct, direction == WalkDirection.Return, packet, trace) is { } blocked)
            return blocked;

        if (!packet.Source.IsV6 && packet.Source.IsRfc1918)
            return Refuse("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", $"source {packet.Source} is RFC 1918 private space",
                $"{igwId} drops traffic from {packet.Source}: private (RFC 1918) sources do not come from the internet (R-IGW-3).");
        if (!packet.Source.IsV6 && Cidr.Rfc6598.Contains(packet.Source))
            return Refuse("IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS", $"source {packet.Source} is RFC 6598 shared address space",
                $"{igwId} drops traffic from {packet.Source}: shared address space (RFC 6598) does not come from the internet (R-IGW-3).");

        Packet translated = packet;
        string rule, note;
        if (!packet.Destination.IsV6)
        {
            var mapping = _addresses.ByPublicIp(packet.Destination);
            if (mapping is null || mapping.Interface.VpcId != vpcId)
                return Refuse("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", $"{packet.Destination} is not a public IP of {vpcId}",
                    $"{packet.Destination} is not the public or Elastic IP address of an interface in {vpcId}, so {igwId} has nothing to translate it to (R-IGW-3).");
            translated = packet with { Destination = mapping.PrivateIp };
            rule = $"1:1 NAT destination {packet.Destination} -> {mapping.PrivateIp}";
            note = $"destination {packet.Destination} becomes {mapping.PrivateIp} of {mapping.Interface.NetworkInterfaceId} (R-IGW-2)";
        }
        else
        {
            if (!_model.NetworkInterfacesWithAddress(packet.Destination).Any(e => e.VpcId == vpcId))
                return Refuse("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", $"{packet.Destination} is not an address of {vpcId}",
                    $"{packet.Destination} is not the IPv6 address of an interface in {vpcId}.");
            rule = "IPv6: no translation";
            note = "IPv6 addresses are global: the gateway forwards without translation";
        }
        // On the path only once it passes the packet in (a refused packet never entered the estate).
        trace.AddToPath(igwId);
        trace.Hops.Add(Hop(direction, HopStep.InternetGateway, null, null, translated, HopDecision.Forward, igwId, rule, null, note, internetGatewayId: igwId, vpcId: vpcId));
        trace.EnteredVpc = (vpcId, "internet-gateway");
        return EnterThroughGateway(direction, igwId, vpcId, translated, trace, budget);
    }

    /// <summary>Route target eigw- (R-EIGW-1): IPv6 out, and replies back in; the subnet's NACL still applies.</summary>
    private LegOutcome ExitThroughEgressOnlyGateway(WalkDirection direction, Subnet subnet, Route route, Packet packet, Trace trace, int budget)
    {
        var eigwId = route.TargetId!;
        if (!_model.EgressOnlyInternetGateways.TryGetValue(eigwId, out var eigw))
            return StopAt(direction, HopStep.EgressOnlyInternetGateway, trace, packet, subnet, null, OutcomeKind.Unknown, eigwId, "UNKNOWN_RESOURCE", route.Text,
                $"The route {route.DestinationText} leads to {eigwId}, which is not in the snapshot (describe-egress-only-internet-gateways).", eigwId: eigwId);
        if (!eigw.AttachedVpcIds.Contains(subnet.VpcId))
            return StopAt(direction, HopStep.EgressOnlyInternetGateway, trace, packet, subnet, null, OutcomeKind.Blocked, eigwId, "BAD_STATE_ATTACHMENT", route.Text,
                $"{eigwId} is not attached to {subnet.VpcId}.", eigwId: eigwId);
        if (!packet.Destination.IsV6)
            return StopAt(direction, HopStep.EgressOnlyInternetGateway, trace, packet, subnet, null, OutcomeKind.Blocked, eigwId, "PROTOCOL_RESTRICTION", route.Text,
                $"{eigwId} carries IPv6 only; {packet.Destination} is IPv4 (R-EIGW-1).", eigwId: eigwId);
        if (CheckBlockPublicAccess(direction, HopStep.EgressOnlyInternetGateway, eigwId, subnet.VpcId, InternetUser(subnet.VpcId, packet.Source).Owner, subnet.SubnetId,
                InternetPath.EgressOnly, direction == WalkDirection.Forward, packet, trace) is { } blocked)
            return blocked;
        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stop) return stop;
        packet = outbound.Packet;
        trace.AddToPath(eigwId);
        trace.Hops.Add(Hop(direction, HopStep.EgressOnlyInternetGateway, null, null, packet, HopDecision.Forward, eigwId, "outbound IPv6", null,
            "the egress-only gateway lets outbound IPv6 out and tracks it, so the reply may come back (R-EIGW-1)", egressOnlyId: eigwId, vpcId: subnet.VpcId));
        return AcrossInternet(direction, eigwId, subnet.VpcId, packet, trace, budget, TerminusKind.EgressOnlyInternet);
    }

    /// <summary>The reply to a connection that went out through an egress-only gateway comes back through it (R-EIGW-1).</summary>
    private LegOutcome ReplyThroughEgressOnlyGateway(Terminus end, Packet reply, Trace trace)
    {
        if (CheckBlockPublicAccess(WalkDirection.Return, HopStep.EgressOnlyInternetGateway, end.ComponentId, end.VpcId!, InternetUser(end.VpcId!, reply.Destination).Owner, null,
                InternetPath.EgressOnly, initiatedInside: true, reply, trace) is { } blocked)
            return blocked;
        trace.AddToPath(end.ComponentId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.EgressOnlyInternetGateway, null, null, reply, HopDecision.Forward, end.ComponentId,
            "reply to a tracked outbound connection", null, "the egress-only gateway admits replies to connections that went out through it (R-EIGW-1)",
            egressOnlyId: end.ComponentId, vpcId: end.VpcId));
        trace.EnteredVpc = (end.VpcId!, "egress-only-internet-gateway");
        return EnterVpcLocally(WalkDirection.Return, end.VpcId!, reply, trace, end.ComponentId);
    }
}
