using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>
/// Live reading of TGW policy tables, VPC Block Public Access and regional NAT gateways through the tests' own EC2 endpoint
/// (moto does not implement these calls): what is read, only when it can matter, and a refused read is Unknown, never Reachable.
/// </summary>
public class NewestLiveTests
{
    private static string Snapshot(string scenario) => Scenarios().First(s => s.Name == scenario).Snapshot;

    private const string HostA = "i-0a00000000000000a", HostB = "i-0b00000000000000b";

    [Fact]
    public void Policy_tables_are_read_when_an_attachment_has_no_route_table_association()
    {
        using var stub = StartStub(Snapshot("tgw-policy-routing"));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        foreach (var action in new[] { "DescribeTransitGatewayPolicyTables", "GetTransitGatewayPolicyTableEntries", "GetTransitGatewayPolicyTableAssociations" })
            Assert.Contains(action, stub.Actions);
        var live = estate.BuildModel("live");
        Assert.Equal(2, live.TransitGatewayPolicyTables.Count);
        // Rule 700 is deleted: its state comes through the endpoint, so rule 710 decides tcp/7000.
        Assert.Contains(live.TransitGatewayPolicyTableEntries["tgw-ptb-0a0a0a0a0a0a0a0a1"], e => e.PolicyRuleNumber == 700 && !e.IsActive);
        // The quarantine table is read although no attachment is associated with it: policy rules name it.
        Assert.Contains("tgw-rtb-0a1b2c3d4e5f60002", (IReadOnlySet<string>)live.TransitGatewayRouteTablesWithRoutesListed);
        var ssh = Walk(live, Tcp(HostA, HostB, 22));
        Assert.Equal((PathVerdict.Blocked, "tgw-rtb-0a1b2c3d4e5f60002"), (ssh.Verdict, ssh.BlockedAt));
    }

    [Fact]
    public void The_seed_reads_no_policy_table_and_no_Block_Public_Access()
    {
        using var stub = StartStub(Seed);
        ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.DoesNotContain(stub.Actions, a => a.Contains("PolicyTable", StringComparison.Ordinal) || a.Contains("BlockPublicAccess", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DescribeTransitGatewayPolicyTables", "ec2:DescribeTransitGatewayPolicyTables")]
    [InlineData("GetTransitGatewayPolicyTableEntries", "ec2:GetTransitGatewayPolicyTableEntries")]
    public void A_refused_policy_table_read_makes_the_walk_unknown(string action, string iamAction)
    {
        using var stub = StartStub(Snapshot("tgw-policy-routing"));
        stub.Hooks.Add(StubFaults.Unauthorized(action));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Contains(estate.Unreadable, u => u.Action == iamAction);
        var result = Walk(estate.BuildModel("live"), Tcp(HostA, HostB, 443));
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal("UNKNOWN_RESOURCE", result.Reason);
        Assert.Contains(iamAction, result.Explanation);
    }

    [Fact]
    public void Block_Public_Access_is_read_with_the_internet_gateway_and_decides_live()
    {
        using var stub = StartStub(Snapshot("vpc-bpa-bidirectional"));
        var estate = ReadForWalk(Session(stub.Url), "i-0f200000000000a01", "8.8.8.8");
        Assert.Contains("DescribeVpcBlockPublicAccessOptions", stub.Actions);
        Assert.Contains("DescribeVpcBlockPublicAccessExclusions", stub.Actions);
        var live = estate.BuildModel("live");
        Assert.Equal("block-bidirectional", live.BlockPublicAccessFor("111122223333", "us-east-1")?.InternetGatewayBlockMode);
        var result = Walk(live, Tcp("i-0f200000000000a01", "8.8.8.8", 443));
        Assert.Equal((PathVerdict.Blocked, "igw-0f2000000000000a1", "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"), (result.Verdict, result.BlockedAt, result.Reason));
    }

    [Fact]
    public void An_account_that_never_set_Block_Public_Access_is_read_as_off()
    {
        using var stub = StartStub(Snapshot("internet-gateway"));
        var estate = ReadForWalk(Session(stub.Url), "i-0e100000000000a01", "8.8.8.8");
        Assert.Contains("DescribeVpcBlockPublicAccessOptions", stub.Actions);
        var live = estate.BuildModel("live");
        Assert.Equal("off", live.BlockPublicAccessFor(null, null)?.InternetGatewayBlockMode);
        Assert.Equal(PathVerdict.Reachable, Walk(live, Tcp("i-0e100000000000a01", "8.8.8.8", 443)).Verdict);
    }

    [Fact]
    public void A_refused_Block_Public_Access_read_makes_an_internet_crossing_unknown()
    {
        using var stub = StartStub(Snapshot("internet-gateway"));
        stub.Hooks.Add(StubFaults.Unauthorized("DescribeVpcBlockPublicAccessOptions"));
        var estate = ReadForWalk(Session(stub.Url), "i-0e100000000000a01", "8.8.8.8");
        var result = Walk(estate.BuildModel("live"), Tcp("i-0e100000000000a01", "8.8.8.8", 443));
        Assert.Equal((PathVerdict.Unknown, "igw-0e1000000000000a1", "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"), (result.Verdict, result.BlockedAt, result.Reason));
        Assert.Contains("ec2:DescribeVpcBlockPublicAccessOptions", result.Explanation);
    }

    [Fact]
    public void A_regional_NAT_gateway_is_read_with_its_per_AZ_addresses()
    {
        using var stub = StartStub(Snapshot("regional-nat-gateway"));
        var live = ReadForWalk(Session(stub.Url), "i-0f200000000000c42", "8.8.8.8").BuildModel("live");
        var nat = live.NatGateways["nat-0f2000000000000c1"];
        Assert.True(nat.IsRegional);
        Assert.Equal("rtb-0f200000000000c00", nat.RouteTableId);
        Assert.Equal("disabled", nat.AutoProvisionZones);
        Assert.Contains(nat.Addresses, a => a.AvailabilityZoneId == "use1-az2" && a.Status == "succeeded");
        var result = Walk(live, Tcp("i-0f200000000000c42", "8.8.8.8", 443));
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
        Assert.Contains(result.Hops, h => h.Step == HopStep.NatGateway && h.SourceAddress == "3.86.0.2");
    }
}
