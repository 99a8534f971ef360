using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Transit gateway attachments and virtual private gateways as the start or end of a walk, as Reachability Analyzer
// allows them: a packet that arrives on an attachment, a packet whose destination is an attachment, and on-premises
// traffic coming into a VPC through its virtual private gateway (with the gateway route table, R-RT-11).
public sealed partial class PacketWalker
{
    /// <summary>The walk starts on an attachment: the transit gateway routes it by the attachment's route table (R-TGW-14).</summary>
    private LegOutcome StartFromTransitGatewayAttachment(WalkDirection direction, Endpoint from, Packet packet, Trace trace)
    {
        var attachmentId = from.ComponentId!;
        _model.TransitGatewayAttachments.TryGetValue(attachmentId, out var attachment);
        _model.TransitGatewayVpcAttachments.TryGetValue(attachmentId, out var vpcAttachment);
        var transitGatewayId = attachment?.TransitGatewayId ?? vpcAttachment!.TransitGatewayId;
        var type = attachment?.ResourceType ?? "vpc";
        var state = attachment?.State ?? vpcAttachment?.State;
        if (state is not null && !string.Equals(state, "available", StringComparison.OrdinalIgnoreCase))
            return StopAt(direction, HopStep.TgwAttachmentEntry, trace, packet, null, null, OutcomeKind.Blocked, attachmentId, "BAD_STATE_ATTACHMENT",
                $"{attachmentId} is {state}", $"The attachment {attachmentId} is {state}; only available attachments carry traffic (R-TGW-8).",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        trace.AddToPath(attachmentId);
        trace.Hops.Add(Hop(direction, HopStep.TgwAttachmentEntry, null, null, packet, HopDecision.Forward, attachmentId,
            $"{attachmentId} ({type}{(attachment?.ResourceId is { } r ? $" {r}" : "")})", null, "the walk starts on the attachment: the transit gateway routes what arrives on it",
            transitGatewayId: transitGatewayId, attachmentId: attachmentId));
        var zones = vpcAttachment is null ? new List<ZoneRef>()
            : TgwAttachmentSelector.AttachmentSubnets(_model, vpcAttachment).Select(_model.ZoneOf).Distinct().ToList();
        if (zones.Count > 1)
            // A VPC attachment takes traffic in each of its zones; the zone decides delivery by AZ affinity (R-TGW-4).
            return Branch(trace, zones.Select(az => (Func<Trace, LegOutcome>)(tr => TransitGatewayRouting(direction, transitGatewayId, attachmentId, az, packet, tr, HopBudget))).ToList(),
                $"traffic can arrive on {attachmentId} in any of {string.Join(", ", zones.Select(z => z.Text))}", attachmentId);
        return TransitGatewayRouting(direction, transitGatewayId, attachmentId, zones.Count == 0 ? null : zones[0], packet, trace, HopBudget);
    }

    /// <summary>
    /// The destination is this attachment: the walk ends when the packet enters the transit gateway through it from its VPC,
    /// or when the transit gateway sends it there. Null when the attachment is not the leg's target.
    /// </summary>
    private LegOutcome? ReachedAttachment(WalkDirection direction, string transitGatewayId, string attachmentId, Subnet? entrySubnet, ZoneRef? availabilityZone, Packet packet, Trace trace)
    {
        if (trace.Target is not { Kind: EndpointKind.TransitGatewayAttachment } target || target.ComponentId != attachmentId) return null;
        trace.AddToPath(attachmentId);
        trace.Hops.Add(Hop(direction, HopStep.Destination, null, entrySubnet, packet, HopDecision.Deliver, attachmentId,
            $"reached {attachmentId}", null, entrySubnet is null ? "the transit gateway sends the packet to the attachment" : "the packet enters the transit gateway through the attachment",
            transitGatewayId: transitGatewayId, attachmentId: attachmentId));
        return new LegOutcome(OutcomeKind.Delivered, trace, packet)
        {
            Reached = new Terminus(TerminusKind.TransitGatewayAttachment, attachmentId)
            {
                TransitGatewayId = transitGatewayId, Zone = availabilityZone, EntrySubnetId = entrySubnet?.SubnetId, VpcId = entrySubnet?.VpcId,
            },
        };
    }

    /// <summary>The reply to a packet that ended at an attachment starts there.</summary>
    private LegOutcome ReplyFromTransitGatewayAttachment(Terminus end, Packet reply, Trace trace)
    {
        trace.AddToPath(end.ComponentId);
        if (end.EntrySubnetId is { } subnetId)
        {
            // The request entered the transit gateway here from its VPC; the reply leaves it here into that VPC, and the
            // attachment subnet's route table forwards it (R-TGW-2).
            var subnet = _model.Subnets[subnetId];
            trace.Hops.Add(Hop(WalkDirection.Return, HopStep.TgwAttachmentExit, null, subnet, reply, HopDecision.Forward, end.ComponentId,
                $"{end.ComponentId} in {_model.ZoneOf(subnet).Text}", null, "the reply leaves the transit gateway through the attachment it was sent to",
                transitGatewayId: end.TransitGatewayId, attachmentId: end.ComponentId));
            return RouteFromSubnet(WalkDirection.Return, subnet, reply, trace, arrivedFromTransitGateway: true, budget: HopBudget);
        }
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.TgwAttachmentEntry, null, null, reply, HopDecision.Forward, end.ComponentId,
            $"reply arrives on {end.ComponentId}", null, "the transit gateway routes the reply by the attachment's route table",
            transitGatewayId: end.TransitGatewayId, attachmentId: end.ComponentId));
        return TransitGatewayRouting(WalkDirection.Return, end.TransitGatewayId!, end.ComponentId, end.Zone, reply, trace, HopBudget);
    }

    /// <summary>On-premises traffic comes into the VPC through its virtual private gateway; a gateway route table may steer it (R-RT-11).</summary>
    private LegOutcome StartFromVirtualPrivateGateway(WalkDirection direction, Endpoint from, Packet packet, Trace trace) =>
        EnterFromVirtualPrivateGateway(direction, from.ComponentId!, from.VpcId!, packet, trace, HopBudget);
}
