using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>How -Source/-Destination become endpoints, and the input errors that refuse to guess.</summary>
public class WalkResolutionTests
{
    private static PacketWalker Walker(string scenario) =>
        new(ScenarioTests.ModelFor(Path.Combine(ScenarioTests.RepoRoot(), "tests", "scenarios", scenario)));

    private static WalkInputException Refused(string scenario, WalkRequest request) =>
        Assert.Throws<WalkInputException>(() => Walker(scenario).Walk(request));

    [Fact]
    public void A_source_address_in_two_vpcs_asks_for_the_vpc()
    {
        var ex = Refused("vpc-peering", new WalkRequest { Source = "10.51.1.10", Destination = "i-0a300000000000a01", Port = 443 });
        Assert.Equal(WalkErrorIds.EndpointAmbiguous, ex.ErrorId);
        Assert.Contains("-SourceVpcId", ex.Message);
        Assert.Contains("vpc-0a3000000000000b1", ex.Message);
        Assert.Contains("vpc-0a3000000000000d1", ex.Message);
    }

    [Fact]
    public void An_internet_gateway_endpoint_needs_the_internet_address()
    {
        var ex = Refused("internet-gateway", new WalkRequest { Source = "igw-0e1000000000000a1", Destination = "i-0e100000000000a01", Port = 443 });
        Assert.Equal(WalkErrorIds.InvalidEndpoint, ex.ErrorId);
        Assert.Contains("-SourceIp", ex.Message);
    }

    [Fact]
    public void An_internet_gateway_address_inside_a_vpc_is_refused()
    {
        var ex = Refused("internet-gateway", new WalkRequest { Source = "i-0e100000000000a01", Destination = "igw-0e1000000000000a1", DestinationIp = "10.21.1.10", Port = 443 });
        Assert.Contains("vpc-0e1000000000000b1", ex.Message);
    }

    [Fact]
    public void A_private_source_outside_every_vpc_is_sent_to_an_edge_not_the_internet()
    {
        var ex = Refused("internet-gateway", new WalkRequest { Source = "192.168.7.7", Destination = "i-0e100000000000a01", Port = 443 });
        Assert.Equal(WalkErrorIds.InvalidEndpoint, ex.ErrorId);
        Assert.Contains("tgw-attach-", ex.Message);
    }

    [Fact]
    public void Both_ends_outside_the_estate_is_refused()
    {
        var ex = Refused("internet-gateway", new WalkRequest { Source = "203.0.113.1", Destination = "8.8.8.8", Port = 443 });
        Assert.Contains("outside every VPC", ex.Message);
    }

    [Fact]
    public void A_gateway_endpoint_is_not_a_source()
    {
        var ex = Refused("gateway-endpoint", new WalkRequest { Source = "vpce-0b4000000000000a1", Destination = "i-0b400000000000a01", Port = 443 });
        Assert.Contains("gateway endpoint", ex.Message);
    }

    [Fact]
    public void A_source_ip_must_belong_to_the_named_interface()
    {
        var ex = Refused("internet-gateway", new WalkRequest { Source = "i-0e100000000000a01", SourceIp = "10.20.1.99", Destination = "8.8.8.8", Port = 443 });
        Assert.Equal(WalkErrorIds.InvalidEndpoint, ex.ErrorId);
    }

    [Fact]
    public void A_public_source_ip_of_an_interface_sends_from_its_private_address()
    {
        var result = Walker("internet-gateway").Walk(new WalkRequest { Source = "i-0e100000000000a01", SourceIp = "3.80.0.10", Destination = "8.8.8.8", Port = 443 });
        Assert.Equal("10.20.1.10", result.SourceAddress);
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
    }

    [Fact]
    public void An_attachment_endpoint_needs_an_address()
    {
        var ex = Refused("gateway-endpoint", new WalkRequest { Source = "tgw-attach-0b40000000000000b", Destination = "52.216.0.1", Port = 443 });
        Assert.Contains("-SourceIp", ex.Message);
    }

    [Fact]
    public void The_internet_reaches_an_instance_at_its_public_address()
    {
        var result = Walker("internet-gateway").Walk(new WalkRequest { Source = "203.0.113.50", Destination = "i-0e100000000000a01", Port = 443 });
        Assert.Equal("3.80.0.10", result.DestinationAddress);
    }
}

/// <summary>Public-address mapping the internet gateway relies on (R-IGW-2).</summary>
public class AddressBookTests
{
    private static AddressBook Book(string scenario) =>
        new(ScenarioTests.ModelFor(Path.Combine(ScenarioTests.RepoRoot(), "tests", "scenarios", scenario)));

    [Theory]
    [InlineData("internet-gateway", "3.80.0.10", "eni-0e100000000000a01", "10.20.1.10")]   // ENI association
    [InlineData("internet-gateway", "3.80.0.30", "eni-0e100000000000a03", "10.20.2.10")]   // Elastic IP (Addresses)
    [InlineData("nat-gateway", "3.85.0.5", "eni-0f200000000000a10", "10.30.0.5")]          // NAT gateway address
    public void Public_addresses_map_to_an_interface_and_back(string scenario, string publicIp, string eniId, string privateIp)
    {
        var book = Book(scenario);
        var mapping = book.ByPublicIp(IpAddress.Parse(publicIp));
        Assert.NotNull(mapping);
        Assert.Equal(eniId, mapping!.Interface.NetworkInterfaceId);
        Assert.Equal(privateIp, mapping.PrivateIp.ToString());
        Assert.Equal(publicIp, book.PublicIpOf(mapping.Interface, mapping.PrivateIp).ToString());
    }

    [Fact]
    public void An_interface_without_a_public_address_has_none()
    {
        var model = ScenarioTests.ModelFor(Path.Combine(ScenarioTests.RepoRoot(), "tests", "scenarios", "internet-gateway"));
        var eni = model.NetworkInterfaces["eni-0e100000000000a02"];
        Assert.Null(new AddressBook(model).PublicIpOf(eni, eni.PrimaryPrivateIp!.Value));
    }
}

/// <summary>Rules and routes the snapshot cannot decide are reported, never silently treated as non-matching.</summary>
public class UnresolvedDataTests
{
    private static NetworkModel Model(Action<NetworkModelBuilder> fill)
    {
        var b = new NetworkModelBuilder();
        b.Vpcs.Add(new Vpc("vpc-1", new[] { Cidr.Parse("10.0.0.0/16") }, Array.Empty<Cidr>(), false, null, ResourceOrigin.Unknown));
        b.Subnets.Add(new Subnet("subnet-1", "vpc-1", "us-east-1a", null, Cidr.Parse("10.0.1.0/24"), Array.Empty<Cidr>(), null, ResourceOrigin.Unknown));
        fill(b);
        return b.Build();
    }

    private static NetworkInterface Eni(params string[] groups) => new("eni-1", "subnet-1", "vpc-1", "us-east-1a", IpAddress.Parse("10.0.1.5"),
        new[] { IpAddress.Parse("10.0.1.5") }, Array.Empty<IpAddress>(), groups, true, "interface", null, null, 0, false, "in-use", null, null, ResourceOrigin.Unknown);

    [Fact]
    public void A_rule_naming_a_missing_prefix_list_is_unresolved()
    {
        var eni = Eni("sg-1");
        var model = Model(b =>
        {
            b.NetworkInterfaces.Add(eni);
            b.SecurityGroups.Add(new SecurityGroup("sg-1", "x", "vpc-1", Array.Empty<SecurityGroupRule>(),
                new[] { new SecurityGroupRule("sg-1", RuleDirection.Outbound, IpProtocol.Tcp, 443, 443, null, "pl-missing", null, null, null) }, null, ResourceOrigin.Unknown));
        });
        var d = new SecurityGroupEvaluator(model).Evaluate(eni, RuleDirection.Outbound, IpAddress.Parse("52.1.1.1"), Array.Empty<NetworkInterface>(), true,
            IpProtocol.Tcp, PortSet.Of(443), null, null);
        Assert.True(d.DeniesAll);
        Assert.Equal("UNKNOWN_RESOURCE", Assert.Single(d.UnresolvedRules).Code);
    }

    [Fact]
    public void A_reference_to_a_missing_group_is_unresolved_only_for_a_private_peer_in_no_known_vpc()
    {
        var eni = Eni("sg-1");
        var model = Model(b =>
        {
            b.NetworkInterfaces.Add(eni);
            b.SecurityGroups.Add(new SecurityGroup("sg-1", "x", "vpc-1",
                new[] { new SecurityGroupRule("sg-1", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, null, null, "sg-peer", "999988887777", null) },
                Array.Empty<SecurityGroupRule>(), null, ResourceOrigin.Unknown));
        });
        var evaluator = new SecurityGroupEvaluator(model);
        SecurityGroupDecision From(string peer) => evaluator.Evaluate(eni, RuleDirection.Inbound, IpAddress.Parse(peer), Array.Empty<NetworkInterface>(), true,
            IpProtocol.Tcp, PortSet.Of(443), null, null);
        Assert.Equal("UNKNOWN_PEERED_SGS", Assert.Single(From("172.16.5.5").UnresolvedRules).Code);   // could be in the unknown peer VPC
        Assert.Empty(From("10.0.9.9").UnresolvedRules);      // in a known VPC without that group: not a member
        Assert.Empty(From("203.0.113.9").UnresolvedRules);   // public: references match private addresses only (R-SG-9)
    }

    [Fact]
    public void A_missing_group_on_the_interface_is_unresolved()
    {
        var eni = Eni("sg-gone");
        var model = Model(b => b.NetworkInterfaces.Add(eni));
        var d = new SecurityGroupEvaluator(model).Evaluate(eni, RuleDirection.Inbound, IpAddress.Parse("10.0.1.9"), Array.Empty<NetworkInterface>(), true,
            IpProtocol.Tcp, PortSet.Of(443), null, null);
        Assert.Contains(d.UnresolvedRules, u => u.Why.Contains("sg-gone"));
    }

    [Fact]
    public void A_route_to_a_missing_prefix_list_is_reported()
    {
        var table = new RouteTable("rtb-1", "vpc-1", new[] { new Route(null, "pl-gone", RouteTargetType.InternetGateway, "igw-1", "active", "CreateRoute") },
            Array.Empty<RouteTableAssociation>(), null, ResourceOrigin.Unknown);
        var lookup = RouteResolver.Lookup(Model(_ => { }), table, IpAddress.Parse("8.8.8.8"));
        Assert.Null(lookup.Route);
        Assert.Equal(new[] { "pl-gone" }, lookup.MissingPrefixListIds);
    }
}
