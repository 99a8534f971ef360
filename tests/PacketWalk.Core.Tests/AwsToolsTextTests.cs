using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Tests;

/// <summary>The AWS.Tools command text: parameter names as the cmdlets take them, values PowerShell converts to SDK v4 types.</summary>
public class AwsToolsTextTests
{
    [Fact]
    public void IpPermission_is_a_hashtable_with_the_SDK_v4_member_names()
    {
        var byAddress = new SecurityGroupRule("sg-1", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.Parse("10.0.9.132/32"), null, null, null, "it's mine");
        Assert.Equal("@{ IpProtocol = 'tcp'; FromPort = 443; ToPort = 443; Ipv4Ranges = @(@{ CidrIp = '10.0.9.132/32'; Description = 'it''s mine' }) }",
            AwsToolsText.IpPermission(byAddress));
        var v6 = byAddress with { Cidr = Cidr.Parse("2600:1f18::10/128"), Description = null };
        Assert.Equal("@{ IpProtocol = 'tcp'; FromPort = 443; ToPort = 443; Ipv6Ranges = @(@{ CidrIpv6 = '2600:1f18::10/128' }) }", AwsToolsText.IpPermission(v6));
        var byGroup = new SecurityGroupRule("sg-1", RuleDirection.Inbound, 50, null, null, null, null, "sg-2", "444455556666", null);
        Assert.Equal("@{ IpProtocol = '50'; UserIdGroupPairs = @(@{ GroupId = 'sg-2'; UserId = '444455556666' }) }", AwsToolsText.IpPermission(byGroup));
        var icmp = new SecurityGroupRule("sg-1", RuleDirection.Inbound, IpProtocol.Icmp, 8, 0, Cidr.Parse("10.0.0.1/32"), null, null, null, null);
        Assert.StartsWith("@{ IpProtocol = 'icmp'; FromPort = 8; ToPort = 0;", AwsToolsText.IpPermission(icmp));
    }

    [Fact]
    public void NetworkAclEntry_uses_the_flattened_parameter_names()
    {
        var tcp = new NetworkAclEntry(140, false, IpProtocol.Tcp, true, Cidr.Parse("10.1.5.10/32"), new PortRange(22, 22), null, null);
        Assert.Equal("New-EC2NetworkAclEntry -NetworkAclId acl-1 -RuleNumber 140 -Egress $false -Protocol 6 -RuleAction allow -CidrBlock 10.1.5.10/32 -PortRange_From 22 -PortRange_To 22 -Region us-east-1",
            AwsToolsText.NetworkAclEntry("acl-1", tcp, "us-east-1"));
        var icmp = new NetworkAclEntry(90, true, IpProtocol.Icmp, true, Cidr.Parse("10.0.0.1/32"), null, 0, 0);
        Assert.Equal("New-EC2NetworkAclEntry -NetworkAclId acl-1 -RuleNumber 90 -Egress $true -Protocol 1 -RuleAction allow -CidrBlock 10.0.0.1/32 -IcmpTypeCode_Type 0 -IcmpTypeCode_Code 0",
            AwsToolsText.NetworkAclEntry("acl-1", icmp, null));
        var v6 = new NetworkAclEntry(90, true, 47, true, Cidr.Parse("2600:1f18::10/128"), null, null, null);
        Assert.Contains(" -Ipv6CidrBlock 2600:1f18::10/128", AwsToolsText.NetworkAclEntry("acl-1", v6, null));
    }

    [Fact]
    public void Routes_name_their_target_by_kind()
    {
        var peering = new Route(Cidr.Parse("10.2.0.0/16"), null, RouteTargetType.VpcPeering, "pcx-1", "active", "CreateRoute");
        Assert.Equal("New-EC2Route -RouteTableId rtb-1 -DestinationCidrBlock 10.2.0.0/16 -VpcPeeringConnectionId pcx-1", AwsToolsText.Route("New-EC2Route", "rtb-1", peering, null));
        var list = new Route(null, "pl-1", RouteTargetType.TransitGateway, "tgw-1", "active", "CreateRoute");
        Assert.Equal("Set-EC2Route -RouteTableId rtb-1 -DestinationPrefixListId pl-1 -TransitGatewayId tgw-1", AwsToolsText.Route("Set-EC2Route", "rtb-1", list, null));
        var tgw = new TransitGatewayRoute("tgw-rtb-1", Cidr.Parse("10.1.0.0/16"), null, TgwRouteType.Static, "active", new[] { new TransitGatewayRouteTarget("tgw-attach-1", null, "vpc") });
        Assert.Equal("New-EC2TransitGatewayRoute -TransitGatewayRouteTableId tgw-rtb-1 -DestinationCidrBlock 10.1.0.0/16 -TransitGatewayAttachmentId tgw-attach-1",
            AwsToolsText.TransitGatewayRoute("New-EC2TransitGatewayRoute", tgw, null));
    }
}
