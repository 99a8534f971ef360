using System.Runtime.CompilerServices;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>One rule's share of a NACL decision: the ports it decided.</summary>
public sealed record NaclRuleMatch(NetworkAclEntry Entry, PortSet Ports);

/// <summary>The result of evaluating a NACL for a packet whose destination ports are a set.</summary>
public sealed record NaclDecision(NetworkAcl Acl, RuleDirection Direction, PortSet Allowed, PortSet Denied, IReadOnlyList<NaclRuleMatch> Matches)
{
    public bool AllowsAll => Denied.IsEmpty;
    public bool DeniesAll => Allowed.IsEmpty;
    /// <summary>The rule that decided the packet: the allow when all passed, else the first deny.</summary>
    public NaclRuleMatch? DecidingMatch => AllowsAll ? Matches.FirstOrDefault(m => m.Entry.Allow) : Matches.FirstOrDefault(m => !m.Entry.Allow);
    public string RuleText => DecidingMatch?.Entry.Text ?? "rule * deny all (no entry matched)";
}

/// <summary>
/// Stateless, ordered, first-match NACL evaluation (R-NACL-1..6). Inbound rules match the source address,
/// outbound rules the destination (R-NACL-4). IPv4 and IPv6 entries never match the other family.
/// </summary>
public static class NaclEvaluator
{
    /// <summary>Each ACL's entries per direction in rule-number order, sorted once per ACL (the model's records are immutable).</summary>
    private static readonly ConditionalWeakTable<NetworkAcl, NetworkAclEntry[][]> Ordered = new();

    /// <summary>The implicit * rule per direction and family (R-NACL-3), shared by every evaluation.</summary>
    private static readonly NetworkAclEntry[] StarRules =
    {
        new(32767, false, IpProtocol.All, false, Cidr.AnyV4, null, null, null), new(32767, false, IpProtocol.All, false, Cidr.AnyV6, null, null, null),
        new(32767, true, IpProtocol.All, false, Cidr.AnyV4, null, null, null), new(32767, true, IpProtocol.All, false, Cidr.AnyV6, null, null, null),
    };

    private static NetworkAclEntry[] EntriesInOrder(NetworkAcl acl, bool egress)
    {
        var byDirection = Ordered.GetValue(acl, static a => new[]
        {
            // R-NACL-2: lowest rule number first; the entry list order in JSON does not matter (OrderBy is stable).
            a.Entries.Where(e => !e.Egress).OrderBy(e => e.RuleNumber).ToArray(),
            a.Entries.Where(e => e.Egress).OrderBy(e => e.RuleNumber).ToArray(),
        });
        return byDirection[egress ? 1 : 0];
    }

    public static NaclDecision Evaluate(NetworkAcl acl, RuleDirection direction, IpAddress peer, int protocol, PortSet destinationPorts, int? icmpType, int? icmpCode)
    {
        bool egress = direction == RuleDirection.Outbound;
        var remaining = destinationPorts;
        var allowed = PortSet.Empty;
        var denied = PortSet.Empty;
        var matches = new List<NaclRuleMatch>();
        foreach (var entry in EntriesInOrder(acl, egress))
        {
            if (remaining.IsEmpty) break;
            if (entry.Cidr.IsV6 != peer.IsV6 || !entry.Cidr.Contains(peer)) continue;
            var ports = MatchingPorts(entry, protocol, remaining, icmpType, icmpCode, peer.IsV6);
            if (ports.IsEmpty) continue;
            matches.Add(new NaclRuleMatch(entry, ports));
            if (entry.Allow) allowed = allowed.Union(ports); else denied = denied.Union(ports);
            remaining = remaining.Subtract(ports);
        }
        if (!remaining.IsEmpty)
        {
            // R-NACL-3: the implicit * rule denies what no entry matched (some snapshots omit it).
            var star = StarRules[(egress ? 2 : 0) + (peer.IsV6 ? 1 : 0)];
            matches.Add(new NaclRuleMatch(star, remaining));
            denied = denied.Union(remaining);
        }
        return new NaclDecision(acl, direction, allowed, denied, matches);
    }

    private static PortSet MatchingPorts(NetworkAclEntry entry, int protocol, PortSet ports, int? icmpType, int? icmpCode, bool ipv6)
    {
        if (entry.Protocol == IpProtocol.All) return ports;                    // R-NACL-6: -1 is every protocol and port
        if (entry.Protocol != protocol) return PortSet.Empty;
        if (IpProtocol.HasPorts(protocol))
            return entry.PortRange is { } range ? ports.Intersect(range) : ports;
        if (protocol == IpProtocol.Icmp || protocol == IpProtocol.IcmpV6)
        {
            // R-NACL-6: protocol 58 on an IPv4 entry matches every type and code.
            if (protocol == IpProtocol.IcmpV6 && !ipv6) return ports;
            if (entry.IcmpType is null or -1) return ports;
            if (icmpType is null || entry.IcmpType != icmpType) return PortSet.Empty;
            if (entry.IcmpCode is null or -1) return ports;
            return icmpCode is null || entry.IcmpCode == icmpCode ? ports : PortSet.Empty;
        }
        return ports;                                                          // other protocols: ports ignored
    }
}
