using System.Text;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Tests;

public sealed class SnapshotReaderTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "pw-snap-" + Guid.NewGuid().ToString("N"));

    public SnapshotReaderTests() => Directory.CreateDirectory(_temp);

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private const string Vpc = """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","OwnerId":"111122223333"}]}""";
    private const string Subnet = """{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"us-east-1a"}]}""";

    private static NetworkModelBuilder Builder(params string[] documents)
    {
        var b = new NetworkModelBuilder();
        for (int i = 0; i < documents.Length; i++)
            SnapshotReader.ReadJson(b, documents[i], $"doc{i}.json", null, null);
        return b;
    }

    private static NetworkModel Model(params string[] documents) => Builder(documents).Build();

    private static SnapshotException ReadFails(string json, string file = "bad.json")
    {
        var ex = Record.Exception(() => SnapshotReader.ReadJson(new NetworkModelBuilder(), json, file, null, null));
        Assert.NotNull(ex);
        return Assert.IsType<SnapshotException>(ex);
    }

    private string Write(string relative, string content)
    {
        var full = Path.Combine(_temp, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    private static Cidr C(string s) => Cidr.Parse(s);
    private static IpAddress Ip(string s) => IpAddress.Parse(s);

    // ---- each key --------------------------------------------------------------------------------------------------

    [Fact]
    public void Vpc_reads_all_cidrs_skips_disassociated_and_name_tag()
    {
        var m = Model("""
        {"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","IsDefault":true,"OwnerId":"111122223333",
          "CidrBlockAssociationSet":[{"CidrBlock":"10.0.0.0/16","CidrBlockState":{"State":"associated"}},
                                     {"CidrBlock":"100.64.0.0/16","CidrBlockState":{"State":"associated"}},
                                     {"CidrBlock":"172.16.0.0/16","CidrBlockState":{"State":"disassociated"}}],
          "Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2600:1f18::/56","Ipv6CidrBlockState":{"State":"associated"}}],
          "Tags":[{"Key":"env","Value":"x"},{"Key":"Name","Value":"main"}]}]}
        """);
        var v = m.Vpcs["vpc-1"];
        Assert.Equal(new[] { C("10.0.0.0/16"), C("100.64.0.0/16") }, v.CidrBlocks);
        Assert.Equal(new[] { C("2600:1f18::/56") }, v.Ipv6CidrBlocks);
        Assert.True(v.IsDefault);
        Assert.Equal("111122223333", v.OwnerId);
        Assert.Equal("main", v.Name);
        Assert.Equal("doc0.json", v.Origin.SourceFile);
        Assert.Equal("$.Vpcs[0]", v.Origin.JsonPath);
    }

    [Fact]
    public void Subnet_fields()
    {
        var m = Model(Vpc, """
        {"Subnets":[{"SubnetId":"subnet-0","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24","AvailabilityZone":"us-east-1a"},
          {"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"us-east-1b",
          "AvailabilityZoneId":"use1-az2","OwnerId":"111122223333",
          "Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2600:1f18:0:1::/64","Ipv6CidrBlockState":{"State":"associated"}}],
          "Tags":[{"Key":"Name","Value":"app"}]}]}
        """);
        var s = m.Subnets["subnet-1"];
        Assert.Equal("vpc-1", s.VpcId);
        Assert.Equal(C("10.0.1.0/24"), s.CidrBlock);
        Assert.Equal("us-east-1b", s.AvailabilityZone);
        Assert.Equal("use1-az2", s.AvailabilityZoneId);
        Assert.Equal(new[] { C("2600:1f18:0:1::/64") }, s.Ipv6CidrBlocks);
        Assert.Equal("app", s.Name);
        Assert.Equal("$.Subnets[1]", s.Origin.JsonPath);
    }

    [Fact]
    public void NetworkInterface_fields_and_defaults()
    {
        var m = Model(Vpc, Subnet, """
        {"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-1","VpcId":"vpc-1","AvailabilityZone":"us-east-1a",
           "PrivateIpAddress":"10.0.1.10",
           "PrivateIpAddresses":[{"PrivateIpAddress":"10.0.1.10","Primary":true,"Association":{"PublicIp":"3.3.3.3"}},
                                 {"PrivateIpAddress":"10.0.1.11","Primary":false}],
           "Ipv6Addresses":[{"Ipv6Address":"2600:1f18::10"}],
           "Groups":[{"GroupId":"sg-1","GroupName":"a"},{"GroupId":"sg-2"}],
           "SourceDestCheck":false,"InterfaceType":"interface","Description":"web",
           "Attachment":{"InstanceId":"i-1","DeviceIndex":0},"RequesterManaged":false,"Status":"in-use","OwnerId":"111122223333"},
          {"NetworkInterfaceId":"eni-2","SubnetId":"subnet-1","VpcId":"vpc-1","AvailabilityZone":"us-east-1a",
           "PrivateIpAddress":"10.0.1.20","Description":"Network Interface for Transit Gateway Attachment tgw-attach-9",
           "InterfaceType":"transit_gateway","RequesterManaged":true}]}
        """);
        var e = m.NetworkInterfaces["eni-1"];
        Assert.Equal("subnet-1", e.SubnetId);
        Assert.Equal(Ip("10.0.1.10"), e.PrimaryPrivateIp);
        Assert.Equal(new[] { Ip("10.0.1.10"), Ip("10.0.1.11") }, e.PrivateIps);
        Assert.Equal(new[] { Ip("2600:1f18::10") }, e.Ipv6Addresses);
        Assert.Equal(new[] { "sg-1", "sg-2" }, e.GroupIds);
        Assert.False(e.SourceDestCheck);
        Assert.Equal("i-1", e.InstanceId);
        Assert.Equal(0, e.DeviceIndex);
        Assert.Equal(Ip("3.3.3.3"), e.PublicIp);
        Assert.Equal("in-use", e.Status);
        Assert.Equal("us-east-1a", e.AvailabilityZone);

        var t = m.NetworkInterfaces["eni-2"];
        Assert.True(t.SourceDestCheck); // default
        Assert.True(t.RequesterManaged);
        Assert.Equal("transit_gateway", t.InterfaceType);
        Assert.Equal("tgw-attach-9", t.TransitGatewayAttachmentId);
        Assert.Same(t, m.TransitGatewayAttachmentEni("tgw-attach-9", "subnet-1"));

        var d = Model(Vpc, Subnet, """{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-3","SubnetId":"subnet-1","VpcId":"vpc-1"}]}""").NetworkInterfaces["eni-3"];
        Assert.Equal("interface", d.InterfaceType);
        Assert.True(d.SourceDestCheck);
        Assert.Null(d.PrimaryPrivateIp);
        Assert.Empty(d.GroupIds);
    }

    [Fact]
    public void Eni_without_id_or_subnet_is_MissingField_with_path()
    {
        var ex = ReadFails("""{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"s","VpcId":"v"},{"NetworkInterfaceId":"eni-2","VpcId":"v"}]}""");
        Assert.Equal(SnapshotErrorIds.MissingField, ex.ErrorId);
        Assert.Equal("$.NetworkInterfaces[1].SubnetId", ex.JsonPath);
        Assert.Contains("bad.json", ex.Message);

        ex = ReadFails("""{"NetworkInterfaces":[{"SubnetId":"s","VpcId":"v"}]}""");
        Assert.Equal(SnapshotErrorIds.MissingField, ex.ErrorId);
        Assert.Equal("$.NetworkInterfaces[0].NetworkInterfaceId", ex.JsonPath);
    }

    [Fact]
    public void Security_group_permissions_flatten_to_one_rule_per_peer()
    {
        var m = Model("""
        {"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","OwnerId":"111122223333",
          "IpPermissions":[
            {"IpProtocol":"tcp","FromPort":443,"ToPort":443,
             "IpRanges":[{"CidrIp":"10.0.0.0/16","Description":"corp"},{"CidrIp":"192.168.0.0/24"}],
             "Ipv6Ranges":[{"CidrIpv6":"2600::/16"}],
             "PrefixListIds":[{"PrefixListId":"pl-1"}],
             "UserIdGroupPairs":[{"GroupId":"sg-2","UserId":"444455556666"}]},
            {"IpProtocol":"icmp","FromPort":8,"ToPort":-1,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]},
            {"IpProtocol":"50","IpRanges":[{"CidrIp":"10.1.0.0/16"}]}],
          "IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]}]}
        """);
        var g = m.SecurityGroups["sg-1"];
        Assert.Equal("web", g.GroupName);
        Assert.Equal("vpc-1", g.VpcId);
        Assert.Equal(7, g.IngressRules.Count);
        var tcp = g.IngressRules.Take(5).ToList();
        Assert.All(tcp, r => { Assert.Equal(IpProtocol.Tcp, r.Protocol); Assert.Equal(443, r.FromPort); Assert.Equal(443, r.ToPort); Assert.Equal(RuleDirection.Inbound, r.Direction); Assert.Equal("sg-1", r.GroupId); });
        Assert.Equal(C("10.0.0.0/16"), tcp[0].Cidr);
        Assert.Equal("corp", tcp[0].Description);
        Assert.Equal(C("192.168.0.0/24"), tcp[1].Cidr);
        Assert.Equal(C("2600::/16"), tcp[2].Cidr);
        Assert.Equal("pl-1", tcp[3].PrefixListId);
        Assert.Null(tcp[3].Cidr);
        Assert.Equal("sg-2", tcp[4].ReferencedGroupId);
        Assert.Equal("444455556666", tcp[4].ReferencedUserId);
        Assert.Equal(IpProtocol.Icmp, g.IngressRules[5].Protocol);
        Assert.Equal(8, g.IngressRules[5].FromPort);
        Assert.Equal(50, g.IngressRules[6].Protocol);
        Assert.Null(g.IngressRules[6].FromPort);
        var egress = Assert.Single(g.EgressRules);
        Assert.Equal(IpProtocol.All, egress.Protocol);
        Assert.Equal(RuleDirection.Outbound, egress.Direction);
        Assert.Equal(Cidr.AnyV4, egress.Cidr);
    }

    [Fact]
    public void Security_group_bad_protocol_is_InvalidValue()
    {
        var ex = ReadFails("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcpp","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.SecurityGroups[0].IpPermissions[0].IpProtocol", ex.JsonPath);
    }

    [Theory]
    [InlineData("\"-1\"", -1)]
    [InlineData("\"6\"", 6)]
    [InlineData("\"17\"", 17)]
    [InlineData("\"1\"", 1)]
    [InlineData("\"58\"", 58)]
    [InlineData("\"47\"", 47)]
    [InlineData("6", 6)]
    [InlineData("\"tcp\"", 6)]
    public void Nacl_protocol_strings(string protocolJson, int expected)
    {
        var m = Model($$"""
        {"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":false,
          "Entries":[{"RuleNumber":100,"Protocol":{{protocolJson}},"RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"}]}]}
        """);
        Assert.Equal(expected, m.NetworkAcls["acl-1"].Entries[0].Protocol);
    }

    [Fact]
    public void Nacl_entries_ports_icmp_ipv6_associations()
    {
        var m = Model(Vpc, Subnet, """
        {"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":true,"OwnerId":"111122223333",
          "Associations":[{"NetworkAclAssociationId":"aclassoc-1","NetworkAclId":"acl-1","SubnetId":"subnet-1"}],
          "Entries":[
            {"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"100.68.0.18/18","PortRange":{"From":1024,"To":65535}},
            {"RuleNumber":110,"Protocol":"1","RuleAction":"deny","Egress":true,"CidrBlock":"0.0.0.0/0","IcmpTypeCode":{"Type":8,"Code":-1}},
            {"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":false,"Ipv6CidrBlock":"::/0"}]}]}
        """);
        var acl = m.NetworkAcls["acl-1"];
        Assert.True(acl.IsDefault);
        Assert.Equal(new[] { "subnet-1" }, acl.AssociatedSubnetIds);
        Assert.Same(acl, m.NetworkAclForSubnet(m.Subnets["subnet-1"]));
        var e = acl.Entries;
        Assert.Equal(C("100.68.0.0/18"), e[0].Cidr);
        Assert.Equal(new PortRange(1024, 65535), e[0].PortRange);
        Assert.True(e[0].Allow);
        Assert.False(e[0].Egress);
        Assert.True(e[1].Egress);
        Assert.False(e[1].Allow);
        Assert.Equal(8, e[1].IcmpType);
        Assert.Equal(-1, e[1].IcmpCode);
        Assert.Equal(Cidr.AnyV6, e[2].Cidr);
        Assert.Equal("rule * deny all ::/0", e[2].Text);
    }

    [Fact]
    public void Nacl_bad_cidr_is_InvalidValue_with_path()
    {
        var ex = ReadFails("""
        {"NetworkAcls":[{"NetworkAclId":"acl-0","VpcId":"vpc-1","Entries":[]},{"NetworkAclId":"acl-1","VpcId":"vpc-1","Entries":[]},
          {"NetworkAclId":"acl-2","VpcId":"vpc-1","Entries":[
            {"RuleNumber":1,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"},
            {"RuleNumber":2,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"},
            {"RuleNumber":3,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"},
            {"RuleNumber":4,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"},
            {"RuleNumber":5,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.0/8"},
            {"RuleNumber":6,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"10.0.0.1/33"}]}]}
        """, "NetworkAcls.json");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.NetworkAcls[2].Entries[5].CidrBlock", ex.JsonPath);
        Assert.Contains("NetworkAcls.json", ex.Message);
        Assert.Contains("10.0.0.1/33", ex.Message);
    }

    [Fact]
    public void Bad_ipv6_cidr_is_InvalidValue()
    {
        var ex = ReadFails("""{"Vpcs":[{"VpcId":"vpc-1","Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"::/129"}]}]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock", ex.JsonPath);
    }

    [Fact]
    public void Route_tables_targets_and_associations()
    {
        var m = Model(Vpc, Subnet, """
        {"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","OwnerId":"111122223333",
          "Associations":[{"Main":true,"RouteTableAssociationId":"a1","AssociationState":{"State":"associated"}},
                          {"Main":false,"SubnetId":"subnet-1"},
                          {"Main":false,"GatewayId":"igw-1"},
                          {"Main":false,"SubnetId":"subnet-gone","AssociationState":{"State":"disassociated"}}],
          "Routes":[
            {"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local","Origin":"CreateRouteTable","State":"active"},
            {"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1"},
            {"DestinationCidrBlock":"172.16.0.0/12","GatewayId":"vgw-1","Origin":"EnableVgwRoutePropagation"},
            {"DestinationPrefixListId":"pl-s3","GatewayId":"vpce-1"},
            {"DestinationCidrBlock":"10.1.0.0/16","TransitGatewayId":"tgw-1"},
            {"DestinationCidrBlock":"10.2.0.0/16","NatGatewayId":"nat-1"},
            {"DestinationCidrBlock":"10.3.0.0/16","VpcPeeringConnectionId":"pcx-1","State":"blackhole"},
            {"DestinationCidrBlock":"10.4.0.0/16","InstanceId":"i-1","InstanceOwnerId":"1","NetworkInterfaceId":"eni-1"},
            {"DestinationCidrBlock":"10.5.0.0/16","InstanceId":"i-2"},
            {"DestinationIpv6CidrBlock":"::/0","EgressOnlyInternetGatewayId":"eigw-1"},
            {"DestinationCidrBlock":"10.6.0.0/16","CarrierGatewayId":"cagw-1"},
            {"DestinationCidrBlock":"10.7.0.0/16","LocalGatewayId":"lgw-1"},
            {"DestinationCidrBlock":"10.8.0.0/16","CoreNetworkArn":"arn:aws:networkmanager::1:core-network/x"},
            {"DestinationCidrBlock":"10.9.0.0/16"}]}]}
        """);
        var rt = m.RouteTables["rtb-1"];
        Assert.True(rt.IsMain);
        Assert.Equal(3, rt.Associations.Count);
        Assert.Same(rt, m.RouteTableForSubnet(m.Subnets["subnet-1"], out var isMain));
        Assert.False(isMain);
        Assert.Same(rt, m.RouteTableForGateway("igw-1"));
        var expected = new (RouteTargetType, string?)[]
        {
            (RouteTargetType.Local, "local"), (RouteTargetType.InternetGateway, "igw-1"), (RouteTargetType.VirtualPrivateGateway, "vgw-1"),
            (RouteTargetType.VpcEndpoint, "vpce-1"), (RouteTargetType.TransitGateway, "tgw-1"), (RouteTargetType.NatGateway, "nat-1"),
            (RouteTargetType.VpcPeering, "pcx-1"), (RouteTargetType.NetworkInterface, "eni-1"), (RouteTargetType.Instance, "i-2"),
            (RouteTargetType.EgressOnlyInternetGateway, "eigw-1"), (RouteTargetType.CarrierGateway, "cagw-1"),
            (RouteTargetType.LocalGateway, "lgw-1"), (RouteTargetType.CoreNetwork, "arn:aws:networkmanager::1:core-network/x"),
            (RouteTargetType.Unknown, null),
        };
        Assert.Equal(expected, rt.Routes.Select(r => (r.TargetType, r.TargetId)).ToArray());
        Assert.Equal("pl-s3", rt.Routes[3].DestinationPrefixListId);
        Assert.Null(rt.Routes[3].DestinationCidr);
        Assert.True(rt.Routes[2].IsPropagated);
        Assert.True(rt.Routes[6].IsBlackhole);
        Assert.Equal("active", rt.Routes[1].State);
        Assert.Equal(Cidr.AnyV6, rt.Routes[9].DestinationCidr);
    }

    [Fact]
    public void Route_without_destination_is_MissingField()
    {
        var ex = ReadFails("""{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[{"GatewayId":"local"}]}]}""");
        Assert.Equal(SnapshotErrorIds.MissingField, ex.ErrorId);
        Assert.Equal("$.RouteTables[0].Routes[0].DestinationCidrBlock", ex.JsonPath);
    }

    [Fact]
    public void Prefix_lists_from_three_sources_merge_by_id()
    {
        var m = Model(
            """{"PrefixLists":[{"PrefixListId":"pl-s3","PrefixListName":"com.amazonaws.us-east-1.s3","Cidrs":["52.216.0.0/15","3.5.0.0/19"]}]}""",
            """
            {"ManagedPrefixLists":[{"PrefixListId":"pl-s3","PrefixListName":"com.amazonaws.us-east-1.s3","OwnerId":"AWS"},
                {"PrefixListId":"pl-corp","PrefixListName":"corp","OwnerId":"111122223333","Entries":[{"Cidr":"10.0.0.0/8"}]}]}
            """,
            """
            {"PrefixListEntries":[{"PrefixListId":"pl-corp","Entries":[{"Cidr":"192.168.0.0/16","Description":"x"},{"Cidr":"10.0.0.0/8"}]},
                {"PrefixListId":"pl-only","Entries":[{"Cidr":"172.16.0.0/12"}]}]}
            """);
        var s3 = m.PrefixLists["pl-s3"];
        Assert.Equal("com.amazonaws.us-east-1.s3", s3.PrefixListName);
        Assert.Equal("AWS", s3.OwnerId);
        Assert.Equal(new[] { C("52.216.0.0/15"), C("3.5.0.0/19") }, s3.Cidrs);
        var corp = m.PrefixLists["pl-corp"];
        Assert.Equal("corp", corp.PrefixListName);
        Assert.Equal(new[] { C("10.0.0.0/8"), C("192.168.0.0/16") }, corp.Cidrs);
        Assert.Equal(new[] { C("172.16.0.0/12") }, m.PrefixLists["pl-only"].Cidrs);
    }

    [Fact]
    public void Either_prefix_list_key_accepts_either_shape()
    {
        var m = Model("""
            {"PrefixLists":[{"PrefixListId":"pl-a","OwnerId":"111122223333","Entries":[{"Cidr":"10.0.8.0/22"}]}],
             "ManagedPrefixLists":[{"PrefixListId":"pl-b","Cidrs":["10.1.0.0/16"]}]}
            """);
        Assert.Equal(new[] { C("10.0.8.0/22") }, m.PrefixLists["pl-a"].Cidrs);
        Assert.Equal(new[] { C("10.1.0.0/16") }, m.PrefixLists["pl-b"].Cidrs);
    }

    [Fact]
    public void Bad_cidr_in_prefix_list_strings_has_index_path()
    {
        var ex = ReadFails("""{"PrefixLists":[{"PrefixListId":"pl-1","Cidrs":["10.0.0.0/8","nope"]}]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.PrefixLists[0].Cidrs[1]", ex.JsonPath);
    }

    private const string TgwDocs = """
    {"TransitGateways":[{"TransitGatewayId":"tgw-1","State":"available","OwnerId":"111122223333",
        "Options":{"AssociationDefaultRouteTableId":"tgw-rtb-1","PropagationDefaultRouteTableId":"tgw-rtb-1","SecurityGroupReferencingSupport":"enable"}}],
     "TransitGatewayAttachments":[{"TransitGatewayAttachmentId":"tgw-attach-1","TransitGatewayId":"tgw-1","ResourceType":"vpc","ResourceId":"vpc-1",
        "ResourceOwnerId":"111122223333","State":"available","Association":{"TransitGatewayRouteTableId":"tgw-rtb-1","State":"associated"}},
        {"TransitGatewayAttachmentId":"tgw-attach-2","TransitGatewayId":"tgw-1","ResourceType":"vpn","ResourceId":"vpn-1","State":"available"}],
     "TransitGatewayVpcAttachments":[{"TransitGatewayAttachmentId":"tgw-attach-1","TransitGatewayId":"tgw-1","VpcId":"vpc-1","VpcOwnerId":"111122223333",
        "State":"available","SubnetIds":["subnet-1"],"Options":{"DnsSupport":"enable","Ipv6Support":"disable","ApplianceModeSupport":"enable","SecurityGroupReferencingSupport":"disable"}}],
     "TransitGatewayRouteTables":[{"TransitGatewayRouteTableId":"tgw-rtb-1","TransitGatewayId":"tgw-1","State":"available",
        "DefaultAssociationRouteTable":true,"DefaultPropagationRouteTable":false}],
     "TransitGatewayStaticRoutes":[{"TransitGatewayRouteTableId":"tgw-rtb-1","Routes":[
        {"DestinationCidrBlock":"10.0.0.0/16","TransitGatewayAttachments":[{"ResourceId":"vpc-1","TransitGatewayAttachmentId":"tgw-attach-1","ResourceType":"vpc"}],"Type":"static","State":"active"},
        {"DestinationCidrBlock":"10.9.0.0/16","TransitGatewayAttachments":[{"ResourceId":"vpn-1","TransitGatewayAttachmentId":"tgw-attach-2","ResourceType":"vpn"}],"Type":"propagated","State":"active"},
        {"PrefixListId":"pl-corp","TransitGatewayAttachments":[{"ResourceId":"vpc-1","TransitGatewayAttachmentId":"tgw-attach-1","ResourceType":"vpc"}],"Type":"propagated","State":"active"},
        {"DestinationCidrBlock":"192.168.0.0/16","Type":"static","State":"blackhole"}],"AdditionalRoutesAvailable":false}],
     "TransitGatewayPropagations":[{"TransitGatewayRouteTableId":"tgw-rtb-1","TransitGatewayRouteTablePropagations":[
        {"TransitGatewayAttachmentId":"tgw-attach-2","ResourceId":"vpn-1","ResourceType":"vpn","State":"enabled"}]}]}
    """;

    [Fact]
    public void Transit_gateway_resources()
    {
        var m = Model(Vpc, Subnet, TgwDocs);
        var tgw = m.TransitGateways["tgw-1"];
        Assert.Equal("tgw-rtb-1", tgw.AssociationDefaultRouteTableId);
        Assert.Equal("tgw-rtb-1", tgw.PropagationDefaultRouteTableId);
        Assert.True(tgw.SecurityGroupReferencingSupport);
        Assert.Equal("111122223333", tgw.OwnerId);

        var att = m.TransitGatewayAttachments["tgw-attach-1"];
        Assert.Equal("vpc", att.ResourceType);
        Assert.Equal("vpc-1", att.ResourceId);
        Assert.Equal("tgw-rtb-1", att.AssociatedRouteTableId);
        Assert.Equal("associated", att.AssociationState);
        Assert.True(att.IsAvailable);
        Assert.Null(m.TransitGatewayAttachments["tgw-attach-2"].AssociatedRouteTableId);

        var vpcAtt = m.TransitGatewayVpcAttachments["tgw-attach-1"];
        Assert.Equal(new[] { "subnet-1" }, vpcAtt.SubnetIds);
        Assert.True(vpcAtt.ApplianceModeSupport);
        Assert.False(vpcAtt.SecurityGroupReferencingSupport);
        Assert.False(vpcAtt.Ipv6Support);
        Assert.Equal("111122223333", vpcAtt.VpcOwnerId);

        var rt = m.TransitGatewayRouteTables["tgw-rtb-1"];
        Assert.True(rt.DefaultAssociationRouteTable);
        Assert.False(rt.DefaultPropagationRouteTable);
        Assert.Equal("tgw-1", rt.TransitGatewayId);

        var routes = m.TransitGatewayRoutes["tgw-rtb-1"];
        Assert.Equal(new[] { TgwRouteType.Static, TgwRouteType.Propagated, TgwRouteType.PrefixListReference, TgwRouteType.Static }, routes.Select(r => r.Type));
        Assert.Equal("tgw-attach-1", routes[0].Targets.Single().TransitGatewayAttachmentId);
        Assert.Equal("vpc-1", routes[0].Targets.Single().ResourceId);
        Assert.Equal("pl-corp", routes[2].PrefixListId);
        Assert.Null(routes[2].DestinationCidr);
        Assert.True(routes[3].IsBlackhole);
        Assert.Empty(routes[3].Targets);

        var prop = Assert.Single(m.TransitGatewayPropagations["tgw-rtb-1"]);
        Assert.Equal("tgw-attach-2", prop.TransitGatewayAttachmentId);
        Assert.True(prop.IsEnabled);
    }

    [Fact]
    public void Tgw_vpc_attachment_option_defaults()
    {
        var m = Model("""
            {"TransitGatewayVpcAttachments":[{"TransitGatewayAttachmentId":"a","TransitGatewayId":"t","VpcId":"vpc-x","SubnetIds":[]}],
             "TransitGateways":[{"TransitGatewayId":"t"}]}
            """);
        var a = m.TransitGatewayVpcAttachments["a"];
        Assert.False(a.ApplianceModeSupport);
        Assert.True(a.SecurityGroupReferencingSupport); // AWS creates attachments with it enabled
        Assert.Equal("available", a.State);
        Assert.False(m.TransitGateways["t"].SecurityGroupReferencingSupport);
    }

    [Fact]
    public void Same_tgw_routes_read_twice_are_kept_once()
    {
        var m = Model(Vpc, Subnet, TgwDocs, TgwDocs);
        Assert.Equal(4, m.TransitGatewayRoutes["tgw-rtb-1"].Count);
        Assert.Single(m.TransitGatewayPropagations["tgw-rtb-1"]);
    }

    [Fact]
    public void Tgw_peering_attachment_keeps_both_sides_and_both_tgws()
    {
        var m = Model("""
            {"TransitGatewayAttachments":[
               {"TransitGatewayAttachmentId":"tgw-attach-p","TransitGatewayId":"tgw-east","ResourceType":"peering","ResourceId":"tgw-west","State":"available",
                "Association":{"TransitGatewayRouteTableId":"tgw-rtb-east","State":"associated"}}]}
            """, """
            {"TransitGatewayAttachments":[
               {"TransitGatewayAttachmentId":"tgw-attach-p","TransitGatewayId":"tgw-west","ResourceType":"peering","ResourceId":"tgw-east","State":"available",
                "Association":{"TransitGatewayRouteTableId":"tgw-rtb-west","State":"associated"}}],
             "TransitGatewayPeeringAttachments":[{"TransitGatewayAttachmentId":"tgw-attach-p",
               "RequesterTgwInfo":{"TransitGatewayId":"tgw-east","OwnerId":"111122223333","Region":"us-east-1"},
               "AccepterTgwInfo":{"TransitGatewayId":"tgw-west","OwnerId":"444455556666","Region":"us-west-2"},
               "Status":{"Code":"pendingAcceptance","Message":"Pending"}}]}
            """);
        Assert.Equal("tgw-rtb-east", m.TransitGatewayAttachmentOn("tgw-east", "tgw-attach-p")!.AssociatedRouteTableId);
        Assert.Equal("tgw-rtb-west", m.TransitGatewayAttachmentOn("tgw-west", "tgw-attach-p")!.AssociatedRouteTableId);
        Assert.Null(m.TransitGatewayAttachmentOn("tgw-other", "tgw-attach-p"));
        var p = m.TransitGatewayPeeringAttachments["tgw-attach-p"];
        Assert.Equal("tgw-west", p.PeerOf("tgw-east"));
        Assert.Equal("tgw-east", p.PeerOf("tgw-west"));
        Assert.Null(p.PeerOf("tgw-other"));
        Assert.Equal("us-west-2", p.RegionOf("tgw-west"));
        Assert.Equal("444455556666", p.OwnerOf("tgw-west"));
        Assert.Equal("pendingAcceptance", p.State);   // no State field: the status code stands in
        Assert.False(p.IsAvailable);
    }

    [Fact]
    public void Tgw_prefix_list_references_become_prefix_list_routes()   // R-TGW-16/17
    {
        var m = Model("""
            {"TransitGatewayPrefixListReferences":[
               {"TransitGatewayRouteTableId":"tgw-rtb-1","PrefixListId":"pl-1","State":"available","Blackhole":false,
                "TransitGatewayAttachment":{"TransitGatewayAttachmentId":"tgw-attach-1","ResourceType":"vpc","ResourceId":"vpc-1"}},
               {"TransitGatewayRouteTableId":"tgw-rtb-1","PrefixListId":"pl-2","State":"available","Blackhole":true},
               {"TransitGatewayRouteTableId":"tgw-rtb-1","PrefixListId":"pl-3","State":"deleting","Blackhole":false,
                "TransitGatewayAttachment":{"TransitGatewayAttachmentId":"tgw-attach-1"}}]}
            """);
        var routes = m.TransitGatewayRoutes["tgw-rtb-1"];
        Assert.All(routes, r => Assert.Equal(TgwRouteType.PrefixListReference, r.Type));
        Assert.All(routes, r => Assert.Null(r.DestinationCidr));
        Assert.Equal("tgw-attach-1", routes[0].Targets.Single().TransitGatewayAttachmentId);
        Assert.True(routes[0].IsActive);
        Assert.True(routes[1].IsBlackhole);
        Assert.Empty(routes[1].Targets);
        Assert.Equal("deleting", routes[2].State);
        Assert.False(routes[2].IsActive);
    }

    [Fact]
    public void Vpn_connections_and_vpn_gateways()
    {
        var m = Model("""
            {"VpnConnections":[
               {"VpnConnectionId":"vpn-1","State":"available","TransitGatewayId":"tgw-1","CustomerGatewayId":"cgw-1","Options":{"StaticRoutesOnly":true},
                "VgwTelemetry":[{"OutsideIpAddress":"3.0.0.1","Status":"DOWN"},{"OutsideIpAddress":"3.0.0.2","Status":"DOWN"}]},
               {"VpnConnectionId":"vpn-2","State":"available","VpnGatewayId":"vgw-1",
                "VgwTelemetry":[{"OutsideIpAddress":"3.0.0.3","Status":"UP"},{"OutsideIpAddress":"3.0.0.4","Status":"DOWN"}]},
               {"VpnConnectionId":"vpn-3","State":"deleted","VpnGatewayId":"vgw-1"}],
             "VpnGateways":[
               {"VpnGatewayId":"vgw-1","State":"available","AmazonSideAsn":4200000000,
                "VpcAttachments":[{"VpcId":"vpc-1","State":"attached"},{"VpcId":"vpc-2","State":"detached"}]}]}
            """);
        var vpn1 = m.VpnConnections["vpn-1"];
        Assert.Equal("tgw-1", vpn1.TransitGatewayId);
        Assert.True(vpn1.StaticRoutesOnly);
        Assert.True(vpn1.AllTunnelsDown);
        Assert.False(m.VpnConnections["vpn-2"].AllTunnelsDown);
        Assert.Equal("vgw-1", m.VpnConnections["vpn-2"].VpnGatewayId);
        Assert.False(m.VpnConnections["vpn-3"].IsAvailable);
        Assert.False(m.VpnConnections["vpn-3"].AllTunnelsDown);   // no telemetry is not "down"
        var vgw = m.VpnGateways["vgw-1"];
        Assert.Equal(new[] { "vpc-1" }, vgw.AttachedVpcIds);
        Assert.Equal(4200000000L, vgw.AmazonSideAsn);
    }

    [Fact]
    public void Vpn_gateway_bad_asn_is_InvalidValue()
    {
        var ex = ReadFails("""{"VpnGateways":[{"VpnGatewayId":"vgw-1","AmazonSideAsn":"sixty"}]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.VpnGateways[0].AmazonSideAsn", ex.JsonPath);
    }

    [Fact]
    public void Peering_igw_eigw_nat_endpoint_address()
    {
        var m = Model("""
        {"VpcPeeringConnections":[{"VpcPeeringConnectionId":"pcx-1",
           "RequesterVpcInfo":{"VpcId":"vpc-1","OwnerId":"111122223333","Region":"us-east-1","CidrBlock":"10.0.0.0/16",
              "CidrBlockSet":[{"CidrBlock":"10.0.0.0/16"},{"CidrBlock":"100.64.0.0/16"}],"Ipv6CidrBlockSet":[{"Ipv6CidrBlock":"2600:1f18::/56"}]},
           "AccepterVpcInfo":{"VpcId":"vpc-2","OwnerId":"444455556666","Region":"eu-west-2","CidrBlock":"10.1.0.0/16"},
           "Status":{"Code":"active","Message":"Active"}}],
         "InternetGateways":[{"InternetGatewayId":"igw-1","OwnerId":"111122223333","Attachments":[{"State":"available","VpcId":"vpc-1"}]},
                             {"InternetGatewayId":"igw-2","Attachments":[]}],
         "EgressOnlyInternetGateways":[{"EgressOnlyInternetGatewayId":"eigw-1","Attachments":[{"State":"attached","VpcId":"vpc-1"}]}],
         "NatGateways":[{"NatGatewayId":"nat-1","SubnetId":"subnet-1","VpcId":"vpc-1","State":"available","ConnectivityType":"public",
            "AvailabilityMode":"zonal",
            "NatGatewayAddresses":[{"AllocationId":"eipalloc-1","NetworkInterfaceId":"eni-n","PrivateIp":"10.0.1.5","PublicIp":"3.3.3.3","IsPrimary":true,"AvailabilityZone":"us-east-1a"}]},
            {"NatGatewayId":"nat-2","VpcId":"vpc-1","State":"available","ConnectivityType":"private","NatGatewayAddresses":[{"PrivateIp":"10.0.1.6"}]}],
         "VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Gateway","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.s3",
            "State":"available","RouteTableIds":["rtb-1"],"PolicyDocument":"{\"Statement\":[]}","Groups":[],"SubnetIds":[],"NetworkInterfaceIds":[]},
            {"VpcEndpointId":"vpce-2","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ssm","State":"available",
            "SubnetIds":["subnet-1"],"NetworkInterfaceIds":["eni-e"],"Groups":[{"GroupId":"sg-1","GroupName":"x"}]}],
         "Addresses":[{"PublicIp":"3.3.3.3","AllocationId":"eipalloc-1","PrivateIpAddress":"10.0.1.5","NetworkInterfaceId":"eni-n","Domain":"vpc"},
                      {"PublicIp":"4.4.4.4","AllocationId":"eipalloc-2","InstanceId":"i-1"}]}
        """);
        var p = m.VpcPeeringConnections["pcx-1"];
        Assert.Equal("vpc-1", p.RequesterVpcId);
        Assert.Equal(new[] { C("10.0.0.0/16"), C("100.64.0.0/16"), C("2600:1f18::/56") }, p.RequesterCidrs);
        Assert.Equal("eu-west-2", p.AccepterRegion);
        Assert.Equal("444455556666", p.AccepterOwnerId);
        Assert.True(p.IsActive);

        Assert.Equal(new[] { "vpc-1" }, m.InternetGateways["igw-1"].AttachedVpcIds);
        Assert.Empty(m.InternetGateways["igw-2"].AttachedVpcIds);
        Assert.Equal(new[] { "vpc-1" }, m.EgressOnlyInternetGateways["eigw-1"].AttachedVpcIds);

        var nat = m.NatGateways["nat-1"];
        Assert.True(nat.IsPublic);
        Assert.True(nat.IsAvailable);
        Assert.Equal("zonal", nat.AvailabilityMode);
        var addr = Assert.Single(nat.Addresses);
        Assert.Equal(Ip("3.3.3.3"), addr.PublicIp);
        Assert.Equal(Ip("10.0.1.5"), addr.PrivateIp);
        Assert.Equal("eni-n", addr.NetworkInterfaceId);
        Assert.True(addr.IsPrimary);
        Assert.Equal("us-east-1a", addr.AvailabilityZone);
        Assert.False(m.NatGateways["nat-2"].IsPublic);
        Assert.Null(m.NatGateways["nat-2"].SubnetId);

        var gwe = m.VpcEndpoints["vpce-1"];
        Assert.Equal("Gateway", gwe.VpcEndpointType);
        Assert.Equal(new[] { "rtb-1" }, gwe.RouteTableIds);
        Assert.Equal("{\"Statement\":[]}", gwe.PolicyDocument);
        var ife = m.VpcEndpoints["vpce-2"];
        Assert.Equal(new[] { "subnet-1" }, ife.SubnetIds);
        Assert.Equal(new[] { "eni-e" }, ife.NetworkInterfaceIds);
        Assert.Equal(new[] { "sg-1" }, ife.GroupIds);

        Assert.Equal(2, m.ElasticIps.Count);
        Assert.Equal(Ip("10.0.1.5"), m.ElasticIps[0].PrivateIp);
        Assert.Equal("i-1", m.ElasticIps[1].InstanceId);
    }

    // ---- instances -----------------------------------------------------------------------------------------------

    private const string Reservations = """
    {"Reservations":[{"ReservationId":"r-1","OwnerId":"111122223333","Groups":[],"Instances":[
       {"InstanceId":"i-run","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.1.10","Platform":"windows",
        "State":{"Code":16,"Name":"running"},"Placement":{"AvailabilityZone":"us-east-1a"},"Tags":[{"Key":"Name","Value":"web"}],
        "NetworkInterfaces":[
          {"NetworkInterfaceId":"eni-b","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.1.11",
           "PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.1.11"}],"Groups":[{"GroupId":"sg-1","GroupName":"x"}],
           "SourceDestCheck":false,"Attachment":{"DeviceIndex":1,"Status":"attached"},"InterfaceType":"interface","Status":"in-use"},
          {"NetworkInterfaceId":"eni-a","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.1.10",
           "PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.1.10","Association":{"PublicIp":"3.3.3.3"}}],
           "Groups":[{"GroupId":"sg-1"}],"SourceDestCheck":true,"Attachment":{"DeviceIndex":0},"InterfaceType":"interface"}]}]},
     {"ReservationId":"r-2","OwnerId":"111122223333","Instances":[
       {"InstanceId":"i-dead","SubnetId":"subnet-gone","State":{"Name":"terminated"}},
       {"InstanceId":"i-stop","SubnetId":"subnet-1","VpcId":"vpc-1","State":{"Name":"stopped"}},
       {"InstanceId":"i-nostate","SubnetId":"subnet-1","VpcId":"vpc-1"}]}]}
    """;

    [Fact]
    public void Reservations_unwrap_and_keep_running_or_stateless_instances()
    {
        var b = Builder(Vpc, Subnet, Reservations);
        var m = b.Build();
        Assert.Equal(new[] { "i-nostate", "i-run" }, m.Instances.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var i = m.Instances["i-run"];
        Assert.Equal("subnet-1", i.SubnetId);
        Assert.Equal("10.0.1.10", i.PrivateIpAddress);
        Assert.True(i.IsWindows);
        Assert.Equal("running", i.State);
        Assert.Equal("us-east-1a", i.AvailabilityZone);
        Assert.Equal("web", i.Name);
        Assert.Equal(new[] { "eni-a", "eni-b" }, i.NetworkInterfaceIds); // by device index
        Assert.Equal("111122223333", i.Origin.OwnerId);                  // from the reservation
        Assert.Equal("$.Reservations[0].Instances[0]", i.Origin.JsonPath);
        // one warning for the stopped instance, none for the terminated one
        var w = Assert.Single(m.Warnings);
        Assert.Contains("stopped: 1", w.Message);
    }

    [Fact]
    public void Embedded_enis_are_synthesised_when_no_network_interfaces_file_has_them()
    {
        var m = Model(Vpc, Subnet, Reservations);
        var a = m.NetworkInterfaces["eni-a"];
        Assert.Equal("i-run", a.InstanceId);
        Assert.Equal(0, a.DeviceIndex);
        Assert.Equal("us-east-1a", a.AvailabilityZone); // from Placement
        Assert.Equal(Ip("3.3.3.3"), a.PublicIp);
        Assert.Equal(new[] { "sg-1" }, a.GroupIds);
        Assert.Equal("$.Reservations[0].Instances[0].NetworkInterfaces[1]", a.Origin.JsonPath);
        var b = m.NetworkInterfaces["eni-b"];
        Assert.False(b.SourceDestCheck);
        Assert.Equal(1, b.DeviceIndex);
        Assert.Equal(new[] { "eni-a", "eni-b" }, m.NetworkInterfacesOfInstance("i-run").Select(e => e.NetworkInterfaceId));
    }

    [Fact]
    public void Network_interfaces_file_wins_over_embedded_copy_in_either_order()
    {
        const string enis = """
        {"NetworkInterfaces":[{"NetworkInterfaceId":"eni-a","SubnetId":"subnet-1","VpcId":"vpc-1","AvailabilityZone":"us-east-1a",
          "PrivateIpAddress":"10.0.1.10","Description":"from file","Attachment":{"InstanceId":"i-run","DeviceIndex":0}}]}
        """;
        foreach (var m in new[] { Model(Vpc, Subnet, Reservations, enis), Model(Vpc, Subnet, enis, Reservations) })
        {
            Assert.Equal("from file", m.NetworkInterfaces["eni-a"].Description);
            Assert.True(m.NetworkInterfaces.ContainsKey("eni-b"));
        }
    }

    [Fact]
    public void Instances_key_and_bare_lists()
    {
        const string inst = """{"InstanceId":"i-1","SubnetId":"subnet-1","VpcId":"vpc-1","State":{"Name":"running"}}""";
        Assert.True(Model(Vpc, Subnet, $$"""{"Instances":[{{inst}}]}""").Instances.ContainsKey("i-1"));
        Assert.True(Model(Vpc, Subnet, $"[{inst}]").Instances.ContainsKey("i-1"));
        Assert.True(Model(Vpc, Subnet, $"[[{inst}]]").Instances.ContainsKey("i-1"));
        Assert.True(Model(Vpc, Subnet, $$"""[{"OwnerId":"1","Instances":[{{inst}}]}]""").Instances.ContainsKey("i-1"));
    }

    [Fact]
    public void CamelCase_keys_are_accepted()
    {
        var m = Model("""
        {"vpcs":[{"vpcId":"vpc-1","cidrBlock":"10.0.0.0/16"}],
         "subnets":[{"subnetId":"subnet-1","vpcId":"vpc-1","cidrBlock":"10.0.1.0/24","availabilityZone":"us-east-1a"}],
         "networkInterfaces":[{"networkInterfaceId":"eni-1","subnetId":"subnet-1","vpcId":"vpc-1",
            "privateIpAddresses":[{"privateIpAddress":"10.0.1.5","primary":true}],"groups":[{"groupId":"sg-1"}],"sourceDestCheck":false}]}
        """);
        var e = m.NetworkInterfaces["eni-1"];
        Assert.Equal(Ip("10.0.1.5"), e.PrimaryPrivateIp);
        Assert.False(e.SourceDestCheck);
        Assert.Equal(new[] { "sg-1" }, e.GroupIds);
        Assert.Equal(C("10.0.1.0/24"), m.Subnets["subnet-1"].CidrBlock);
    }

    // ---- warnings and errors -------------------------------------------------------------------------------------

    [Fact]
    public void Unknown_key_is_a_warning_and_paging_keys_are_silent()
    {
        var b = Builder("""{"Vpcs":[],"LoadBalancers":[{"x":1}],"NextToken":null,"ResponseMetadata":{"RequestId":"1"}}""");
        var w = Assert.Single(b.Warnings);
        Assert.Equal("doc0.json", w.File);
        Assert.Equal("$.LoadBalancers", w.JsonPath);
        Assert.Contains("LoadBalancers", w.ToString());
    }

    [Fact]
    public void Malformed_json_names_file_and_position()
    {
        var ex = ReadFails("{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\" \"CidrBlock\": \"10.0.0.0/16\"}\n  ]\n}", "Vpcs.json");
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
        Assert.Contains("Vpcs.json", ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Equal("$.Vpcs[0].VpcId", ex.JsonPath);
        Assert.Equal("Vpcs.json", ex.File);
    }

    [Fact]
    public void Truncated_file_is_MalformedJson()
    {
        var ex = ReadFails("""{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vp""");
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
        Assert.Contains("truncated", ex.Message);
        ex = ReadFails("""{"Subnets":[{"SubnetId":"subnet-1"}""");
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n\t ")]
    public void Empty_file_is_Empty(string content)
    {
        var ex = ReadFails(content, "Vpcs.json");
        Assert.Equal(SnapshotErrorIds.Empty, ex.ErrorId);
        Assert.Contains("Vpcs.json", ex.Message);
    }

    [Theory]
    [InlineData("""{"Subnets":"subnet-1"}""", "$.Subnets")]
    [InlineData("""{"Subnets":["subnet-1"]}""", "$.Subnets[0]")]
    [InlineData("""{"Subnets":[{"SubnetId":"s","VpcId":"v","Ipv6CidrBlockAssociationSet":"x"}]}""", "$.Subnets[0].Ipv6CidrBlockAssociationSet")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg","IpPermissions":{"IpProtocol":"tcp"}}]}""", "$.SecurityGroups[0].IpPermissions")]
    [InlineData("""{"NetworkInterfaces":[{"NetworkInterfaceId":"e","SubnetId":"s","VpcId":"v","Groups":[{"GroupId":5}]}]}""", "$.NetworkInterfaces[0].Groups[0].GroupId")]
    [InlineData("""{"NetworkInterfaces":[{"NetworkInterfaceId":"e","SubnetId":"s","VpcId":"v","SourceDestCheck":"maybe"}]}""", "$.NetworkInterfaces[0].SourceDestCheck")]
    [InlineData("""{"NetworkInterfaces":[{"NetworkInterfaceId":"e","SubnetId":"s","VpcId":"v","PrivateIpAddress":"10.0.0.300"}]}""", "$.NetworkInterfaces[0].PrivateIpAddress")]
    [InlineData("""{"NetworkAcls":[{"NetworkAclId":"a","VpcId":"v","Entries":[{"RuleNumber":"x","Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}]}]}""", "$.NetworkAcls[0].Entries[0].RuleNumber")]
    [InlineData("""{"NetworkAcls":[{"NetworkAclId":"a","VpcId":"v","Entries":[{"RuleNumber":1,"Protocol":"-1","RuleAction":"maybe","Egress":false,"CidrBlock":"0.0.0.0/0"}]}]}""", "$.NetworkAcls[0].Entries[0].RuleAction")]
    [InlineData("""{"NetworkAcls":[{"NetworkAclId":"a","VpcId":"v","Entries":[{"RuleNumber":1,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":70000,"To":1}}]}]}""", "$.NetworkAcls[0].Entries[0].PortRange.From")]
    [InlineData("""{"TransitGatewayStaticRoutes":[{"TransitGatewayRouteTableId":"r","Routes":[{"DestinationCidrBlock":"10.0.0.0/8","Type":"weird"}]}]}""", "$.TransitGatewayStaticRoutes[0].Routes[0].Type")]
    [InlineData("42", "$")]
    public void Wrong_types_are_InvalidValue_with_path(string json, string path)
    {
        var ex = ReadFails(json);
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal(path, ex.JsonPath);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Missing_subnet_is_DanglingReference_at_Build()
    {
        var b = Builder(Vpc, """{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-nope","VpcId":"vpc-1"}]}""");
        var ex = Assert.Throws<SnapshotException>(() => b.Build());
        Assert.Equal(SnapshotErrorIds.DanglingReference, ex.ErrorId);
        Assert.Contains("subnet-nope", ex.Message);
        Assert.Equal("$.NetworkInterfaces[0]", ex.JsonPath);
    }

    [Fact]
    public void Missing_path_is_PathNotFound()
    {
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(Path.Combine(_temp, "nope")));
        Assert.Equal(SnapshotErrorIds.PathNotFound, ex.ErrorId);
        ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(Array.Empty<string>()));
        Assert.Equal(SnapshotErrorIds.PathNotFound, ex.ErrorId);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10_000)]
    public void Deep_nesting_is_a_clean_MalformedJson(int depth)
    {
        var json = "{\"Vpcs\":" + new string('[', depth) + new string(']', depth) + "}";
        var ex = ReadFails(json);
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
        Assert.Contains("nesting", ex.Message);
    }

    [Fact]
    public void Nesting_within_the_limit_but_in_the_wrong_place_is_InvalidValue()
    {
        var ex = ReadFails("""{"Vpcs":[[[[{}]]]]}""");
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
        Assert.Equal("$.Vpcs[0]", ex.JsonPath);
    }

    [Fact]
    public void Invalid_utf8_is_MalformedJson()
    {
        var path = Path.Combine(_temp, "Vpcs.json");
        var bytes = Encoding.UTF8.GetBytes("{\"Vpcs\":[{\"VpcId\":\"vpc-X\"}]}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(_temp));
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
        Assert.Contains("UTF-8", ex.Message);
        Assert.Contains("Vpcs.json", ex.Message);
    }

    [Fact]
    public void Utf8_bom_and_utf16_files_are_read()
    {
        File.WriteAllText(Path.Combine(_temp, "Vpcs.json"), Vpc, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        File.WriteAllText(Path.Combine(_temp, "Subnets.json"), Subnet, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var m = SnapshotReader.Read(_temp);
        Assert.Single(m.Vpcs);
        Assert.Single(m.Subnets);
    }

    // ---- folders -------------------------------------------------------------------------------------------------

    [Fact]
    public void Flat_folder_ignores_non_json_and_recurses()
    {
        Write("Vpcs.json", Vpc);
        Write("nested/deeper/Subnets.json", Subnet);
        Write("router.cfg", "hostname r1\n{ not json");
        Write("notes.txt", "{");
        var m = SnapshotReader.Read(_temp);
        Assert.Single(m.Vpcs);
        var s = m.Subnets["subnet-1"];
        Assert.Equal("nested/deeper/Subnets.json", s.Origin.SourceFile);
        Assert.Null(s.Origin.Region);
        Assert.Equal(_temp, m.SourceDescription);
    }

    [Fact]
    public void Batfish_region_layout_sets_region_in_origin()
    {
        Write("snap/aws_configs/us-east-1/Vpcs.json", Vpc);
        Write("snap/aws_configs/us-east-1/Subnets.json", Subnet);
        Write("snap/configs/r1.cfg", "hostname r1");
        Write("snap/hosts/h1.json", "{\"hostname\": \"h1\"}"); // Batfish host file outside aws_configs: not read
        var root = Path.Combine(_temp, "snap");
        var warnings = new List<SnapshotWarning>();
        foreach (var path in new[] { root, Path.Combine(root, "aws_configs"), Path.Combine(root, "aws_configs", "us-east-1") })
        {
            var m = SnapshotReader.Read(new[] { path }, warnings.Add);
            var s = m.Subnets["subnet-1"];
            Assert.Equal("us-east-1", s.Origin.Region);
            Assert.Null(s.OwnerId);
            Assert.Equal("111122223333", m.Vpcs["vpc-1"].Origin.OwnerId); // from the JSON
        }
        Assert.Equal("aws_configs/us-east-1/Subnets.json", SnapshotReader.Read(root).Subnets["subnet-1"].Origin.SourceFile);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Batfish_accounts_layout_sets_account_and_region()
    {
        Write("snap/aws_configs/accounts/111122223333/us-west-2/Vpcs.json", """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}""");
        Write("snap/aws_configs/accounts/111122223333/us-west-2/Subnets.json", Subnet);
        Write("snap/aws_configs/accounts/444455556666/eu-west-2/Vpcs.json", """{"Vpcs":[{"VpcId":"vpc-2","CidrBlock":"10.1.0.0/16","OwnerId":"444455556666"}]}""");
        var m = SnapshotReader.Read(Path.Combine(_temp, "snap"));
        var v = m.Vpcs["vpc-1"];
        Assert.Equal("111122223333", v.Origin.OwnerId);
        Assert.Equal("111122223333", v.OwnerId); // falls back to the folder account
        Assert.Equal("us-west-2", v.Origin.Region);
        Assert.Equal("aws_configs/accounts/111122223333/us-west-2/Vpcs.json", v.Origin.SourceFile);
        Assert.Equal("us-west-2", m.Subnets["subnet-1"].Origin.Region);
        Assert.Equal("eu-west-2", m.Vpcs["vpc-2"].Origin.Region);
        Assert.Equal("444455556666", m.Vpcs["vpc-2"].Origin.OwnerId);
    }

    [Fact]
    public void ReadInto_uses_given_account_and_region_when_folders_do_not_say()
    {
        var file = Write("Vpcs.json", """{"Vpcs":[{"VpcId":"vpc-1"}]}""");
        var b = new NetworkModelBuilder();
        SnapshotReader.ReadInto(b, file, "999988887777", "ap-southeast-1");
        var v = b.Build().Vpcs["vpc-1"];
        Assert.Equal("999988887777", v.Origin.OwnerId);
        Assert.Equal("ap-southeast-1", v.Origin.Region);
        Assert.Equal("Vpcs.json", v.Origin.SourceFile);
    }

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("eu-west-2", true)]
    [InlineData("ap-southeast-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("cn-northwest-1", true)]
    [InlineData("aws_configs", false)]
    [InlineData("us-east", false)]
    public void Region_folder_names(string name, bool isRegion)
    {
        var (_, region) = SnapshotReader.AccountAndRegionFromPath(Path.Combine("x", name, "y"));
        Assert.Equal(isRegion ? name : null, region);
    }

    [Fact]
    public void Two_folders_merge_into_one_estate()
    {
        Write("a/Vpcs.json", Vpc);
        Write("a/Subnets.json", Subnet);
        Write("b/Vpcs.json", """{"Vpcs":[{"VpcId":"vpc-2","CidrBlock":"10.1.0.0/16"},""" + Vpc[9..^2] + "]}"); // vpc-1 again, identical
        Write("b/NetworkInterfaces.json", """{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-1","VpcId":"vpc-1"}]}""");
        var m = SnapshotReader.Read(Path.Combine(_temp, "a"), Path.Combine(_temp, "b"));
        Assert.Equal(2, m.Vpcs.Count);
        Assert.Equal("subnet-1", m.NetworkInterfaces["eni-1"].SubnetId);
        Assert.Contains(Path.Combine(_temp, "a"), m.SourceDescription);
        Assert.Contains(Path.Combine(_temp, "b"), m.SourceDescription);
    }

    [Fact]
    public void Folder_without_recognised_json_is_Empty()
    {
        Write("snap/other.json", """{"LoadBalancers":[]}""");
        Write("snap/readme.txt", "hi");
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(Path.Combine(_temp, "snap")));
        Assert.Equal(SnapshotErrorIds.Empty, ex.ErrorId);
        Directory.CreateDirectory(Path.Combine(_temp, "void"));
        ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(Path.Combine(_temp, "void")));
        Assert.Equal(SnapshotErrorIds.Empty, ex.ErrorId);
    }

    [Fact]
    public void Warnings_reach_the_callback_and_the_model()
    {
        Write("Vpcs.json", """{"Vpcs":[],"Mystery":1}""");
        var seen = new List<SnapshotWarning>();
        var m = SnapshotReader.Read(new[] { _temp }, seen.Add);
        var w = Assert.Single(seen);
        Assert.Equal("Vpcs.json", w.File);
        Assert.Equal(w, Assert.Single(m.Warnings));
    }

    // ---- robustness ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("[1,2]")]
    [InlineData("{\"Vpcs\":[{\"VpcId\":null}]}")]
    [InlineData("{\"Vpcs\":[{\"VpcId\":[]}]}")]
    [InlineData("{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i\",\"State\":\"running\"}]}]}")]
    [InlineData("{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i\",\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"e\"}]}]}]}")]
    [InlineData("{\"TransitGatewayStaticRoutes\":[{\"Routes\":[]}]}")]
    [InlineData("{\"VpcPeeringConnections\":[{\"VpcPeeringConnectionId\":\"p\"}]}")]
    [InlineData("{\"NetworkAcls\":[{\"NetworkAclId\":\"a\",\"VpcId\":\"v\",\"Entries\":[{\"RuleNumber\":1e40}]}]}")]
    [InlineData("{\"Addresses\":[{\"AllocationId\":\"x\"}]}")]
    [InlineData("{\"Vpcs\":[{\"VpcId\":\"v\",\"CidrBlock\":\"\\ud800\"}]}")]
    public void Odd_inputs_give_only_SnapshotException_or_warnings(string json)
    {
        var ex = Record.Exception(() => Model(json));
        if (ex is not null) Assert.IsType<SnapshotException>(ex);
    }

    [Fact]
    public void Fuzzed_documents_never_throw_anything_but_SnapshotException()
    {
        var seed = Encoding.UTF8.GetBytes(Vpc[..^1] + "," + Subnet[1..^1] + "," + TgwDocs.Trim()[1..^1] + "," + Reservations.Trim()[1..]);
        var random = new Random(12345);
        for (int n = 0; n < 400; n++)
        {
            var bytes = (byte[])seed.Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(bytes.Length);
                bytes[at] = (byte)"{}[],:\"0x-/ ."[random.Next(13)];
            }
            var text = Encoding.UTF8.GetString(bytes);
            var ex = Record.Exception(() => Model(text));
            if (ex is not null && ex is not SnapshotException)
                Assert.Fail($"{ex.GetType().Name}: {ex.Message}\n{text}");
        }
    }

    // ---- bad snapshots shipped with the repo ---------------------------------------------------------------------

    // Every folder of tests/bad-snapshots is checked against its expected.json by Trust/BadSnapshotCorpusTests.

    [Fact]
    public void Bad_snapshot_malformed_json_names_the_place()
    {
        var root = RepoRoot();
        var folder = root is null ? null : Path.Combine(root, "tests", "bad-snapshots", "malformed-json", "snapshot");
        if (folder is null || !Directory.Exists(folder)) return;
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(folder));
        Assert.Equal(SnapshotErrorIds.MalformedJson, ex.ErrorId);
        Assert.Contains("SecurityGroups.json", ex.Message);
        Assert.Contains("SecurityGroups[1]", ex.Message);
    }

    [Fact]
    public void Bad_snapshot_missing_subnet_names_the_id()
    {
        var root = RepoRoot();
        var folder = root is null ? null : Path.Combine(root, "tests", "bad-snapshots", "missing-subnet", "snapshot");
        if (folder is null || !Directory.Exists(folder)) return;
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(folder));
        Assert.Equal(SnapshotErrorIds.DanglingReference, ex.ErrorId);
        Assert.Contains("subnet-0b00000000000dead", ex.Message);
    }

    private static string? RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }
}
