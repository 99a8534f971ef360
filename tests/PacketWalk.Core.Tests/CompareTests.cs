using System.Text.Json;
using PacketWalk.Core.Analysis;
using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// Compare-PacketWalkSnapshot's engine: the flows whose verdict changed, with the hop that changed them. Pruning (walking
/// a flow twice only when it consulted something that changed) must never hide a change: an oracle walks every flow on both.
/// </summary>
public class CompareTests
{
    private static string ChangeReview => ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "change-review");
    private static readonly IReadOnlyList<int?> Ports = new int?[] { 22, 443 };

    [Fact]
    public void Change_review_lists_exactly_the_flows_the_change_breaks()
    {
        var reference = ScenarioTests.ModelFor(ChangeReview);
        var difference = SnapshotReader.Read(Path.Combine(ChangeReview, "difference"));
        var flows = SnapshotComparer.Flows(reference, difference, IpProtocol.Tcp, Ports);
        Assert.Equal(4 * 3 * 2, flows.Count);
        var result = SnapshotComparer.Compare(reference, difference, flows);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ChangeReview, "changes.json")));
        var want = doc.RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("source").GetString()} {c.GetProperty("destination").GetString()} {c.GetProperty("port").GetInt32()} {c.GetProperty("change").GetString()} {c.GetProperty("changedAt").GetString()} {c.GetProperty("changedStep").GetString()} {c.GetProperty("differenceRule").GetString()}")
            .ToList();
        var got = result.Changes.Select(c => $"{c.Source} {c.Destination} {c.Port} {c.Change} {c.ChangedAt} {c.ChangedStep} {c.DifferenceRule}").ToList();
        Assert.Equal(want, got);
        Assert.Equal(new[] { "NetworkAcls acl-0a00000000000a801", "SecurityGroups sg-0b00000000000b801" }, result.Scope.ChangedResources);
        Assert.False(result.Scope.Everything);

        var first = result.Changes[0];
        Assert.Equal("sg-0b00000000000b801 inbound all from 0.0.0.0/0", first.ReferenceRule);
        Assert.Equal(PathVerdict.Reachable, first.ReferenceVerdict);
        Assert.Equal(PathVerdict.Blocked, first.DifferenceVerdict);
        Assert.Equal("eni-0092f8e2d29917a4c", first.DifferenceBlockedAt);
        AssertMatchesOracle(reference, difference, flows, result);
    }

    [Fact]
    public void The_same_estate_read_from_two_folders_has_no_changes_and_walks_each_flow_once()
    {
        var copy = Directory.CreateTempSubdirectory("packetwalk-compare-");
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(ChangeReview, "snapshot"))) File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));
            var reference = ScenarioTests.ModelFor(ChangeReview);
            var again = SnapshotReader.Read(copy.FullName);
            var flows = SnapshotComparer.Flows(reference, again, IpProtocol.Tcp, Ports);
            var result = SnapshotComparer.Compare(reference, again, flows);
            Assert.Empty(result.Scope.ChangedResources);
            Assert.Empty(result.Changes);
            Assert.Equal(0, result.FlowsWalkedTwice);
        }
        finally { copy.Delete(recursive: true); }
    }

    [Fact]
    public void Only_flows_that_consult_a_changed_resource_are_walked_twice()
    {
        var reference = ScenarioTests.ModelFor(ChangeReview);
        // A rule in VPC-A's default group, which no instance carries: no flow consults it.
        var unused = new SecurityGroupRule("sg-0a00000000000a000", RuleDirection.Inbound, IpProtocol.Tcp, 8080, 8080, Cidr.Parse("10.9.9.9/32"), null, null, null, null);
        var difference = reference.With(new[] { new AddSecurityGroupRule(unused) });
        var flows = SnapshotComparer.Flows(reference, difference, IpProtocol.Tcp, Ports);
        var result = SnapshotComparer.Compare(reference, difference, flows);
        Assert.Equal(new[] { "SecurityGroups sg-0a00000000000a000" }, result.Scope.ChangedResources);
        Assert.Equal(0, result.FlowsWalkedTwice);
        Assert.Empty(result.Changes);

        // A rule on HOST-A-SG is consulted by flows into and out of HOST-A and HOST-A2 only.
        var used = unused with { GroupId = "sg-0a00000000000a801", FromPort = 443, ToPort = 443, Cidr = Cidr.Parse("10.1.8.131/32") };
        var opened = reference.With(new[] { new AddSecurityGroupRule(used) });
        var result2 = SnapshotComparer.Compare(reference, opened, flows);
        Assert.InRange(result2.FlowsWalkedTwice, 1, flows.Count - 1);
        // HOST-A and HOST-A2 both carry HOST-A-SG, so HOST-B reaches both on 443 now.
        Assert.Equal(new[] { "i-0b00000000000000b i-0a00000000000000a 443 NowReachable eni-084d826e4b1e0e190", "i-0b00000000000000b i-0a000000000000a42 443 NowReachable eni-0a000000000000a42" },
            result2.Changes.Select(c => $"{c.Source} {c.Destination} {c.Port} {c.Change} {c.ChangedAt}"));
        Assert.All(result2.Changes, c => Assert.Equal(HopStep.SecurityGroupIngress, c.ChangedStep));
        AssertMatchesOracle(reference, opened, flows, result2);
    }

    [Fact]
    public void A_change_to_a_kind_without_a_mapping_walks_every_flow_twice()
    {
        var reference = ScenarioTests.ModelFor(ChangeReview);
        var builder = reference.ToBuilder();
        var i = builder.Vpcs.FindIndex(v => v.VpcId == "vpc-0b000000000000001");
        builder.Vpcs[i] = builder.Vpcs[i] with { CidrBlocks = builder.Vpcs[i].CidrBlocks.Append(Cidr.Parse("100.64.0.0/16")).ToList() };
        var difference = builder.Build();
        var flows = SnapshotComparer.Flows(reference, difference, IpProtocol.Tcp, Ports);
        var result = SnapshotComparer.Compare(reference, difference, flows);
        Assert.True(result.Scope.Everything);
        Assert.Equal(flows.Count, result.FlowsWalkedTwice);
    }

    [Theory]
    [InlineData("tgw-0123456789abcdef0")]
    [InlineData("tgw-0e0e0e0e0e0e0e0e0")]
    public void A_change_to_either_side_of_a_TGW_peering_attachment_is_seen(string side)
    {
        // Regression: the id-keyed attachment map keeps one side of a peering attachment, so a change to the other side's
        // association went unnoticed and the flows over it were not walked again.
        var (folder, _) = BlockerTests.Load("tgw-peering", BlockerTests.ScenarioCaseStartingWith("tgw-peering", "HOST-A -> HOST-C"));
        var reference = ScenarioTests.ModelFor(folder);
        var builder = reference.ToBuilder();
        var i = builder.TransitGatewayAttachments.FindIndex(a => a.TransitGatewayId == side && a.TransitGatewayAttachmentId == "tgw-attach-0fe0fe0fe0fe0fe01");
        builder.TransitGatewayAttachments[i] = builder.TransitGatewayAttachments[i] with { AssociatedRouteTableId = null, AssociationState = null };
        var difference = builder.Build();
        var flows = new[] { new FlowSpec("i-0a00000000000000a", "i-0c00000000000000c", IpProtocol.Tcp, 443) };
        var result = SnapshotComparer.Compare(reference, difference, flows);
        Assert.Contains("TransitGatewayAttachments tgw-attach-0fe0fe0fe0fe0fe01", result.Scope.ChangedResources);
        var change = Assert.Single(result.Changes);
        Assert.Equal(FlowChangeKind.NowBlocked, change.Change);
        Assert.Equal("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", change.DifferenceReason);
        AssertMatchesOracle(reference, difference, flows, result);
    }

    [Fact]
    public void A_flow_whose_endpoint_is_gone_is_reported_not_thrown()
    {
        var reference = ScenarioTests.ModelFor(ChangeReview);
        var builder = reference.ToBuilder();
        builder.Instances.RemoveAll(x => x.InstanceId == "i-0b000000000000b42");
        builder.NetworkInterfaces.RemoveAll(x => x.NetworkInterfaceId == "eni-0b000000000000b42");
        var difference = builder.Build();
        // By default only instances in both snapshots are paired.
        Assert.DoesNotContain(SnapshotComparer.Flows(reference, difference, IpProtocol.Tcp, Ports), f => f.Destination == "i-0b000000000000b42");
        var flows = new[] { new FlowSpec("i-0a00000000000000a", "i-0b000000000000b42", IpProtocol.Tcp, 443) };
        var change = Assert.Single(SnapshotComparer.Compare(reference, difference, flows).Changes);
        Assert.Equal(FlowChangeKind.EndpointMissing, change.Change);
        Assert.Equal(PathVerdict.Reachable, change.ReferenceVerdict);
        Assert.Null(change.DifferenceVerdict);
        Assert.Contains("i-0b000000000000b42", change.DifferenceError);
    }

    /// <summary>Pruning is sound for every kind of edit the fixes make: compared with walking every flow on both models.</summary>
    [Theory]
    [MemberData(nameof(FixTests.Cases), MemberType = typeof(FixTests))]
    public void Comparing_a_scenario_with_its_fixed_model_finds_every_changed_flow(string scenario, string caseName)
    {
        var (folder, c) = BlockerTests.Load(scenario, caseName);
        var request = BlockerTests.RequestFor(c);
        var model = ScenarioTests.ModelFor(folder);
        var plan = PathFixPlanner.Plan(model, request);
        if (!plan.Edits.Any()) return;
        var flows = SnapshotComparer.Flows(model, plan.FixedModel, request.Protocol, new[] { request.Port }, icmpType: request.IcmpType, icmpCode: request.IcmpCode);
        var result = SnapshotComparer.Compare(model, plan.FixedModel, flows);
        AssertMatchesOracle(model, plan.FixedModel, flows, result);
        if (plan.After.Reachable && flows.Any(f => f.Source == request.Source && f.Destination == request.Destination))
            Assert.Contains(result.Changes, ch => ch.Source == request.Source && ch.Destination == request.Destination && ch.DifferenceVerdict == PathVerdict.Reachable);
    }

    private static void AssertMatchesOracle(NetworkModel reference, NetworkModel difference, IReadOnlyList<FlowSpec> flows, SnapshotComparison result)
    {
        var a = new PacketWalker(reference);
        var b = new PacketWalker(difference);
        var oracle = flows.Where(f =>
        {
            var x = a.Walk(f.ToRequest());
            var y = b.Walk(f.ToRequest());
            return x.Verdict != y.Verdict || x.BlockedAt != y.BlockedAt || x.Reason != y.Reason;
        }).Select(f => $"{f.Source} {f.Destination} {f.Port}").ToList();
        Assert.Equal(oracle, result.Changes.Select(c => $"{c.Source} {c.Destination} {c.Port}").ToList());
    }
}
