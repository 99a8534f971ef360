using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>Transit gateway policy tables (policy-based routing, R-TGW-22..25): evaluator, snapshot reader and walk.</summary>
public class TgwPolicyTableTests
{
    private const string Table = "tgw-ptb-1";

    private static TransitGatewayPolicyTableEntry Entry(int number, string target, string? src = null, string? dst = null, int? protocol = null,
        PortRange? sourcePorts = null, PortRange? destinationPorts = null, string state = "active", string? metaKey = null) =>
        new(Table, number, new TransitGatewayPolicyRule(src is null ? null : Cidr.Parse(src), dst is null ? null : Cidr.Parse(dst), protocol,
            sourcePorts, destinationPorts, metaKey, metaKey is null ? null : "prod"), target, state);

    private static readonly IpAddress A = IpAddress.Parse("10.0.8.10");
    private static readonly IpAddress B = IpAddress.Parse("10.1.8.10");

    private static TgwPolicyDecision Evaluate(int protocol, PortSet sourcePorts, PortSet destinationPorts, params TransitGatewayPolicyTableEntry[] entries) =>
        TgwPolicyEvaluator.Evaluate(entries, A, B, protocol, sourcePorts, destinationPorts);

    // ---- evaluator ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Lowest_rule_number_wins_whatever_the_list_order()
    {
        var d = Evaluate(IpProtocol.Tcp, PortSet.Of(40000), PortSet.Of(443),
            Entry(200, "rtb-late"), Entry(100, "rtb-early", dst: "10.1.0.0/16"));
        Assert.True(d.IsSingleRule);
        Assert.Equal("rtb-early", d.Pieces[0].Entry!.TargetRouteTableId);
    }

    [Fact]
    public void Each_criterion_must_match()
    {
        var tcp443 = (IpProtocol.Tcp, PortSet.Of(40000), PortSet.Of(443));
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", src: "10.9.0.0/16")).MatchesNothing);
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", dst: "10.9.0.0/16")).MatchesNothing);
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", protocol: IpProtocol.Udp)).MatchesNothing);
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", destinationPorts: new PortRange(80, 80))).MatchesNothing);
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", sourcePorts: new PortRange(1, 1023))).MatchesNothing);
        // An IPv6 rule never matches an IPv4 packet.
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3, Entry(1, "x", dst: "::/0")).MatchesNothing);
        Assert.True(Evaluate(tcp443.Item1, tcp443.Item2, tcp443.Item3,
            Entry(1, "x", "10.0.0.0/16", "10.1.0.0/16", IpProtocol.Tcp, new PortRange(32768, 60999), new PortRange(443, 443))).IsSingleRule);
    }

    [Fact]
    public void Deleted_entries_take_no_part()
    {
        var d = Evaluate(IpProtocol.Tcp, PortSet.Of(40000), PortSet.Of(443), Entry(1, "rtb-deleted", state: "deleted"), Entry(2, "rtb-active"));
        Assert.Equal("rtb-active", d.Pieces.Single().Entry!.TargetRouteTableId);
    }

    [Fact]
    public void A_rule_with_port_ranges_never_matches_a_protocol_without_ports()
    {
        var d = Evaluate(IpProtocol.Icmp, PortSet.All, PortSet.All, Entry(1, "rtb-ports", destinationPorts: new PortRange(0, 65535)), Entry(2, "rtb-any"));
        Assert.Equal("rtb-any", d.Pieces.Single().Entry!.TargetRouteTableId);
    }

    [Fact]
    public void An_ephemeral_source_range_splits_between_rules_and_the_rest_is_unmatched()
    {
        var d = Evaluate(IpProtocol.Tcp, PortSet.Of(32768, 60999), PortSet.Of(443),
            Entry(10, "rtb-low", sourcePorts: new PortRange(32768, 40000)),
            Entry(20, "rtb-mid", sourcePorts: new PortRange(40001, 50000)));
        Assert.False(d.IsSingleRule);
        Assert.Equal(3, d.Pieces.Count);
        Assert.Equal("32768-40000", d.Pieces.Single(p => p.Entry?.TargetRouteTableId == "rtb-low").SourcePorts.ToString());
        Assert.Equal("40001-50000", d.Pieces.Single(p => p.Entry?.TargetRouteTableId == "rtb-mid").SourcePorts.ToString());
        Assert.Equal("50001-60999", d.Unmatched.Single().SourcePorts.ToString());
    }

    [Fact]
    public void A_rule_needing_Cloud_WAN_metadata_stops_evaluation()
    {
        var d = Evaluate(IpProtocol.Tcp, PortSet.Of(40000), PortSet.Of(443), Entry(1, "rtb-nope", dst: "10.9.0.0/16", metaKey: "segment"),
            Entry(5, "rtb-meta", metaKey: "segment"), Entry(9, "rtb-after"));
        Assert.Equal("rtb-meta", d.MetaDataRule?.TargetRouteTableId);
        Assert.False(d.MatchesNothing);
        Assert.False(d.IsSingleRule);
    }

    // ---- snapshot reader --------------------------------------------------------------------------------------------

    private static NetworkModel Read(params string[] documents)
    {
        var b = new NetworkModelBuilder();
        for (int i = 0; i < documents.Length; i++) SnapshotReader.ReadJson(b, documents[i], $"doc{i}.json", null, null);
        return b.Build();
    }

    private static SnapshotException ReadFails(params string[] documents) =>
        Assert.IsType<SnapshotException>(Record.Exception(() => Read(documents)));

    [Fact]
    public void Reader_takes_tables_wrapped_entries_and_associations()
    {
        var model = Read(
            """{"TransitGatewayPolicyTables":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayId":"tgw-1","State":"available","Tags":[{"Key":"Name","Value":"PBR"}]}]}""",
            """
{"TransitGatewayPolicyTableEntries":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayPolicyTableEntries":[
                 {"PolicyRuleNumber":"20","PolicyRule":{"SourceCidrBlock":"10.0.0.0/16","DestinationCidrBlock":"*","Protocol":"6","SourcePortRange":"*","DestinationPortRange":"1024-2048",
                   "MetaData":{"MetaDataKey":"segment","MetaDataValue":"prod"}},"TargetRouteTableId":"tgw-rtb-2","State":"active"},
                 {"PolicyRuleNumber":"3","PolicyRule":{"Protocol":"*"},"TargetRouteTableId":"tgw-rtb-1"}]},
               {"TransitGatewayPolicyTableId":"tgw-ptb-2","TransitGatewayPolicyTableEntries":[]}]}
""",
            """
{"TransitGatewayPolicyTableAssociations":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayPolicyTableAssociations":[
                 {"TransitGatewayAttachmentId":"tgw-attach-1","ResourceId":"vpc-1","ResourceType":"vpc","State":"associated"}]},
               {"TransitGatewayPolicyTableId":"tgw-ptb-2","TransitGatewayAttachmentId":"tgw-attach-2","State":"associating"}]}
""");

        Assert.Equal("PBR", model.TransitGatewayPolicyTables["tgw-ptb-1"].Name);
        var entries = model.TransitGatewayPolicyTableEntries["tgw-ptb-1"];
        Assert.Equal(new[] { 3, 20 }, entries.Select(e => e.PolicyRuleNumber));
        var rule = entries[1].PolicyRule;
        Assert.Equal(Cidr.Parse("10.0.0.0/16"), rule.SourceCidr);
        Assert.Null(rule.DestinationCidr);
        Assert.Equal(IpProtocol.Tcp, rule.Protocol);
        Assert.Null(rule.SourcePorts);
        Assert.Equal(new PortRange(1024, 2048), rule.DestinationPorts);
        Assert.Equal("segment", rule.MetaDataKey);
        Assert.Null(entries[0].PolicyRule.Protocol);
        Assert.True(model.PolicyTableEntriesKnown("tgw-ptb-2"));
        Assert.False(model.PolicyTableEntriesKnown("tgw-ptb-3"));
        Assert.Equal("tgw-ptb-1", model.PolicyTableAssociationOf("tgw-1", "tgw-attach-1")?.TransitGatewayPolicyTableId);
        Assert.Equal("associating", model.PolicyTableAssociationOf("tgw-1", "tgw-attach-2")?.State);
        Assert.Null(model.PolicyTableAssociationOf("tgw-other", "tgw-attach-1"));
    }

    [Fact]
    public void Reader_rejects_unwrapped_entries_bad_ports_and_clashing_rule_numbers()
    {
        var unwrapped = ReadFails("""{"TransitGatewayPolicyTableEntries":[{"PolicyRuleNumber":"1","TargetRouteTableId":"tgw-rtb-1"}]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, unwrapped.ErrorId);
        Assert.Contains("wrap it", unwrapped.Message, StringComparison.Ordinal);

        var ports = ReadFails("""
{"TransitGatewayPolicyTableEntries":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayPolicyTableEntries":[
            {"PolicyRuleNumber":"1","PolicyRule":{"DestinationPortRange":"2048-1024"},"TargetRouteTableId":"tgw-rtb-1"}]}]}
""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ports.ErrorId);
        Assert.Equal("$.TransitGatewayPolicyTableEntries[0].TransitGatewayPolicyTableEntries[0].PolicyRule.DestinationPortRange", ports.JsonPath);

        var clash = ReadFails("""
{"TransitGatewayPolicyTableEntries":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayPolicyTableEntries":[
            {"PolicyRuleNumber":"1","TargetRouteTableId":"tgw-rtb-1"},{"PolicyRuleNumber":"1","TargetRouteTableId":"tgw-rtb-2"}]}]}
""");
        Assert.Equal(SnapshotErrorIds.DuplicateId, clash.ErrorId);

        // The same entries read from two files are one table, not a clash.
        const string twice = """{"TransitGatewayPolicyTableEntries":[{"TransitGatewayPolicyTableId":"tgw-ptb-1","TransitGatewayPolicyTableEntries":[{"PolicyRuleNumber":"1","TargetRouteTableId":"tgw-rtb-1"}]}]}""";
        Assert.Single(Read(twice, twice).TransitGatewayPolicyTableEntries["tgw-ptb-1"]);
    }

    // ---- walk --------------------------------------------------------------------------------------------------------

    private static readonly string[] TwoAzs = { "us-east-1a", "us-east-1b" };

    /// <summary>Two spokes on one TGW, both propagated into rtb-main; spoke A's attachment is routed by policy table tgw-ptb-1.</summary>
    private static Estate PolicyEstate(string associationState = "associated", params TransitGatewayPolicyTableEntry[] entries)
    {
        var estate = new Estate()
            .Spoke("vpca", 0, "us-east-1a", TwoAzs, "rtb-main")
            .Spoke("vpcb", 1, "us-east-1a", TwoAzs, "rtb-main")
            .Propagate("rtb-main", "vpca").Propagate("rtb-main", "vpcb");
        estate.B.TransitGatewayPolicyTables.Add(new TransitGatewayPolicyTable(Table, Estate.Tgw, "available", ResourceOrigin.Unknown));
        estate.B.TransitGatewayPolicyTableAssociations.Add(new TransitGatewayPolicyTableAssociation(Table, Estate.AttachmentId("vpca"), "vpca", "vpc", associationState));
        estate.B.TransitGatewayPolicyTablesWithEntries.Add(Table);
        estate.B.TransitGatewayPolicyTableEntries.AddRange(entries);
        return estate;
    }

    [Fact]
    public void The_policy_table_overrides_the_route_table_association_and_hops_show_rule_then_lookup()
    {
        var result = PolicyEstate("associated", Entry(10, "rtb-main", protocol: IpProtocol.Tcp, destinationPorts: new PortRange(443, 443)))
            .Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
        var forward = result.Hops.Where(h => h.Direction == WalkDirection.Forward).ToList();
        int policy = forward.FindIndex(h => h.Step == HopStep.TgwPolicyTable);
        Assert.True(policy >= 0);
        Assert.Equal(Table, forward[policy].TransitGatewayPolicyTableId);
        Assert.Equal("rtb-main", forward[policy].TransitGatewayRouteTableId);
        Assert.Equal("policy rule 10: tcp from * to * port 443 -> rtb-main", forward[policy].Rule);
        Assert.Equal(HopStep.TgwRouteTable, forward[policy + 1].Step);
        Assert.Contains("policy rule 10 of tgw-ptb-1 chose rtb-main", forward[policy + 1].Note, StringComparison.Ordinal);
        // Spoke B has no policy table: its reply goes by its route-table association, with no policy hop.
        Assert.DoesNotContain(result.Hops, h => h.Direction == WalkDirection.Return && h.Step == HopStep.TgwPolicyTable);
    }

    [Fact]
    public void No_matching_rule_drops_and_an_empty_table_drops_everything()
    {
        var result = PolicyEstate("associated", Entry(10, "rtb-main", protocol: IpProtocol.Udp)).Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Blocked, result.Verdict);
        Assert.Equal(Table, result.BlockedAt);
        Assert.Equal("TGW_POLICY_TABLE_NO_MATCH", result.Reason);

        var empty = PolicyEstate("associated").Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Blocked, empty.Verdict);
        Assert.Equal("TGW_POLICY_TABLE_NO_MATCH", empty.Reason);
    }

    [Fact]
    public void Unknown_when_rules_are_missing_metadata_decides_or_the_association_is_changing()
    {
        var missing = PolicyEstate("associated");
        missing.B.TransitGatewayPolicyTablesWithEntries.Clear();
        var r1 = missing.Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal((PathVerdict.Unknown, Table, "UNKNOWN_RESOURCE"), (r1.Verdict, r1.BlockedAt, r1.Reason));

        var r2 = PolicyEstate("associated", Entry(10, "rtb-main", metaKey: "segment")).Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal((PathVerdict.Unknown, Table, "TGW_POLICY_RULE_METADATA_UNKNOWN"), (r2.Verdict, r2.BlockedAt, r2.Reason));

        var r3 = PolicyEstate("associating", Entry(10, "rtb-main")).Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal((PathVerdict.Unknown, Table), (r3.Verdict, r3.BlockedAt));

        // A disassociated policy table no longer applies: the route-table association routes again.
        var r4 = PolicyEstate("disassociated").Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Reachable, r4.Verdict);
    }

    [Fact]
    public void Policy_scenario_pins_hops_and_reply_ports()
    {
        var folder = ScenarioTests.ScenarioFolders().Single(f => Path.GetFileName(f) == "tgw-policy-routing");
        var walker = new PacketWalker(ScenarioTests.ModelFor(folder));
        PacketPathResult Walk(int port, int? sourcePort = null) => walker.Walk(new WalkRequest
        {
            Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Protocol = IpProtocol.Tcp, Port = port, SourcePort = sourcePort,
        });

        var ok = Walk(443);
        var steps = ok.Hops.Where(h => h.Step is HopStep.TgwPolicyTable or HopStep.TgwRouteTable).Select(h => (h.Direction, h.Step, h.Component ?? "")).ToList();
        Assert.Equal(new[]
        {
            (WalkDirection.Forward, HopStep.TgwPolicyTable, "tgw-ptb-0a0a0a0a0a0a0a0a1"), (WalkDirection.Forward, HopStep.TgwRouteTable, "tgw-rtb-0a1b2c3d4e5f60001"),
            (WalkDirection.Return, HopStep.TgwPolicyTable, "tgw-ptb-0b0b0b0b0b0b0b0b1"), (WalkDirection.Return, HopStep.TgwRouteTable, "tgw-rtb-0a1b2c3d4e5f60001"),
        }, steps);

        // The reply from 8443 is routed only for client ports 32768-50000 (VPC-B rule 120).
        var narrowed = Walk(8443);
        Assert.Equal(PathVerdict.Ambiguous, narrowed.Verdict);
        Assert.Equal("32768-50000", narrowed.ReturnPortsAllowed);
        Assert.Contains("32768-60999", narrowed.Explanation, StringComparison.Ordinal);
        // With a client port inside the routed range the connection works; outside it the reply is dropped.
        Assert.Equal(PathVerdict.Reachable, Walk(8443, 40000).Verdict);
        var outside = Walk(8443, 55000);
        Assert.Equal((PathVerdict.Blocked, WalkDirection.Return, "TGW_POLICY_TABLE_NO_MATCH"), (outside.Verdict, outside.BlockedDirection!.Value, outside.Reason));

        // 9443: the client's port decides between rule 300 (main table) and rule 310 (quarantine); the verdict names both.
        var split = Walk(9443);
        Assert.Equal(PathVerdict.Ambiguous, split.Verdict);
        Assert.Contains(split.Notes, n => n.Contains("source ports 32768-45000: rule 300 -> tgw-rtb-0a1b2c3d4e5f60001", StringComparison.Ordinal)
            && n.Contains("source ports 45001-60999: rule 310 -> tgw-rtb-0a1b2c3d4e5f60002", StringComparison.Ordinal));
    }
}
