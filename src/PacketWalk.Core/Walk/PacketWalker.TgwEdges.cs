using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// The transit gateway's other attachment kinds and the estate's edges: TGW peering (both sides walked when both are in
// the snapshot), Site-to-Site VPN and Direct Connect gateway attachments, and virtual private gateways as VPC route
// targets. At an edge the walk ends with OutcomeKind.ReachedEdge (verdict ReachableToEdge): what lies beyond is
// on-premises and out of scope (R-TGW-20). The reply is walked back in through the edge.
public sealed partial class PacketWalker
{
    private const string EdgeOutOfScope = "the walk ends at the edge of the estate: what lies beyond is on-premises and out of scope (R-TGW-20)";

    /// <summary>TGW attachments other than VPC: peering, VPN, Direct Connect gateway; Connect and others are not walked.</summary>
    private LegOutcome LeaveToNonVpcAttachment(WalkDirection direction, string transitGatewayId, string attachmentId, TransitGatewayAttachment? attachment,
        ZoneRef? availabilityZone, Packet packet, Trace trace, int budget)
    {
        _model.TransitGatewayPeeringAttachments.TryGetValue(attachmentId, out var peering);
        var type = attachment?.ResourceType.ToLowerInvariant() ?? (peering is not null ? "peering" : null);
        switch (type)
        {
            case "peering" or "tgw-peering":
                return CrossTransitGatewayPeering(direction, transitGatewayId, attachmentId, attachment, peering, packet, trace, budget);
            case "vpn":
                return LeaveToVpnAttachment(direction, transitGatewayId, attachment!, packet, trace);
            case "direct-connect-gateway":
                return ReachEdge(direction, "direct-connect-gateway", attachmentId, transitGatewayId, null, null, packet, trace,
                    $"out of {transitGatewayId} to Direct Connect gateway {attachment!.ResourceId ?? "(id not in the snapshot)"} through {attachmentId}",
                    "the allowed prefixes of the Direct Connect gateway association decide what on-premises learns; they are not in EC2 describe output");
            case null:
                return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Unknown, attachmentId, "UNKNOWN_RESOURCE",
                    $"{attachmentId} (not in the snapshot)", $"The route's attachment {attachmentId} is not in the snapshot, so where it leads is unknown.",
                    transitGatewayId: transitGatewayId, attachmentId: attachmentId);
            default:
                return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Unknown, attachmentId, "UNSUPPORTED_COMPONENT",
                    $"{attachmentId} ({attachment!.ResourceType})",
                    $"The route leads to {attachmentId}, a {attachment.ResourceType} attachment, which this version of PacketWalk does not walk through.",
                    transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        }
    }

    /// <summary>
    /// R-TGW-18: across a peering attachment the packet arrives at the peer TGW, and the peer's route table associated
    /// with the peering attachment decides. Peering carries static routes only; security group references do not cross
    /// it (R-TGW-13). The peer is usually in another region, so the packet has no AZ of origin there.
    /// </summary>
    private LegOutcome CrossTransitGatewayPeering(WalkDirection direction, string transitGatewayId, string attachmentId, TransitGatewayAttachment? attachment,
        TransitGatewayPeeringAttachment? peering, Packet packet, Trace trace, int budget)
    {
        if (peering is not null && !peering.IsAvailable)
            return StopWithHop(direction, HopStep.TgwPeering, trace, packet, null, OutcomeKind.Blocked, attachmentId, "BAD_STATE_ATTACHMENT",
                $"peering {attachmentId} is {peering.State}",
                $"The peering attachment {attachmentId} is {peering.State}; only available attachments carry traffic (R-TGW-8)"
                + (peering.State.Equals("pendingAcceptance", StringComparison.OrdinalIgnoreCase) ? ": the accepter side has not accepted it yet (R-TGW-18)." : "."),
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        var peer = peering?.PeerOf(transitGatewayId)
            ?? (attachment?.ResourceId is { } resource && resource.StartsWith("tgw-", StringComparison.Ordinal) ? resource : null);
        if (peer is null)
            return StopWithHop(direction, HopStep.TgwPeering, trace, packet, null, OutcomeKind.Unknown, attachmentId, "UNKNOWN_RESOURCE",
                $"peering {attachmentId} to an unknown transit gateway",
                $"The snapshot does not say which transit gateway is on the other side of {attachmentId} (describe-transit-gateway-peering-attachments is missing).",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        var hereRegion = peering?.RegionOf(transitGatewayId) ?? (_model.TransitGateways.TryGetValue(transitGatewayId, out var here) ? here.Origin.Region : null);
        var peerRegion = peering?.RegionOf(peer) ?? (_model.TransitGateways.TryGetValue(peer, out var peerTgw) ? peerTgw.Origin.Region : null);
        var peerOwner = peering?.OwnerOf(peer) ?? attachment?.ResourceOwnerId;
        var crossing = $"{transitGatewayId}{(hereRegion is null ? "" : $" ({hereRegion})")} -> {peer}{(peerRegion is null ? "" : $" ({peerRegion})")} over peering {attachmentId}";

        var peerSide = _model.TransitGatewayAttachmentOn(peer, attachmentId);
        if (peerSide is null && !_model.TransitGateways.ContainsKey(peer))
            return StopWithHop(direction, HopStep.TgwPeering, trace, packet, null, OutcomeKind.Unknown, peer, "UNKNOWN_RESOURCE", crossing,
                $"The packet crosses {attachmentId} to the peer transit gateway {peer}{(peerOwner is null ? "" : $" in account {peerOwner}")}{(peerRegion is null ? "" : $", region {peerRegion}")}, "
                + "which is not in the snapshot; add that account and region's describe-* output to walk on.",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);

        trace.AddToPath(attachmentId);
        trace.Hops.Add(Hop(direction, HopStep.TgwPeering, null, null, packet, HopDecision.Forward, attachmentId, crossing, null,
            "TGW peering carries static routes only (R-TGW-18); security group references do not cross it (R-TGW-13)",
            transitGatewayId: transitGatewayId, attachmentId: attachmentId));
        if (packet.GroupReferenceLoss is null)
            packet = packet with { GroupReferenceLoss = "SG_REFERENCING_SUPPORT", GroupReferenceLossNote = $"security group references are not supported across transit gateway peering ({attachmentId}, R-TGW-13)" };
        return TransitGatewayRouting(direction, peer, attachmentId, availabilityZone: null, packet, trace, budget - 1);
    }

    /// <summary>A Site-to-Site VPN attachment: the edge, provided the VPN connection is available and not every tunnel is down.</summary>
    private LegOutcome LeaveToVpnAttachment(WalkDirection direction, string transitGatewayId, TransitGatewayAttachment attachment, Packet packet, Trace trace)
    {
        var attachmentId = attachment.TransitGatewayAttachmentId;
        var vpn = attachment.ResourceId is { } vpnId && _model.VpnConnections.TryGetValue(vpnId, out var v) ? v : null;
        if (vpn is not null && (!vpn.IsAvailable || vpn.AllTunnelsDown))
            return StopWithHop(direction, HopStep.Edge, trace, packet, null, OutcomeKind.Blocked, attachmentId, "TGW_BAD_STATE_VPN",
                $"{attachmentId} -> VPN {vpn.VpnConnectionId} ({(vpn.IsAvailable ? "all tunnels DOWN" : vpn.State)})",
                vpn.IsAvailable
                    ? $"Every tunnel of the VPN connection {vpn.VpnConnectionId} behind {attachmentId} was DOWN when the snapshot was taken ({TunnelText(vpn)}), so nothing leaves through it."
                    : $"The VPN connection {vpn.VpnConnectionId} behind {attachmentId} is {vpn.State}; only an available connection carries traffic.",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        var note = vpn is null
            ? $"describe-vpn-connections does not list {attachment.ResourceId ?? "the VPN connection"}: its state and tunnels are unknown"
            : $"{vpn.VpnConnectionId} is available; tunnels {TunnelText(vpn)}; {(vpn.StaticRoutesOnly ? "static routing" : "BGP routing")}"
              + (vpn.StaticRoutesOnly ? "; a static TGW route to a VPN attachment is not filtered by the VPN (R-TGW-19)" : "");
        return ReachEdge(direction, "vpn", attachmentId, transitGatewayId, null, null, packet, trace,
            $"out of {transitGatewayId} to VPN {attachment.ResourceId ?? "(id not in the snapshot)"} through {attachmentId}", note,
            vpnConnectionId: attachment.ResourceId);
    }

    private static string TunnelText(VpnConnection vpn) => vpn.Tunnels.Count == 0 ? "(no telemetry)"
        : string.Join(", ", vpn.Tunnels.Select(t => $"{t.OutsideIpAddress ?? "?"} {t.Status}"));

    /// <summary>
    /// A VPC route to a virtual private gateway: the packet leaves the subnet (its outbound NACL applies, R-NACL-5) and the
    /// VPC at the VGW, the VPC's own edge towards VPN and Direct Connect. Callable for any route whose target is a vgw-.
    /// </summary>
    private LegOutcome LeaveToVirtualPrivateGateway(WalkDirection direction, Subnet subnet, Route route, RouteTable table, Packet packet, Trace trace)
    {
        var vgwId = route.TargetId!;
        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stop) return stop;
        packet = outbound.Packet;

        if (_model.VpnGateways.TryGetValue(vgwId, out var vgw))
        {
            if (!vgw.IsAvailable)
                return StopWithHop(direction, HopStep.Edge, trace, packet, subnet, OutcomeKind.Blocked, vgwId, "BAD_STATE",
                    $"{vgwId} is {vgw.State}", $"The virtual private gateway {vgwId} is {vgw.State}; only an available gateway carries traffic.");
            if (!vgw.AttachedVpcIds.Contains(subnet.VpcId))
                return StopWithHop(direction, HopStep.Edge, trace, packet, subnet, OutcomeKind.Blocked, vgwId, "BAD_STATE",
                    $"{vgwId} is not attached to {subnet.VpcId}",
                    $"{table.RouteTableId} routes {route.DestinationText} to {vgwId}, but the gateway is not attached to {subnet.VpcId}, so the route cannot deliver (R-RT-9).");
        }
        var vpns = _model.VpnConnections.Values.Where(v => v.VpnGatewayId == vgwId).OrderBy(v => v.VpnConnectionId, StringComparer.Ordinal).ToList();
        if (vpns.Count > 0 && vpns.All(v => !v.IsAvailable || v.AllTunnelsDown))
            // A Direct Connect private virtual interface on the same VGW is not in EC2 describe output and could still carry it.
            return StopWithHop(direction, HopStep.Edge, trace, packet, subnet, OutcomeKind.Unknown, vgwId, "BAD_STATE_VPN",
                $"{vgwId}: every VPN connection is down",
                $"Every VPN connection on {vgwId} is down or unavailable at snapshot time ({string.Join("; ", vpns.Select(v => $"{v.VpnConnectionId} {v.State}, tunnels {TunnelText(v)}"))}); "
                + "only a Direct Connect virtual interface on the gateway, which EC2 describe output does not show, could still carry the packet.");
        var note = JoinNotes(
            vgw is null ? $"describe-vpn-gateways does not list {vgwId}; the route is active, so AWS holds the gateway attached (R-RT-9)" : null,
            vpns.Count == 0 ? $"no VPN connection on {vgwId} in the snapshot: it may carry Direct Connect (not in EC2 describe output)"
                : string.Join("; ", vpns.Select(v => $"{v.VpnConnectionId} {v.State}, tunnels {TunnelText(v)}")));
        if (route.IsPropagated) note = JoinNotes(note, "the route is propagated by the gateway (learned over BGP)");
        return ReachEdge(direction, "vpn-gateway", vgwId, null, subnet.VpcId, subnet, packet, trace,
            $"out of {subnet.VpcId} to {vgwId} ({route.Text})", note, vpnGatewayId: vgwId);
    }

    private LegOutcome ReachEdge(WalkDirection direction, string kind, string edgeId, string? transitGatewayId, string? vpcId, Subnet? subnet, Packet packet, Trace trace,
        string rule, string? note, string? vpnGatewayId = null, string? vpnConnectionId = null)
    {
        trace.AddToPath(edgeId);
        trace.Hops.Add(Hop(direction, HopStep.Edge, null, subnet, packet, HopDecision.Forward, edgeId, rule, null, JoinNotes(note, EdgeOutOfScope),
            transitGatewayId: transitGatewayId, attachmentId: transitGatewayId is null ? null : edgeId, vpnGatewayId: vpnGatewayId, vpnConnectionId: vpnConnectionId));
        var what = kind switch
        {
            "vpn" => "a Site-to-Site VPN attachment",
            "direct-connect-gateway" => "a Direct Connect gateway attachment",
            _ => "a virtual private gateway",
        };
        return new LegOutcome(OutcomeKind.ReachedEdge, trace, packet)
        {
            At = edgeId, EdgeId = edgeId, EdgeKind = kind, EdgeTransitGatewayId = transitGatewayId, EdgeVpcId = vpcId, Rule = rule,
            Explanation = $"The packet leaves the estate at {edgeId}, {what}; whether on-premises delivers it and answers is out of scope (R-TGW-20).",
        };
    }

    /// <summary>
    /// The reply to a packet that left at an edge comes back in through the same edge (on-premises routing is assumed to
    /// be symmetric; it is out of scope). On a TGW the route table associated with the edge attachment decides.
    /// </summary>
    private LegOutcome ReturnFromEdge(LegOutcome edge, Packet reply, Trace trace)
    {
        if (edge.EdgeTransitGatewayId is { } tgw)
            return EnterTransitGatewayFromEdge(WalkDirection.Return, tgw, edge.EdgeId!, reply, trace, HopBudget);
        return EnterFromVirtualPrivateGateway(WalkDirection.Return, edge.EdgeId!, edge.EdgeVpcId!, reply, trace, HopBudget);
    }

    /// <summary>A packet from on-premises enters a TGW through a VPN or Direct Connect gateway attachment; that attachment's associated table routes it.</summary>
    private LegOutcome EnterTransitGatewayFromEdge(WalkDirection direction, string transitGatewayId, string attachmentId, Packet packet, Trace trace, int budget)
    {
        trace.AddToPath(attachmentId);
        trace.Hops.Add(Hop(direction, HopStep.Edge, null, null, packet, HopDecision.Info, attachmentId,
            $"{packet.Source} enters {transitGatewayId} through {attachmentId}", null,
            direction == WalkDirection.Return
                ? "assumed: on-premises routes the reply back over the attachment the request left by; its associated route table decides (R-TGW-14)"
                : "the attachment's associated route table decides (R-TGW-14)",
            transitGatewayId: transitGatewayId, attachmentId: attachmentId));
        return TransitGatewayRouting(direction, transitGatewayId, attachmentId, availabilityZone: null, packet, trace, budget);
    }

    /// <summary>
    /// A packet from on-premises enters a VPC at its virtual private gateway. A gateway route table edge-associated with
    /// the VGW steers it first (R-RT-11); otherwise it goes straight to the destination subnet, whose inbound NACL applies.
    /// </summary>
    private LegOutcome EnterFromVirtualPrivateGateway(WalkDirection direction, string vgwId, string vpcId, Packet packet, Trace trace, int budget)
    {
        trace.AddToPath(vgwId);
        trace.Hops.Add(Hop(direction, HopStep.Edge, null, null, packet, HopDecision.Info, vgwId, $"{packet.Source} enters {vpcId} from {vgwId}", null,
            direction == WalkDirection.Return ? "assumed: on-premises routes the reply back to the gateway the request left by" : null, vpnGatewayId: vgwId, vpcId: vpcId));
        trace.EnteredVpc = (vpcId, "virtual-private-gateway");
        if (_model.Vpcs.TryGetValue(vpcId, out var vpc) && !vpc.ContainsAddress(packet.Destination))
            return StopWithHop(direction, HopStep.Edge, trace, packet, null, OutcomeKind.Blocked, vgwId, "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
                $"{packet.Destination} from {vgwId}",
                $"{packet.Destination} is outside {vpcId}: what enters from {vgwId} is delivered only inside the VPC (no transit through a VPC's gateway).",
                vpnGatewayId: vgwId);
        // R-RT-11: the gateway route table, if any, may send it to an appliance; otherwise the local route delivers it.
        return EnterThroughGateway(direction, vgwId, vpcId, packet, trace, budget);
    }
}
