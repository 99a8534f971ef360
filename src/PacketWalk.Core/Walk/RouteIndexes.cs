using System.Collections.ObjectModel;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>
/// Builds the prefix tries behind <see cref="RouteResolver.Lookup"/> and <see cref="TgwRouteResolver.Lookup"/>. Each
/// trie stores every (route, prefix) candidate under its prefix in the order the linear scan meets it, and computes
/// a prefix's answer by running the scan's own rules over just the candidates that contain the address, so the
/// answers are the scan's answers (the property tests compare them on random tables).
/// </summary>
internal static class RouteIndexes
{
    private static readonly RouteLookup NoRoute = new(null, null, Array.Empty<Route>());

    /// <summary>A VPC route table. Only the longest matching prefix decides (R-RT-5), so an answer reads its own candidates.</summary>
    public static PrefixTrie<Route, RouteLookup> ForRouteTable(NetworkModel model, RouteTable table)
    {
        var builder = new PrefixTrie<Route, RouteLookup>.Builder();
        var missing = new List<string>();
        foreach (var route in table.Routes)
        {
            if (route.DestinationCidr is null && route.DestinationPrefixListId is { } pl && !model.PrefixLists.ContainsKey(pl) && !missing.Contains(pl, StringComparer.Ordinal))
                missing.Add(pl);
            foreach (var prefix in RouteResolver.Prefixes(model, route))
                builder.Add(prefix, route);
        }
        // Prefix lists the table names but the snapshot lacks: the same for every destination, so every answer carries them.
        IReadOnlyList<string> missingLists = missing.Count == 0 ? Array.Empty<string>() : new ReadOnlyCollection<string>(missing.ToArray());
        var noRoute = missing.Count == 0 ? NoRoute : NoRoute with { MissingPrefixListIds = missingLists };
        return builder.Build(chain => Decide(chain[^1]) with { MissingPrefixListIds = missingLists }, noRoute);
    }

    /// <summary>
    /// The scan's rules over candidates of one prefix length, in scan order: the first of the lowest rank wins (static,
    /// prefix list, propagated: R-RT-6); later prefix-list routes of that rank to other targets tie with it (R-RT-7).
    /// </summary>
    private static RouteLookup Decide(PrefixMatch<Route> longest)
    {
        Route? best = null;
        int bestRank = int.MaxValue;
        List<Route>? tied = null;
        foreach (var route in longest.Entries)
        {
            int rank = RouteResolver.Rank(route);
            if (best is null || rank < bestRank)
            {
                best = route; bestRank = rank; tied = null;
            }
            else if (rank == bestRank && route.DestinationPrefixListId is not null && !ReferenceEquals(route, best) && route.TargetId != best.TargetId)
            {
                tied ??= new List<Route> { best };
                tied.Add(route);
            }
        }
        return new RouteLookup(best, longest.Prefix, tied is null ? Array.Empty<Route>() : tied.ToArray());
    }

    /// <summary>One (route, prefix) candidate of a TGW route table and its position in the scan.</summary>
    public readonly record struct TgwCandidate(int Order, TransitGatewayRoute Route);

    /// <summary>
    /// A TGW route table with its propagations expanded once (<see cref="TgwRouteResolver.RoutesOf"/>). The scan's gaps and
    /// "routes known" do not depend on the destination, so every answer shares them.
    /// </summary>
    public static PrefixTrie<TgwCandidate, TgwRouteLookup> ForTgwRouteTable(NetworkModel model, string routeTableId)
    {
        var gaps = new List<string>();
        // As LookupByScan: known when a route or propagation is listed, or both lists were read and are empty.
        var known = model.TransitGatewayRoutes.ContainsKey(routeTableId) || model.TransitGatewayPropagations.ContainsKey(routeTableId)
            || (model.TransitGatewayRouteTablesWithRoutesListed.Contains(routeTableId) && model.TransitGatewayRouteTablesWithPropagationsListed.Contains(routeTableId));
        var builder = new PrefixTrie<TgwCandidate, TgwRouteLookup>.Builder();
        var missingLists = new List<string>();
        int order = 0;
        foreach (var route in TgwRouteResolver.RoutesOf(model, routeTableId, gaps))
        {
            if (route.DestinationCidr is { } cidr)
            {
                builder.Add(cidr, new TgwCandidate(order++, route));
                continue;
            }
            if (route.PrefixListId is { } pl && model.PrefixLists.TryGetValue(pl, out var list))
                foreach (var prefix in list.Cidrs) builder.Add(prefix, new TgwCandidate(order++, route));
            else if (route.PrefixListId is { } missing)
            {
                gaps.Add($"prefix list {missing} referenced by {routeTableId} is not in the snapshot");
                if (!missingLists.Contains(missing, StringComparer.Ordinal)) missingLists.Add(missing);
            }
        }
        IReadOnlyList<string> sharedGaps = new ReadOnlyCollection<string>(gaps.ToArray());
        IReadOnlyList<string> sharedMissing = new ReadOnlyCollection<string>(missingLists.ToArray());
        var noMatch = TgwRouteResolver.WithConflicts(new TgwRouteLookup(null, Array.Empty<TgwRouteCandidate>(), known, sharedGaps), sharedMissing);
        return builder.Build(chain => TgwRouteResolver.WithConflicts(DecideTgw(chain, known, sharedGaps), sharedMissing), noMatch);
    }

    /// <summary>The scan's loop over every candidate containing the address, in scan order (R-TGW-15, R-TGW-17).</summary>
    private static TgwRouteLookup DecideTgw(IReadOnlyList<PrefixMatch<TgwCandidate>> chain, bool known, IReadOnlyList<string> gaps)
    {
        var candidates = new List<(int Order, TgwRouteCandidate Candidate)>();
        foreach (var match in chain)
            foreach (var entry in match.Entries)
                candidates.Add((entry.Order, new TgwRouteCandidate(match.Prefix, entry.Route)));
        candidates.Sort((a, b) => a.Order.CompareTo(b.Order));
        TgwRouteCandidate? best = null;
        var suppressed = new List<TgwRouteCandidate>();
        foreach (var (_, candidate) in candidates)
        {
            if (best is null || TgwRouteResolver.Better(candidate, best)) { if (best is not null) suppressed.Add(best); best = candidate; }
            else suppressed.Add(candidate);
        }
        return new TgwRouteLookup(best, new ReadOnlyCollection<TgwRouteCandidate>(suppressed.ToArray()), known, gaps);
    }

    /// <summary>Every VPC whose CIDRs contain an address, ordered by id (as the scan orders them).</summary>
    public static PrefixTrie<Vpc, Vpc[]> ForVpcs(IEnumerable<Vpc> vpcs)
    {
        var builder = new PrefixTrie<Vpc, Vpc[]>.Builder();
        foreach (var vpc in vpcs)
            foreach (var cidr in vpc.AllCidrs)
                builder.Add(cidr, vpc);
        return builder.Build(chain => chain.SelectMany(m => m.Entries).Distinct().OrderBy(v => v.VpcId, StringComparer.Ordinal).ToArray(), Array.Empty<Vpc>());
    }

    /// <summary>A subnet and its position in the model's subnet enumeration (the scan returns the first that matches).</summary>
    public readonly record struct SubnetCandidate(int Order, Subnet Subnet);

    /// <summary>Every subnet whose CIDRs contain an address, in the model's enumeration order.</summary>
    public static PrefixTrie<SubnetCandidate, Subnet[]> ForSubnets(IEnumerable<Subnet> subnets)
    {
        var builder = new PrefixTrie<SubnetCandidate, Subnet[]>.Builder();
        int order = 0;
        foreach (var subnet in subnets)
        {
            var candidate = new SubnetCandidate(order++, subnet);
            if (subnet.CidrBlock is { } v4) builder.Add(v4, candidate);
            foreach (var v6 in subnet.Ipv6CidrBlocks) builder.Add(v6, candidate);
        }
        return builder.Build(chain => chain.SelectMany(m => m.Entries).DistinctBy(c => c.Order).OrderBy(c => c.Order).Select(c => c.Subnet).ToArray(), Array.Empty<Subnet>());
    }
}
