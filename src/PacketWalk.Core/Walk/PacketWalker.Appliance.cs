using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Middlebox routing (R-RT-3/4, R-RT-11..13, R-ENI-1, R-SG-10): a route (subnet or gateway route table) sends the packet
// to an appliance's ENI. The packet crosses into the appliance's subnet, meets the appliance's own security groups on
// the way in and out, needs the source/destination check disabled, loses security-group identity, and is routed on by
// the appliance subnet's route table. Returns through the same appliance are admitted by its connection tracking.
public sealed partial class PacketWalker
{
    /// <summary>The ENI a route to an ENI or instance names (an instance route uses its primary interface).</summary>
    private NetworkInterface? ApplianceInterface(Route route) => route.TargetType switch
    {
        RouteTargetType.NetworkInterface => route.TargetId is { } id && _model.NetworkInterfaces.TryGetValue(id, out var eni) ? eni : null,
        RouteTargetType.Instance => route.TargetId is { } id ? _model.NetworkInterfacesOfInstance(id).FirstOrDefault() : null,
        _ => null,
    };

    /// <param name="fromSubnet">The subnet the packet leaves; null when it comes in through a gateway (R-RT-11).</param>
    private LegOutcome ToAppliance(WalkDirection direction, Subnet? fromSubnet, Route route, Packet packet, Trace trace, int budget)
    {
        var appliance = ApplianceInterface(route);
        if (appliance is null)
            return StopAt(direction, HopStep.Appliance, trace, packet, fromSubnet, null, OutcomeKind.Unknown, route.TargetId ?? "?", "UNKNOWN_RESOURCE", route.Text,
                $"The route {route.DestinationText} leads to {route.TargetId}, whose network interface is not in the snapshot.");
        var applianceSubnet = _model.Subnets[appliance.SubnetId];
        if (fromSubnet is null || fromSubnet.SubnetId != applianceSubnet.SubnetId)
        {
            // R-NACL-5: leaving one subnet and entering the appliance's.
            if (fromSubnet is not null)
            {
                var outbound = CheckNacl(direction, fromSubnet, RuleDirection.Outbound, packet, trace);
                if (outbound.Stop is { } stopOut) return stopOut;
                packet = outbound.Packet;
            }
            var inbound = CheckNacl(direction, applianceSubnet, RuleDirection.Inbound, packet, trace, why: $"subnet of the appliance {appliance.NetworkInterfaceId}");
            if (inbound.Stop is { } stopIn) return stopIn;
            packet = inbound.Packet;
        }
        if (appliance.HasAddress(packet.Destination))
            // The route names the destination's own interface: an ordinary delivery.
            return Deliver(direction, appliance, packet, trace);

        // The appliance's own security groups: inbound as the packet arrives (R-SG-2 admits a reply it already saw).
        bool tracked = direction == WalkDirection.Return && trace.ForwardAppliances.Contains(appliance.NetworkInterfaceId);
        var groupsIn = ApplianceGroups(direction, RuleDirection.Inbound, appliance, applianceSubnet, packet, trace, tracked);
        if (groupsIn.Stop is { } deniedIn) return deniedIn;
        packet = groupsIn.Packet;

        if (appliance.SourceDestCheck)
        {
            // R-ENI-1 / R-RT-13: with the check on, the ENI drops packets not addressed to it. A filter on the interface:
            // in walk-on mode the walk goes on as if the check were disabled.
            var explanation = $"{route.Text} sends the packet to {appliance.NetworkInterfaceId}, whose source/destination check is enabled: it drops traffic for {packet.Destination}, which is not its own address. Disable the check on an appliance (R-ENI-1, R-RT-13).";
            var checkHop = Hop(direction, HopStep.SourceDestinationCheck, appliance, applianceSubnet, packet, HopDecision.Deny, appliance.NetworkInterfaceId,
                "source/destination check enabled", "ENI_SOURCE_DEST_CHECK_RESTRICTION", explanation);
            trace.Hops.Add(checkHop);
            if (BlockAtFilter(trace, checkHop, packet, appliance.NetworkInterfaceId, "ENI_SOURCE_DEST_CHECK_RESTRICTION", explanation) is { } stop) return stop;
        }

        trace.AddToPath(appliance.NetworkInterfaceId);
        trace.Appliances.Add(appliance.NetworkInterfaceId);
        if (fromSubnet is not null)
            NoteZoneCrossing(trace, fromSubnet, applianceSubnet, $"sends through the appliance {appliance.NetworkInterfaceId}", "");
        if (packet.GroupReferenceLoss is null)
            packet = packet with
            {
                GroupReferenceLoss = "SG_REFERENCES_NOT_PRESERVED",
                GroupReferenceLossNote = $"the packet was forwarded by the appliance {appliance.NetworkInterfaceId}; security-group references do not survive a middlebox (R-SG-10)",
            };
        trace.Hops.Add(Hop(direction, HopStep.Appliance, appliance, applianceSubnet, packet, HopDecision.Forward, appliance.NetworkInterfaceId,
            $"{route.Text}: the appliance forwards", null,
            "source/destination check disabled; what the appliance's software does is not walked; its subnet's route table routes the packet on",
            routeTableId: null));

        // ... and outbound as it leaves.
        var groupsOut = ApplianceGroups(direction, RuleDirection.Outbound, appliance, applianceSubnet, packet, trace, tracked);
        if (groupsOut.Stop is { } deniedOut) return deniedOut;
        return RouteFromSubnet(direction, applianceSubnet, groupsOut.Packet, trace, arrivedFromTransitGateway: false, budget: budget);
    }

    /// <summary>The appliance ENI's security groups in one direction: a stop, or the packet with the ports they pass.</summary>
    private NaclStep ApplianceGroups(WalkDirection direction, RuleDirection ruleDirection, NetworkInterface appliance, Subnet subnet, Packet packet, Trace trace, bool tracked)
    {
        var step = ruleDirection == RuleDirection.Inbound ? HopStep.SecurityGroupIngress : HopStep.SecurityGroupEgress;
        if (tracked)
        {
            trace.Hops.Add(Hop(direction, step, appliance, subnet, packet, HopDecision.Info, appliance.NetworkInterfaceId, "reply to a tracked connection", null,
                "the appliance's security groups saw the request: the reply passes regardless of rules (R-SG-2)", groupId: string.Join(",", appliance.GroupIds)));
            return new NaclStep(packet, null);
        }
        var peer = ruleDirection == RuleDirection.Inbound ? packet.Source : packet.Destination;
        var peerEnis = ruleDirection == RuleDirection.Inbound ? packet.SourceInterfaces : _model.NetworkInterfacesWithAddress(packet.Destination);
        var sg = EvaluateGroups(appliance, ruleDirection, peer, peerEnis, packet.GroupReferenceLoss is null, packet);
        var hop = SecurityGroupHop(direction, step, appliance, subnet, packet, sg);
        trace.Hops.Add(hop);
        return sg.DeniesAll ? new NaclStep(packet, SecurityGroupStop(trace, packet, appliance, hop, sg, ruleDirection))
            : new NaclStep(NarrowDestinationPorts(packet, sg.Allowed, hop, trace, () => $"no rule in {string.Join(", ", sg.GroupIds)} matches"), null);
    }
}
