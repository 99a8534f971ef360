using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>The outcome of a route-table lookup.</summary>
public sealed record RouteLookup(Route? Route, Cidr? MatchedPrefix, IReadOnlyList<Route> Tied)
{
    /// <summary>Prefix lists named by routes of the table but absent from the snapshot: their entries could match.</summary>
    public IReadOnlyList<string> MissingPrefixListIds { get; init; } = Array.Empty<string>();
    /// <summary>R-RT-7: several prefix-list routes with overlapping CIDRs to different targets — AWS picks one at random.</summary>
    public bool Ambiguous => Tied.Count > 1;

    /// <summary>
    /// Routes whose prefix list is not in the snapshot and that could be chosen over <see cref="Route"/> for this
    /// destination (their entries might be more specific). Empty when the lookup is complete.
    /// </summary>
    public IReadOnlyList<Route> Unresolved { get; init; } = Array.Empty<Route>();
}

/// <summary>
/// Subnet route-table lookup: longest prefix (R-RT-5, IPv4 and IPv6 apart), then for equal prefixes a static CIDR
/// route over a prefix-list route over a propagated route (R-RT-6, R-RT-7).
/// </summary>
public static class RouteResolver
{
    /// <summary>Longest-prefix match through the table's prefix trie (built once per table, O(address bits) per lookup).</summary>
    public static RouteLookup Lookup(NetworkModel model, RouteTable table, IpAddress destination)
    {
        if (model.LinearLookups) return LookupByScan(model, table, destination);
        var lookup = model.RouteIndex(table).Lookup(destination);
        // Which missing lists could beat the answer depends on the destination, so it is added here, not in the trie.
        return lookup.MissingPrefixListIds.Count == 0 ? lookup
            : lookup with { Unresolved = UnresolvedRoutes(model, table, destination, lookup.Route, lookup.MatchedPrefix) };
    }

    /// <summary>The reference implementation: every route of the table, every prefix. The trie must answer exactly as this does.</summary>
    internal static RouteLookup LookupByScan(NetworkModel model, RouteTable table, IpAddress destination)
    {
        Route? best = null;
        Cidr? bestPrefix = null;
        int bestRank = int.MaxValue;
        List<Route>? tied = null;
        List<string>? missing = null;
        foreach (var route in table.Routes)
        {
            if (route.DestinationCidr is null && route.DestinationPrefixListId is { } pl && !model.PrefixLists.ContainsKey(pl))
                (missing ??= new List<string>()).Add(pl);
            foreach (var prefix in Prefixes(model, route))
            {
                if (!prefix.Contains(destination)) continue;
                int rank = Rank(route);
                if (best is null || prefix.PrefixLength > bestPrefix!.Value.PrefixLength
                    || (prefix.PrefixLength == bestPrefix.Value.PrefixLength && rank < bestRank))
                {
                    best = route; bestPrefix = prefix; bestRank = rank; tied = null;
                }
                else if (prefix.PrefixLength == bestPrefix.Value.PrefixLength && rank == bestRank && route.DestinationPrefixListId is not null
                         && !ReferenceEquals(route, best) && route.TargetId != best.TargetId)
                {
                    tied ??= new List<Route> { best };
                    tied.Add(route);
                }
            }
        }
        return new RouteLookup(best, bestPrefix, (IReadOnlyList<Route>?)tied ?? Array.Empty<Route>())
        {
            MissingPrefixListIds = (IReadOnlyList<string>?)missing?.Distinct(StringComparer.Ordinal).ToList() ?? Array.Empty<string>(),
            Unresolved = UnresolvedRoutes(model, table, destination, best, bestPrefix),
        };
    }

    /// <summary>
    /// A route to a prefix list the snapshot lacks might hold an entry more specific than the chosen route. Two cases
    /// cannot matter: the chosen route is a static host route (nothing is more specific, and a CIDR route beats a
    /// prefix-list route of equal length, R-RT-7), the chosen route is local (R-RT-8), or the list feeds a gateway endpoint (AWS-managed service lists hold
    /// public AWS ranges only, R-VPCE-1) and the destination is private (RFC 1918 or RFC 6598).
    /// </summary>
    private static IReadOnlyList<Route> UnresolvedRoutes(NetworkModel model, RouteTable table, IpAddress destination, Route? best, Cidr? bestPrefix)
    {
        if (best is not null && best.DestinationCidr is not null && !best.IsPropagated && bestPrefix!.Value.PrefixLength == destination.Bits)
            return Array.Empty<Route>();
        // R-RT-8, R-RT-4: the local route ranks first; only whole-subnet CIDR routes (never prefix lists) override it.
        if (best is { TargetType: RouteTargetType.Local }) return Array.Empty<Route>();
        List<Route>? unresolved = null;
        foreach (var route in table.Routes)
        {
            if (route.DestinationCidr is not null || route.DestinationPrefixListId is not { } pl || model.PrefixLists.ContainsKey(pl)) continue;
            if (route.TargetType == RouteTargetType.VpcEndpoint && (destination.IsRfc1918 || Cidr.Rfc6598.Contains(destination))) continue;
            (unresolved ??= new()).Add(route);
        }
        return (IReadOnlyList<Route>?)unresolved ?? Array.Empty<Route>();
    }

    internal static IEnumerable<Cidr> Prefixes(NetworkModel model, Route route)
    {
        if (route.DestinationCidr is { } c) return new[] { c };
        if (route.DestinationPrefixListId is { } pl && model.PrefixLists.TryGetValue(pl, out var list)) return list.Cidrs;
        return Array.Empty<Cidr>();
    }

    internal static int Rank(Route route) => route.DestinationPrefixListId is not null ? 1 : route.IsPropagated ? 2 : 0;
}

/// <summary>A candidate route in a TGW route table, with where it came from.</summary>
public sealed record TgwRouteCandidate(Cidr Prefix, TransitGatewayRoute Route);

public sealed record TgwRouteLookup(TgwRouteCandidate? Best, IReadOnlyList<TgwRouteCandidate> Suppressed, bool RoutesKnown, IReadOnlyList<string> Gaps)
{
    /// <summary>
    /// Candidates as good as <see cref="Best"/> (same prefix length, same route type) that lead elsewhere: a route table
    /// holds one route per prefix, so the snapshot does not say which of them AWS installed. Overlapping VPC CIDRs
    /// propagated into one table end here (R-TGW-8: AWS keeps the first VPC's route, and the snapshot does not say which came first).
    /// </summary>
    public IReadOnlyList<TgwRouteCandidate> Conflicting { get; init; } = Array.Empty<TgwRouteCandidate>();

    /// <summary>Prefix lists referenced by the table that the snapshot lacks: their entries might beat <see cref="Best"/>.</summary>
    public IReadOnlyList<string> MissingPrefixLists { get; init; } = Array.Empty<string>();
}

/// <summary>
/// TGW route-table lookup: longest prefix, then static over prefix-list reference over propagated (R-TGW-15, R-TGW-17).
/// Propagated routes come from the table's enabled propagations: a VPC attachment contributes its VPC's CIDRs (R-TGW-14).
/// </summary>
public static class TgwRouteResolver
{
    public static IReadOnlyList<TransitGatewayRoute> RoutesOf(NetworkModel model, string routeTableId, List<string>? gaps = null)
    {
        var routes = new List<TransitGatewayRoute>();
        // A deleted route is history (search-transit-gateway-routes shows it only when asked for that state).
        if (model.TransitGatewayRoutes.TryGetValue(routeTableId, out var listed)) routes.AddRange(listed.Where(r => !r.IsDeleted));
        if (model.TransitGatewayPropagations.TryGetValue(routeTableId, out var propagations))
        {
            // The propagated routes so far (those the snapshot lists itself, as a live read searches without a type filter,
            // then those expanded here), by attachment and by (CIDR, attachment): one lookup per propagation and per CIDR
            // instead of a scan of every route each time (20,000 routes x 2,000 propagations on the large benchmark estate).
            var listedPropagators = new HashSet<string>(StringComparer.Ordinal);
            var listedPropagated = new HashSet<(Cidr, string)>();
            foreach (var r in routes)
                if (r.Type == TgwRouteType.Propagated)
                    foreach (var t in r.Targets)
                    {
                        listedPropagators.Add(t.TransitGatewayAttachmentId);
                        if (r.DestinationCidr is { } listedCidr) listedPropagated.Add((listedCidr, t.TransitGatewayAttachmentId));
                    }

            foreach (var p in propagations.Where(p => p.IsEnabled))
            {
                if (!string.Equals(p.ResourceType, "vpc", StringComparison.OrdinalIgnoreCase))
                {
                    // VPN (BGP), Direct Connect and Connect propagations carry routes learned from outside the estate: known
                    // only when the snapshot lists the table's propagated routes (search-transit-gateway-routes without a type filter).
                    if (!listedPropagators.Contains(p.TransitGatewayAttachmentId))
                        gaps?.Add($"{p.TransitGatewayAttachmentId} ({p.ResourceType}) propagates routes the snapshot does not list");
                    continue;
                }
                var vpcId = p.ResourceId ?? (model.TransitGatewayVpcAttachments.TryGetValue(p.TransitGatewayAttachmentId, out var va) ? va.VpcId : null);
                if (vpcId is null || !model.Vpcs.TryGetValue(vpcId, out var vpc))
                {
                    gaps?.Add($"{p.TransitGatewayAttachmentId} propagates the CIDRs of {vpcId ?? "an unknown VPC"}, which is not in the snapshot");
                    continue;
                }
                var target = new[] { new TransitGatewayRouteTarget(p.TransitGatewayAttachmentId, vpcId, "vpc") };
                foreach (var cidr in vpc.AllCidrs)
                    // A live read lists the propagated route itself: do not add it twice (nor a CIDR a VPC lists twice).
                    if (listedPropagated.Add((cidr, p.TransitGatewayAttachmentId)))
                    {
                        routes.Add(new TransitGatewayRoute(routeTableId, cidr, null, TgwRouteType.Propagated, "active", target));
                        listedPropagators.Add(p.TransitGatewayAttachmentId);
                    }
            }
        }
        return routes;
    }

    /// <summary>Longest-prefix match through the route table's prefix trie, built once per table with its propagations expanded.</summary>
    public static TgwRouteLookup Lookup(NetworkModel model, string routeTableId, IpAddress destination) =>
        model.LinearLookups ? LookupByScan(model, routeTableId, destination) : model.TgwRouteIndex(routeTableId).Lookup(destination);

    /// <summary>The reference implementation: expands the table's routes and scans them all. The trie must answer exactly as this does.</summary>
    internal static TgwRouteLookup LookupByScan(NetworkModel model, string routeTableId, IpAddress destination)
    {
        var gaps = new List<string>();
        // Known: some route or propagation is listed, or both lists were read and are empty (then the table routes nothing).
        var known = model.TransitGatewayRoutes.ContainsKey(routeTableId) || model.TransitGatewayPropagations.ContainsKey(routeTableId)
            || (model.TransitGatewayRouteTablesWithRoutesListed.Contains(routeTableId) && model.TransitGatewayRouteTablesWithPropagationsListed.Contains(routeTableId));
        TgwRouteCandidate? best = null;
        var suppressed = new List<TgwRouteCandidate>();
        var missingLists = new List<string>();
        foreach (var route in RoutesOf(model, routeTableId, gaps))
        {
            IEnumerable<Cidr> prefixes = route.DestinationCidr is { } c ? new[] { c }
                : route.PrefixListId is { } pl && model.PrefixLists.TryGetValue(pl, out var list) ? list.Cidrs : Array.Empty<Cidr>();
            if (route.DestinationCidr is null && route.PrefixListId is { } missing && !model.PrefixLists.ContainsKey(missing))
            {
                gaps.Add($"prefix list {missing} referenced by {routeTableId} is not in the snapshot");
                if (!missingLists.Contains(missing)) missingLists.Add(missing);
            }
            foreach (var prefix in prefixes)
            {
                if (!prefix.Contains(destination)) continue;
                var candidate = new TgwRouteCandidate(prefix, route);
                if (best is null || Better(candidate, best)) { if (best is not null) suppressed.Add(best); best = candidate; }
                else suppressed.Add(candidate);
            }
        }
        return WithConflicts(new TgwRouteLookup(best, suppressed, known, gaps), missingLists);
    }

    /// <summary>
    /// Adds what the scan and the trie both derive from an answer: candidates as good as the best that lead elsewhere
    /// (<see cref="TgwRouteLookup.Conflicting"/>) and the table's missing prefix lists, unless a static host route
    /// decides (no entry can be longer, and static ranks first).
    /// </summary>
    internal static TgwRouteLookup WithConflicts(TgwRouteLookup lookup, IReadOnlyList<string> missingLists)
    {
        var best = lookup.Best;
        var conflicting = best is null ? new List<TgwRouteCandidate>()
            : lookup.Suppressed.Where(s => s.Prefix.PrefixLength == best.Prefix.PrefixLength && s.Route.Type == best.Route.Type && TargetKey(s.Route) != TargetKey(best.Route)).ToList();
        var missingMatter = best is null || best.Route.Type != TgwRouteType.Static || best.Prefix.PrefixLength != best.Prefix.Bits;
        if (conflicting.Count == 0 && (!missingMatter || missingLists.Count == 0)) return lookup;
        return lookup with
        {
            Conflicting = conflicting,
            MissingPrefixLists = missingMatter ? missingLists : Array.Empty<string>(),
        };
    }

    /// <summary>Where a route sends traffic: blackhole or its attachments in order (ECMP sets compare as sets).</summary>
    private static string TargetKey(TransitGatewayRoute route) =>
        route.IsBlackhole ? "blackhole" : string.Join(",", route.Targets.Select(t => t.TransitGatewayAttachmentId).Order(StringComparer.Ordinal));

    internal static bool Better(TgwRouteCandidate a, TgwRouteCandidate b)
    {
        if (a.Prefix.PrefixLength != b.Prefix.PrefixLength) return a.Prefix.PrefixLength > b.Prefix.PrefixLength;
        if (a.Route.Type != b.Route.Type) return (int)a.Route.Type < (int)b.Route.Type;   // enum order: Static, PrefixListReference, Propagated
        return a.Route.Type == TgwRouteType.Propagated && PropagatedRank(a.Route) < PropagatedRank(b.Route);
    }

    /// <summary>R-TGW-15: among propagated routes to one prefix, VPC before Direct Connect gateway before Connect before VPN (peering last, UNCONFIRMED).</summary>
    internal static int PropagatedRank(TransitGatewayRoute route) =>
        route.Targets.Select(t => t.ResourceType?.ToLowerInvariant() switch
        {
            "vpc" => 0,
            "direct-connect-gateway" => 1,
            "connect" => 2,
            "vpn" => 3,
            "peering" or "tgw-peering" => 4,
            _ => 5,
        }).DefaultIfEmpty(5).Min();
}
