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
}

/// <summary>
/// Subnet route-table lookup: longest prefix (R-RT-5, IPv4 and IPv6 apart), then for equal prefixes a static CIDR
/// route over a prefix-list route over a propagated route (R-RT-6, R-RT-7).
/// </summary>
public static class RouteResolver
{
    /// <summary>Longest-prefix match through the table's prefix trie (built once per table, O(address bits) per lookup).</summary>
    public static RouteLookup Lookup(NetworkModel model, RouteTable table, IpAddress destination) =>
        model.LinearLookups ? LookupByScan(model, table, destination) : model.RouteIndex(table).Lookup(destination);

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
        };
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

public sealed record TgwRouteLookup(TgwRouteCandidate? Best, IReadOnlyList<TgwRouteCandidate> Suppressed, bool RoutesKnown, IReadOnlyList<string> Gaps);

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
            foreach (var p in propagations.Where(p => p.IsEnabled))
            {
                if (!string.Equals(p.ResourceType, "vpc", StringComparison.OrdinalIgnoreCase))
                {
                    // VPN (BGP), Direct Connect and Connect propagations carry routes learned from outside the estate: known
                    // only when the snapshot lists the table's propagated routes (search-transit-gateway-routes without a type filter).
                    if (!routes.Any(r => r.Type == TgwRouteType.Propagated && r.Targets.Any(t => t.TransitGatewayAttachmentId == p.TransitGatewayAttachmentId)))
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
                    // A live read (search without a type filter) lists the propagated route itself: do not add it twice.
                    if (!routes.Any(r => r.Type == TgwRouteType.Propagated && r.DestinationCidr == cidr && r.Targets.Any(t => t.TransitGatewayAttachmentId == p.TransitGatewayAttachmentId)))
                        routes.Add(new TransitGatewayRoute(routeTableId, cidr, null, TgwRouteType.Propagated, "active", target));
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
        foreach (var route in RoutesOf(model, routeTableId, gaps))
        {
            IEnumerable<Cidr> prefixes = route.DestinationCidr is { } c ? new[] { c }
                : route.PrefixListId is { } pl && model.PrefixLists.TryGetValue(pl, out var list) ? list.Cidrs : Array.Empty<Cidr>();
            if (route.DestinationCidr is null && route.PrefixListId is { } missing && !model.PrefixLists.ContainsKey(missing))
                gaps.Add($"prefix list {missing} referenced by {routeTableId} is not in the snapshot");
            foreach (var prefix in prefixes)
            {
                if (!prefix.Contains(destination)) continue;
                var candidate = new TgwRouteCandidate(prefix, route);
                if (best is null || Better(candidate, best)) { if (best is not null) suppressed.Add(best); best = candidate; }
                else suppressed.Add(candidate);
            }
        }
        return new TgwRouteLookup(best, suppressed, known, gaps);
    }

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
