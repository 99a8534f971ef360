using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>A rule (or group) the snapshot cannot decide for this packet, with the reason code and why.</summary>
public sealed record UnresolvedRule(SecurityGroupRule? Rule, string Code, string Why);

public sealed record SecurityGroupDecision(PortSet Allowed, PortSet Denied, IReadOnlyList<SecurityGroupRule> MatchingRules, IReadOnlyList<string> GroupIds,
    IReadOnlyList<SecurityGroupRule> ReferenceRulesNotApplied, IReadOnlyList<string> MissingGroupIds)
{
    /// <summary>Rules that might allow the packet but need data the snapshot lacks: a verdict resting on them is Unknown.</summary>
    public IReadOnlyList<UnresolvedRule> UnresolvedRules { get; init; } = Array.Empty<UnresolvedRule>();
    public bool AllowsAll => Denied.IsEmpty;
    public bool DeniesAll => Allowed.IsEmpty;
    public string RuleText => MatchingRules.Count > 0 ? MatchingRules[0].Text
        : GroupIds.Count == 0 ? "no security groups on the interface" : $"no rule in {string.Join(", ", GroupIds)} matches";
}

/// <summary>
/// Security-group evaluation: allow-only (R-SG-1), union of every group on the interface (R-SG-3), rule
/// fields per R-SG-4..7, prefix lists (R-SG-8) and group references (R-SG-9/10).
/// </summary>
public sealed class SecurityGroupEvaluator
{
    private readonly NetworkModel _model;
    public SecurityGroupEvaluator(NetworkModel model) => _model = model;

    /// <param name="peer">Destination address for egress, source address for ingress.</param>
    /// <param name="peerEnis">The interfaces that own the peer address, for group references; empty when unknown.</param>
    /// <param name="referencesPreserved">False when the path crossed something that drops group identity (R-SG-10, R-TGW-12/13).</param>
    public SecurityGroupDecision Evaluate(NetworkInterface eni, RuleDirection direction, IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis,
        bool referencesPreserved, int protocol, PortSet destinationPorts, int? icmpType, int? icmpCode)
    {
        var allowed = PortSet.Empty;
        var matching = new List<SecurityGroupRule>();
        var notApplied = new List<SecurityGroupRule>();
        var missing = new List<string>();
        var unresolved = new List<UnresolvedRule>();
        foreach (var groupId in eni.GroupIds)
        {
            if (!_model.SecurityGroups.TryGetValue(groupId, out var group))
            {
                missing.Add(groupId);
                unresolved.Add(new UnresolvedRule(null, "UNKNOWN_RESOURCE", $"security group {groupId} of {eni.NetworkInterfaceId} is not in the snapshot"));
                continue;
            }
            var rules = direction == RuleDirection.Inbound ? group.IngressRules : group.EgressRules;
            foreach (var rule in rules)
            {
                var ports = MatchingPorts(rule, protocol, destinationPorts, icmpType, icmpCode);
                if (ports.IsEmpty) continue;
                var peerMatch = PeerMatches(rule, peer, peerEnis);
                if (peerMatch == PeerMatch.No)
                {
                    if (Unresolvable(rule, peer, peerEnis) is { } why) unresolved.Add(why);
                    continue;
                }
                if (peerMatch == PeerMatch.ByReference && !referencesPreserved) { notApplied.Add(rule); continue; }
                matching.Add(rule);
                allowed = allowed.Union(ports);
            }
        }
        allowed = allowed.Intersect(destinationPorts);
        return new SecurityGroupDecision(allowed, destinationPorts.Subtract(allowed), matching, eni.GroupIds, notApplied, missing) { UnresolvedRules = unresolved };
    }

    /// <summary>
    /// Why a rule that did not match might still match with the whole estate in view: its prefix list is missing, or it
    /// references a group the snapshot lacks while the peer is a private address in no known VPC, e.g. in a peer VPC of
    /// another account (R-PCX-6, UNKNOWN_PEERED_SGS). Group references match private addresses only (R-SG-9), so a
    /// public IPv4 peer can never be a member.
    /// </summary>
    private UnresolvedRule? Unresolvable(SecurityGroupRule rule, IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis)
    {
        if (rule.PrefixListId is { } pl && !_model.PrefixLists.ContainsKey(pl))
            return new UnresolvedRule(rule, "UNKNOWN_RESOURCE", $"prefix list {pl} of rule '{rule.Text}' is not in the snapshot");
        if (rule.ReferencedGroupId is { } g && !_model.SecurityGroups.ContainsKey(g) && !peerEnis.Any(e => e.HasAddress(peer))
            && _model.NetworkInterfacesWithAddress(peer).Count == 0 && !_model.VpcsContaining(peer).Any()
            && !peer.IsV6 && (peer.IsRfc1918 || Cidr.Rfc6598.Contains(peer)))
            return new UnresolvedRule(rule, "UNKNOWN_PEERED_SGS",
                $"rule '{rule.Text}' references {(rule.ReferencedUserId is { } u ? u + "/" : "")}{g}, a group the snapshot lacks; {peer} is in no VPC the snapshot holds, so its membership is unknown (R-PCX-6)");
        return null;
    }

    private enum PeerMatch { No, ByAddress, ByReference }

    private PeerMatch PeerMatches(SecurityGroupRule rule, IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis)
    {
        if (rule.Cidr is { } cidr) return cidr.Contains(peer) ? PeerMatch.ByAddress : PeerMatch.No;   // R-SG-7: families apart
        if (rule.PrefixListId is { } pl)
            return _model.PrefixLists.TryGetValue(pl, out var list) && list.Cidrs.Any(c => c.Contains(peer)) ? PeerMatch.ByAddress : PeerMatch.No;
        if (rule.ReferencedGroupId is { } g)
            // R-SG-9: a reference matches the private addresses of interfaces that carry the referenced group.
            return peerEnis.Any(e => e.GroupIds.Contains(g) && (e.PrivateIps.Contains(peer) || e.Ipv6Addresses.Contains(peer))) ? PeerMatch.ByReference : PeerMatch.No;
        return PeerMatch.No;
    }

    internal static PortSet MatchingPorts(SecurityGroupRule rule, int protocol, PortSet ports, int? icmpType, int? icmpCode)
    {
        if (rule.Protocol == IpProtocol.All) return ports;                                    // R-SG-5
        if (rule.Protocol != protocol) return PortSet.Empty;
        if (IpProtocol.HasPorts(protocol))
        {
            if (rule.FromPort is null or -1) return ports;
            return ports.Intersect(new PortRange(rule.FromPort.Value, rule.ToPort ?? rule.FromPort.Value));
        }
        if (IpProtocol.IsIcmpFamily(protocol))
        {
            // R-SG-6: FromPort is the type, ToPort the code, -1 = all. icmpv6 without a range = all (R-SG-5).
            if (rule.FromPort is null or -1) return ports;
            if (icmpType is null || rule.FromPort != icmpType) return PortSet.Empty;
            if (rule.ToPort is null or -1) return ports;
            return icmpCode is null || rule.ToPort == icmpCode ? ports : PortSet.Empty;
        }
        return ports;                                                                          // R-SG-5: other numbers, all ports
    }
}
