using PacketWalk.Core.Walk;

namespace PacketWalk.Core.FlowLogs;

/// <summary>
/// Puts Get-PacketPath's hop stream back together into walk results, so the hops can be checked against flow logs like
/// Test-PacketPath's output. One walk's hops are numbered 1, 2, 3, … forward then return; a sequence number that does
/// not grow starts the next walk. The paths are the ENIs the hops pass through, as the walker records them; the verdict
/// is rebuilt from the deciding hop (a port range narrowed on the return path is not visible in hops, so such a walk
/// comes back Reachable rather than Ambiguous: pipe Test-PacketPath's result when that matters).
/// </summary>
public static class HopPathAssembler
{
    public static IReadOnlyList<PacketPathResult> Assemble(IEnumerable<PacketHop> hops)
    {
        var walks = new List<PacketPathResult>();
        var current = new List<PacketHop>();
        foreach (var hop in hops)
        {
            if (current.Count > 0 && hop.Sequence <= current[^1].Sequence)
            {
                walks.Add(FromHops(current));
                current = new List<PacketHop>();
            }
            current.Add(hop);
        }
        if (current.Count > 0) walks.Add(FromHops(current));
        return walks;
    }

    /// <summary>One walk from its hops.</summary>
    public static PacketPathResult FromHops(IReadOnlyList<PacketHop> hops)
    {
        if (hops.Count == 0) throw new FlowLogWalkException("There are no hops to assemble into a walk.");
        var first = hops.FirstOrDefault(h => h.Direction == WalkDirection.Forward) ?? hops[0];
        var deciding = hops.FirstOrDefault(h => h.Decision is HopDecision.Deny or HopDecision.NoRoute or HopDecision.Blackhole or HopDecision.Unknown or HopDecision.Ambiguous);
        var verdict = deciding?.Decision switch
        {
            null => hops.Any(h => h.Direction == WalkDirection.Return && h.Decision == HopDecision.Deliver) ? PathVerdict.Reachable : PathVerdict.Unknown,
            HopDecision.Unknown => PathVerdict.Unknown,
            HopDecision.Ambiguous => PathVerdict.Ambiguous,
            _ => PathVerdict.Blocked,
        };
        int? port = first.DestinationPort is { } dp && int.TryParse(dp, out var p) ? p : null;
        return new PacketPathResult
        {
            Source = first.SourceAddress,
            Destination = first.DestinationAddress,
            SourceAddress = first.SourceAddress,
            DestinationAddress = first.DestinationAddress,
            Protocol = first.Protocol,
            Port = port,
            SourcePort = first.SourcePort,
            Verdict = verdict,
            BlockedDirection = deciding?.Direction,
            BlockedAt = deciding?.Component,
            Reason = deciding?.Reason,
            Rule = deciding?.Rule,
            Explanation = deciding?.Note,
            ForwardPath = PathOf(hops, WalkDirection.Forward),
            ReturnPath = PathOf(hops, WalkDirection.Return),
            Notes = new[] { "assembled from Get-PacketPath hops" },
            Hops = hops.ToList(),
            Region = first.Region,
        };
    }

    /// <summary>
    /// The ENIs the packet entered, in order, as the walker's path records them: the source ENI, attachment ENIs
    /// (or the attachment id when its ENI is unknown), peering attachments and edges crossed (VPN, Direct Connect,
    /// virtual private gateway), the gateways it passed (igw-, eigw-, pcx-, a gateway endpoint's vpce-), NAT gateway and
    /// appliance ENIs, and the ENI (or gateway, endpoint or attachment) where it ended. A security group that denies
    /// ingress keeps the packet out, so its ENI is not on the path.
    /// </summary>
    private static List<string> PathOf(IReadOnlyList<PacketHop> hops, WalkDirection direction)
    {
        var path = new List<string>();
        foreach (var h in hops)
        {
            if (h.Direction != direction) continue;
            string? id = h.Step switch
            {
                // An attachment the packet could not use (no subnet in the AZ, R-TGW-1) is where it stopped, not a path entry.
                HopStep.TgwAttachmentEntry or HopStep.TgwAttachmentExit => h.Passed ? h.Component : null,
                // Non-ENI path entries: a TGW peering attachment crossed, a VPN/Direct Connect/VGW edge left or entered.
                HopStep.TgwPeering or HopStep.Edge => h.Passed ? h.Component : null,
                // Gateways the packet passed: internet and egress-only gateways, peering connections, gateway endpoints.
                HopStep.InternetGateway or HopStep.EgressOnlyInternetGateway or HopStep.VpcPeering or HopStep.GatewayEndpoint => h.Passed ? h.Component : null,
                // A NAT gateway and an appliance are entered at their ENI (the NAT's id when its ENI is not in the snapshot).
                HopStep.NatGateway or HopStep.Appliance => h.Passed ? h.NetworkInterfaceId ?? h.Component : null,
                // An appliance whose source/destination check drops the packet never forwarded it.
                HopStep.SourceDestinationCheck => null,
                // The end of a leg: the ENI delivered to, or the gateway, endpoint or attachment where the walk ends.
                HopStep.Destination => h.Decision == HopDecision.Deliver ? h.NetworkInterfaceId ?? h.Component : h.NetworkInterfaceId,
                // Denied ingress keeps the packet out; allowed ingress is followed by the Destination hop that names the ENI.
                HopStep.SecurityGroupIngress => null,
                _ => h.NetworkInterfaceId,
            };
            if (id is not null && (path.Count == 0 || path[^1] != id)) path.Add(id);
        }
        return path;
    }
}
