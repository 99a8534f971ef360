using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>
/// The share of a packet's possible port pairs that one policy rule decided. <see cref="Entry"/> is null for the share no
/// rule matched, which the transit gateway drops (R-TGW-23).
/// </summary>
public sealed record TgwPolicyPiece(TransitGatewayPolicyTableEntry? Entry, PortSet SourcePorts, PortSet DestinationPorts);

/// <summary>
/// The result of evaluating a policy table for one packet. A packet whose client port is not yet chosen (an ephemeral
/// range) can fall to different rules port by port, so the result is a list of pieces that together cover every port pair.
/// <see cref="MetaDataRule"/> is the first rule that matches the addresses, protocol and ports but also needs Cloud WAN
/// metadata the snapshot cannot show; evaluation stops there for the ports it covers.
/// </summary>
public sealed record TgwPolicyDecision(IReadOnlyList<TgwPolicyPiece> Pieces, TransitGatewayPolicyTableEntry? MetaDataRule)
{
    public IEnumerable<TgwPolicyPiece> Matched => Pieces.Where(p => p.Entry is not null);
    public IEnumerable<TgwPolicyPiece> Unmatched => Pieces.Where(p => p.Entry is null);
    /// <summary>One rule decided every port pair.</summary>
    public bool IsSingleRule => MetaDataRule is null && Pieces.Count == 1 && Pieces[0].Entry is not null;
    public bool MatchesNothing => MetaDataRule is null && Pieces.All(p => p.Entry is null);
}

/// <summary>
/// Policy-based routing at a transit gateway (R-TGW-22..24): active rules by ascending rule number, first match on source and
/// destination CIDR, protocol and source and destination port ranges; the match names the route table; no match drops.
/// </summary>
public static class TgwPolicyEvaluator
{
    public static TgwPolicyDecision Evaluate(IReadOnlyList<TransitGatewayPolicyTableEntry> entries, IpAddress source, IpAddress destination,
        int protocol, PortSet sourcePorts, PortSet destinationPorts)
    {
        var remaining = new List<(PortSet Source, PortSet Destination)> { (sourcePorts, destinationPorts) };
        var pieces = new List<TgwPolicyPiece>();
        foreach (var entry in entries.Where(e => e.IsActive).OrderBy(e => e.PolicyRuleNumber))
        {
            if (remaining.Count == 0) break;
            var rule = entry.PolicyRule;
            if (rule.SourceCidr is { } sc && !sc.Contains(source)) continue;
            if (rule.DestinationCidr is { } dc && !dc.Contains(destination)) continue;
            if (rule.Protocol is { } p && p != protocol) continue;
            // R-TGW-24: port ranges exist only for TCP and UDP; a rule with one never matches a packet without ports.
            bool rulePorts = rule.SourcePorts is not null || rule.DestinationPorts is not null;
            if (rulePorts && !IpProtocol.HasPorts(protocol)) continue;

            var next = new List<(PortSet, PortSet)>();
            var matched = new List<(PortSet Source, PortSet Destination)>();
            foreach (var (s, d) in remaining)
            {
                var ms = rule.SourcePorts is { } rs ? s.Intersect(rs) : s;
                var md = rule.DestinationPorts is { } rd ? d.Intersect(rd) : d;
                if (ms.IsEmpty || md.IsEmpty) { next.Add((s, d)); continue; }
                matched.Add((ms, md));
                // What this rule leaves: source ports outside its range (any destination port), then the matched source
                // ports with destination ports outside its range.
                var restSource = s.Subtract(ms);
                if (!restSource.IsEmpty) next.Add((restSource, d));
                var restDestination = d.Subtract(md);
                if (!restDestination.IsEmpty) next.Add((ms, restDestination));
            }
            if (matched.Count == 0) continue;
            if (rule.HasMetaData)
                return new TgwPolicyDecision(pieces, entry);
            pieces.AddRange(matched.Select(m => new TgwPolicyPiece(entry, m.Source, m.Destination)));
            remaining = next;
        }
        pieces.AddRange(remaining.Select(r => new TgwPolicyPiece(null, r.Source, r.Destination)));
        return new TgwPolicyDecision(Merge(pieces), null);
    }

    /// <summary>Joins the pieces one rule decided where they share a source or destination port set.</summary>
    private static List<TgwPolicyPiece> Merge(List<TgwPolicyPiece> pieces)
    {
        var merged = new List<TgwPolicyPiece>();
        foreach (var piece in pieces)
        {
            int i = merged.FindIndex(m => m.Entry == piece.Entry
                && (m.SourcePorts.Equals(piece.SourcePorts) || m.DestinationPorts.Equals(piece.DestinationPorts)));
            if (i < 0) { merged.Add(piece); continue; }
            var m = merged[i];
            merged[i] = m.SourcePorts.Equals(piece.SourcePorts)
                ? m with { DestinationPorts = m.DestinationPorts.Union(piece.DestinationPorts) }
                : m with { SourcePorts = m.SourcePorts.Union(piece.SourcePorts) };
        }
        return merged;
    }
}
