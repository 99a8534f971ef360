using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// The prefix tries must answer exactly as the linear scans they replace. Seeded random tables with deliberate
/// overlaps (shared prefixes, ties between static, prefix-list and propagated routes, missing prefix lists, IPv6)
/// are looked up both ways; any difference fails with the seed and the destination.
/// </summary>
public class RouteIndexTests
{
    private static readonly string[] Targets = { "tgw-0aaa", "tgw-0bbb", "pcx-0ccc", "vpce-0ddd", "eni-0eee" };
    private static readonly string[] ResourceTypes = { "vpc", "vpc", "vpn", "direct-connect-gateway", "connect", "peering" };
    private static readonly string[] RouteStates = { "active", "active", "active", "blackhole", "deleted" };

    private static Cidr RandomV4Prefix(Random rng)
    {
        // A small universe (10.0.0.0/12 and the default route) so prefixes nest and repeat.
        int length = rng.Next(10) == 0 ? 0 : rng.Next(8, 33);
        uint address = 0x0A000000u | (uint)rng.Next(0, 1 << 20) << 0 & 0x000FFFFFu;
        if (rng.Next(3) == 0) address &= 0xFFFF0000u;
        return Cidr.Parse($"{new IpAddress(address, false)}/{length}");
    }

    private static Cidr RandomV6Prefix(Random rng)
    {
        int length = rng.Next(16, 129);
        UInt128 address = ((UInt128)0x2600_1f18_0000_0000UL << 64) | ((UInt128)(ulong)rng.NextInt64() << 32 & ((UInt128)0xFFFF << 48));
        return Cidr.Parse($"{new IpAddress(address, true)}/{length}");
    }

    private static IpAddress RandomDestination(Random rng, IReadOnlyList<Cidr> near)
    {
        if (near.Count > 0 && rng.Next(4) != 0)
        {
            // Inside one of the prefixes: its network plus random host bits.
            var p = near[rng.Next(near.Count)];
            UInt128 host = p.PrefixLength == p.Bits ? UInt128.Zero : ((UInt128)(ulong)rng.NextInt64() | ((UInt128)(ulong)rng.NextInt64() << 64)) & ~p.Mask & (p.IsV6 ? UInt128.MaxValue : uint.MaxValue);
            return new IpAddress(p.Network | host, p.IsV6);
        }
        return rng.Next(5) == 0 ? new IpAddress(((UInt128)0x2600_1f18_0000_0000UL << 64) | (ulong)rng.NextInt64(), true)
            : new IpAddress(0x0A000000u | (uint)rng.Next(0, 1 << 20), false);
    }

    private static List<PrefixList> RandomPrefixLists(Random rng) =>
        Enumerable.Range(0, 4).Select(i => new PrefixList($"pl-{i:D4}", null,
            Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(4) == 0 ? RandomV6Prefix(rng) : RandomV4Prefix(rng)).Distinct().ToList(), null, ResourceOrigin.Unknown)).ToList();

    [Fact]
    public void Vpc_route_trie_answers_as_the_linear_scan_on_random_tables()
    {
        for (int seed = 1; seed <= 60; seed++)
        {
            var rng = new Random(seed);
            var b = new NetworkModelBuilder();
            b.PrefixLists.AddRange(RandomPrefixLists(rng));
            var tables = new List<RouteTable>();
            for (int t = 0; t < 5; t++)
            {
                var routes = new List<Route>();
                for (int i = rng.Next(1, 40); i > 0; i--)
                {
                    int kind = rng.Next(10);
                    Cidr? cidr = kind < 7 ? (rng.Next(6) == 0 ? RandomV6Prefix(rng) : RandomV4Prefix(rng)) : null;
                    // Prefix lists pl-0000..pl-0003 exist; pl-0009 does not.
                    string? pl = cidr is null ? $"pl-{(rng.Next(6) == 0 ? 9 : rng.Next(4)):D4}" : null;
                    routes.Add(new Route(cidr, pl, RouteTargetType.TransitGateway, Targets[rng.Next(Targets.Length)],
                        rng.Next(8) == 0 ? "blackhole" : "active", kind == 6 ? "EnableVgwRoutePropagation" : "CreateRoute"));
                }
                tables.Add(new RouteTable($"rtb-{seed}-{t}", "vpc-1", routes, Array.Empty<RouteTableAssociation>(), null, ResourceOrigin.Unknown));
            }
            b.RouteTables.AddRange(tables);
            var model = b.Build();
            var near = tables.SelectMany(t => t.Routes).Select(r => r.DestinationCidr).OfType<Cidr>().Concat(b.PrefixLists.SelectMany(p => p.Cidrs)).ToList();
            foreach (var table in model.RouteTables.Values)
                for (int i = 0; i < 300; i++)
                {
                    var destination = RandomDestination(rng, near);
                    var expected = RouteResolver.LookupByScan(model, table, destination);
                    var actual = RouteResolver.Lookup(model, table, destination);
                    var where = $"seed {seed}, {table.RouteTableId}, {destination}";
                    Assert.True(ReferenceEquals(expected.Route, actual.Route), $"route differs: {where}: {expected.Route?.Text} vs {actual.Route?.Text}");
                    Assert.True(expected.MatchedPrefix == actual.MatchedPrefix, $"prefix differs: {where}");
                    Assert.True(expected.Tied.SequenceEqual(actual.Tied, ReferenceEqualityComparer.Instance), $"ties differ: {where}");
                    Assert.Equal(expected.MissingPrefixListIds, actual.MissingPrefixListIds);
                }
        }
    }

    [Fact]
    public void Tgw_route_trie_answers_as_the_linear_scan_on_random_tables()
    {
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            var b = new NetworkModelBuilder();
            b.PrefixLists.AddRange(RandomPrefixLists(rng));
            for (int v = 0; v < 6; v++)
                b.Vpcs.Add(new Vpc($"vpc-{v}", Enumerable.Range(0, rng.Next(1, 3)).Select(_ => RandomV4Prefix(rng)).Distinct().ToList(),
                    rng.Next(3) == 0 ? new[] { RandomV6Prefix(rng) } : Array.Empty<Cidr>(), false, null, ResourceOrigin.Unknown));
            var tableIds = new[] { "tgw-rtb-a", "tgw-rtb-b", "tgw-rtb-c" };
            foreach (var id in tableIds.Take(2))
                for (int i = rng.Next(0, 60); i > 0; i--)
                {
                    bool byList = rng.Next(6) == 0;
                    var targets = Enumerable.Range(0, rng.Next(0, 3)).Select(k => new TransitGatewayRouteTarget($"tgw-attach-{rng.Next(5)}", null, ResourceTypes[rng.Next(ResourceTypes.Length)])).ToList();
                    b.TransitGatewayRoutes.Add(new TransitGatewayRoute(id, byList ? null : (rng.Next(6) == 0 ? RandomV6Prefix(rng) : RandomV4Prefix(rng)),
                        byList ? $"pl-{(rng.Next(5) == 0 ? 9 : rng.Next(4)):D4}" : null,
                        byList ? TgwRouteType.PrefixListReference : rng.Next(3) == 0 ? TgwRouteType.Propagated : TgwRouteType.Static,
                        RouteStates[rng.Next(RouteStates.Length)], targets));
                }
            foreach (var id in new[] { tableIds[0], tableIds[2] })
                for (int i = rng.Next(0, 6); i > 0; i--)
                {
                    int v = rng.Next(8); // vpc-6 and vpc-7 are not in the snapshot
                    bool vpn = rng.Next(6) == 0;
                    b.TransitGatewayPropagations.Add(new TransitGatewayPropagation(id, $"tgw-attach-p{i}", vpn ? $"vpn-{i}" : $"vpc-{v}", vpn ? "vpn" : "vpc", rng.Next(5) == 0 ? "disabled" : "enabled"));
                }
            var model = b.Build();
            var near = b.Vpcs.SelectMany(v => v.AllCidrs).Concat(b.TransitGatewayRoutes.Select(r => r.DestinationCidr).OfType<Cidr>()).Concat(b.PrefixLists.SelectMany(p => p.Cidrs)).ToList();
            foreach (var id in tableIds.Append("tgw-rtb-missing"))
                for (int i = 0; i < 300; i++)
                {
                    var destination = RandomDestination(rng, near);
                    var expected = TgwRouteResolver.LookupByScan(model, id, destination);
                    var actual = TgwRouteResolver.Lookup(model, id, destination);
                    var where = $"seed {seed}, {id}, {destination}";
                    Assert.True(Key(expected.Best) == Key(actual.Best), $"best differs: {where}: {Key(expected.Best)} vs {Key(actual.Best)}");
                    Assert.Equal(expected.Suppressed.Select(Key), actual.Suppressed.Select(Key));
                    Assert.True(expected.RoutesKnown == actual.RoutesKnown, $"known differs: {where}");
                    Assert.Equal(expected.Gaps, actual.Gaps);
                }
        }
    }

    /// <summary>Propagated routes are made afresh by each scan, so candidates compare by what they say.</summary>
    private static string Key(TgwRouteCandidate? c) =>
        c is null ? "none" : $"{c.Prefix}|{c.Route.TransitGatewayRouteTableId}|{c.Route.Text}|{c.Route.Type}|{c.Route.State}|{string.Join(",", c.Route.Targets.Select(t => $"{t.TransitGatewayAttachmentId}/{t.ResourceId}/{t.ResourceType}"))}";

    [Fact]
    public void Vpc_and_subnet_containment_tries_answer_as_the_scans()
    {
        for (int seed = 1; seed <= 30; seed++)
        {
            var rng = new Random(seed);
            NetworkModel Build(bool linear)
            {
                var r = new Random(seed);
                var b = new NetworkModelBuilder { LinearLookups = linear };
                for (int v = 0; v < 12; v++)
                {
                    var cidrs = Enumerable.Range(0, r.Next(1, 3)).Select(_ => RandomV4Prefix(r)).Distinct().ToList();
                    b.Vpcs.Add(new Vpc($"vpc-{r.Next(1000):D4}-{v}", cidrs, r.Next(3) == 0 ? new[] { RandomV6Prefix(r) } : Array.Empty<Cidr>(), false, null, ResourceOrigin.Unknown));
                    for (int s = r.Next(0, 4); s > 0; s--)
                        b.Subnets.Add(new Subnet($"subnet-{v}-{s}", b.Vpcs[^1].VpcId, "us-east-1a", null, r.Next(5) == 0 ? null : RandomV4Prefix(r),
                            r.Next(3) == 0 ? new[] { RandomV6Prefix(r) } : Array.Empty<Cidr>(), null, ResourceOrigin.Unknown));
                }
                return b.Build();
            }
            var linear = Build(true);
            var indexed = Build(false);
            var near = linear.Vpcs.Values.SelectMany(v => v.AllCidrs).Concat(linear.Subnets.Values.Select(s => s.CidrBlock).OfType<Cidr>()).ToList();
            for (int i = 0; i < 500; i++)
            {
                var a = RandomDestination(rng, near);
                Assert.Equal(linear.VpcsContaining(a).Select(v => v.VpcId), indexed.VpcsContaining(a).Select(v => v.VpcId));
                Assert.Equal(linear.VpcContaining(a)?.VpcId, indexed.VpcContaining(a)?.VpcId);
                foreach (var vpc in linear.Vpcs.Keys)
                    Assert.True(linear.SubnetContaining(vpc, a)?.SubnetId == indexed.SubnetContaining(vpc, a)?.SubnetId, $"seed {seed}, {vpc}, {a}");
            }
        }
    }

    [Fact]
    public void Prefix_trie_finds_the_longest_prefix_and_keeps_families_apart()
    {
        var builder = new PrefixTrie<string, string>.Builder();
        builder.Add(Cidr.Parse("0.0.0.0/0"), "default");
        builder.Add(Cidr.Parse("10.0.0.0/8"), "ten");
        builder.Add(Cidr.Parse("10.1.0.0/16"), "ten-one");
        builder.Add(Cidr.Parse("10.1.2.3/32"), "host");
        builder.Add(Cidr.Parse("2600:1f18::/32"), "v6");
        var trie = builder.Build(chain => string.Join(">", chain.SelectMany(m => m.Entries)), "none");
        Assert.Equal("default>ten>ten-one>host", trie.Lookup(IpAddress.Parse("10.1.2.3")));
        Assert.Equal("default>ten>ten-one", trie.Lookup(IpAddress.Parse("10.1.2.4")));
        Assert.Equal("default>ten", trie.Lookup(IpAddress.Parse("10.2.0.1")));
        Assert.Equal("default", trie.Lookup(IpAddress.Parse("192.168.0.1")));
        Assert.Equal("v6", trie.Lookup(IpAddress.Parse("2600:1f18::5")));
        Assert.Equal("none", trie.Lookup(IpAddress.Parse("2600:1f19::5")));   // 0.0.0.0/0 never matches IPv6
    }

    [Fact]
    public void Prefix_trie_answers_are_the_same_from_concurrent_readers()
    {
        var builder = new PrefixTrie<int, string>.Builder();
        for (int i = 0; i < 256; i++) builder.Add(Cidr.Parse($"10.{i}.0.0/16"), i);
        var trie = builder.Build(chain => $"10.{chain[^1].Entries[0]}.0.0/16", "none");
        var answers = new string[4][];
        Parallel.For(0, 4, t => answers[t] = Enumerable.Range(0, 256).Select(i => trie.Lookup(IpAddress.Parse($"10.{(i * (t + 1)) % 256}.1.1"))).ToArray());
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 256; i++)
                Assert.Equal($"10.{(i * (t + 1)) % 256}.0.0/16", answers[t][i]);
    }
}
