using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.EstateGenerator;

namespace PacketWalk.Core.Tests;

/// <summary>
/// The NACL and security-group decision cache (DecisionCache): a cached decision must be exactly the direct one, for
/// every scenario, for seeded random rule sets and headers, and under parallel walks.
/// </summary>
public class DecisionCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "packetwalk-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    public static IEnumerable<object[]> Scenarios() =>
        ScenarioTests.ScenarioFolders().Where(f => File.Exists(Path.Combine(f, "expected.json"))).Select(f => new object[] { Path.GetFileName(f) });

    // ---- every scenario, cache on and off ----

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_scenario_walks_the_same_with_and_without_the_cache(string scenario)
    {
        var folder = ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == scenario);
        var model = ScenarioTests.ModelFor(folder);
        var requests = ScenarioRequests(folder, model);
        var direct = new PacketWalker(model, cacheDecisions: false);
        var cached = new PacketWalker(model, cacheDecisions: true);
        var expected = requests.Select(r => Answer(direct, r)).ToList();
        // Backwards, so a class is first filled by a different header than the one the direct walk met first.
        for (int i = requests.Count - 1; i >= 0; i--)
            Assert.True(expected[i] == Answer(cached, requests[i]), $"{scenario}: request {i} ({Describe(requests[i])}) differs with the cache:\n{expected[i]}\n---\n{Answer(cached, requests[i])}");
        Assert.True(cached.Decisions!.Misses > 0, $"{scenario}: no NACL or security-group decision was asked for");
    }

    /// <summary>The scenario's own cases, plus every pair of its endpoints and instances under several packets.</summary>
    private static List<WalkRequest> ScenarioRequests(string folder, NetworkModel model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(ScenarioTests.RequestFor).ToList();
        var endpoints = cases.SelectMany(c => new[] { c.Source, c.Destination })
            .Concat(model.Instances.Keys.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).Take(14).ToList();
        var packets = new WalkRequest[]
        {
            new() { Source = "", Destination = "", Protocol = IpProtocol.Tcp, Port = 443 },
            new() { Source = "", Destination = "", Protocol = IpProtocol.Tcp, Port = 22, SourcePort = 50000 },
            new() { Source = "", Destination = "", Protocol = IpProtocol.Udp, DestinationPorts = PortSet.Of(new[] { new PortRange(53, 53), new PortRange(1000, 2000) }) },
            new() { Source = "", Destination = "", Protocol = IpProtocol.Icmp },
            new() { Source = "", Destination = "", Protocol = IpProtocol.Tcp, Port = 3306, AllBlockers = true },
        };
        var requests = new List<WalkRequest>(cases);
        requests.AddRange(cases.Select(c => c with { AllBlockers = true }));
        foreach (var s in endpoints)
            foreach (var d in endpoints)
                if (s != d)
                    requests.AddRange(packets.Select(p => p with { Source = s, Destination = d }));
        return requests;
    }

    private static string Describe(WalkRequest r) => $"{r.Source} -> {r.Destination} {IpProtocol.Name(r.Protocol)} {r.Port}{r.DestinationPorts} blockers={r.AllBlockers}";

    /// <summary>Every public field of the result, its hops and blockers; or the input error a walk raised.</summary>
    internal static string Answer(PacketWalker walker, WalkRequest request)
    {
        try { return Dump(walker.Walk(request)); }
        catch (WalkInputException e) { return $"{e.ErrorId}: {e.Message}"; }
    }

    internal static string Dump(object? value, int depth = 0)
    {
        if (value is null) return "null";
        if (value is string or ValueType) return value.ToString()!;
        if (depth > 3) return value.GetType().Name;
        if (value is IEnumerable items) return "[" + string.Join(" ; ", items.Cast<object?>().Select(x => Dump(x, depth + 1))) + "]";
        var sb = new StringBuilder("{");
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            sb.Append(property.Name).Append('=').Append(Dump(property.GetValue(value), depth + 1)).Append(", ");
        }
        return sb.Append('}').ToString();
    }

    // ---- the interval is part of the class ----

    [Fact]
    public void Two_peers_in_one_slash_24_split_by_a_host_rule_get_their_own_NACL_decisions()
    {
        var acl = new NetworkAcl("acl-split", "vpc-1", false, new[]
        {
            new NetworkAclEntry(100, false, IpProtocol.Tcp, false, Cidr.Parse("10.0.0.5/32"), new PortRange(443, 443), null, null),
            new NetworkAclEntry(200, false, IpProtocol.All, true, Cidr.Parse("10.0.0.0/24"), null, null, null),
        }, Array.Empty<string>(), null, ResourceOrigin.Unknown);
        var cache = new DecisionCache(new NetworkModelBuilder().Build());
        var ports = PortSet.Of(443);
        var denied = cache.Nacl(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.0.5"), IpProtocol.Tcp, ports, null, null);
        var allowed = cache.Nacl(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.0.6"), IpProtocol.Tcp, ports, null, null);
        var again = cache.Nacl(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.0.200"), IpProtocol.Tcp, ports, null, null);
        Assert.True(denied.DeniesAll);
        Assert.Equal(100, denied.DecidingMatch!.Entry.RuleNumber);
        Assert.True(allowed.AllowsAll);
        Assert.Equal(200, allowed.DecidingMatch!.Entry.RuleNumber);
        // 10.0.0.6 and 10.0.0.200 are one class: the second is answered from the cache.
        Assert.Same(allowed, again);
        Assert.Equal(2, cache.Misses);
    }

    [Fact]
    public void Two_peers_in_one_slash_24_split_by_a_host_rule_get_their_own_security_group_decisions()
    {
        var b = Builder();
        b.SecurityGroups.Add(new SecurityGroup("sg-host", null, "vpc-1", new[]
        {
            new SecurityGroupRule("sg-host", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.Parse("10.0.0.5/32"), null, null, null, null),
            new SecurityGroupRule("sg-host", RuleDirection.Inbound, IpProtocol.Tcp, 22, 22, Cidr.Parse("10.0.0.0/24"), null, null, null, null),
        }, Array.Empty<SecurityGroupRule>(), null, ResourceOrigin.Unknown));
        var eni = Interface("eni-host", "10.0.1.10", "sg-host");
        b.NetworkInterfaces.Add(eni);
        var cache = new DecisionCache(b.Build());
        var ports = PortSet.Of(new[] { new PortRange(22, 22), new PortRange(443, 443) });
        var five = cache.SecurityGroups(eni, RuleDirection.Inbound, IpAddress.Parse("10.0.0.5"), Array.Empty<NetworkInterface>(), true, IpProtocol.Tcp, ports, null, null);
        var six = cache.SecurityGroups(eni, RuleDirection.Inbound, IpAddress.Parse("10.0.0.6"), Array.Empty<NetworkInterface>(), true, IpProtocol.Tcp, ports, null, null);
        Assert.Equal("22,443", five.Allowed.ToString());
        Assert.Equal("22", six.Allowed.ToString());
        Assert.Equal(2, five.MatchingRules.Count);
        Assert.Single(six.MatchingRules);
    }

    [Fact]
    public void Addresses_in_one_interval_lie_in_the_same_prefixes()
    {
        var prefixes = new[] { "10.0.0.0/24", "10.0.0.5/32", "0.0.0.0/0", "255.255.255.0/24", "2600:1f00::/56", "2600:1f00::7/128", "ffff::/16" }.Select(Cidr.Parse).ToArray();
        var intervals = AddressIntervals.Of(prefixes);
        var rng = new Random(11);
        var probes = new List<IpAddress>();
        foreach (var p in prefixes)
        {
            UInt128 top = p.IsV6 ? UInt128.MaxValue : uint.MaxValue;
            var first = p.Network;
            var last = p.Network | (~p.Mask & top);
            foreach (var edge in new[] { first, last })
            {
                probes.Add(new IpAddress(edge, p.IsV6));
                if (edge > 0) probes.Add(new IpAddress(edge - 1, p.IsV6));
                if (edge < top) probes.Add(new IpAddress(edge + 1, p.IsV6));
            }
        }
        for (int i = 0; i < 200; i++) probes.Add(new IpAddress((UInt128)(uint)rng.Next() | (i % 2 == 0 ? 0x0A000000u : 0), false));
        probes.Add(new IpAddress(UInt128.MaxValue, true));
        probes.Add(new IpAddress(uint.MaxValue, false));
        foreach (var a in probes)
            foreach (var c in probes)
            {
                // Soundness: one interval, one membership. (The converse need not hold: 10.0.0.0 and 10.0.0.255 lie in
                // the same prefixes but 10.0.0.5/32 cuts between them.)
                if (intervals.IntervalOf(a) == intervals.IntervalOf(c))
                    Assert.True(a.IsV6 == c.IsV6 && prefixes.All(p => p.Contains(a) == p.Contains(c)), $"{a} and {c} share an interval but not their prefixes");
            }
        // The cuts: 10.0.0.0, .5, .6, 10.0.1.0, 255.255.255.0 (the /24 ending at the top cuts once) and 2600:1f00::,
        // ::7, ::8, 2600:1f00:0:100::, ffff:: (its /16 ends at the top): 5 + 1 IPv4 and 5 + 1 IPv6 intervals.
        Assert.Equal(12, intervals.Count);
        Assert.NotEqual(intervals.IntervalOf(IpAddress.Parse("10.0.0.4")), intervals.IntervalOf(IpAddress.Parse("10.0.0.5")));
        Assert.NotEqual(intervals.IntervalOf(IpAddress.Parse("10.0.0.5")), intervals.IntervalOf(IpAddress.Parse("10.0.0.6")));
        Assert.Equal(intervals.IntervalOf(IpAddress.Parse("10.0.0.6")), intervals.IntervalOf(IpAddress.Parse("10.0.0.255")));
        Assert.NotEqual(intervals.IntervalOf(IpAddress.Parse("0.0.0.1")), intervals.IntervalOf(IpAddress.Parse("::1")));
        Assert.InRange(intervals.IntervalOf(IpAddress.Parse("2600::1")), 0, intervals.Count - 1);
    }

    // ---- seeded random rule sets: cached == direct ----

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Cached_decisions_equal_direct_ones_for_random_rule_sets_and_headers(int seed)
    {
        var rng = new Random(seed);
        var world = RandomWorld.Create(rng);
        var model = world.Model;
        var cache = new DecisionCache(model);
        var groups = new SecurityGroupEvaluator(model);
        for (int i = 0; i < 6000; i++)
        {
            var peer = world.Address(rng);
            int protocol = world.Protocol(rng);
            var ports = IpProtocol.HasPorts(protocol) ? world.Ports(rng) : PortSet.All;
            int? icmpType = IpProtocol.IsIcmpFamily(protocol) ? world.IcmpType(rng) : null;
            int? icmpCode = icmpType is null ? null : rng.Next(3) == 0 ? null : rng.Next(3);
            var direction = rng.Next(2) == 0 ? RuleDirection.Inbound : RuleDirection.Outbound;

            var acl = world.Acls[rng.Next(world.Acls.Count)];
            var expectedNacl = NaclEvaluator.Evaluate(acl, direction, peer, protocol, ports, icmpType, icmpCode);
            var cachedNacl = cache.Nacl(acl, direction, peer, protocol, ports, icmpType, icmpCode);
            Assert.True(NaclText(expectedNacl) == NaclText(cachedNacl), $"seed {seed} #{i} {acl.NetworkAclId} {direction} {peer} {protocol} {ports} {icmpType}/{icmpCode}:\n{NaclText(expectedNacl)}\n{NaclText(cachedNacl)}");
            Assert.Same(acl, cachedNacl.Acl);

            var eni = world.Interfaces[rng.Next(world.Interfaces.Count)];
            var peerEnis = world.PeerInterfaces(rng, peer);
            bool preserved = rng.Next(4) != 0;
            var expectedSg = groups.Evaluate(eni, direction, peer, peerEnis, preserved, protocol, ports, icmpType, icmpCode);
            var cachedSg = cache.SecurityGroups(eni, direction, peer, peerEnis, preserved, protocol, ports, icmpType, icmpCode);
            Assert.True(GroupText(expectedSg) == GroupText(cachedSg), $"seed {seed} #{i} {eni.NetworkInterfaceId} {direction} {peer} {protocol} {ports} {icmpType}/{icmpCode} refs {preserved}:\n{GroupText(expectedSg)}\n{GroupText(cachedSg)}");
        }
        // The comparison means something only if many answers came from the cache.
        const int lookups = 6000 * 2;
        Assert.True(lookups - cache.Misses > lookups / 4, $"only {lookups - cache.Misses} of {lookups} lookups were hits");
        Assert.True(cache.Stored > 100, $"{cache.Stored} decisions stored");
    }

    [Fact]
    public void Past_the_cap_decisions_are_evaluated_and_not_kept()
    {
        var rng = new Random(5);
        var world = RandomWorld.Create(rng);
        var cache = new DecisionCache(world.Model, capacity: 10);
        for (int i = 0; i < 2000; i++)
        {
            var peer = world.Address(rng);
            var acl = world.Acls[rng.Next(world.Acls.Count)];
            var ports = world.Ports(rng);
            Assert.Equal(NaclText(NaclEvaluator.Evaluate(acl, RuleDirection.Inbound, peer, IpProtocol.Tcp, ports, null, null)),
                NaclText(cache.Nacl(acl, RuleDirection.Inbound, peer, IpProtocol.Tcp, ports, null, null)));
        }
        Assert.Equal(10, cache.Stored);
    }

    [Fact]
    public void A_walker_whose_cache_is_full_still_walks_as_the_direct_one()
    {
        var folder = ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample");
        var model = ScenarioTests.ModelFor(folder);
        var requests = ScenarioRequests(folder, model);
        var direct = new PacketWalker(model, cacheDecisions: false);
        var cache = new DecisionCache(model, capacity: 3);
        var capped = new PacketWalker(model, cache);
        foreach (var request in requests) Assert.Equal(Answer(direct, request), Answer(capped, request));
        Assert.Equal(3, cache.Stored);
        Assert.True(cache.Misses > requests.Count, $"{cache.Misses} direct evaluations for {requests.Count} walks: past the cap every decision is evaluated");
        // A cache is bound to the model it was built over.
        Assert.Throws<ArgumentException>(() => new PacketWalker(model.With(Array.Empty<ModelEdit>()), cache));
    }

    internal static string NaclText(NaclDecision d) =>
        $"{d.Acl.NetworkAclId} {d.Direction} allowed {d.Allowed} denied {d.Denied} rule {d.RuleText} deciding {d.DecidingMatch?.Entry.Text} | "
        + string.Join("; ", d.Matches.Select(m => $"{m.Entry.Text} ({m.Ports}) #{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(m.Entry)}"));

    internal static string GroupText(SecurityGroupDecision d) =>
        $"allowed {d.Allowed} denied {d.Denied} rule {d.RuleText} groups {string.Join(",", d.GroupIds)} missing {string.Join(",", d.MissingGroupIds)} | matching "
        + string.Join("; ", d.MatchingRules.Select(r => r.Text)) + " | not applied " + string.Join("; ", d.ReferenceRulesNotApplied.Select(r => r.Text))
        + " | unresolved " + string.Join("; ", d.UnresolvedRules.Select(u => $"{u.Rule?.Text} {u.Code} {u.Why}"));

    /// <summary>The VPC and subnet every test interface lives in (a model refuses interfaces in unknown subnets).</summary>
    private static NetworkModelBuilder Builder()
    {
        var b = new NetworkModelBuilder();
        b.Vpcs.Add(new Vpc("vpc-1", new[] { Cidr.Parse("10.0.0.0/16") }, new[] { Cidr.Parse("2600:1f00::/56") }, false, null, ResourceOrigin.Unknown));
        b.Subnets.Add(new Subnet("subnet-1", "vpc-1", "us-east-1a", null, Cidr.Parse("10.0.0.0/16"), new[] { Cidr.Parse("2600:1f00::/64") }, null, ResourceOrigin.Unknown));
        return b;
    }

    private static NetworkInterface Interface(string id, string address, params string[] groups)
    {
        var ip = IpAddress.Parse(address);
        var v4 = ip.IsV6 ? Array.Empty<IpAddress>() : new[] { ip };
        var v6 = ip.IsV6 ? new[] { ip } : Array.Empty<IpAddress>();
        return new NetworkInterface(id, "subnet-1", "vpc-1", "us-east-1a", ip.IsV6 ? null : ip, v4, v6, groups, true, "interface", null, null, 0, false, "in-use", null, null, ResourceOrigin.Unknown);
    }

    /// <summary>Seeded random NACLs, groups (CIDRs of both families, prefix lists, group references, missing pieces) and interfaces.</summary>
    private sealed class RandomWorld
    {
        public required NetworkModel Model { get; init; }
        public required List<NetworkAcl> Acls { get; init; }
        public required List<NetworkInterface> Interfaces { get; init; }
        private List<Cidr> _prefixes = new();
        private readonly List<IpAddress> _interfaceAddresses = new();

        private static readonly int[] Protocols = { IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp, IpProtocol.IcmpV6, 47 };

        public static RandomWorld Create(Random rng)
        {
            var b = Builder();
            var prefixes = new List<Cidr>();
            Cidr RandomPrefix()
            {
                if (rng.Next(4) == 0)
                {
                    int length = new[] { 0, 56, 64, 120, 124, 128 }[rng.Next(6)];
                    var address = IpAddress.Parse("2600:1f00::").Value + (UInt128)rng.Next(256);
                    return Cidr.Parse($"{new IpAddress(address, true)}/{length}");
                }
                int v4Length = new[] { 0, 16, 22, 24, 26, 28, 30, 32 }[rng.Next(8)];
                return Cidr.Parse($"10.0.{rng.Next(4)}.{rng.Next(256)}/{v4Length}");
            }
            Cidr Remember(Cidr c) { prefixes.Add(c); return c; }

            var lists = Enumerable.Range(0, 4).Select(i => new PrefixList($"pl-{i}", null, Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Remember(RandomPrefix())).ToArray(), null, ResourceOrigin.Unknown)).ToList();
            b.PrefixLists.AddRange(lists);
            var groupIds = Enumerable.Range(0, 8).Select(i => $"sg-{i}").ToList();
            SecurityGroupRule Rule(string groupId, RuleDirection direction)
            {
                int protocol = rng.Next(6) == 0 ? IpProtocol.All : Protocols[rng.Next(Protocols.Length)];
                int? from = null, to = null;
                if (IpProtocol.HasPorts(protocol) && rng.Next(5) != 0) { from = rng.Next(0, 3000); to = from + rng.Next(0, 2000); }
                else if (IpProtocol.HasPorts(protocol)) { from = -1; to = -1; }
                if (IpProtocol.IsIcmpFamily(protocol)) { from = rng.Next(3) == 0 ? -1 : new[] { 0, 8, 128, 129, 3 }[rng.Next(5)]; to = rng.Next(3) == 0 ? -1 : rng.Next(3); }
                Cidr? cidr = null;
                string? list = null, referenced = null;
                switch (rng.Next(10))
                {
                    case < 5: cidr = Remember(RandomPrefix()); break;
                    case < 7: list = rng.Next(8) == 0 ? "pl-missing" : lists[rng.Next(lists.Count)].PrefixListId; break;
                    default: referenced = rng.Next(8) == 0 ? "sg-missing" : groupIds[rng.Next(groupIds.Count)]; break;
                }
                return new SecurityGroupRule(groupId, direction, protocol, from, to, cidr, list, referenced, null, null);
            }
            foreach (var id in groupIds)
                b.SecurityGroups.Add(new SecurityGroup(id, null, "vpc-1",
                    Enumerable.Range(0, rng.Next(0, 8)).Select(_ => Rule(id, RuleDirection.Inbound)).ToArray(),
                    Enumerable.Range(0, rng.Next(0, 8)).Select(_ => Rule(id, RuleDirection.Outbound)).ToArray(), null, ResourceOrigin.Unknown));

            var acls = new List<NetworkAcl>();
            for (int a = 0; a < 5; a++)
            {
                var entries = new List<NetworkAclEntry>();
                foreach (bool egress in new[] { false, true })
                {
                    var numbers = Enumerable.Range(1, 60).OrderBy(_ => rng.Next()).Take(rng.Next(0, 25)).Select(n => n * 10);
                    foreach (var n in numbers)
                    {
                        int protocol = rng.Next(5) == 0 ? IpProtocol.All : Protocols[rng.Next(Protocols.Length)];
                        PortRange? range = IpProtocol.HasPorts(protocol) && rng.Next(4) != 0 ? new PortRange(rng.Next(0, 2000), 0) : null;
                        if (range is { } r) range = new PortRange(r.From, r.From + rng.Next(0, 40000));
                        int? type = IpProtocol.IsIcmpFamily(protocol) ? (rng.Next(3) == 0 ? -1 : new[] { 0, 8, 128, 3 }[rng.Next(4)]) : null;
                        int? code = type is null ? null : rng.Next(3) == 0 ? -1 : rng.Next(3);
                        entries.Add(new NetworkAclEntry(n, egress, protocol, rng.Next(3) != 0, Remember(RandomPrefix()), range, type, code));
                    }
                }
                acls.Add(new NetworkAcl($"acl-{a}", "vpc-1", false, entries.OrderBy(_ => rng.Next()).ToArray(), Array.Empty<string>(), null, ResourceOrigin.Unknown));
            }

            var interfaces = new List<NetworkInterface>();
            for (int i = 0; i < 24; i++)
            {
                var sets = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => groupIds[rng.Next(groupIds.Count)]).Distinct().ToList();
                if (rng.Next(10) == 0) sets.Add("sg-absent");
                var address = rng.Next(3) == 0 ? $"2600:1f00::{rng.Next(256):x}" : $"10.0.{rng.Next(4)}.{rng.Next(256)}";
                interfaces.Add(Interface($"eni-{i}", address, sets.ToArray()));
            }
            // Interfaces with equal group lists share classes: make some.
            interfaces.Add(Interface("eni-twin-a", "10.0.0.77", "sg-1", "sg-2"));
            interfaces.Add(Interface("eni-twin-b", "10.0.0.78", "sg-1", "sg-2"));
            interfaces.Add(Interface("eni-twin-c", "10.0.0.79", "sg-2", "sg-1"));
            b.NetworkInterfaces.AddRange(interfaces);
            var world = new RandomWorld { Model = b.Build(), Acls = acls, Interfaces = interfaces };
            world._prefixes = prefixes;
            world._interfaceAddresses.AddRange(interfaces.SelectMany(e => e.AllAddresses));
            return world;
        }

        /// <summary>Addresses near the prefixes' edges, inside the small ranges the rules use, or an interface's address.</summary>
        public IpAddress Address(Random rng)
        {
            switch (rng.Next(4))
            {
                case 0:
                {
                    var p = _prefixes[rng.Next(_prefixes.Count)];
                    UInt128 top = p.IsV6 ? UInt128.MaxValue : uint.MaxValue;
                    var edge = rng.Next(2) == 0 ? p.Network : p.Network | (~p.Mask & top);
                    int delta = rng.Next(3) - 1;
                    if (delta < 0 && edge > 0) edge--;
                    else if (delta > 0 && edge < top) edge++;
                    return new IpAddress(edge, p.IsV6);
                }
                case 1: return _interfaceAddresses[rng.Next(_interfaceAddresses.Count)];
                case 2: return new IpAddress(IpAddress.Parse("2600:1f00::").Value + (UInt128)rng.Next(300), true);
                default: return rng.Next(10) == 0 ? IpAddress.Parse($"172.16.0.{rng.Next(4)}") : IpAddress.Parse($"10.0.{rng.Next(5)}.{rng.Next(256)}");
            }
        }

        public int Protocol(Random rng) => Protocols[rng.Next(Protocols.Length)];

        private static readonly PortSet[] PortSets =
        {
            PortSet.Of(443), PortSet.Of(22), PortSet.Of(1500), PortSet.Of(32768, 60999), PortSet.Of(49152, 65535), PortSet.All,
            PortSet.Of(new[] { new PortRange(0, 1023), new PortRange(32768, 60999) }), PortSet.Of(100, 2500),
        };

        public PortSet Ports(Random rng) => PortSets[rng.Next(PortSets.Length)];

        public int? IcmpType(Random rng) => new int?[] { 0, 8, 128, 129, 3, null }[rng.Next(6)];

        /// <summary>None, interfaces that own the address, or interfaces that do not (the evaluator must check ownership).</summary>
        public IReadOnlyList<NetworkInterface> PeerInterfaces(Random rng, IpAddress peer) => rng.Next(3) switch
        {
            0 => Array.Empty<NetworkInterface>(),
            1 => Interfaces.Where(e => e.HasAddress(peer)).ToArray(),
            _ => Enumerable.Range(0, 2).Select(_ => Interfaces[rng.Next(Interfaces.Count)]).ToArray(),
        };
    }

    // ---- threads ----

    [Fact]
    public void Parallel_walks_through_one_cached_walker_equal_sequential_direct_walks()
    {
        var estate = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 42, _root);
        var model = SnapshotReader.Read(estate.Root);
        var instances = model.Instances.Keys.Order(StringComparer.Ordinal).ToArray();
        var requests = (from s in instances from d in instances where s != d
                        from port in new[] { 443, 5432 }
                        select new WalkRequest { Source = s, Destination = d, Protocol = IpProtocol.Tcp, Port = port }).ToArray();
        var direct = new PacketWalker(model, cacheDecisions: false);
        var expected = requests.Select(r => Answer(direct, r)).ToArray();
        var cached = new PacketWalker(model, cacheDecisions: true);
        var actual = new string[requests.Length];
        Parallel.For(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = Answer(cached, requests[i]));
        for (int i = 0; i < requests.Length; i++)
            Assert.True(expected[i] == actual[i], $"{Describe(requests[i])}:\n{expected[i]}\n---\n{actual[i]}");
        // Every walk asks for at least two decisions (the groups of both interfaces): most must have come from the cache.
        Assert.True(cached.Decisions!.Misses < requests.Length / 2, $"{cached.Decisions.Misses} direct evaluations for {requests.Length} walks");
    }

    // ---- edited models ----

    [Fact]
    public void An_edited_model_gets_its_own_answers_not_the_cached_ones_of_the_original()
    {
        var seed = ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample"));
        var request = new WalkRequest { Source = "i-0b00000000000000b", Destination = "i-0a00000000000000a", Port = 443 };
        var walker = new PacketWalker(seed);
        Assert.Equal(PathVerdict.Blocked, walker.Walk(request).Verdict);
        var rule = new SecurityGroupRule("sg-0a00000000000a801", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.Parse("10.1.8.131/32"), null, null, null, null);
        var edited = seed.With(new[] { new AddSecurityGroupRule(rule) });
        Assert.Equal(PathVerdict.Reachable, new PacketWalker(edited).Walk(request).Verdict);
        Assert.Equal(PathVerdict.Blocked, walker.Walk(request).Verdict);
    }
}
