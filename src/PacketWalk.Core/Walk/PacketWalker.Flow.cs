using PacketWalk.Core.Model;

namespace PacketWalk.Core.Walk;

// The reply, walked after the forward leg: from the server that received the request, or back in through the edge the
// request left by. Where AWS's choices on the way out ended alike but leave state the reply depends on (an appliance-mode
// AZ pin, R-TGW-6; which ECMP edge attachment), the reply is walked once per distinct choice.
public sealed partial class PacketWalker
{
    /// <summary>The forward leg as reported (one of its variants) and the reply to it, or no reply when the forward did not arrive.</summary>
    private (LegOutcome Forward, LegOutcome? Reply) WalkReturn(LegOutcome forward, Endpoint source, Endpoint destination, Packet forwardPacket)
    {
        var pairs = new List<(LegOutcome Forward, LegOutcome Reply)>();
        foreach (var v in forward.AllVariants.Where(v => v.Kind is OutcomeKind.Delivered or OutcomeKind.ReachedEdge))
        {
            // A variant whose reply would retrace one already walked — same end point, same pins wherever that reply
            // looked one up — adds nothing.
            if (pairs.Any(p => p.Forward.ReturnKey == v.ReturnKey
                    && p.Reply.Trace.ConsultedPins.All(a => p.Forward.Packet.FlowPins.GetValueOrDefault(a) == v.Packet.FlowPins.GetValueOrDefault(a))))
                continue;
            pairs.Add((v, ReplyTo(v, source, destination, forwardPacket)));
        }
        if (pairs.Count == 0) return (forward, null);
        // The forward leg reported is the first variant (Branch returns it carrying the others), so its hops match pairs[0].
        var firstReply = pairs[0].Reply;
        if (pairs.Count == 1) return (forward, firstReply);

        var choices = string.Join("; ", pairs.Select(p => $"{ChoiceText(p.Forward)}: reply {p.Reply.Kind}{(p.Reply.At is null ? "" : $" at {p.Reply.At}{(p.Reply.Reason is null ? "" : $" ({p.Reply.Reason})")}")}"));
        if (pairs.All(p => p.Reply.Signature == firstReply.Signature))
        {
            firstReply.Trace.Note($"{forward.ChoiceWhy}: the reply ends the same way for each choice ({choices})");
            return (forward, firstReply);
        }
        // The request gets through whichever way AWS chooses, but the reply's fate depends on the choice. Report what the
        // replies share (nothing when they come back through different edge attachments) and name each alternative.
        var replies = pairs.Select(p => p.Reply.Trace).ToList();
        int sharedHops = 0;
        while (replies.All(r => r.Hops.Count > sharedHops && SameHop(r.Hops[sharedHops], replies[0].Hops[sharedHops]))) sharedHops++;
        int sharedPath = 0;
        while (replies.All(r => r.Path.Count > sharedPath && r.Path[sharedPath] == replies[0].Path[sharedPath])) sharedPath++;
        var trace = new Trace();
        trace.Hops.AddRange(replies[0].Hops.Take(sharedHops));
        trace.Path.AddRange(replies[0].Path.Take(sharedPath));
        trace.Note($"{forward.ChoiceWhy}: {choices}");
        foreach (var r in replies) foreach (var n in r.Notes) trace.Note(n);
        trace.Hops.Add(new PacketHop
        {
            Direction = WalkDirection.Return, Step = replies[0].Hops.Count > sharedHops ? replies[0].Hops[sharedHops].Step : HopStep.TgwAttachmentExit,
            Component = forward.ChoiceAt, Decision = forward.ChoiceUnknownReason is null ? HopDecision.Ambiguous : HopDecision.Unknown, Rule = forward.ChoiceWhy,
            Reason = forward.ChoiceUnknownReason, Note = choices,
            SourceAddress = firstReply.Packet.Source.ToString(), DestinationAddress = firstReply.Packet.Destination.ToString(), Protocol = firstReply.Packet.ProtocolName,
        });
        if (forward.ChoiceUnknownReason is { } unknown)
            // R-AZ-1: which way the request went is the snapshot's gap, not AWS's choice.
            return (forward, Stop(OutcomeKind.Unknown, trace, firstReply.Packet, forward.ChoiceAt ?? firstReply.At ?? "", unknown, forward.ChoiceWhy,
                $"The request gets through whichever way it goes, but the reply's fate depends on which, and the snapshot cannot tell: {choices}."));
        var deciding = pairs.Select(p => p.Reply).FirstOrDefault(r => r.Kind is not (OutcomeKind.Delivered or OutcomeKind.ReachedEdge));
        return (forward, Stop(OutcomeKind.Ambiguous, trace, firstReply.Packet, forward.ChoiceAt ?? firstReply.At ?? "", deciding?.Reason ?? "AMBIGUOUS", forward.ChoiceWhy,
            $"The request gets through whichever way AWS chooses, but the reply's fate depends on that choice: {choices}."));
    }

    private static bool SameHop(PacketHop a, PacketHop b) =>
        a.Step == b.Step && a.Component == b.Component && a.Decision == b.Decision && a.Rule == b.Rule;

    private string ChoiceText(LegOutcome forward)
    {
        var parts = new List<string>();
        foreach (var (attachmentId, subnetId) in forward.Packet.FlowPins)
            parts.Add($"flow pinned to {_model.TransitGatewayAttachmentEni(attachmentId, subnetId)?.NetworkInterfaceId ?? subnetId} of {attachmentId}");
        if (forward.EdgeId is { } edge) parts.Add($"out through {edge}");
        if (forward.DeliveredTo is { } eni && parts.Count == 0) parts.Add($"delivered to {eni.NetworkInterfaceId}");
        return parts.Count == 0 ? string.Join(" -> ", forward.Trace.Path) : string.Join(", ", parts);
    }

    /// <summary>
    /// The reply packet: the request's final header reversed — after every translation on the way (IGW 1:1 NAT, NAT
    /// gateway SNAT and port remapping, §0 step 7) — carrying the flow's appliance-mode pins (R-TGW-6). The return leg
    /// knows the forward's translations and appliances, so a NAT gateway maps the reply back and an appliance's
    /// connection tracking admits it.
    /// </summary>
    private LegOutcome ReplyTo(LegOutcome forward, Endpoint source, Endpoint destination, Packet forwardPacket)
    {
        var final = forward.Packet;
        var reply = new Packet(final.Destination, final.Source, forwardPacket.Protocol,
            final.DestinationPorts, final.SourcePorts, ReplyIcmpType(forwardPacket.Protocol, forwardPacket.IcmpType), forwardPacket.IcmpCode)
        {
            SourceInterfaces = forward.DeliveredTo is { } server ? new[] { server } : Array.Empty<NetworkInterface>(),
            FlowPins = final.FlowPins,
        };
        var trace = new Trace
        {
            Target = source,
            ForwardTranslations = forward.Trace.Translations.ToList(),
            ForwardAppliances = forward.Trace.Appliances.ToList(),
            ForwardPath = forward.Trace.Path.ToList(),
        };
        if (forward.Kind == OutcomeKind.ReachedEdge) return ReturnFromEdge(forward, reply, trace);
        return StartReturnLeg(forward.Reached!, source, destination, reply, trace);
    }

    /// <summary>
    /// R-TGW-7 and R-RT-13 from the two legs' TGW deliveries: an appliance VPC (its attachment subnet routes on to an
    /// appliance) that the request and the reply cross through different AZs without appliance mode, or that only one of
    /// them crosses. Informational: whether the appliance keeps state is not in the snapshot.
    /// </summary>
    internal static IReadOnlyList<string> SymmetryNotes(IReadOnlyList<TgwDelivery> forward, IReadOnlyList<TgwDelivery> reply, string? sourceVpcId, string? destinationVpcId)
    {
        var notes = new List<string>();
        foreach (var there in forward.Where(d => d.MiddleboxTarget is not null))
        {
            var back = reply.FirstOrDefault(d => d.AttachmentId == there.AttachmentId);
            if (back is null)
            {
                if (there.VpcId != sourceVpcId && there.VpcId != destinationVpcId)
                    notes.Add($"ASYMMETRIC_ROUTING: the request passes the appliance {there.MiddleboxTarget} in {there.VpcId} (through {there.AttachmentId}), the reply does not come back through {there.VpcId}; "
                        + "a stateful appliance sees only half of the flow (R-RT-13)");
            }
            else if (back.SubnetId != there.SubnetId && !there.ApplianceMode)
                notes.Add($"TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED: the request enters {there.VpcId} through {there.AttachmentId} in {there.AvailabilityZone} (appliance {there.MiddleboxTarget}), "
                    + $"the reply in {back.AvailabilityZone}{(back.MiddleboxTarget is null || back.MiddleboxTarget == there.MiddleboxTarget ? "" : $" (appliance {back.MiddleboxTarget})")}; "
                    + $"without appliance mode a stateful appliance drops the reply it never saw the request of (R-TGW-7)");
        }
        foreach (var back in reply.Where(d => d.MiddleboxTarget is not null && !forward.Any(f => f.AttachmentId == d.AttachmentId)))
            if (back.VpcId != sourceVpcId && back.VpcId != destinationVpcId)
                notes.Add($"ASYMMETRIC_ROUTING: the reply passes the appliance {back.MiddleboxTarget} in {back.VpcId} (through {back.AttachmentId}), the request did not; "
                    + "a stateful appliance drops a reply whose request it never saw (R-RT-13)");
        return notes;
    }
}
