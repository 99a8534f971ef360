using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    /// <summary>AZ id where TGW security group referencing is not supported (R-TGW-13).</summary>
    private const string NoGroupReferencingAzId = "use1-az3";
    private const string NoGroupReferencingRegion = "us-east-1";

    /// <summary>PacketWalk's reason when two AZs named by different accounts without AZ ids decide the path (R-AZ-1).</summary>
    internal const string UnknownZoneReason = "UNKNOWN_AVAILABILITY_ZONE_ID";

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
                // R-TGW-8: only available attachments carry traffic (pending, modifying, deleting, failed, rejected… do not).
                return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Blocked, any.TransitGatewayAttachmentId, "BAD_STATE_ATTACHMENT",
                    $"{any.TransitGatewayAttachmentId} is {any.State}", $"The VPC attachment {any.TransitGatewayAttachmentId} of {subnet.VpcId} is {any.State}; only available attachments carry traffic (R-TGW-8).",
                    transitGatewayId: transitGatewayId, attachmentId: any.TransitGatewayAttachmentId);
            if (_model.WhyUnreadable(ResourceKinds.TransitGatewayVpcAttachments) is { } denied)
                return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Unknown, table.RouteTableId, "UNKNOWN_RESOURCE",
                    $"{denied.Why}", $"{table.RouteTableId} routes to {transitGatewayId}, but its attachments to {subnet.VpcId} could not be read ({denied.Why}).",
                    transitGatewayId: transitGatewayId);
            return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Unknown, table.RouteTableId, "UNKNOWN_RESOURCE",
                $"no attachment of {transitGatewayId} to {subnet.VpcId} in the snapshot",
                $"{table.RouteTableId} routes to {transitGatewayId}, but the snapshot has no attachment of it to {subnet.VpcId}.", transitGatewayId: transitGatewayId);
        }

        var sourceZone = _model.ZoneOf(subnet);
        var entry = TgwAttachmentSelector.ForEntry(_model, attachment, sourceZone);
        if (entry.AvailabilityZoneUnknown)
            // R-AZ-1: the attachment's subnets and the source are named by different accounts without AZ ids, so whether
            // the source's AZ has an attachment subnet (R-TGW-1) cannot be told.
            return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Unknown, attachment.TransitGatewayAttachmentId, UnknownZoneReason,
                $"attachment subnet in {sourceZone.Text}?", $"{char.ToUpperInvariant(entry.Note![0])}{entry.Note[1..]}; the transit gateway takes the packet only from an AZ where the attachment has a subnet (R-TGW-1).",
                transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId);
        if (!entry.Found)
            // R-TGW-1: an AZ without an attachment subnet cannot reach the TGW.
            return StopWithHop(direction, HopStep.TgwAttachmentEntry, trace, packet, subnet, OutcomeKind.Blocked, attachment.TransitGatewayAttachmentId, "TGW_ROUTE_AZ_RESTRICTION",
                $"no attachment subnet in {sourceZone.Text}", entry.Note!, transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId);

        var attachmentSubnet = _model.Subnets[entry.SubnetId!];
        var attachmentZone = _model.ZoneOf(attachmentSubnet);
        // R-TGW-9/10: the attachment subnet's inbound rules (source address) apply on the way in; its outbound rules do not.
        var inbound = CheckNacl(direction, attachmentSubnet, RuleDirection.Inbound, packet, trace,
            why: "attachment subnet, inbound rules on the way into the transit gateway (R-TGW-10)");
        if (inbound.Stop is { } stopIn) return stopIn;
        packet = inbound.Packet;

        var attachmentEni = entry.NetworkInterfaceId is { } id && _model.NetworkInterfaces.TryGetValue(id, out var e) ? e : null;
        trace.AddToPath(entry.NetworkInterfaceId ?? attachment.TransitGatewayAttachmentId);
        trace.Hops.Add(Hop(direction, HopStep.TgwAttachmentEntry, attachmentEni, attachmentSubnet, packet, HopDecision.Forward,
            entry.NetworkInterfaceId ?? attachment.TransitGatewayAttachmentId,
            $"into {transitGatewayId} through {attachment.TransitGatewayAttachmentId} in {attachmentZone.Text}", null,
            attachmentEni is null ? $"the attachment ENI in {attachmentSubnet.SubnetId} is not in the snapshot" : "the attachment sends all it receives to the transit gateway; its subnet's route table is not consulted (R-TGW-3)",
            transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId));
        if (ReachedAttachment(direction, transitGatewayId, attachment.TransitGatewayAttachmentId, attachmentSubnet, attachmentZone, packet, trace) is { } reachedOnEntry)
            return reachedOnEntry;
        return WithGroupReferences(trace, GroupReferencesAtEntry(packet, transitGatewayId, attachment, attachmentSubnet), attachment.TransitGatewayAttachmentId,
            (p, tr) => TransitGatewayRouting(direction, transitGatewayId, attachment.TransitGatewayAttachmentId, attachmentZone, p, tr, budget));
    }

    /// <summary>
    /// The packet as it goes on past a check of R-TGW-12/13, and — when whether the check holds is unknown (an attachment
    /// subnet in us-east-1 without an AZ id, R-AZ-1) — the packet if it does not.
    /// </summary>
    private readonly record struct GroupReferenceCheck(Packet Packet, Packet? IfLost = null, string? Unknown = null);

    /// <summary>Goes on with the packet; walks both packets when whether references survive is unknown (same end: certain; else Unknown).</summary>
    private LegOutcome WithGroupReferences(Trace trace, GroupReferenceCheck check, string at, Func<Packet, Trace, LegOutcome> next) =>
        check.IfLost is not { } lost ? next(check.Packet, trace)
        : Branch(trace, new Func<Trace, LegOutcome>[] { tr => next(check.Packet, tr), tr => next(lost, tr) }, check.Unknown!, at, UnknownZoneReason);

    /// <summary>
    /// Whether an attachment subnet is in use1-az3, where TGW security group referencing is not supported (R-TGW-13): by
    /// its AZ id; without one, only a subnet outside us-east-1 is known not to be.
    /// </summary>
    private ZoneMatch InNoReferencingZone(Subnet subnet)
    {
        var zone = _model.ZoneOf(subnet);
        if (zone.Id is { } id) return string.Equals(id, NoGroupReferencingAzId, StringComparison.Ordinal) ? ZoneMatch.Same : ZoneMatch.Different;
        var region = zone.Region ?? subnet.Origin.Region;
        return region is not null && !string.Equals(region, NoGroupReferencingRegion, StringComparison.Ordinal) ? ZoneMatch.Different : ZoneMatch.Unknown;
    }

    /// <summary>
    /// R-TGW-12/13: a security group reference survives a TGW only when referencing is enabled on the TGW and on both VPC
    /// attachments, and neither attachment subnet is in use1-az3. The entry side is checked here, the exit side on delivery.
    /// </summary>
    private GroupReferenceCheck GroupReferencesAtEntry(Packet packet, string transitGatewayId, TransitGatewayVpcAttachment attachment, Subnet attachmentSubnet)
    {
        if (packet.GroupReferenceLoss is not null) return new(packet);
        string? why = null;
        if (!_model.TransitGateways.TryGetValue(transitGatewayId, out var tgw))
            why = $"{transitGatewayId} is not in the snapshot, so whether it has security group referencing enabled is unknown (R-TGW-12)";
        else if (!tgw.SecurityGroupReferencingSupport)
            why = $"security group referencing is disabled on {transitGatewayId} (R-TGW-12)";
        else if (!attachment.SecurityGroupReferencingSupport)
            why = $"security group referencing is disabled on the source attachment {attachment.TransitGatewayAttachmentId} (R-TGW-12)";
        else
            return ReferencesInZone(packet, attachmentSubnet, "source");
        return new(LoseGroupReferences(packet, why));
    }

    private GroupReferenceCheck GroupReferencesAtExit(Packet packet, TransitGatewayVpcAttachment attachment, Subnet attachmentSubnet)
    {
        if (packet.GroupReferenceLoss is not null) return new(packet);
        if (!attachment.SecurityGroupReferencingSupport)
            return new(LoseGroupReferences(packet, $"security group referencing is disabled on the destination attachment {attachment.TransitGatewayAttachmentId} (R-TGW-12)"));
        return ReferencesInZone(packet, attachmentSubnet, "destination");
    }

    /// <summary>R-TGW-13: referencing is not supported for attachments in use1-az3; without the subnet's AZ id that is unknown (R-AZ-1).</summary>
    private GroupReferenceCheck ReferencesInZone(Packet packet, Subnet attachmentSubnet, string side)
    {
        var lostHere = $"the {side} attachment subnet {attachmentSubnet.SubnetId} is in {NoGroupReferencingAzId}, where referencing is not supported (R-TGW-13)";
        return InNoReferencingZone(attachmentSubnet) switch
        {
            ZoneMatch.Same => new(LoseGroupReferences(packet, lostHere)),
            ZoneMatch.Different => new(packet),
            _ => new(packet,
                LoseGroupReferences(packet, $"the {side} attachment subnet {attachmentSubnet.SubnetId} may be in {NoGroupReferencingAzId} (the snapshot lacks its AZ id), where referencing is not supported (R-TGW-13, R-AZ-1)"),
                $"whether security group references survive {attachmentSubnet.SubnetId} is unknown: it is in {_model.ZoneOf(attachmentSubnet).Text} of {NoGroupReferencingRegion} and the snapshot lacks its AZ id, "
                + $"so whether it is {NoGroupReferencingAzId} cannot be told (R-TGW-13, R-AZ-1)"),
        };
    }

    private static Packet LoseGroupReferences(Packet packet, string why) =>
        packet with { GroupReferenceLoss = "SG_REFERENCING_SUPPORT", GroupReferenceLossNote = why };

    /// <summary>
    /// The route table associated with the arrival attachment decides (R-TGW-14, R-TGW-15..17). A null AZ means the
    /// packet came over peering or from an edge and has no AZ of origin in this region.
    /// </summary>
    private LegOutcome TransitGatewayRouting(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, ZoneRef? availabilityZone, Packet packet, Trace trace, int budget)
    {
        if (budget <= 0 || !trace.Visited.Add($"tgw:{transitGatewayId}:{arrivalAttachmentId}"))
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, transitGatewayId, "LOOP",
                $"{transitGatewayId} entered again from {arrivalAttachmentId}", $"The packet came back into {transitGatewayId} from {arrivalAttachmentId}: the routes form a loop.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);
        if (!trace.Work.TryTake()) return WorkBudgetSpent(direction, HopStep.TgwRouteTable, trace, packet, null, transitGatewayId, transitGatewayId);
        // R-TGW-22: an attachment associated with a policy table is routed by its rules, not by a route-table association.
        if (_model.PolicyTableAssociationOf(transitGatewayId, arrivalAttachmentId) is { } policy)
            return PolicyRouting(direction, transitGatewayId, arrivalAttachmentId, policy, availabilityZone, packet, trace, budget);
        var arrival = _model.TransitGatewayAttachmentOn(transitGatewayId, arrivalAttachmentId);
        if (arrival is { AssociatedRouteTableId: null } && _model.WhyUnreadable(ResourceKinds.TransitGatewayPolicyTables) is { } deniedPolicies)
            // No route-table association: the attachment may be associated with a policy table instead (R-TGW-22), which could not be read.
            return StopWithHop(direction, HopStep.TgwPolicyTable, trace, packet, null, OutcomeKind.Unknown, arrivalAttachmentId, "UNKNOWN_RESOURCE",
                $"{deniedPolicies.Action} was denied",
                $"{arrivalAttachmentId} has no route-table association and the policy tables of {transitGatewayId} could not be read ({deniedPolicies.Action} was denied), so what routes it is unknown (R-TGW-22).",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);
        if (arrival is null && _model.WhyUnreadable(ResourceKinds.TransitGatewayAttachments) is { } deniedAttachments)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, arrivalAttachmentId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                $"{deniedAttachments.Why}",
                $"The attachments of {transitGatewayId} could not be read ({deniedAttachments.Why}), so the route table associated with {arrivalAttachmentId} is unknown.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);
        if (arrival is null)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, arrivalAttachmentId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                $"{arrivalAttachmentId} not in describe-transit-gateway-attachments of {transitGatewayId}",
                $"The snapshot lacks {transitGatewayId}'s side of {arrivalAttachmentId} in TransitGatewayAttachments, so the route table associated with it is unknown.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId);
        if (arrival.AssociatedRouteTableId is null || (arrival.AssociationState is { } st && !string.Equals(st, "associated", StringComparison.OrdinalIgnoreCase)))
            // R-TGW-14: what arrives on an attachment is routed by the one table associated with it; none (or one still
            // associating or already disassociating) means nothing routes it.
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Blocked, arrivalAttachmentId, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                arrival.AssociatedRouteTableId is null ? "no associated route table" : $"association with {arrival.AssociatedRouteTableId} is {arrival.AssociationState}",
                arrival.AssociatedRouteTableId is null
                    ? $"{arrivalAttachmentId} is not associated with a route table of {transitGatewayId}, so the transit gateway drops what arrives on it (R-TGW-14)."
                    : $"{arrivalAttachmentId}'s association with {arrival.AssociatedRouteTableId} is {arrival.AssociationState}, not associated, so the transit gateway drops what arrives on it (R-TGW-14).",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: arrival.AssociatedRouteTableId);

        return RouteInTgwTable(direction, transitGatewayId, arrivalAttachmentId, arrival.AssociatedRouteTableId, availabilityZone, packet, trace, budget,
            $"{arrivalAttachmentId} is associated with {arrival.AssociatedRouteTableId}, so its routes decide (R-TGW-14)");
    }

    /// <summary>
    /// Longest-prefix match in one TGW route table (R-TGW-15..17) and on to the chosen attachment. <paramref name="chosenBecause"/>
    /// says why this table decides: the arrival attachment's association (R-TGW-14) or a policy rule (R-TGW-22).
    /// </summary>
    private LegOutcome RouteInTgwTable(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, string routeTableId, ZoneRef? availabilityZone,
        Packet packet, Trace trace, int budget, string chosenBecause)
    {
        if ((_model.WhyUnreadable(ResourceKinds.TransitGatewayRoutes, routeTableId) ?? _model.WhyUnreadable(ResourceKinds.TransitGatewayPropagations, routeTableId)) is { } deniedRoutes)
            // Static routes outrank propagated ones (R-TGW-15): with either half unread no lookup can be trusted.
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                $"{deniedRoutes.Why}", $"The routes of {routeTableId} could not be read ({deniedRoutes.Why}).",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);
        var lookup = TgwRouteResolver.Lookup(_model, routeTableId, packet.Destination);
        var gapNote = lookup.Gaps.Count == 0 ? null
            : $"TGW_RTB_ROUTES_ARE_UNKNOWN: part of {routeTableId} is not in the snapshot ({string.Join("; ", lookup.Gaps)}); a more specific route there would change this";
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
        if (gapNote is not null) trace.Note(gapNote);
        var best = lookup.Best;
        if (lookup.Conflicting.Count > 0)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                string.Join(" | ", new[] { best }.Concat(lookup.Conflicting).Select(c => $"{c.Prefix} -> {(c.Route.IsBlackhole ? "blackhole" : string.Join(",", c.Route.Targets.Select(t => t.TransitGatewayAttachmentId)))} ({c.Route.TypeText})")),
                $"{routeTableId} has {1 + lookup.Conflicting.Count} {best.Route.TypeText} routes for {best.Prefix} to different places; a route table keeps one route per prefix "
                + "(for overlapping VPC CIDRs, the route of the VPC attached first, R-TGW-8), and the snapshot does not say which one AWS installed.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);
        if (lookup.MissingPrefixLists.Count > 0)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN",
                $"{best.Prefix} ({best.Route.TypeText}); prefix lists not in the snapshot: {string.Join(", ", lookup.MissingPrefixLists)}",
                $"{routeTableId} references {string.Join(", ", lookup.MissingPrefixLists)}, which {(lookup.MissingPrefixLists.Count == 1 ? "is" : "are")} not in the snapshot; "
                + $"an entry there may be more specific than {best.Prefix} (R-TGW-17).",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);
        var preferred = lookup.Suppressed.Where(s => s.Prefix == best.Prefix).ToList();
        var suppressedNote = JoinNotes(
            preferred.Count > 0 ? $"preferred over {string.Join(", ", preferred.Select(s => s.Route.Text))} (R-TGW-15{(preferred.Any(p => p.Route.Type == TgwRouteType.Propagated) && best.Route.Type == TgwRouteType.PrefixListReference ? ", R-TGW-17: a prefix-list reference outranks a propagated route although the API shows it as propagated" : "")})" : null,
            gapNote);
        var target = best.Route.IsBlackhole ? "blackhole" : best.Route.Targets.Count == 0 ? "(no attachment)" : string.Join(",", best.Route.Targets.Select(t => t.TransitGatewayAttachmentId));
        var ruleText = $"{best.Prefix} -> {target} ({best.Route.TypeText}{(best.Route.PrefixListId is { } pl ? $" {pl}" : "")}{(best.Route.IsActive || best.Route.IsBlackhole ? "" : $", {best.Route.State}")})";
        if (best.Route.IsBlackhole)
            // R-TGW-16: a blackhole route drops what it matches (an explicit blackhole, or a route whose attachment is gone).
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Blocked, routeTableId, "TGW_RTB_BAD_STATE_ROUTE", ruleText,
                $"The route {best.Prefix} in {routeTableId} is a blackhole.", transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId, note: suppressedNote);
        if (!best.Route.IsActive)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_BAD_STATE_ROUTE", ruleText,
                $"The route {best.Prefix} in {routeTableId} is {best.Route.State}: it was changing when the snapshot was taken, so whether it forwards is unknown.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId, note: suppressedNote);
        if (best.Route.Targets.Count == 0)
            return StopWithHop(direction, HopStep.TgwRouteTable, trace, packet, null, OutcomeKind.Unknown, routeTableId, "TGW_RTB_ROUTES_ARE_UNKNOWN", ruleText,
                $"The route {best.Prefix} in {routeTableId} names no attachment in the snapshot.", transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId);

        trace.Hops.Add(Hop(direction, HopStep.TgwRouteTable, null, null, packet, HopDecision.Forward, routeTableId, ruleText, null,
            JoinNotes(chosenBecause, suppressedNote),
            transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId));
        if (best.Route.Targets.Count > 1)
            return Branch(trace, best.Route.Targets.Select(t => (Func<Trace, LegOutcome>)(tr => LeaveTransitGateway(direction, transitGatewayId, t.TransitGatewayAttachmentId, availabilityZone, packet, tr, budget - 1))).ToList(),
                $"{routeTableId} spreads {best.Prefix} over {best.Route.Targets.Count} attachments ({string.Join(", ", best.Route.Targets.Select(t => t.TransitGatewayAttachmentId))}) by ECMP; the flow hash picks one", routeTableId);
        return LeaveTransitGateway(direction, transitGatewayId, best.Route.Targets[0].TransitGatewayAttachmentId, availabilityZone, packet, trace, budget - 1);
    }

    /// <summary>TGW -> attachment. VPC attachments deliver by AZ affinity (R-TGW-4) or appliance mode (R-TGW-6) into the attachment subnet's route table (R-TGW-2).</summary>
    private LegOutcome LeaveTransitGateway(WalkDirection direction, string transitGatewayId, string attachmentId, ZoneRef? availabilityZone, Packet packet, Trace trace, int budget)
    {
        var attachment = _model.TransitGatewayAttachmentOn(transitGatewayId, attachmentId)
            ?? (_model.TransitGatewayAttachments.TryGetValue(attachmentId, out var any) ? any : null);
        if (attachment is not null && !attachment.IsAvailable)
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Blocked, attachmentId, "BAD_STATE_ATTACHMENT",
                $"{attachmentId} ({attachment.ResourceType}) is {attachment.State}",
                $"The route's attachment {attachmentId} ({attachment.ResourceType}) is {attachment.State}; only available attachments carry traffic (R-TGW-8)"
                + (attachment.State.Equals("pendingAcceptance", StringComparison.OrdinalIgnoreCase) ? ": the accepter side has not accepted it yet (R-TGW-18)." : "."),
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        if (ReachedAttachment(direction, transitGatewayId, attachmentId, null, availabilityZone, packet, trace) is { } reached) return reached;
        if (!_model.TransitGatewayVpcAttachments.TryGetValue(attachmentId, out var vpcAttachment))
            return LeaveToNonVpcAttachment(direction, transitGatewayId, attachmentId, attachment, availabilityZone, packet, trace, budget);
        if (!vpcAttachment.State.Equals("available", StringComparison.OrdinalIgnoreCase))
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Blocked, attachmentId, "BAD_STATE_ATTACHMENT",
                $"{attachmentId} is {vpcAttachment.State}", $"The route's VPC attachment {attachmentId} is {vpcAttachment.State}; only available attachments carry traffic (R-TGW-8).",
                transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        if (vpcAttachment.ApplianceModeSupport)
            return LeaveInApplianceMode(direction, transitGatewayId, vpcAttachment, availabilityZone, packet, trace, budget);

        var placement = TgwAttachmentSelector.ForDelivery(_model, vpcAttachment, availabilityZone);
        if (placement.AvailabilityZoneUnknown && placement.CandidateSubnetIds.Count > 1)
        {
            // R-AZ-1: the snapshot cannot tell which subnet is in the packet's AZ; AWS's choice is not the unknown here, the
            // data is. Every candidate is walked: alike -> certain; different -> Unknown.
            var possible = placement.CandidateSubnetIds.Select(subnetId => (Func<Trace, LegOutcome>)(tr =>
                DeliverFromAttachment(direction, transitGatewayId, vpcAttachment, _model.Subnets[subnetId], availabilityZone, packet, tr, budget, null))).ToList();
            return Branch(trace, possible, placement.Note!, attachmentId, UnknownZoneReason);
        }
        if (!placement.Found)
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Unknown, attachmentId, "UNKNOWN_RESOURCE",
                "no attachment subnet in the snapshot", placement.Note ?? $"The subnets of {attachmentId} are not in the snapshot.", transitGatewayId: transitGatewayId, attachmentId: attachmentId);
        if (placement.Ambiguous)
        {
            var alternatives = placement.CandidateSubnetIds.Select(subnetId => (Func<Trace, LegOutcome>)(tr =>
                DeliverFromAttachment(direction, transitGatewayId, vpcAttachment, _model.Subnets[subnetId], availabilityZone, packet, tr, budget, null))).ToList();
            return Branch(trace, alternatives, placement.Note!, attachmentId);
        }
        return DeliverFromAttachment(direction, transitGatewayId, vpcAttachment, _model.Subnets[placement.SubnetId!], availabilityZone, packet, trace, budget,
            placement.AvailabilityZoneUnknown ? placement.Note : null);
    }

    /// <summary>
    /// R-TGW-6: in appliance mode the TGW picks one attachment ENI per flow and uses the same one for the return. A reply
    /// whose flow was pinned on the way out goes back through that ENI; otherwise the selection rules apply and, where
    /// the flow hash decides, every candidate is walked (Ambiguous only when they end differently).
    /// </summary>
    private LegOutcome LeaveInApplianceMode(WalkDirection direction, string transitGatewayId, TransitGatewayVpcAttachment attachment, ZoneRef? entryZone,
        Packet packet, Trace trace, int budget)
    {
        var id = attachment.TransitGatewayAttachmentId;
        trace.ConsultedPins.Add(id);
        if (packet.FlowPins.TryGetValue(id, out var pinnedSubnetId) && _model.Subnets.TryGetValue(pinnedSubnetId, out var pinned))
            return DeliverFromAttachment(direction, transitGatewayId, attachment, pinned, entryZone, packet, trace, budget,
                $"appliance mode: this flow is pinned to {_model.TransitGatewayAttachmentEni(id, pinnedSubnetId)?.NetworkInterfaceId ?? pinnedSubnetId} in {_model.ZoneOf(pinned).Text}; the return uses the ENI the request used (R-TGW-6)");

        var destinationZone = _model.NetworkInterfacesWithAddress(packet.Destination).Select(_model.ZoneOf).Distinct().ToList() is { Count: 1 } zones ? zones[0] : (ZoneRef?)null;
        var placement = TgwAttachmentSelector.ForApplianceMode(_model, attachment, entryZone, destinationZone);
        if (placement.CandidateSubnetIds.Count == 0)
            return StopWithHop(direction, HopStep.TgwAttachmentExit, trace, packet, null, OutcomeKind.Unknown, id, "UNKNOWN_RESOURCE",
                "no attachment subnet in the snapshot", placement.Note ?? $"The subnets of {id} are not in the snapshot.", transitGatewayId: transitGatewayId, attachmentId: id);
        var candidates = placement.CandidateSubnetIds.Select(s => _model.Subnets[s]).ToList();
        Func<Trace, LegOutcome> Deliver(int i) => tr => DeliverFromAttachment(direction, transitGatewayId, attachment, candidates[i], entryZone,
            packet with { FlowPins = packet.FlowPins.SetItem(id, candidates[i].SubnetId) }, tr, budget,
            candidates.Count == 1 ? placement.Note
                : placement.AvailabilityZoneUnknown
                    ? $"appliance mode: possible ENI {i + 1} of {candidates.Count} ({string.Join(", ", placement.CandidateNetworkInterfaceIds)}; which one is unknown, R-AZ-1); the return uses the same ENI (R-TGW-6)"
                    : $"appliance mode: flow-hash choice {i + 1} of {candidates.Count} ({string.Join(", ", placement.CandidateNetworkInterfaceIds)}); the return uses the same ENI (R-TGW-6)");
        if (candidates.Count == 1) return Deliver(0)(trace);
        var why = direction == WalkDirection.Return
            // UNCONFIRMED: AWS documents the pin for flows the TGW delivered into the appliance VPC; for a reply whose request
            // never entered this attachment the same selection rules are assumed.
            ? $"{placement.Note}; the request never entered {id}, so the reply has no pin there"
            : placement.Note!;
        return Branch(trace, Enumerable.Range(0, candidates.Count).Select(Deliver).ToList(), why, id, placement.AvailabilityZoneUnknown ? UnknownZoneReason : null);
    }

    private LegOutcome DeliverFromAttachment(WalkDirection direction, string transitGatewayId, TransitGatewayVpcAttachment attachment, Subnet attachmentSubnet,
        ZoneRef? entryZone, Packet packet, Trace trace, int budget, string? selectionNote)
    {
        var eniId = _model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, attachmentSubnet.SubnetId)?.NetworkInterfaceId;
        var zone = _model.ZoneOf(attachmentSubnet);
        // R-AZ-1: by AZ id; names only when one account named both.
        var match = entryZone?.Compare(zone);
        var crossed = match == ZoneMatch.Different;
        if (crossed && !attachment.ApplianceModeSupport)
            trace.Note($"AVAILABILITY_ZONE_CROSSED: {attachment.TransitGatewayAttachmentId} has no subnet in {entryZone!.Value.Text}; delivered in {zone.Text} (R-TGW-4)");
        else if (crossed)
            trace.Note($"AVAILABILITY_ZONE_CROSSED: appliance mode delivers this flow in {zone.Text}, not the source AZ {entryZone!.Value.Text} (R-TGW-6)");
        trace.AddToPath(eniId ?? attachment.TransitGatewayAttachmentId);
        var eni = eniId is null ? null : _model.NetworkInterfaces[eniId];
        var where = attachment.ApplianceModeSupport ? "appliance mode"
            : entryZone is not { } entry ? "the packet has no AZ of origin"
            : match == ZoneMatch.Unknown ? $"whether that is the AZ the packet entered in, {entry.Text}, is unknown (no AZ ids)"
            : crossed ? $"crossed from {entry.Text}" : "same AZ";
        trace.Hops.Add(Hop(direction, HopStep.TgwAttachmentExit, eni, attachmentSubnet, packet, HopDecision.Forward, eniId ?? attachment.TransitGatewayAttachmentId,
            $"out of {transitGatewayId} through {attachment.TransitGatewayAttachmentId} in {zone.Text}, {where}",
            crossed ? "AVAILABILITY_ZONE_CROSSED" : null,
            JoinNotes(selectionNote, (eni is null ? $"the attachment ENI in {attachmentSubnet.SubnetId} is not in the snapshot; " : "")
                + "traffic from the transit gateway is not filtered by the attachment subnet's inbound rules (R-TGW-10)"),
            transitGatewayId: transitGatewayId, attachmentId: attachment.TransitGatewayAttachmentId));
        trace.TgwDeliveries.Add(new TgwDelivery(transitGatewayId, attachment.TransitGatewayAttachmentId, attachment.VpcId, attachmentSubnet.SubnetId,
            zone.Text, attachment.ApplianceModeSupport, MiddleboxTargetFrom(attachmentSubnet, packet.Destination)));
        // R-TGW-2: the attachment subnet's route table forwards what leaves the TGW into the VPC.
        return WithGroupReferences(trace, GroupReferencesAtExit(packet, attachment, attachmentSubnet), eniId ?? attachment.TransitGatewayAttachmentId,
            (p, tr) => RouteFromSubnet(direction, attachmentSubnet, p, tr, arrivedFromTransitGateway: true, budget: budget));
    }

    /// <summary>
    /// The appliance an attachment subnet's route table sends this destination to — an ENI, an instance or an interface or
    /// Gateway Load Balancer endpoint — or null. Such a subnet marks an inspection VPC, where the return must come back
    /// through the same appliance (R-RT-13) and, across AZs, needs appliance mode (R-TGW-7).
    /// </summary>
    private string? MiddleboxTargetFrom(Subnet attachmentSubnet, IpAddress destination)
    {
        var table = _model.RouteTableForSubnet(attachmentSubnet, out _);
        if (table is null) return null;
        var route = RouteResolver.Lookup(_model, table, destination).Route;
        if (route is null || route.IsBlackhole) return null;
        return route.TargetType switch
        {
            RouteTargetType.NetworkInterface or RouteTargetType.Instance => route.TargetId,
            RouteTargetType.VpcEndpoint when route.TargetId is { } vpce
                && !(_model.VpcEndpoints.TryGetValue(vpce, out var endpoint) && endpoint.VpcEndpointType.Equals("Gateway", StringComparison.OrdinalIgnoreCase)) => vpce,
            _ => null,
        };
    }

    /// <summary>
    /// Tries each alternative AWS may take. When all end the same way the walk is certain and follows the first (keeping
    /// the others as variants, since the reply may still depend on the choice); otherwise the verdict is Ambiguous and
    /// names the alternatives (never a guess).
    /// </summary>
    /// <param name="unknownReason">
    /// Set when the alternatives are not AWS's choice but the snapshot's gap (R-AZ-1: AZs that cannot be compared): then
    /// alternatives that end differently make the walk Unknown with this reason, not Ambiguous.
    /// </param>
    private LegOutcome Branch(Trace trace, IReadOnlyList<Func<Trace, LegOutcome>> alternatives, string why, string at, string? unknownReason = null) =>
        Branch(trace, alternatives.Select(alt => alt(trace.Clone())).ToList(), why, at, unknownReason);

    /// <summary>As above, for alternatives already walked, each on its own clone of <paramref name="trace"/>.</summary>
    private LegOutcome Branch(Trace trace, IReadOnlyList<LegOutcome> outcomes, string why, string at, string? unknownReason = null)
    {
        // An alternative cut short by the work budget was never decided: the walk as a whole is Unknown, not Ambiguous.
        if (outcomes.FirstOrDefault(o => o.Reason == WalkBudgetExceeded) is { } cutShort) return cutShort;
        var first = outcomes[0];
        if (outcomes.All(o => o.Signature == first.Signature))
        {
            var leg = first.Trace.Hops.LastOrDefault()?.Direction == WalkDirection.Return ? "the reply" : "the request";
            first.Trace.Note($"{why}; for {leg}, every alternative ends the same way");
            return first with
            {
                Variants = outcomes.SelectMany(o => o.AllVariants).ToList(), ChoiceAt = first.ChoiceAt ?? at, ChoiceWhy = first.ChoiceWhy ?? why,
                // Missing data anywhere in the choice makes a reply that depends on it Unknown rather than Ambiguous.
                ChoiceUnknownReason = first.ChoiceUnknownReason ?? unknownReason,
            };
        }
        var summary = string.Join("; ", outcomes.Select(o => $"{string.Join(" -> ", o.Trace.Path.Skip(trace.Path.Count))}: {o.Kind}{(o.At is null ? "" : $" at {o.At}{(o.Reason is null ? "" : $" ({o.Reason})")}")}"));
        // The verdict covers the ports the packet had where the paths part, not those the first alternative kept: each
        // alternative's end holds its ports plus those its own filters dropped after the branch.
        var atBranch = first.Packet with
        {
            DestinationPorts = outcomes.Aggregate(PortSet.Empty, (ports, o) => o.Trace.PortDrops.Skip(trace.PortDrops.Count)
                .Aggregate(ports.Union(o.Packet.DestinationPorts), (all, drop) => all.Union(drop.Ports))),
        };
        trace.Note($"{why}: {summary}");
        foreach (var o in outcomes) foreach (var n in o.Trace.Notes) trace.Note(n);
        trace.Hops.Add(new PacketHop
        {
            Direction = first.Trace.Hops.LastOrDefault()?.Direction ?? WalkDirection.Forward,
            Step = first.Trace.Hops.Count > trace.Hops.Count ? first.Trace.Hops[trace.Hops.Count].Step : HopStep.TgwAttachmentExit,
            Component = at, Decision = unknownReason is null ? HopDecision.Ambiguous : HopDecision.Unknown, Rule = why, Reason = unknownReason, Note = summary,
            SourceAddress = first.Packet.Source.ToString(), DestinationAddress = first.Packet.Destination.ToString(), Protocol = first.Packet.ProtocolName,
        });
        if (unknownReason is not null)
            return Stop(OutcomeKind.Unknown, trace, atBranch, at, unknownReason, why,
                $"The snapshot cannot tell which of several paths the packet takes, and they end differently: {summary}.");
        var deciding = outcomes.FirstOrDefault(o => o.Kind is not (OutcomeKind.Delivered or OutcomeKind.ReachedEdge));
        return Stop(OutcomeKind.Ambiguous, trace, atBranch, at, deciding?.Reason ?? "AMBIGUOUS", why,
            $"AWS may take any of several paths and they end differently: {summary}.");
    }
}
