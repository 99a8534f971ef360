using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    /// <summary>VPC -> TGW: the source AZ must have an attachment subnet (R-TGW-1); NACLs per R-TGW-9/10.</summary>
    private LegOutcome EnterTransitGateway(WalkDirection direction, Subnet subnet, string transitGatewayId, Packet packet, Trace trace, RouteTable table, int budget)
    {
        // R-TGW-10: the instance subnet's outbound rules (destination address) apply on the way to the TGW.
        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stopOut) return stopOut;
        packet = outbound.Packet;

        var attachment = _model.VpcAttachmentsOfVpc(subnet.VpcId)
            .FirstOrDefault(a => a.TransitGatewayId == transitGatewayId && string.Equals(a.State, "available", StringComparison.OrdinalIgnoreCase));
        if (attachment is null)
        {
            var any = _model.VpcAttachmentsOfVpc(subnet.VpcId).FirstOrDefault(a => a.TransitGatewayId == transitGatewayId);
            if (any is not null)
                return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Blocked, any.TransitGatewayAttachmentId, "BAD_STATE_ATTACHMENT",
                    $"{any.TransitGatewayAttachmentId} is {any.State}", $"The VPC attachment {any.TransitGatewayAttachmentId} is {any.State}; only available attachments carry traffic (R-TGW-8).",
                    transitGatewayId: transitGatewayId, attachmentId: any.TransitGatewayAttachmentId);
            return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Unknown, table.RouteTableId, "UNKNOWN_RESOURCE",
                $"no attachment of {transitGatewayId} to {subnet.VpcId} in the snapshot",
                $"{table.RouteTableId} routes to {transitGatewayId}, but the snapshot has no attachment of it to {subnet.VpcId}.", transitGatewayId: transitGatewayId);
        }

        var entry = TgwAttachmentSelector.ForEntry(_model, attachment, subnet.AvailabilityZone);
        if (!entry.Found)
            // R-TGW-1: an AZ without an attachment subnet cannot reach the TGW.
            return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Blocked, attachment.TransitGatewayAttachmentId, "TGW_ROUTE_AZ_RESTRICTION",
                $"no attachment subnet in {subnet.AvailabilityZone}", entry.Note!, transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId);

        var attachmentSubnet = _model.Subnets[entry.SubnetId!];
        // R-TGW-9/10: the attachment subnet's inbound rules (source address) apply on the way in; its outbound rules do not.
        var inbound = CheckNacl(direction, attachmentSubnet, RuleDirection.Inbound, packet, trace,
            why: "attachment subnet, inbound rules on the way into the transit gateway (R-TGW-10)");
        if (inbound.Stop is { } stopIn) return stopIn;
        packet = inbound.Packet;

        var attachmentEni = entry.NetworkInterfaceId is { } id && _model.NetworkInterfaces.TryGetValue(id, out var e) ? e : null;
        trace.AddToPath(entry.NetworkInterfaceId ?? attachment.TransitGatewayAttachmentId);
        trace.Hops.Add(Hop(direction, HopStep.TgwAttachmentEntry, attachmentEni, attachmentSubnet, packet, HopDecision.Forward,
            entry.NetworkInterfaceId ?? attachment.TransitGatewayAttachmentId,
            $"{attachment.TransitGatewayAttachmentId} in {attachmentSubnet.AvailabilityZone}", null,
            attachmentEni is null ? $"the attachment ENI in {attachmentSubnet.SubnetId} is not in the snapshot" : "the attachment sends all it receives to the transit gateway; its subnet's route table is not consulted (R-TGW-3)",
            transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId));
        if (attachment.SecurityGroupReferencingSupport == false || !TgwReferencingEnabled(transitGatewayId))
            packet = packet.GroupReferenceLoss is null
                ? packet with { GroupReferenceLoss = "SG_REFERENCING_SUPPORT", GroupReferenceLossNote = $"security group referencing is not enabled on both {transitGatewayId} and {attachment.TransitGatewayAttachmentId} (R-TGW-12)" }
                : packet;
        return TransitGatewayRouting(direction, transitGatewayId, attachment.TransitGatewayAttachmentId, attachmentSubnet.AvailabilityZone, packet, trace, budget);
    }

    private bool TgwReferencingEnabled(string transitGatewayId) =>
        _model.TransitGateways.TryGetValue(transitGatewayId, out var tgw) && tgw.SecurityGroupReferencingSupport;

    /// <summary>The route table associated with the arrival attachment decides (R-TGW-14, R-TGW-15..17).</summary>
    private LegOutcome TransitGatewayRouting(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, string availabilityZone, Packet packet, Trace trace, int budget)
    {
        if (budget <= 0 || !trace.Visited.Add($"tgw:{transitGatewayId}:{arrivalAttachmentId}"))
            return Stop(OutcomeKind.Unknown, trace, packet, transitGatewayId, "LOOP", null, $"The packet came back into {transitGatewayId} from {arrivalAttachmentId}: the routes form a loop.");
        if (!_model.TransitGatewayAttachments.TryGetValue(arrivalAttachmentId, out var arrival))
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, arrivalAttachmentId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                "attachment not in describe-transit-gateway-attachments",
                $"The snapshot lacks {arrivalAttachmentId} in TransitGatewayAttachments, so the route table associated with it is unknown.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);
        if (arrival.AssociatedRouteTableId is null || (arrival.AssociationState is { } st && !string.Equals(st, "associated", StringComparison.OrdinalIgnoreCase)))
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Blocked, arrivalAttachmentId, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                "no associated route table", $"{arrivalAttachmentId} is not associated with a transit gateway route table, so the transit gateway drops what arrives on it (R-TGW-14).",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);

        var routeTableId = arrival.AssociatedRouteTableId;
        var lookup = TgwRouteResolver.Lookup(_model, routeTableId, packet.Destination);
        foreach (var gap in lookup.Gaps) trace.Note(gap);
        if (!lookup.RoutesKnown)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                "routes not in the snapshot", $"The snapshot has neither routes nor propagations of {routeTableId}.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);
        if (lookup.Best is null)
        {
            var kind = lookup.Gaps.Count > 0 ? OutcomeKind.Unknown : OutcomeKind.Blocked;
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, kind, routeTableId,
                kind == OutcomeKind.Blocked ? "TGW_RTB_CANNOT_ROUTE" : "TGW_RTB_ROUTES_ARE_UNKNOWN",
                $"no route matches {packet.Destination}",
                kind == OutcomeKind.Blocked ? $"Transit gateway route table {routeTableId} has no route to {packet.Destination}."
                    : $"No known route in {routeTableId} matches {packet.Destination}, and some of its routes are not in the snapshot: {string.Join("; ", lookup.Gaps)}.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);
        }
        var best = lookup.Best;
        var suppressedNote = lookup.Suppressed.Any(s => s.Prefix == best.Prefix)
            ? $"preferred over {string.Join(", ", lookup.Suppressed.Where(s => s.Prefix == best.Prefix).Select(s => s.Route.Text))} (R-TGW-15)" : null;
        var ruleText = $"{best.Prefix} -> {(best.Route.IsBlackhole ? "blackhole" : string.Join(",", best.Route.Targets.Select(t => t.TransitGatewayAttachmentId)))} ({best.Route.TypeText})";
        if (best.Route.IsBlackhole)
            // R-TGW-16: a blackhole route drops what it matches.
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Blocked, routeTableId, "TGW_RTB_BAD_STATE_ROUTE", ruleText,
                $"The route {best.Prefix} in {routeTableId} is a blackhole.", transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId, note: suppressedNote);
        if (best.Route.Targets.Count == 0)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN", ruleText,
                $"The route {best.Prefix} in {routeTableId} names no attachment in the snapshot.", transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);

        trace.Hops.Add(Hop(direction, HopStep.TgwRouteTable, null, null, packet, HopDecision.Forward, routeTableId, ruleText, null, suppressedNote,
            transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId));
        if (best.Route.Targets.Count > 1)
            return Branch(trace, best.Route.Targets.Select(t => (Func<Trace, LegOutcome>)(tr => LeaveTransitGateway(direction, transitGatewayId, t.TransitGatewayAttachmentId, availabilityZone, packet, tr, budget - 1))).ToList(),
                $"{routeTableId} spreads {best.Prefix} over {best.Route.Targets.Count} attachments (ECMP); the flow hash picks one", routeTableId);
        return LeaveTransitGateway(direction, transitGatewayId, best.Route.Targets[0].TransitGatewayAttachmentId, availabilityZone, packet, trace, budget - 1);
    }

    /// <summary>TGW -> attachment. VPC attachments deliver by AZ affinity (R-TGW-4) into the attachment subnet's route table (R-TGW-2).</summary>
    private LegOutcome LeaveTransitGateway(WalkDirection direction, string transitGatewayId, string attachmentId, string availabilityZone, Packet packet, Trace trace, int budget)
    {
        _model.TransitGatewayAttachments.TryGetValue(attachmentId, out var attachment);
        if (attachment is not null && !attachment.IsAvailable)
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Blocked, attachmentId, "BAD_STATE_ATTACHMENT",
                $"{attachmentId} is {attachment.State}", $"The route's attachment {attachmentId} is {attachment.State}; only available attachments carry traffic (R-TGW-8).",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        if (!_model.TransitGatewayVpcAttachments.TryGetValue(attachmentId, out var vpcAttachment))
        {
            var type = attachment?.ResourceType ?? "unknown";
            return LeaveToNonVpcAttachment(direction, transitGatewayId, attachmentId, type, attachment, packet, trace, budget);
        }
        var placement = TgwAttachmentSelector.ForDelivery(_model, vpcAttachment, availabilityZone);
        if (!placement.Found)
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Unknown, attachmentId, "UNKNOWN_RESOURCE",
                "no attachment subnet in the snapshot", placement.Note ?? $"The subnets of {attachmentId} are not in the snapshot.", transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        if (placement.Ambiguous)
        {
            var alternatives = placement.CandidateSubnetIds.Select(subnetId => (Func<Trace, LegOutcome>)(tr =>
                DeliverFromAttachment(direction, transitGatewayId, vpcAttachment, _model.Subnets[subnetId], availabilityZone, packet, tr, budget))).ToList();
            return Branch(trace, alternatives, placement.Note!, attachmentId);
        }
        return DeliverFromAttachment(direction, transitGatewayId, vpcAttachment, _model.Subnets[placement.SubnetId!], availabilityZone, packet, trace, budget);
    }

    private LegOutcome DeliverFromAttachment(WalkDirection direction, string transitGatewayId, TransitGatewayVpcAttachment attachment, Subnet attachmentSubnet,
        string entryAvailabilityZone, Packet packet, Trace trace, int budget)
    {
        var eniId = _model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, attachmentSubnet.SubnetId)?.NetworkInterfaceId;
        var crossed = attachmentSubnet.AvailabilityZone != entryAvailabilityZone;
        if (crossed) trace.Note($"AVAILABILITY_ZONE_CROSSED: {attachment.TransitGatewayAttachmentId} has no subnet in {entryAvailabilityZone}; delivered in {attachmentSubnet.AvailabilityZone} (R-TGW-4)");
        trace.AddToPath(eniId ?? attachment.TransitGatewayAttachmentId);
        var eni = eniId is null ? null : _model.NetworkInterfaces[eniId];
        trace.Hops.Add(Hop(direction, HopStep.TgwAttachmentExit, eni, attachmentSubnet, packet, HopDecision.Forward, eniId ?? attachment.TransitGatewayAttachmentId,
            crossed ? $"{attachment.TransitGatewayAttachmentId} in {attachmentSubnet.AvailabilityZone} (crossed from {entryAvailabilityZone})" : $"{attachment.TransitGatewayAttachmentId} in {attachmentSubnet.AvailabilityZone} (same AZ)",
            crossed ? "AVAILABILITY_ZONE_CROSSED" : null,
            (eni is null ? $"the attachment ENI in {attachmentSubnet.SubnetId} is not in the snapshot; " : "")
            + "traffic from the transit gateway is not filtered by the attachment subnet's inbound rules (R-TGW-10)",
            transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId));
        // R-TGW-2: the attachment subnet's route table forwards what leaves the TGW into the VPC.
        return RouteFromSubnet(direction, attachmentSubnet, packet, trace, arrivedFromTransitGateway: true, budget: budget);
    }

    /// <summary>
    /// Tries each alternative AWS may take. When all end the same way the walk is certain and follows the first;
    /// otherwise the verdict is Ambiguous and names the alternatives (never a guess).
    /// </summary>
    private LegOutcome Branch(Trace trace, IReadOnlyList<Func<Trace, LegOutcome>> alternatives, string why, string at)
    {
        var outcomes = alternatives.Select(alt => alt(trace.Clone())).ToList();
        var first = outcomes[0];
        if (outcomes.All(o => o.Signature == first.Signature))
        {
            first.Trace.Note($"{why}; every alternative ends the same way");
            return first;
        }
        var summary = string.Join("; ", outcomes.Select(o => $"{string.Join(" -> ", o.Trace.Path.Skip(trace.Path.Count))}: {o.Kind}{(o.At is null ? "" : $" at {o.At} ({o.Reason})")}"));
        trace.Note($"{why}: {summary}");
        foreach (var o in outcomes) foreach (var n in o.Trace.Notes) trace.Note(n);
        trace.Hops.Add(new PacketHop
        {
            Direction = first.Trace.Hops.LastOrDefault()?.Direction ?? WalkDirection.Forward,
            Step = first.Trace.Hops.Count > trace.Hops.Count ? first.Trace.Hops[trace.Hops.Count].Step : HopStep.TgwAttachmentExit,
            Component = at, Decision = HopDecision.Ambiguous, Rule = why, Note = summary,
            SourceAddress = first.Packet.Source.ToString(), DestinationAddress = first.Packet.Destination.ToString(), Protocol = first.Packet.ProtocolName,
        });
        return Stop(OutcomeKind.Ambiguous, trace, first.Packet, at, outcomes.FirstOrDefault(o => o.Kind != OutcomeKind.Delivered)?.Reason ?? "AMBIGUOUS", why,
            $"AWS may take any of several paths and they end differently: {summary}.");
    }
}
