using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// NAT gateways (R-NAT-1..3, R-PCX-7): the packet enters the NAT's subnet, is source-translated to the NAT's private
// address with its port remapped into 1024-65535, and is routed on by the NAT subnet's route table. A public NAT's
// private address is then mapped to its Elastic IP by the internet gateway. The reply comes back to the NAT's address
// and is mapped back to the client from the translation the forward leg recorded.
public sealed partial class PacketWalker
{
    /// <summary>R-NAT-2: the range a NAT gateway picks source ports from.</summary>
    public static readonly PortRange NatGatewayPorts = new(1024, 65535);

    private LegOutcome ThroughNatGateway(WalkDirection direction, Subnet subnet, Route route, Packet packet, Trace trace, int budget)
    {
        var natId = route.TargetId!;
        LegOutcome Halt(OutcomeKind kind, string reason, string rule, string explanation, Subnet? at = null) =>
            StopAt(direction, HopStep.NatGateway, trace, packet, at ?? subnet, null, kind, natId, reason, rule, explanation, natId: natId);

        if (!_model.NatGateways.TryGetValue(natId, out var nat))
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text, $"The route {route.DestinationText} leads to {natId}, which is not in the snapshot (describe-nat-gateways).");
        if (!nat.IsAvailable)
            return Halt(OutcomeKind.Blocked, "BAD_STATE", $"{natId} is {nat.State}", $"{natId} is {nat.State}; only an available NAT gateway translates traffic.");
        if (trace.EnteredVpc is { } entered && entered.VpcId == nat.VpcId && entered.Via is "vpc-peering" or "virtual-private-gateway")
            // R-PCX-7 / R-NAT-3: a NAT gateway serves traffic from its own VPC (or a transit gateway), not from a peering
            // connection, a VPN or Direct Connect ending on the VPC's virtual private gateway.
            return Halt(OutcomeKind.Blocked, "NGW_REQUIRES_SOURCE_IN_VPC", $"entered {nat.VpcId} through {entered.Via}",
                $"The packet came into {nat.VpcId} through a {entered.Via.Replace('-', ' ')}; traffic cannot be routed to a NAT gateway that way (R-PCX-7).");
        if (packet.Destination.IsV6)
            return Halt(OutcomeKind.Unknown, "UNSUPPORTED_COMPONENT", route.Text,
                $"{natId} would translate IPv6 to IPv4 (NAT64, 64:ff9b::/96 with DNS64), which PacketWalk does not walk.");
        if (packet.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Icmp))
            return Halt(OutcomeKind.Blocked, "PROTOCOL_RESTRICTION", $"protocol {packet.ProtocolName}",
                $"{natId} translates only TCP, UDP and ICMP; protocol {packet.ProtocolName} is dropped (R-NAT-1).");
        if (nat.IsRegional)
            return ThroughRegionalNatGateway(direction, subnet, route, nat, packet, trace, budget);
        if (nat.SubnetId is null || !_model.Subnets.TryGetValue(nat.SubnetId, out var natSubnet))
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text, $"The subnet {nat.SubnetId ?? "(none given)"} of {natId} is not in the snapshot.");
        if (natSubnet.SubnetId == subnet.SubnetId)
            // Its own subnet's route table routes what the NAT sends: a route to the NAT there sends the translated packet back to it.
            return Halt(OutcomeKind.Blocked, "NGW_SOURCE_IN_SAME_SUBNET", route.Text,
                $"{subnet.SubnetId} is {natId}'s own subnet: a NAT gateway cannot serve traffic from the subnet it sits in, whose route table also routes its own output.");
        if (direction == WalkDirection.Return)
            // The reply would leave with the NAT's address, which the client's connection does not know.
            return Halt(OutcomeKind.Blocked, "NGW_SOURCE_ADDRESS_REASSIGN", route.Text,
                $"{subnet.SubnetId} routes the reply to {packet.Destination} through {natId}, which would replace the source {packet.Source} with its own address: the client cannot match it to its connection.");

        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stopOut) return stopOut;
        var inbound = CheckNacl(direction, natSubnet, RuleDirection.Inbound, outbound.Packet, trace, why: $"subnet of {natId}, on the way in");
        if (inbound.Stop is { } stopIn) return stopIn;
        packet = inbound.Packet;

        var primary = nat.Addresses.FirstOrDefault(a => a.IsPrimary) ?? nat.Addresses.FirstOrDefault();
        if (primary?.PrivateIp is not { } natAddress)
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text, $"The snapshot does not list the private address of {natId}.", natSubnet);
        var natEni = primary.NetworkInterfaceId is { } eniId && _model.NetworkInterfaces.TryGetValue(eniId, out var e) ? e : null;
        var ports = IpProtocol.HasPorts(packet.Protocol) ? PortSet.Of(new[] { NatGatewayPorts }) : packet.SourcePorts;
        var translated = packet with { Source = natAddress, SourcePorts = ports, SourceInterfaces = natEni is null ? Array.Empty<NetworkInterface>() : new[] { natEni } };
        trace.Translations.Add(new NatTranslation(natId, packet.Source, packet.SourcePorts, natAddress, ports));
        NoteZoneCrossing(trace, subnet, natSubnet, $"uses {natId}", "; the path depends on that zone");
        trace.Note($"{natId} translates {AddressText(packet.Source, packet.SourcePorts, packet.Protocol)} to {AddressText(natAddress, ports, packet.Protocol)}"
            + (IpProtocol.HasPorts(packet.Protocol) ? " (REMAP_EPHEMERAL_PORT: replies come back to NAT ports 1024-65535)" : ""));
        trace.AddToPath(natEni?.NetworkInterfaceId ?? natId);
        trace.Hops.Add(Hop(direction, HopStep.NatGateway, natEni, natSubnet, translated, HopDecision.Forward, natId,
            $"SNAT {AddressText(packet.Source, packet.SourcePorts, packet.Protocol)} -> {AddressText(natAddress, ports, packet.Protocol)}", null,
            $"{(nat.IsPublic ? "public" : "private")} NAT gateway: source becomes its private address {natAddress}"
            + (IpProtocol.HasPorts(packet.Protocol) ? ", ports remapped into 1024-65535" : "")
            + "; the destination is not changed (NGW_DEST_ADDRESS_PRESERVATION); routed on by its subnet's route table",
            natGatewayId: natId));
        return RouteFromSubnet(direction, natSubnet, translated, trace, arrivedFromTransitGateway: false, budget: budget);
    }

    /// <summary>
    /// The reply reaches the NAT gateway's interface: the recorded translation is undone (destination back to the client and
    /// its port) and the NAT's subnet routes it on. When the NAT-side NACLs passed only some of the 1024-65535 ports the NAT
    /// may pick, the connection works only for those (R-NAT-2, R-NACL-10).
    /// </summary>
    private LegOutcome ReverseNatTranslation(NatGateway nat, NetworkInterface natEni, NatTranslation mapping, Packet packet, Trace trace)
    {
        var natSubnet = _model.Subnets[natEni.SubnetId];
        if (IpProtocol.HasPorts(packet.Protocol) && !packet.DestinationPorts.Equals(mapping.TranslatedPorts))
            trace.NatPortNarrowing ??= (nat.NatGatewayId, packet.DestinationPorts, mapping.TranslatedPorts);
        var restored = packet with { Destination = mapping.OriginalSource, DestinationPorts = mapping.OriginalPorts };
        trace.AddToPath(natEni.NetworkInterfaceId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.NatGateway, natEni, natSubnet, restored, HopDecision.Forward, nat.NatGatewayId,
            $"reverse NAT {AddressText(packet.Destination, packet.DestinationPorts, packet.Protocol)} -> {AddressText(mapping.OriginalSource, mapping.OriginalPorts, packet.Protocol)}", null,
            "the reply matches the translation made on the way out and goes back to the client", natGatewayId: nat.NatGatewayId));
        return RouteFromSubnet(WalkDirection.Return, natSubnet, restored, trace, arrivedFromTransitGateway: false, budget: HopBudget);
    }
}
