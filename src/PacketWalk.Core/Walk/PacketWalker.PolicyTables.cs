using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

// Transit gateway policy tables (policy-based routing): an attachment associated with a policy table has its traffic's
// route table chosen per packet by the table's rules (R-TGW-22..25). The request and the reply are each judged at the
// attachment they arrive on, so they can use different route tables.
public sealed partial class PacketWalker
{
    private static readonly IReadOnlyList<TransitGatewayPolicyTableEntry> NoPolicyEntries = Array.Empty<TransitGatewayPolicyTableEntry>();

    private LegOutcome PolicyRouting(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, TransitGatewayPolicyTableAssociation association,
        ZoneRef? availabilityZone, Packet packet, Trace trace, int budget)
    {
        var tableId = association.TransitGatewayPolicyTableId;
        LegOutcome StopHere(OutcomeKind kind, string reason, string rule, string explanation) =>
            StopWithHop(direction, HopStep.TgwPolicyTable, trace, packet, null, kind, tableId, reason, rule, explanation,
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, policyTableId: tableId);

        if (!association.IsAssociated)
            return StopHere(OutcomeKind.Unknown, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", $"association with {tableId} is {association.State}",
                $"{arrivalAttachmentId}'s association with policy table {tableId} is {association.State}: it was changing when the snapshot was taken, so whether its rules route what arrives on it is unknown (R-TGW-22).");
        if (_model.TransitGatewayPolicyTables.TryGetValue(tableId, out var table) && !table.IsAvailable)
            return StopHere(OutcomeKind.Unknown, "BAD_STATE", $"{tableId} is {table.State}",
                $"Policy table {tableId}, associated with {arrivalAttachmentId}, is {table.State}, not available, so whether it routes anything is unknown.");
        if (!_model.PolicyTableEntriesKnown(tableId) && _model.WhyUnreadable(ResourceKinds.TransitGatewayPolicyTables, tableId) is { } denied)
            return StopHere(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", $"{denied.Action} was denied",
                $"The rules of policy table {tableId} (associated with {arrivalAttachmentId}) could not be read ({denied.Action} was denied).");
        if (!_model.PolicyTableEntriesKnown(tableId))
            return StopHere(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", "policy rules not in the snapshot",
                $"{arrivalAttachmentId} is associated with policy table {tableId}, whose rules are not in the snapshot "
                + "(get-transit-gateway-policy-table-entries, wrapped per table under TransitGatewayPolicyTableEntries).");

        var entries = _model.TransitGatewayPolicyTableEntries.GetValueOrDefault(tableId) ?? NoPolicyEntries;
        var decision = TgwPolicyEvaluator.Evaluate(entries, packet.Source, packet.Destination, packet.Protocol, packet.SourcePorts, packet.DestinationPorts);
        if (decision.MetaDataRule is { } meta)
            // R-TGW-24: metadata is matched against what a packet carries from Cloud WAN, which no describe call shows.
            return StopHere(OutcomeKind.Unknown, "TGW_POLICY_RULE_METADATA_UNKNOWN", meta.Text,
                $"Rule {meta.PolicyRuleNumber} of policy table {tableId} matches {Describe(packet)} from {packet.Source} to {packet.Destination} except for its metadata "
                + $"{meta.PolicyRule.MetaDataKey}={meta.PolicyRule.MetaDataValue}, which the packet carries from AWS Cloud WAN and no snapshot records; whether it applies is unknown.");
        if (decision.MatchesNothing)
            return NoPolicyMatch(direction, transitGatewayId, arrivalAttachmentId, tableId, packet, trace, null);
        if (decision.IsSingleRule)
            return FollowPolicyRule(direction, transitGatewayId, arrivalAttachmentId, tableId, decision.Pieces[0].Entry!, availabilityZone, packet, trace, budget, null, null);
        return SplitByPolicyPorts(direction, transitGatewayId, arrivalAttachmentId, tableId, decision, availabilityZone, packet, trace, budget);
    }

    /// <summary>R-TGW-23: no rule matches, so the transit gateway drops the packet (implicit deny).</summary>
    private LegOutcome NoPolicyMatch(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, string tableId, Packet packet, Trace trace, string? portsText) =>
        StopWithHop(direction, HopStep.TgwPolicyTable, trace, packet, null, OutcomeKind.Blocked, tableId, "TGW_POLICY_TABLE_NO_MATCH",
            $"no rule of {tableId} matches{(portsText is null ? "" : $" {portsText}")} (implicit deny)",
            $"No active rule of policy table {tableId} (associated with {arrivalAttachmentId}) matches {Describe(packet)} from {packet.Source}"
            + $"{(IpProtocol.HasPorts(packet.Protocol) ? $" port {packet.SourcePorts}" : "")} to {packet.Destination}, so the transit gateway drops it (R-TGW-23).",
            transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, policyTableId: tableId);

    /// <summary>The matching rule's hop, then the lookup in the route table it names (R-TGW-22).</summary>
    private LegOutcome FollowPolicyRule(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, string tableId, TransitGatewayPolicyTableEntry entry,
        ZoneRef? availabilityZone, Packet packet, Trace trace, int budget, string? portsNote, string? portsReason)
    {
        if (entry.TargetRouteTableId is not { } routeTableId)
            return StopWithHop(direction, HopStep.TgwPolicyTable, trace, packet, null, OutcomeKind.Unknown, tableId, "TGW_RTB_ROUTES_ARE_UNKNOWN", entry.Text,
                $"Rule {entry.PolicyRuleNumber} of policy table {tableId} matches, but the snapshot does not say which route table it names.",
                transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, policyTableId: tableId);
        trace.Hops.Add(Hop(direction, HopStep.TgwPolicyTable, null, null, packet, HopDecision.Forward, tableId, entry.Text, portsReason,
            JoinNotes($"{arrivalAttachmentId} is associated with policy table {tableId}: the lowest-numbered matching rule picks the route table (R-TGW-22, R-TGW-23)", portsNote),
            transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: routeTableId, policyTableId: tableId));
        return RouteInTgwTable(direction, transitGatewayId, arrivalAttachmentId, routeTableId, availabilityZone, packet, trace, budget,
            $"policy rule {entry.PolicyRuleNumber} of {tableId} chose {routeTableId} (R-TGW-22)");
    }

    /// <summary>
    /// Different rules (or none) decide different client ports. Each share is walked with the packet narrowed to its ports.
    /// All ending alike is certain; a reply that gets back only for some client ports narrows them, as a NACL does
    /// (R-NACL-10); anything else is Ambiguous naming each share.
    /// </summary>
    private LegOutcome SplitByPolicyPorts(WalkDirection direction, string transitGatewayId, string arrivalAttachmentId, string tableId, TgwPolicyDecision decision,
        ZoneRef? availabilityZone, Packet packet, Trace trace, int budget)
    {
        string PortsText(TgwPolicyPiece piece) => string.Join(" ", new[]
        {
            piece.SourcePorts.Equals(packet.SourcePorts) ? null : $"source ports {piece.SourcePorts}",
            piece.DestinationPorts.Equals(packet.DestinationPorts) ? null : $"destination ports {piece.DestinationPorts}",
        }.OfType<string>());
        string ShareText(TgwPolicyPiece piece) => $"{PortsText(piece)}: {(piece.Entry is { } e ? $"rule {e.PolicyRuleNumber} -> {e.TargetRouteTableId}" : "no rule (dropped)")}";
        var shares = string.Join("; ", decision.Pieces.Select(ShareText));
        var why = $"which rule of {tableId} applies depends on the client's port ({shares})";
        var dropped = decision.Unmatched.Select(PortsText).ToList();

        var outcomes = decision.Pieces.Select(piece =>
        {
            var t = trace.Clone();
            var narrowed = packet with { SourcePorts = piece.SourcePorts, DestinationPorts = piece.DestinationPorts };
            return piece.Entry is { } entry
                ? FollowPolicyRule(direction, transitGatewayId, arrivalAttachmentId, tableId, entry, availabilityZone, narrowed, t, budget,
                    $"this rule decides {PortsText(piece)}; {string.Join("; ", decision.Pieces.Where(p => p != piece).Select(ShareText))}",
                    dropped.Count > 0 ? "TGW_POLICY_TABLE_NO_MATCH" : null)
                : NoPolicyMatch(direction, transitGatewayId, arrivalAttachmentId, tableId, narrowed, t, PortsText(piece));
        }).ToList();

        static string End(LegOutcome o) => $"{o.Kind}|{o.At}|{o.Reason}|{o.DeliveredTo?.NetworkInterfaceId}|{o.EdgeKind}";
        static PortSet Union(IEnumerable<PortSet> sets) => sets.Aggregate(PortSet.Empty, (a, b) => a.Union(b));
        LegOutcome Joined(List<LegOutcome> alike, string note)
        {
            var first = alike[0];
            first.Trace.Note(note);
            return first with
            {
                Packet = first.Packet with { SourcePorts = Union(alike.Select(o => o.Packet.SourcePorts)), DestinationPorts = Union(alike.Select(o => o.Packet.DestinationPorts)) },
                Variants = alike.SelectMany(o => o.AllVariants).ToList(),
                ChoiceAt = first.ChoiceAt ?? tableId,
                ChoiceWhy = first.ChoiceWhy ?? why,
            };
        }

        if (outcomes.All(o => End(o) == End(outcomes[0])))
            return Joined(outcomes, $"{why}; every share ends the same way");

        var arrived = outcomes.Where(o => o.Kind is OutcomeKind.Delivered or OutcomeKind.ReachedEdge).ToList();
        bool splitOnDestinationPorts = decision.Pieces.All(p => p.SourcePorts.Equals(packet.SourcePorts));
        var unmatched = decision.Pieces.Select((p, i) => (p, i)).Where(x => x.p.Entry is null).Select(x => outcomes[x.i]).ToList();
        if (splitOnDestinationPorts && arrived.Count > 0 && arrived.All(o => End(o) == End(arrived[0]))
            && outcomes.Except(arrived).All(o => direction == WalkDirection.Return ? o.Kind == OutcomeKind.Blocked : unmatched.Contains(o)))
        {
            // The table passes some destination ports and drops the rest, as a filter does: on the reply these are the client's
            // ephemeral ports (the connection works only from some of them, R-NACL-10); on the request, ports no rule matches.
            var joined = Joined(arrived, direction == WalkDirection.Return
                ? $"{why}: replies to client ports {Union(arrived.Select(o => o.Packet.DestinationPorts))} get back"
                : $"{why}: destination ports {Union(arrived.Select(o => o.Packet.DestinationPorts))} get through");
            var hop = joined.Trace.Hops.Skip(trace.Hops.Count).FirstOrDefault(h => h.Step == HopStep.TgwPolicyTable && h.Component == tableId);
            if (hop is not null)
            {
                joined.Trace.FirstNarrowing ??= hop;
                var droppedPorts = packet.DestinationPorts.Subtract(Union(decision.Matched.Select(p => p.DestinationPorts)));
                if (!droppedPorts.IsEmpty)
                    joined.Trace.PortDrops.Add(new PortDrop(droppedPorts, hop, "TGW_POLICY_TABLE_NO_MATCH", $"no rule of {tableId} matches (implicit deny)"));
            }
            return joined;
        }
        // AWS's answer depends on the port: report every share, carrying the whole port set on (a per-port view walks each share).
        var branched = Branch(trace, outcomes, why, tableId);
        // The alternatives' hops are not kept on an Ambiguous leg: one hop names every route table a share goes to, so what
        // the shares depend on stays visible (and a change to any of those tables is seen as touching this walk).
        var tables = string.Join(",", decision.Matched.Select(p => p.Entry!.TargetRouteTableId).OfType<string>().Distinct(StringComparer.Ordinal));
        int at = branched.Trace.Hops.FindLastIndex(h => h.Decision == HopDecision.Ambiguous && h.Component == tableId);
        branched.Trace.Hops.Insert(at < 0 ? branched.Trace.Hops.Count : at, Hop(direction, HopStep.TgwPolicyTable, null, null, packet, HopDecision.Info, tableId, shares, null,
            $"{arrivalAttachmentId} is associated with policy table {tableId}: which rule applies depends on the port (R-TGW-22..24)",
            transitGatewayId: transitGatewayId, attachmentId: arrivalAttachmentId, tgwRouteTableId: tables.Length == 0 ? null : tables, policyTableId: tableId));
        return branched with { Packet = branched.Packet with { SourcePorts = packet.SourcePorts, DestinationPorts = packet.DestinationPorts } };
    }
}
