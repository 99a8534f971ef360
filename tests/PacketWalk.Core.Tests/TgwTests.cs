using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// A small estate built in code: spoke VPCs on one TGW, each with a host and one attachment subnet per AZ, open NACLs and
/// allow-all groups. Tests change what they need before building.
/// </summary>
internal sealed class Estate
{
    public readonly NetworkModelBuilder B = new();
    public const string Tgw = "tgw-1";
    private static readonly ResourceOrigin O = ResourceOrigin.Unknown;

    public Estate() => B.TransitGateways.Add(new TransitGateway(Tgw, "available", null, null, false, null, O));

    /// <summary>
    /// R-TGW-6 set-up: VPC-A (host in 1a) reaches on-premises (a VPN attachment) through transit VPC X in appliance mode;
    /// X's attachment subnets route straight back to the TGW, standing in for an appliance, and X's 1b subnet lets no
    /// reply (to Linux ephemeral ports) back towards VPC-A.
    /// </summary>
    public static Estate ApplianceModeToVpn()
    {
        string[] twoAzs = { "us-east-1a", "us-east-1b" };
        return new Estate()
            .Spoke("vpca", 0, "us-east-1a", twoAzs, "rtb-spokes")
            .Spoke("vpcx", 9, "us-east-1a", twoAzs, "rtb-inspected", applianceMode: true)
            .StaticRoute("rtb-spokes", "0.0.0.0/0", AttachmentId("vpcx"))
            .Propagate("rtb-inspected", "vpca")
            .Vpn("tgw-attach-vpn", "rtb-spokes")
            .StaticRoute("rtb-inspected", "192.168.0.0/16", "tgw-attach-vpn", "vpn")
            .Nacl(AttachmentSubnet("vpcx", "us-east-1b"), "vpcx",
                new NetworkAclEntry(50, true, IpProtocol.Tcp, false, Cidr.Parse("10.0.0.0/16"), new PortRange(32768, 60999), null, null));
    }

    public static string AttachmentId(string vpc) => $"tgw-attach-{vpc}";
    public static string Host(string vpc) => $"i-{vpc}";
    public static string HostEni(string vpc) => $"eni-{vpc}-host";
    public static string AttachmentEni(string vpc, string az) => $"eni-{vpc}-att-{az[^1]}";
    public static string AttachmentSubnet(string vpc, string az) => $"subnet-{vpc}-att-{az[^1]}";

    /// <summary>VPC <paramref name="vpc"/> = 10.<paramref name="n"/>.0.0/16; host 10.n.8.10 in <paramref name="hostAz"/>; every subnet routes <paramref name="routes"/>.</summary>
    public Estate Spoke(string vpc, int n, string hostAz, string[] azs, string associatedTable, bool applianceMode = false,
        (string Destination, RouteTargetType Type, string Target)[]? routes = null)
    {
        B.Vpcs.Add(new Vpc(vpc, new[] { Cidr.Parse($"10.{n}.0.0/16") }, Array.Empty<Cidr>(), false, null, O));
        var hostSubnet = $"subnet-{vpc}-host";
        B.Subnets.Add(new Subnet(hostSubnet, vpc, hostAz, null, Cidr.Parse($"10.{n}.8.0/22"), Array.Empty<Cidr>(), null, O));
        var subnets = new List<string> { hostSubnet };
        for (int i = 0; i < azs.Length; i++)
        {
            var s = AttachmentSubnet(vpc, azs[i]);
            subnets.Add(s);
            B.Subnets.Add(new Subnet(s, vpc, azs[i], null, Cidr.Parse($"10.{n}.0.{16 * i}/28"), Array.Empty<Cidr>(), null, O));
            B.NetworkInterfaces.Add(Eni(AttachmentEni(vpc, azs[i]), s, vpc, azs[i], $"10.{n}.0.{16 * i + 5}", Array.Empty<string>(), null,
                $"Network Interface for Transit Gateway Attachment {AttachmentId(vpc)}"));
        }
        B.SecurityGroups.Add(new SecurityGroup($"sg-{vpc}", null, vpc,
            new[] { new SecurityGroupRule($"sg-{vpc}", RuleDirection.Inbound, IpProtocol.All, null, null, Cidr.AnyV4, null, null, null, null) },
            new[] { new SecurityGroupRule($"sg-{vpc}", RuleDirection.Outbound, IpProtocol.All, null, null, Cidr.AnyV4, null, null, null, null) }, null, O));
        B.NetworkInterfaces.Add(Eni(HostEni(vpc), hostSubnet, vpc, hostAz, $"10.{n}.8.10", new[] { $"sg-{vpc}" }, Host(vpc), ""));
        B.Instances.Add(new Instance(Host(vpc), hostSubnet, vpc, $"10.{n}.8.10", null, "running", hostAz, new[] { HostEni(vpc) }, O));
        B.NetworkAcls.Add(new NetworkAcl($"acl-{vpc}", vpc, true, OpenEntries, subnets, null, O));
        var table = new List<Route> { new(Cidr.Parse($"10.{n}.0.0/16"), null, RouteTargetType.Local, "local", "active", null) };
        foreach (var (d, t, target) in routes ?? new[] { ("0.0.0.0/0", RouteTargetType.TransitGateway, Tgw) })
            table.Add(new Route(Cidr.Parse(d), null, t, target, "active", null));
        B.RouteTables.Add(new RouteTable($"rtb-{vpc}", vpc, table, subnets.Select(s => new RouteTableAssociation(s, null, false)).ToList(), null, O));
        var att = AttachmentId(vpc);
        B.TransitGatewayVpcAttachments.Add(new TransitGatewayVpcAttachment(att, Tgw, vpc, null, azs.Select(a => AttachmentSubnet(vpc, a)).ToList(), "available", applianceMode, true, false, O));
        B.TransitGatewayAttachments.Add(new TransitGatewayAttachment(att, Tgw, "vpc", vpc, null, "available", associatedTable, "associated", O));
        return this;
    }

    public Estate Propagate(string table, string vpc)
    {
        B.TransitGatewayPropagations.Add(new TransitGatewayPropagation(table, AttachmentId(vpc), vpc, "vpc", "enabled"));
        return this;
    }

    public Estate StaticRoute(string table, string cidr, string attachment, string type = "vpc")
    {
        B.TransitGatewayRoutes.Add(new TransitGatewayRoute(table, Cidr.Parse(cidr), null, TgwRouteType.Static, "active",
            new[] { new TransitGatewayRouteTarget(attachment, null, type) }));
        return this;
    }

    public Estate Vpn(string attachment, string associatedTable)
    {
        B.TransitGatewayAttachments.Add(new TransitGatewayAttachment(attachment, Tgw, "vpn", $"vpn-{attachment}", null, "available", associatedTable, "associated", O));
        return this;
    }

    /// <summary>Replaces the NACL of one subnet with open rules plus the given entries in front of them.</summary>
    public Estate Nacl(string subnet, string vpc, params NetworkAclEntry[] entries)
    {
        var shared = B.NetworkAcls.Single(a => a.AssociatedSubnetIds.Contains(subnet));
        B.NetworkAcls.Remove(shared);
        B.NetworkAcls.Add(shared with { AssociatedSubnetIds = shared.AssociatedSubnetIds.Where(s => s != subnet).ToList() });
        B.NetworkAcls.Add(new NetworkAcl($"acl-{subnet}", vpc, false, entries.Concat(OpenEntries).ToList(), new[] { subnet }, null, O));
        return this;
    }

    public PacketPathResult Walk(string source, string destination, int port = 443) =>
        new PacketWalker(B.Build()).Walk(new WalkRequest { Source = source, Destination = destination, Protocol = IpProtocol.Tcp, Port = port });

    private static readonly NetworkAclEntry[] OpenEntries =
    {
        new(100, true, IpProtocol.All, true, Cidr.AnyV4, null, null, null),
        new(100, false, IpProtocol.All, true, Cidr.AnyV4, null, null, null),
    };

    private static NetworkInterface Eni(string id, string subnet, string vpc, string az, string ip, string[] groups, string? instance, string description) =>
        new(id, subnet, vpc, az, IpAddress.Parse(ip), new[] { IpAddress.Parse(ip) }, Array.Empty<IpAddress>(), groups, true,
            instance is null ? "transit_gateway" : "interface", description, instance, instance is null ? null : 0, instance is null, "in-use", null, null, O);
}

public class TgwApplianceModeTests
{
    private static readonly string[] TwoAzs = { "us-east-1a", "us-east-1b" };

    /// <summary>
    /// R-TGW-6 end to end: the request from VPC-A (1a) to on-premises passes a transit VPC X in appliance mode, which the
    /// TGW enters in the source AZ (the destination has no AZ). The reply comes back from the VPN with no AZ of origin:
    /// unpinned, the flow hash could pick X's 1b ENI, whose subnet drops replies; pinned, it must use the 1a ENI.
    /// X's attachment subnets route straight back to the TGW, standing in for an appliance.
    /// </summary>
    [Fact]
    public void Reply_uses_the_appliance_mode_pin_of_the_request()
    {
        var estate = Estate.ApplianceModeToVpn();

        var result = estate.Walk(Estate.Host("vpca"), "192.168.1.1");

        Assert.Equal(PathVerdict.ReachableToEdge, result.Verdict);
        Assert.Equal("tgw-attach-vpn", result.EdgeId);
        Assert.Contains(Estate.AttachmentEni("vpcx", "us-east-1a"), result.ForwardPath);
        Assert.Contains(Estate.AttachmentEni("vpcx", "us-east-1a"), result.ReturnPath);
        Assert.DoesNotContain(Estate.AttachmentEni("vpcx", "us-east-1b"), result.ReturnPath);
        Assert.Contains(result.Hops, h => h.Direction == WalkDirection.Return && h.Step == HopStep.TgwAttachmentExit
            && h.TransitGatewayAttachmentId == Estate.AttachmentId("vpcx") && (h.Note ?? "").Contains("pinned", StringComparison.Ordinal));
    }

    /// <summary>The same estate without appliance mode: nothing pins the reply, which then has no AZ of origin and may take either ENI.</summary>
    [Fact]
    public void Without_appliance_mode_the_reply_from_an_edge_may_take_either_AZ()
    {
        var estate = new Estate()
            .Spoke("vpca", 0, "us-east-1a", TwoAzs, "rtb-spokes")
            .Spoke("vpcx", 9, "us-east-1a", TwoAzs, "rtb-inspected", applianceMode: false)
            .StaticRoute("rtb-spokes", "0.0.0.0/0", Estate.AttachmentId("vpcx"))
            .Propagate("rtb-inspected", "vpca")
            .Vpn("tgw-attach-vpn", "rtb-spokes")
            .StaticRoute("rtb-inspected", "192.168.0.0/16", "tgw-attach-vpn", "vpn")
            .Nacl(Estate.AttachmentSubnet("vpcx", "us-east-1b"), "vpcx",
                new NetworkAclEntry(50, true, IpProtocol.Tcp, false, Cidr.Parse("10.0.0.0/16"), new PortRange(32768, 60999), null, null));

        var result = estate.Walk(Estate.Host("vpca"), "192.168.1.1");

        Assert.Equal(PathVerdict.Ambiguous, result.Verdict);
        Assert.Equal(WalkDirection.Return, result.BlockedDirection);
        Assert.Equal(Estate.AttachmentId("vpcx"), result.BlockedAt);
        Assert.Equal("SUBNET_ACL_RESTRICTION", result.Reason);
    }

    /// <summary>
    /// Forward choices that end alike but pin different ENIs: the reply is walked once per pin, and when the replies end
    /// differently the verdict says the request gets through but the reply depends on AWS's choice.
    /// </summary>
    [Fact]
    public void Different_pins_with_different_replies_make_the_return_ambiguous()
    {
        var estate = new Estate()
            .Spoke("vpca", 0, "us-east-1a", TwoAzs, "rtb-spokes")
            .Spoke("vpcb", 1, "us-east-1b", TwoAzs, "rtb-spokes")
            .Spoke("vpcx", 9, "us-east-1a", TwoAzs, "rtb-inspected", applianceMode: true)
            .StaticRoute("rtb-spokes", "0.0.0.0/0", Estate.AttachmentId("vpcx"))
            .Propagate("rtb-inspected", "vpca")
            .Propagate("rtb-inspected", "vpcb")
            // X's 1a subnet drops replies (ephemeral ports) on their way to VPC-A.
            .Nacl(Estate.AttachmentSubnet("vpcx", "us-east-1a"), "vpcx",
                new NetworkAclEntry(50, true, IpProtocol.Tcp, false, Cidr.Parse("10.0.0.0/16"), new PortRange(32768, 60999), null, null));

        var result = estate.Walk(Estate.Host("vpca"), Estate.Host("vpcb"));

        Assert.Equal(PathVerdict.Ambiguous, result.Verdict);
        Assert.Equal(WalkDirection.Return, result.BlockedDirection);
        Assert.Equal(Estate.AttachmentId("vpcx"), result.BlockedAt);
        Assert.StartsWith("The request gets through whichever way AWS chooses", result.Explanation);
        Assert.Contains($"flow pinned to {Estate.AttachmentEni("vpcx", "us-east-1a")}", result.Explanation);
        Assert.Contains($"flow pinned to {Estate.AttachmentEni("vpcx", "us-east-1b")}", result.Explanation);
    }
}

public class TgwAttachmentSelectorTests
{
    private static (NetworkModel Model, TransitGatewayVpcAttachment Attachment) Model(params string[] azs)
    {
        var e = new Estate().Spoke("vpcx", 9, azs[0], azs, "rtb-1", applianceMode: true);
        var m = e.B.Build();
        return (m, m.TransitGatewayVpcAttachments[Estate.AttachmentId("vpcx")]);
    }

    [Fact]
    public void Appliance_mode_same_az_for_source_and_destination_is_certain()   // R-TGW-6
    {
        var (m, a) = Model("us-east-1a", "us-east-1b");
        var p = TgwAttachmentSelector.ForApplianceMode(m, a, "us-east-1b", "us-east-1b");
        Assert.False(p.Ambiguous);
        Assert.Equal("us-east-1b", p.AvailabilityZone);
    }

    [Fact]
    public void Appliance_mode_destination_without_az_uses_the_source_az()   // R-TGW-6
    {
        var (m, a) = Model("us-east-1a", "us-east-1b");
        var p = TgwAttachmentSelector.ForApplianceMode(m, a, "us-east-1a", null);
        Assert.False(p.Ambiguous);
        Assert.Equal(Estate.AttachmentSubnet("vpcx", "us-east-1a"), p.SubnetId);
    }

    [Theory]
    [InlineData("us-east-1a", "us-east-1b")]   // different AZs
    [InlineData(null, "us-east-1b")]           // no AZ of origin (peering, VPN, Direct Connect)
    [InlineData("us-east-1c", null)]           // source AZ has no attachment subnet
    public void Appliance_mode_otherwise_reports_every_eni_as_a_flow_hash_choice(string? entryAz, string? destinationAz)
    {
        var (m, a) = Model("us-east-1a", "us-east-1b");
        var p = TgwAttachmentSelector.ForApplianceMode(m, a, entryAz, destinationAz);
        Assert.True(p.Ambiguous);
        Assert.Equal(new[] { Estate.AttachmentEni("vpcx", "us-east-1a"), Estate.AttachmentEni("vpcx", "us-east-1b") }, p.CandidateNetworkInterfaceIds);
        Assert.Contains("flow hash", p.Note);
    }

    [Fact]
    public void Appliance_mode_with_one_subnet_has_no_choice()
    {
        var (m, a) = Model("us-east-1a");
        var p = TgwAttachmentSelector.ForApplianceMode(m, a, "us-east-1b", "us-east-1c");
        Assert.False(p.Ambiguous);
        Assert.True(p.CrossedAvailabilityZone);
    }

    [Fact]
    public void Delivery_without_an_az_of_origin_tries_every_subnet()
    {
        var (m, a) = Model("us-east-1a", "us-east-1b");
        var p = TgwAttachmentSelector.ForDelivery(m, a, (ZoneRef?)null);
        Assert.True(p.Ambiguous);
        Assert.False(p.CrossedAvailabilityZone);
        Assert.Equal(2, p.CandidateSubnetIds.Count);
        var (m1, a1) = Model("us-east-1a");
        Assert.False(TgwAttachmentSelector.ForDelivery(m1, a1, (ZoneRef?)null).Ambiguous);
    }
}

public class FlowSymmetryTests
{
    private static TgwDelivery D(string vpc, string subnet, string az, bool appliance = false, string? middlebox = "eni-fw") =>
        new("tgw-1", $"tgw-attach-{vpc}", vpc, subnet, az, appliance, middlebox);

    [Fact]
    public void Appliance_vpc_crossed_in_different_azs_without_appliance_mode_recommends_it()   // R-TGW-7
    {
        var notes = PacketWalker.SymmetryNotes(new[] { D("vpc-x", "s-1a", "us-east-1a") }, new[] { D("vpc-x", "s-1b", "us-east-1b") }, "vpc-a", "vpc-b");
        var note = Assert.Single(notes);
        Assert.StartsWith("TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED", note);
    }

    [Fact]
    public void Same_az_both_ways_or_appliance_mode_on_is_quiet()
    {
        Assert.Empty(PacketWalker.SymmetryNotes(new[] { D("vpc-x", "s-1a", "us-east-1a") }, new[] { D("vpc-x", "s-1a", "us-east-1a") }, "vpc-a", "vpc-b"));
        Assert.Empty(PacketWalker.SymmetryNotes(new[] { D("vpc-x", "s-1a", "us-east-1a", appliance: true) }, new[] { D("vpc-x", "s-1b", "us-east-1b", appliance: true) }, "vpc-a", "vpc-b"));
    }

    [Fact]
    public void A_vpc_without_an_appliance_is_not_an_inspection_vpc()
    {
        Assert.Empty(PacketWalker.SymmetryNotes(new[] { D("vpc-x", "s-1a", "us-east-1a", middlebox: null) }, new[] { D("vpc-x", "s-1b", "us-east-1b", middlebox: null) }, "vpc-a", "vpc-b"));
    }

    [Fact]
    public void Appliance_crossed_one_way_only_is_asymmetric_routing()   // R-RT-13
    {
        var forwardOnly = PacketWalker.SymmetryNotes(new[] { D("vpc-x", "s-1a", "us-east-1a") }, Array.Empty<TgwDelivery>(), "vpc-a", "vpc-b");
        Assert.StartsWith("ASYMMETRIC_ROUTING: the request passes", Assert.Single(forwardOnly));
        var returnOnly = PacketWalker.SymmetryNotes(Array.Empty<TgwDelivery>(), new[] { D("vpc-x", "s-1a", "us-east-1a") }, "vpc-a", "vpc-b");
        Assert.StartsWith("ASYMMETRIC_ROUTING: the reply passes", Assert.Single(returnOnly));
    }

    [Fact]
    public void Delivery_into_the_source_or_destination_vpc_is_not_a_transit()
    {
        Assert.Empty(PacketWalker.SymmetryNotes(new[] { D("vpc-b", "s-1a", "us-east-1a") }, Array.Empty<TgwDelivery>(), "vpc-a", "vpc-b"));
        Assert.Empty(PacketWalker.SymmetryNotes(Array.Empty<TgwDelivery>(), new[] { D("vpc-a", "s-1a", "us-east-1a") }, "vpc-a", "vpc-b"));
    }
}
