using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>ModelEdit: edits give a new model, leave the old one alone, and refuse what AWS refuses.</summary>
public class ModelEditTests
{
    private static NetworkModel Seed => ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample"));

    private static readonly WalkRequest BToA443 = new() { Source = "i-0b00000000000000b", Destination = "i-0a00000000000000a", Port = 443 };

    [Fact]
    public void Adding_a_security_group_rule_changes_the_walk_on_the_new_model_only()
    {
        var seed = Seed;
        Assert.Equal(PathVerdict.Blocked, new PacketWalker(seed).Walk(BToA443).Verdict);
        var rule = new SecurityGroupRule("sg-0a00000000000a801", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.Parse("10.1.8.131/32"), null, null, null, null);
        var edited = seed.With(new[] { new AddSecurityGroupRule(rule) });
        Assert.Equal(PathVerdict.Reachable, new PacketWalker(edited).Walk(BToA443).Verdict);
        Assert.Equal(PathVerdict.Blocked, new PacketWalker(seed).Walk(BToA443).Verdict);
        Assert.Equal(seed.SecurityGroups["sg-0a00000000000a801"].IngressRules.Count + 1, edited.SecurityGroups["sg-0a00000000000a801"].IngressRules.Count);
        // Everything else is carried over.
        Assert.Equal(seed.Counts, edited.Counts);
        Assert.Same(seed.Subnets["subnet-0a00000000000a801"], edited.Subnets["subnet-0a00000000000a801"]);
    }

    [Fact]
    public void A_NACL_rule_number_already_used_in_that_direction_is_refused()
    {
        var taken = new NetworkAclEntry(100, true, IpProtocol.Tcp, true, Cidr.Parse("10.0.9.132/32"), new PortRange(443, 443), null, null);
        var ex = Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AddNetworkAclEntry("acl-0a00000000000a801", taken) }));
        Assert.Contains("rule 100", ex.Message);
        // The same number in the other direction is a different rule.
        var inbound = taken with { Egress = false, RuleNumber = 90 };
        var edited = Seed.With(new[] { new AddNetworkAclEntry("acl-0a00000000000a801", inbound) });
        Assert.Contains(edited.NetworkAcls["acl-0a00000000000a801"].Entries, e => e == inbound);
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AddNetworkAclEntry("acl-0a00000000000a801", taken with { RuleNumber = 32767 }) }));
    }

    [Fact]
    public void Edits_naming_missing_resources_are_refused()
    {
        var rule = new SecurityGroupRule("sg-0000000000000dead", RuleDirection.Inbound, IpProtocol.Tcp, 1, 1, Cidr.Parse("10.0.0.1/32"), null, null, null, null);
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AddSecurityGroupRule(rule) }));
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new SetSourceDestCheck("eni-0000000000000dead", false) }));
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AssociateTransitGatewayRouteTable("tgw-0123456789abcdef0", "tgw-attach-0a1a2b3c4d5e6f0aa", "tgw-rtb-0000000000000dead") }));
    }

    [Fact]
    public void Routes_are_added_once_and_replaced_in_place()
    {
        var route = new Route(Cidr.Parse("192.168.0.0/16"), null, RouteTargetType.TransitGateway, "tgw-0123456789abcdef0", "active", "CreateRoute");
        var added = Seed.With(new[] { new AddRoute("rtb-0a00000000000a801", route) });
        Assert.Contains(added.RouteTables["rtb-0a00000000000a801"].Routes, r => r == route);
        Assert.Throws<ModelEditException>(() => added.With(new[] { new AddRoute("rtb-0a00000000000a801", route) }));

        var blackhole = route with { TargetId = "tgw-0000000000000dead", State = "blackhole" };
        var replaced = added.With(new[] { new ReplaceRoute("rtb-0a00000000000a801", blackhole) });
        var routes = replaced.RouteTables["rtb-0a00000000000a801"].Routes;
        Assert.Equal(added.RouteTables["rtb-0a00000000000a801"].Routes.Count, routes.Count);
        Assert.Single(routes, r => r.DestinationText == "192.168.0.0/16" && r.IsBlackhole);
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new ReplaceRoute("rtb-0a00000000000a801", route) }));
    }

    [Fact]
    public void Transit_gateway_routes_and_associations_follow_AWS()
    {
        var target = new[] { new TransitGatewayRouteTarget("tgw-attach-0c1a2b3c4d5e605bd", "vpc-0b000000000000001", "vpc") };
        var existing = new TransitGatewayRoute("tgw-rtb-0a1b2c3d4e5f60001", Cidr.Parse("10.1.0.0/20"), null, TgwRouteType.Static, "active", target);
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AddTransitGatewayRoute(existing) }));
        var blackholed = Seed.With(new[] { new ReplaceTransitGatewayRoute(existing with { State = "blackhole", Targets = Array.Empty<TransitGatewayRouteTarget>() }) });
        var walk = new PacketWalker(blackholed).Walk(new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Port = 443 });
        Assert.Equal("TGW_RTB_BAD_STATE_ROUTE", walk.Reason);

        // An attachment has one association; associating it again is refused.
        Assert.Throws<ModelEditException>(() => Seed.With(new[] { new AssociateTransitGatewayRouteTable("tgw-0123456789abcdef0", "tgw-attach-0a1a2b3c4d5e6f0aa", "tgw-rtb-0a1b2c3d4e5f60001") }));
    }

    [Fact]
    public void Source_dest_check_can_be_switched_off()
    {
        var edited = Seed.With(new[] { new SetSourceDestCheck("eni-084d826e4b1e0e190", false) });
        Assert.False(edited.NetworkInterfaces["eni-084d826e4b1e0e190"].SourceDestCheck);
        Assert.True(Seed.NetworkInterfaces["eni-084d826e4b1e0e190"].SourceDestCheck);
    }

    [Fact]
    public void ToBuilder_copies_every_resource_list()
    {
        var seed = Seed;
        var builder = seed.ToBuilder();
        Assert.Equal(seed.Vpcs.Count, builder.Vpcs.Count);
        Assert.Equal(seed.Subnets.Count, builder.Subnets.Count);
        Assert.Equal(seed.NetworkInterfaces.Count, builder.NetworkInterfaces.Count);
        Assert.Equal(seed.Instances.Count, builder.Instances.Count);
        Assert.Equal(seed.Counts["TransitGatewayRoutes"], builder.TransitGatewayRoutes.Count);
        Assert.Equal(seed.TransitGatewayPropagations.Values.Sum(l => l.Count), builder.TransitGatewayPropagations.Count);
        // A copy: changing it leaves the model's own lists alone.
        builder.Vpcs.Clear();
        Assert.Equal(seed.Vpcs.Count, seed.ToBuilder().Vpcs.Count);
        Assert.Equal(seed.Counts, seed.ToBuilder().Build().Counts);
    }
}
