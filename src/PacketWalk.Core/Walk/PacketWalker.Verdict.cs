using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    private static PacketPathResult Compose(WalkRequest request, Endpoint source, Endpoint destination, Packet forwardPacket,
        LegOutcome forward, LegOutcome? reply, List<PacketHop> hops, List<string> notes)
    {
        PathVerdict verdict;
        WalkDirection? direction = null;
        string? at = null, reason = null, rule = null, explanation = null, returnPortsAllowed = null;
        bool forwardArrived = forward.Kind is OutcomeKind.Delivered or OutcomeKind.ReachedEdge;
        var decisive = forwardArrived ? reply : forward;
        string? edgeId = null;
        if (decisive is not null && decisive.Kind is not (OutcomeKind.Delivered or OutcomeKind.ReachedEdge))
        {
            verdict = decisive.Kind switch
            {
                OutcomeKind.Blocked => PathVerdict.Blocked,
                OutcomeKind.Ambiguous => PathVerdict.Ambiguous,
                _ => PathVerdict.Unknown,
            };
            direction = ReferenceEquals(decisive, forward) ? WalkDirection.Forward : WalkDirection.Return;
            at = decisive.At; reason = decisive.Reason; rule = decisive.Rule; explanation = decisive.Explanation;
        }
        else if (reply is not null && reply.Trace.FirstNarrowing is { } narrowing)
        {
            // The reply gets back only to some client ports: whether a connection works depends on the port the client
            // picks, so this is not a clean "Reachable" (R-NACL-10).
            verdict = PathVerdict.Ambiguous;
            direction = WalkDirection.Return;
            at = narrowing.Component;
            reason = narrowing.Reason ?? "SUBNET_ACL_RESTRICTION";
            rule = narrowing.Rule;
            if (reply.Trace.NatPortNarrowing is { } nat)
            {
                // After a NAT gateway the client port is the NAT's choice in 1024-65535 (R-NAT-2): the NACLs on its side decide.
                returnPortsAllowed = nat.Allowed.ToString();
                explanation = $"Replies reach {nat.NatGatewayId} only on ports {nat.Allowed} of the {nat.Of} it maps connections to (R-NAT-2); connections it maps to other ports fail at {at}.";
            }
            else
            {
                returnPortsAllowed = reply.Packet.DestinationPorts.ToString();
                explanation = $"Replies get back only to client ports {returnPortsAllowed} of {forwardPacket.SourcePorts}; connections from other ephemeral ports fail at {at}.";
            }
        }
        else if (reply is not null && AsymmetricAppliance(forward.Trace, reply.Trace) is { } appliance)
        {
            // R-RT-13: return traffic must pass the same appliance; whether one that saw only half the flow forwards the
            // rest depends on its software, which PacketWalk cannot see.
            verdict = PathVerdict.Ambiguous;
            direction = WalkDirection.Return;
            at = appliance;
            reason = "APPLIANCE_ASYMMETRIC_ROUTING";
            var requestOnly = forward.Trace.Appliances.Except(reply.Trace.Appliances, StringComparer.Ordinal).ToList();
            var replyOnly = reply.Trace.Appliances.Except(forward.Trace.Appliances, StringComparer.Ordinal).ToList();
            rule = requestOnly.Count > 0 && replyOnly.Count > 0 ? $"request through {string.Join(", ", requestOnly)}, reply through {string.Join(", ", replyOnly)}"
                : requestOnly.Count > 0 ? "the reply does not pass the appliance" : "the request did not pass the appliance";
            explanation = (requestOnly.Count > 0 && replyOnly.Count > 0
                    ? $"The request passes the appliance {string.Join(", ", requestOnly)}, the reply {string.Join(", ", replyOnly)} instead"
                    : requestOnly.Count > 0 ? $"The request passes the appliance {appliance}, the reply does not" : $"Only the reply passes the appliance {appliance}")
                + ": middlebox routing needs both directions through the same appliance (R-RT-13); a stateful appliance drops this flow, and whether it keeps state is not in the snapshot.";
            returnPortsAllowed = reply.Packet.DestinationPorts.ToString();
        }
        else if (forward.Kind == OutcomeKind.ReachedEdge || reply?.Kind == OutcomeKind.ReachedEdge)
        {
            // Reachable-to-edge: the estate's part of the path works both ways; on-premises is out of scope (R-TGW-20).
            verdict = PathVerdict.ReachableToEdge;
            var edge = forward.Kind == OutcomeKind.ReachedEdge ? forward : reply!;
            edgeId = string.Join(",", edge.AllVariants.Select(v => v.EdgeId).OfType<string>().Distinct(StringComparer.Ordinal));
            explanation = edge.Explanation + (ReferenceEquals(edge, forward)
                ? $" The reply, walked back in from {forward.EdgeId}, reaches {source.Address}."
                : " The request was delivered and the reply leaves the estate there.");
            if (reply is not null) returnPortsAllowed = reply.Packet.DestinationPorts.ToString();
        }
        else
        {
            verdict = PathVerdict.Reachable;
            if (reply is not null) returnPortsAllowed = reply.Packet.DestinationPorts.ToString();
        }
        if (forward.Trace.FirstNarrowing is { } forwardNarrowing && verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge)
            notes.Add($"forward ports narrowed at {forwardNarrowing.Component}: {forwardNarrowing.Note}");

        return new PacketPathResult
        {
            Source = request.Source,
            Destination = request.Destination,
            SourceAddress = source.Address.ToString(),
            DestinationAddress = destination.Address.ToString(),
            Protocol = IpProtocol.Name(forwardPacket.Protocol),
            Port = IpProtocol.HasPorts(forwardPacket.Protocol) ? request.Port : null,
            SourcePort = IpProtocol.HasPorts(forwardPacket.Protocol) ? forwardPacket.SourcePorts.ToString() : null,
            IcmpType = forwardPacket.IcmpType,
            IcmpCode = forwardPacket.IcmpCode,
            Verdict = verdict,
            BlockedDirection = direction,
            BlockedAt = at,
            Reason = reason,
            Rule = rule,
            Explanation = explanation,
            ForwardPath = forward.Trace.Path.ToList(),
            ReturnPath = reply?.Trace.Path.ToList() ?? new List<string>(),
            EdgeId = edgeId,
            ReturnPortsAllowed = IpProtocol.HasPorts(forwardPacket.Protocol) ? returnPortsAllowed : null,
            Notes = notes,
            Hops = hops,
            Region = source.Interface?.Origin.Region ?? hops.FirstOrDefault(h => h.Region is not null)?.Region,
        };
    }

    /// <summary>An appliance on one leg of the flow but not the other, if any.</summary>
    private static string? AsymmetricAppliance(Trace forward, Trace reply) =>
        forward.Appliances.Except(reply.Appliances, StringComparer.Ordinal).Concat(reply.Appliances.Except(forward.Appliances, StringComparer.Ordinal)).FirstOrDefault();
}
