using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>Regional NAT gateways (R-NAT-4/5): reading them and choosing the address for a source AZ.</summary>
public class RegionalNatTests
{
    private static readonly ResourceOrigin O = ResourceOrigin.Unknown;

    private static Subnet SubnetIn(string az, string azId) => new($"subnet-{az}", "vpc-1", az, azId, Cidr.Parse("10.0.1.0/24"), Array.Empty<Cidr>(), null, O);

    private static NatGatewayAddress Address(string az, string azId, string publicIp, bool primary = false, string? status = "succeeded") =>
        new(null, null, IpAddress.Parse(publicIp), $"eipalloc-{az}", primary, az) { AvailabilityZoneId = azId, Status = status };

    private static NatGateway Regional(string? autoProvision, params NatGatewayAddress[] addresses) =>
        new("nat-r", null, "vpc-1", "available", "public", "regional", addresses, O) { AutoProvisionZones = autoProvision, RouteTableId = "rtb-nat" };

    [Fact]
    public void The_source_AZ_picks_the_address()
    {
        var nat = Regional("enabled", Address("us-east-1a", "use1-az1", "198.51.100.1", primary: true), Address("us-east-1b", "use1-az2", "198.51.100.2"),
            Address("us-east-1b", "use1-az2", "198.51.100.3", primary: true));
        Assert.Equal("198.51.100.1", RegionalNatSelector.ForSource(nat, SubnetIn("us-east-1a", "use1-az1")).Address?.PublicIp?.ToString());
        var b = RegionalNatSelector.ForSource(nat, SubnetIn("us-east-1b", "use1-az2"));
        Assert.Equal("198.51.100.3", b.Address?.PublicIp?.ToString());
        Assert.Equal(2, b.Candidates.Count);
        // AZ ids decide when both sides have them: names differ between accounts.
        Assert.Equal("198.51.100.2", RegionalNatSelector.ForSource(Regional("enabled", Address("us-east-1b", "use1-az2", "198.51.100.2")), SubnetIn("us-east-1c", "use1-az2")).Address?.PublicIp?.ToString());
    }

    [Fact]
    public void An_uncovered_AZ_is_blocked_in_manual_mode_and_unknown_in_automatic_mode()
    {
        var manual = RegionalNatSelector.ForSource(Regional("disabled", Address("us-east-1a", "use1-az1", "198.51.100.1")), SubnetIn("us-east-1b", "use1-az2"));
        Assert.False(manual.Found);
        Assert.True(manual.Blocked);
        Assert.Contains("manual mode", manual.Problem, StringComparison.Ordinal);

        var automatic = RegionalNatSelector.ForSource(Regional("enabled", Address("us-east-1a", "use1-az1", "198.51.100.1")), SubnetIn("us-east-1b", "use1-az2"));
        Assert.False(automatic.Found);
        Assert.False(automatic.Blocked);

        // An address still being assigned does not serve yet.
        var assigning = RegionalNatSelector.ForSource(Regional("disabled", Address("us-east-1b", "use1-az2", "198.51.100.2", status: "assigning")), SubnetIn("us-east-1b", "use1-az2"));
        Assert.False(assigning.Found);
        Assert.Contains("assigning", assigning.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_keeps_regional_fields()
    {
        var b = new NetworkModelBuilder();
        SnapshotReader.ReadJson(b, """
            {"NatGateways":[{"NatGatewayId":"nat-r","VpcId":"vpc-1","State":"available","ConnectivityType":"public","AvailabilityMode":"regional",
              "AutoProvisionZones":"enabled","RouteTableId":"rtb-nat","NatGatewayAddresses":[
                {"AllocationId":"eipalloc-1","PublicIp":"198.51.100.1","AvailabilityZone":"us-east-1a","AvailabilityZoneId":"use1-az1","Status":"succeeded","IsPrimary":true}]}]}
            """, "nat.json", null, null);
        var nat = b.Build().NatGateways["nat-r"];
        Assert.True(nat.IsRegional);
        Assert.True(nat.ExpandsAutomatically);
        Assert.Equal("rtb-nat", nat.RouteTableId);
        Assert.Null(nat.SubnetId);
        Assert.Equal("use1-az1", nat.Addresses[0].AvailabilityZoneId);
        Assert.True(nat.Addresses[0].IsUsable);
    }

    /// <summary>The regional-nat-gateway scenario with Block Public Access settings added: a regional NAT gateway has no subnet, so only a VPC exclusion can exempt it.</summary>
    private static PacketPathResult WalkUnderBlockPublicAccess(string mode, string? vpcExclusion)
    {
        var folder = ScenarioTests.ScenarioFolders().Single(f => Path.GetFileName(f) == "regional-nat-gateway");
        var b = new NetworkModelBuilder();
        foreach (var file in Directory.GetFiles(Path.Combine(folder, "snapshot"), "*.json").Where(f => !f.EndsWith("bpa-options.json", StringComparison.Ordinal)))
            SnapshotReader.ReadInto(b, file);
        SnapshotReader.ReadJson(b, $$$"""{"VpcBlockPublicAccessOptions":{"AwsAccountId":"111122223333","AwsRegion":"us-east-1","InternetGatewayBlockMode":"{{{mode}}}","State":"update-complete"}}""", "bpa.json", null, null);
        if (vpcExclusion is not null)
            SnapshotReader.ReadJson(b, $$$"""{"VpcBlockPublicAccessExclusions":[{"ExclusionId":"vpcbpa-exclude-r","InternetGatewayExclusionMode":"{{{vpcExclusion}}}","ResourceArn":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0f2000000000000a1","State":"create-complete"}]}""", "ex.json", null, null);
        return new PacketWalker(b.Build()).Walk(new WalkRequest { Source = "i-0f200000000000c41", Destination = "8.8.8.8", Protocol = IpProtocol.Tcp, Port = 443 });
    }

    [Fact]
    public void Block_Public_Access_applies_to_regional_NAT_traffic_by_the_VPC_exclusion_only()
    {
        Assert.Equal(PathVerdict.Reachable, WalkUnderBlockPublicAccess("block-ingress", null).Verdict);
        var blocked = WalkUnderBlockPublicAccess("block-bidirectional", null);
        Assert.Equal((PathVerdict.Blocked, "igw-0f2000000000000a1", "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"), (blocked.Verdict, blocked.BlockedAt, blocked.Reason));
        Assert.DoesNotContain("subnet", blocked.Explanation!.Split("would allow")[0].Split("An exclusion with")[1], StringComparison.Ordinal);
        Assert.Equal(PathVerdict.Reachable, WalkUnderBlockPublicAccess("block-bidirectional", "allow-egress").Verdict);
    }
}
