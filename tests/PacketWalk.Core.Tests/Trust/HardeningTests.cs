using System.Text.Json.Nodes;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// The edges of the hardening fixes that the corpus does not pin down: what must still be accepted, and the cases where
/// missing data cannot change the answer and so must not turn a verdict into Unknown.
/// </summary>
public class HardeningTests
{
    /// <summary>The corpus base estate (i-a1 -> i-b1 tcp/443 Reachable through a TGW) as editable documents.</summary>
    private static Dictionary<string, JsonObject> Base()
    {
        var folder = Path.Combine(BadSnapshotCorpus.Root, "tgw-vpc-tgw-loop", "snapshot");
        return Directory.GetFiles(folder, "*.json").ToDictionary(Path.GetFileName, f => JsonNode.Parse(File.ReadAllText(f))!.AsObject())!;
    }

    private static NetworkModel Read(Dictionary<string, JsonObject> docs)
    {
        var b = new NetworkModelBuilder();
        foreach (var (file, doc) in docs) SnapshotReader.ReadJson(b, doc.ToJsonString(), file, null, null);
        return b.Build();
    }

    private static readonly WalkRequest AToB = new() { Source = "i-0a0000000000000a1", Destination = "i-0b0000000000000b1", Port = 443 };

    private static JsonArray Routes(Dictionary<string, JsonObject> docs, int table) => docs["RouteTables.json"]["RouteTables"]![table]!["Routes"]!.AsArray();

    [Fact]
    public void The_base_estate_is_Reachable()
    {
        Assert.Equal(PathVerdict.Reachable, new PacketWalker(Read(Base())).Walk(AToB).Verdict);
    }

    [Fact]
    public void Both_star_rules_IPv4_and_IPv6_may_share_32767()
    {
        var docs = Base();
        var entries = docs["NetworkAcls.json"]["NetworkAcls"]![1]!["Entries"]!.AsArray();
        entries.Add(new JsonObject { ["RuleNumber"] = 32767, ["Protocol"] = "-1", ["RuleAction"] = "deny", ["Egress"] = false, ["Ipv6CidrBlock"] = "::/0" });
        entries.Add(new JsonObject { ["RuleNumber"] = 101, ["Protocol"] = "-1", ["RuleAction"] = "allow", ["Egress"] = false, ["Ipv6CidrBlock"] = "::/0" });
        var acl = Read(docs).NetworkAcls["acl-0b0000000000000b1"];
        Assert.Equal(2, acl.Entries.Count(e => e.RuleNumber == 32767 && !e.Egress));
    }

    [Fact]
    public void A_second_IPv4_star_rule_in_one_direction_is_a_duplicate()
    {
        var docs = Base();
        docs["NetworkAcls.json"]["NetworkAcls"]![1]!["Entries"]!.AsArray()
            .Add(new JsonObject { ["RuleNumber"] = 32767, ["Protocol"] = "-1", ["RuleAction"] = "deny", ["Egress"] = false, ["CidrBlock"] = "0.0.0.0/0" });
        var ex = Assert.Throws<SnapshotException>(() => Read(docs));
        Assert.Equal(SnapshotErrorIds.DuplicateId, ex.ErrorId);
    }

    [Fact]
    public void The_same_rule_number_may_appear_once_inbound_and_once_outbound()
    {
        var acl = Read(Base()).NetworkAcls["acl-0b0000000000000b1"];
        Assert.Single(acl.Entries, e => e.RuleNumber == 100 && e.Egress);
        Assert.Single(acl.Entries, e => e.RuleNumber == 100 && !e.Egress);
    }

    [Fact]
    public void An_id_of_exactly_the_limit_is_accepted_and_one_over_is_not()
    {
        var docs = Base();
        var vpc = docs["Vpcs.json"]["Vpcs"]![0]!;
        vpc["Tags"] = new JsonArray(new JsonObject { ["Key"] = "Name", ["Value"] = new string('n', 5000) }); // names are not ids
        vpc["OwnerId"] = new string('1', 256);
        Read(docs);
        vpc["OwnerId"] = new string('1', 257);
        var ex = Assert.Throws<SnapshotException>(() => Read(docs));
        Assert.Equal("$.Vpcs[0].OwnerId", ex.JsonPath);
    }

    [Fact]
    public void A_missing_prefix_list_does_not_matter_when_the_local_route_decides()
    {
        var docs = Base();
        // Local traffic inside VPC B (10.2.1.10 -> 10.2.1.200 is the TGW ENI; use the instance's own VPC): the local route wins.
        Routes(docs, 1).Add(new JsonObject { ["DestinationPrefixListId"] = "pl-0aa0000000000dead", ["TransitGatewayId"] = "tgw-0f0000000000000f1", ["State"] = "active" });
        var model = Read(docs);
        var lookup = RouteResolver.Lookup(model, model.RouteTables["rtb-0b0000000000000b1"], Net.IpAddress.Parse("10.2.1.50"));
        Assert.Equal(Model.RouteTargetType.Local, lookup.Route!.TargetType);
        Assert.Empty(lookup.Unresolved);
    }

    [Fact]
    public void A_missing_gateway_endpoint_prefix_list_does_not_matter_for_a_private_destination_but_does_for_a_public_one()
    {
        var docs = Base();
        Routes(docs, 0).Add(new JsonObject { ["DestinationPrefixListId"] = "pl-63a5400a", ["GatewayId"] = "vpce-0aa00000000000001", ["State"] = "active" });
        var model = Read(docs);
        Assert.Equal(PathVerdict.Reachable, new PacketWalker(model).Walk(AToB).Verdict);
        var table = model.RouteTables["rtb-0a0000000000000a1"];
        Assert.Empty(RouteResolver.Lookup(model, table, Net.IpAddress.Parse("10.2.1.10")).Unresolved);
        Assert.Single(RouteResolver.Lookup(model, table, Net.IpAddress.Parse("52.216.0.1")).Unresolved);
    }

    [Fact]
    public void A_missing_prefix_list_routed_to_a_TGW_makes_the_VPC_lookup_Unknown()
    {
        var docs = Base();
        Routes(docs, 0).Add(new JsonObject { ["DestinationPrefixListId"] = "pl-0aa0000000000dead", ["TransitGatewayId"] = "tgw-0f0000000000000f1", ["State"] = "active" });
        var result = new PacketWalker(Read(docs)).Walk(AToB);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal("UNKNOWN_RESOURCE", result.Reason);
        Assert.Contains("pl-0aa0000000000dead", result.Explanation);
    }

    [Fact]
    public void A_missing_security_group_does_not_matter_when_another_group_allows()
    {
        var docs = Base();
        var eni = docs["NetworkInterfaces.json"]["NetworkInterfaces"]![1]!;
        eni["Groups"]!.AsArray().Add(new JsonObject { ["GroupId"] = "sg-0b000000000000dead" });
        var result = new PacketWalker(Read(docs)).Walk(AToB);
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
        Assert.Contains(result.Hops, h => h.Note?.Contains("sg-0b000000000000dead", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_missing_security_group_beside_one_that_denies_is_Unknown_not_Blocked()
    {
        var docs = Base();
        docs["SecurityGroups.json"]["SecurityGroups"]![1]!["IpPermissions"] = new JsonArray();
        var eni = docs["NetworkInterfaces.json"]["NetworkInterfaces"]![1]!;
        eni["Groups"]!.AsArray().Add(new JsonObject { ["GroupId"] = "sg-0b000000000000dead" });
        var result = new PacketWalker(Read(docs)).Walk(AToB);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal("eni-0b0000000000000b1", result.BlockedAt);
        // With every group present and none allowing, the same walk is a plain drop.
        eni["Groups"]!.AsArray().RemoveAt(1);
        Assert.Equal(PathVerdict.Blocked, new PacketWalker(Read(docs)).Walk(AToB).Verdict);
    }

    [Fact]
    public void Two_propagations_of_one_CIDR_to_the_same_attachment_are_not_a_conflict()
    {
        var docs = Base();
        // search-transit-gateway-routes output lists the propagated route the propagation also implies.
        docs["TransitGatewayStaticRoutes.json"]["TransitGatewayStaticRoutes"]![0]!["Routes"] = new JsonArray(new JsonObject
        {
            ["DestinationCidrBlock"] = "10.2.0.0/16", ["Type"] = "propagated", ["State"] = "active",
            ["TransitGatewayAttachments"] = new JsonArray(new JsonObject { ["TransitGatewayAttachmentId"] = "tgw-attach-0b000000000000b01", ["ResourceType"] = "vpc" }),
        });
        Assert.Equal(PathVerdict.Reachable, new PacketWalker(Read(docs)).Walk(AToB).Verdict);
    }

    [Fact]
    public void A_static_route_beats_a_propagated_one_for_the_same_CIDR_and_is_no_conflict()
    {
        var docs = Base();
        docs["TransitGatewayStaticRoutes.json"]["TransitGatewayStaticRoutes"]![0]!["Routes"] = new JsonArray(new JsonObject
        {
            ["DestinationCidrBlock"] = "10.2.0.0/16", ["Type"] = "static", ["State"] = "blackhole",
        });
        var result = new PacketWalker(Read(docs)).Walk(AToB);
        Assert.Equal(PathVerdict.Blocked, result.Verdict);
        Assert.Equal("TGW_RTB_BAD_STATE_ROUTE", result.Reason);
    }

    [Theory]
    [InlineData("route-to-missing-prefix-list")]
    [InlineData("tgw-overlapping-vpc-cidrs")]
    [InlineData("sg-rule-missing-prefix-list")]
    [InlineData("tgw-route-to-deleted-attachment")]
    public void The_route_tries_answer_missing_lists_and_conflicts_as_the_scan_does(string corpus)
    {
        // The walker looks routes up through prefix tries; the hardening fields must come out of them as out of the scan.
        var model = SnapshotReader.Read(Path.Combine(BadSnapshotCorpus.Root, corpus, "snapshot"));
        var addresses = new[] { "10.1.1.10", "10.2.1.10", "10.2.2.10", "10.3.0.5", "10.9.0.5", "52.216.0.1", "192.0.2.1" }.Select(Net.IpAddress.Parse).ToList();
        foreach (var table in model.RouteTables.Values)
            foreach (var address in addresses)
            {
                var trie = RouteResolver.Lookup(model, table, address);
                var scan = RouteResolver.LookupByScan(model, table, address);
                Assert.Equal(scan.Route, trie.Route);
                Assert.Equal(scan.Unresolved, trie.Unresolved);
                Assert.Equal(scan.MissingPrefixListIds, trie.MissingPrefixListIds);
            }
        foreach (var tgwTable in model.TransitGatewayRouteTables.Keys)
            foreach (var address in addresses)
            {
                var trie = TgwRouteResolver.Lookup(model, tgwTable, address);
                var scan = TgwRouteResolver.LookupByScan(model, tgwTable, address);
                // Propagated routes are re-created per expansion, so compare what they say, not their identity.
                static string Say(TgwRouteCandidate? c) => c is null ? "" : $"{c.Prefix} {c.Route.Text}";
                Assert.Equal(Say(scan.Best), Say(trie.Best));
                Assert.Equal(scan.Conflicting.Select(Say), trie.Conflicting.Select(Say));
                Assert.Equal(scan.MissingPrefixLists, trie.MissingPrefixLists);
            }
    }
}
