using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>VPC Block Public Access (R-BPA-1..6): the evaluator's decision table and the snapshot reader.</summary>
public class BlockPublicAccessTests
{
    private static readonly ResourceOrigin O = ResourceOrigin.Unknown;

    private static VpcBlockPublicAccessOptions Options(string mode, string? state = "update-complete", string? allowed = "allowed") =>
        new("111122223333", "us-east-1", mode, allowed, state, O);

    private static VpcBlockPublicAccessExclusion Exclusion(string mode, string? vpc = "vpc-1", string? subnet = null, string state = "create-complete", string id = "vpcbpa-exclude-1") =>
        new(id, mode, null, subnet is null ? vpc : null, subnet, state, O);

    private static BlockPublicAccessVerdict Verdict(string mode, bool inside, InternetPath path, params VpcBlockPublicAccessExclusion[] exclusions) =>
        BlockPublicAccessEvaluator.Evaluate(Options(mode), exclusions, inside, path, "vpc-1", "subnet-1").Verdict;

    [Theory]
    // mode, initiated inside, path, exclusion mode (or none), allowed
    [InlineData("off", false, InternetPath.Direct, null, true)]
    [InlineData("block-bidirectional", true, InternetPath.Direct, null, false)]
    [InlineData("block-bidirectional", true, InternetPath.NatGateway, null, false)]
    [InlineData("block-bidirectional", true, InternetPath.EgressOnly, null, false)]
    [InlineData("block-bidirectional", true, InternetPath.Direct, "allow-egress", true)]
    [InlineData("block-bidirectional", true, InternetPath.NatGateway, "allow-egress", true)]
    [InlineData("block-bidirectional", false, InternetPath.Direct, "allow-egress", false)]
    [InlineData("block-bidirectional", false, InternetPath.Direct, "allow-bidirectional", true)]
    [InlineData("block-ingress", true, InternetPath.NatGateway, null, true)]
    [InlineData("block-ingress", true, InternetPath.EgressOnly, null, true)]
    [InlineData("block-ingress", true, InternetPath.Direct, null, false)]
    [InlineData("block-ingress", true, InternetPath.Direct, "allow-egress", false)]
    [InlineData("block-ingress", false, InternetPath.Direct, null, false)]
    [InlineData("block-ingress", false, InternetPath.Direct, "allow-bidirectional", true)]
    public void Decision_table(string mode, bool inside, InternetPath path, string? exclusion, bool allowed)
    {
        var exclusions = exclusion is null ? Array.Empty<VpcBlockPublicAccessExclusion>() : new[] { Exclusion(exclusion, subnet: "subnet-1") };
        Assert.Equal(allowed ? BlockPublicAccessVerdict.Allowed : BlockPublicAccessVerdict.Blocked, Verdict(mode, inside, path, exclusions));
    }

    [Fact]
    public void Blocked_decision_names_the_exclusion_that_applies_and_the_one_that_would_allow()
    {
        var d = BlockPublicAccessEvaluator.Evaluate(Options("block-bidirectional"), new[] { Exclusion("allow-egress", subnet: "subnet-1") }, false, InternetPath.Direct, "vpc-1", "subnet-1");
        Assert.Equal(BlockPublicAccessVerdict.Blocked, d.Verdict);
        Assert.Equal("vpcbpa-exclude-1", d.Exclusion?.ExclusionId);
        Assert.Contains("allow-bidirectional on subnet subnet-1 or VPC vpc-1", d.WouldAllow, StringComparison.Ordinal);

        var egress = BlockPublicAccessEvaluator.Evaluate(Options("block-bidirectional"), Array.Empty<VpcBlockPublicAccessExclusion>(), true, InternetPath.Direct, "vpc-1", "subnet-1");
        Assert.Contains("allow-egress (or allow-bidirectional)", egress.WouldAllow, StringComparison.Ordinal);
    }

    [Fact]
    public void Exclusions_count_only_when_complete_and_allowed()
    {
        Assert.Equal(BlockPublicAccessVerdict.Blocked, Verdict("block-bidirectional", false, InternetPath.Direct, Exclusion("allow-bidirectional", state: "delete-complete")));
        Assert.Equal(BlockPublicAccessVerdict.Unknown, Verdict("block-bidirectional", false, InternetPath.Direct, Exclusion("allow-bidirectional", state: "create-in-progress")));
        var notAllowed = BlockPublicAccessEvaluator.Evaluate(Options("block-bidirectional", allowed: "not-allowed"), new[] { Exclusion("allow-bidirectional") }, false, InternetPath.Direct, "vpc-1", null);
        Assert.Equal(BlockPublicAccessVerdict.Blocked, notAllowed.Verdict);
        Assert.Contains("not-allowed", notAllowed.WouldAllow, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mode_change_in_progress_is_unknown_unless_every_mode_agrees()
    {
        var changing = Options("block-ingress", state: "update-in-progress");
        Assert.Equal(BlockPublicAccessVerdict.Unknown,
            BlockPublicAccessEvaluator.Evaluate(changing, Array.Empty<VpcBlockPublicAccessExclusion>(), true, InternetPath.NatGateway, "vpc-1", null).Verdict);
        Assert.Equal(BlockPublicAccessVerdict.Allowed,
            BlockPublicAccessEvaluator.Evaluate(changing, new[] { Exclusion("allow-bidirectional") }, false, InternetPath.Direct, "vpc-1", null).Verdict);
    }

    [Fact]
    public void Vpc_and_subnet_exclusions_that_disagree_are_ambiguous_and_settings_missing_are_off()
    {
        var both = new[] { Exclusion("allow-bidirectional", id: "vpc-level"), Exclusion("allow-egress", subnet: "subnet-1", id: "subnet-level") };
        Assert.Equal(BlockPublicAccessVerdict.Ambiguous, Verdict("block-bidirectional", false, InternetPath.Direct, both));
        Assert.Equal(BlockPublicAccessVerdict.Allowed, Verdict("block-bidirectional", true, InternetPath.Direct, both));

        var missing = BlockPublicAccessEvaluator.Evaluate(null, Array.Empty<VpcBlockPublicAccessExclusion>(), false, InternetPath.Direct, "vpc-1", null);
        Assert.Equal(BlockPublicAccessVerdict.Allowed, missing.Verdict);
        Assert.True(missing.SettingsMissing);
    }

    [Fact]
    public void Reader_takes_the_options_object_and_exclusions_by_arn()
    {
        var b = new NetworkModelBuilder();
        SnapshotReader.ReadJson(b, """{"VpcBlockPublicAccessOptions":{"AwsAccountId":"111122223333","AwsRegion":"us-east-1","State":"update-complete","InternetGatewayBlockMode":"block-ingress","ExclusionsAllowed":"allowed"}}""", "bpa.json", null, null);
        SnapshotReader.ReadJson(b, """
            {"VpcBlockPublicAccessExclusions":[
              {"ExclusionId":"vpcbpa-exclude-1","InternetGatewayExclusionMode":"allow-egress","ResourceArn":"arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1","State":"create-complete"},
              {"ExclusionId":"vpcbpa-exclude-2","InternetGatewayExclusionMode":"allow-bidirectional","ResourceArn":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1","State":"update-complete"}]}
            """, "ex.json", null, null);
        var model = b.Build();
        Assert.Equal("block-ingress", model.BlockPublicAccessFor("111122223333", "us-east-1")?.InternetGatewayBlockMode);
        Assert.Null(model.BlockPublicAccessFor("111122223333", "eu-west-1"));
        Assert.Equal("subnet-1", model.VpcBlockPublicAccessExclusions["vpcbpa-exclude-1"].SubnetId);
        Assert.Equal("vpc-1", model.VpcBlockPublicAccessExclusions["vpcbpa-exclude-2"].VpcId);
        Assert.Equal(new[] { "vpcbpa-exclude-1", "vpcbpa-exclude-2" }, model.BlockPublicAccessExclusionsFor("vpc-1", "subnet-1").Select(e => e.ExclusionId));

        var bad = Assert.IsType<SnapshotException>(Record.Exception(() => SnapshotReader.ReadJson(new NetworkModelBuilder(),
            """{"VpcBlockPublicAccessExclusions":[{"ExclusionId":"x","InternetGatewayExclusionMode":"allow-egress","ResourceArn":"arn:aws:ec2:us-east-1:1:instance/i-1"}]}""", "bad.json", null, null)));
        Assert.Equal("$.VpcBlockPublicAccessExclusions[0].ResourceArn", bad.JsonPath);
        var mode = Assert.IsType<SnapshotException>(Record.Exception(() => SnapshotReader.ReadJson(new NetworkModelBuilder(),
            """{"VpcBlockPublicAccessOptions":{"InternetGatewayBlockMode":"block-everything"}}""", "bad.json", null, null)));
        Assert.Equal(SnapshotErrorIds.InvalidValue, mode.ErrorId);
    }

    [Fact]
    public void A_blocked_walk_names_the_exclusion_that_applies_and_the_one_that_would_allow()
    {
        var folder = ScenarioTests.ScenarioFolders().Single(f => Path.GetFileName(f) == "vpc-bpa-bidirectional");
        var walker = new PacketWalker(ScenarioTests.ModelFor(folder));
        var inbound = walker.Walk(new WalkRequest { Source = "203.0.113.9", Destination = "3.85.0.20", Protocol = 6, Port = 443 });
        Assert.Equal("VPC_BLOCK_PUBLIC_ACCESS_ENABLED", inbound.Reason);
        Assert.Contains("vpcbpa-exclude-0a1000000000000a6 (allow-egress on subnet-0f200000000000a15", inbound.Explanation, StringComparison.Ordinal);
        Assert.Contains("An exclusion with allow-bidirectional on subnet subnet-0f200000000000a15 or VPC vpc-0f2000000000000a1 would allow it", inbound.Explanation, StringComparison.Ordinal);
        Assert.Contains("block-bidirectional", inbound.Rule, StringComparison.Ordinal);

        var nat = walker.Walk(new WalkRequest { Source = "i-0f200000000000a01", Destination = "8.8.8.8", Protocol = 6, Port = 443 });
        Assert.Contains("allow-egress (or allow-bidirectional) on subnet subnet-0f200000000000a10", nat.Explanation, StringComparison.Ordinal);
        // The decision comes before the NAT subnet's network ACL: no NACL hop follows the NAT gateway on the way out.
        var natHop = nat.Hops.ToList().FindIndex(h => h.Step == HopStep.NatGateway);
        Assert.DoesNotContain(nat.Hops.Skip(natHop + 1), h => h.Step == HopStep.NaclOutbound);
    }
}
