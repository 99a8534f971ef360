using System.Text.Json;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// Every blocker on the way (WalkRequest.AllBlockers): for every scenario case the first blocker is the verdict's, the
/// verdict itself is unchanged, filters are walked past, path-changing blocks end the list; where expected.json names
/// the blockers they must match exactly, in path order.
/// </summary>
public class BlockerTests
{
    public static IEnumerable<object[]> Cases() => ScenarioTests.Cases();

    internal static WalkRequest RequestFor(JsonElement c, bool allBlockers = false) =>
        ScenarioTests.RequestFor(c) with { AllBlockers = allBlockers };

    internal static (string Folder, JsonElement Case) Load(string scenario, string caseName)
    {
        var folder = ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == scenario);
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        return (folder, doc.RootElement.GetProperty("cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == caseName));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllBlockers_keeps_the_verdict_and_lists_the_first_blocker_first(string scenario, string caseName)
    {
        var (folder, c) = Load(scenario, caseName);
        var walker = new PacketWalker(ScenarioTests.ModelFor(folder));
        var plain = walker.Walk(RequestFor(c));
        var all = walker.Walk(RequestFor(c, allBlockers: true));
        var context = $"{scenario}/{caseName}: {all} | blockers: {all.BlockersText} | {all.BlockersIncompleteReason}";

        // The ordinary walk's answer is untouched.
        Assert.Equal(plain.Verdict, all.Verdict);
        Assert.Equal(plain.BlockedAt, all.BlockedAt);
        Assert.Equal(plain.Reason, all.Reason);
        Assert.Equal(plain.BlockedDirection, all.BlockedDirection);
        Assert.Equal(plain.ForwardPath, all.ForwardPath);
        Assert.Equal(plain.ReturnPath, all.ReturnPath);
        Assert.Empty(plain.Blockers);
        Assert.Null(plain.BlockersComplete);

        Assert.NotNull(all.BlockersComplete);
        Assert.Equal(Enumerable.Range(1, all.Blockers.Count), all.Blockers.Select(b => b.Sequence));
        if (all.Verdict == PathVerdict.Reachable)
        {
            Assert.Empty(all.Blockers);
            Assert.True(all.BlockersComplete, context);
        }
        // A Blocked verdict always has its blocker; an Ambiguous one has one when the reply's ports narrowed (not for AWS's
        // choice between paths or an appliance that sees half a flow, which no change clears).
        if (all.Verdict == PathVerdict.Blocked) Assert.True(all.Blockers.Count > 0, context);
        if (all.Verdict is PathVerdict.Blocked or PathVerdict.Ambiguous && all.Blockers.Count > 0)
        {
            var first = all.Blockers[0];
            Assert.True(first.Component == all.BlockedAt, context);
            Assert.True(first.Reason == all.Reason, context);
            Assert.True(first.Direction == all.BlockedDirection, context);
        }
        // Forward blockers come before the reply's; only the last blocker can be one the walk stopped at.
        Assert.True(all.Blockers.SkipWhile(b => b.Direction == WalkDirection.Forward).All(b => b.Direction == WalkDirection.Return), context);
        Assert.True(all.Blockers.SkipLast(1).All(b => b.WalkedPast), context);
        foreach (var b in all.Blockers)
        {
            var filter = b.Step is HopStep.SecurityGroupEgress or HopStep.SecurityGroupIngress or HopStep.NaclInbound or HopStep.NaclOutbound or HopStep.SourceDestinationCheck;
            Assert.True(filter == b.WalkedPast, $"{b}: filters are walked past, other blocks stop the walk; {context}");
            if (!b.WalkedPast)
            {
                Assert.False(all.BlockersComplete);
                Assert.Contains("the rest of the path depends on", b.Note);
                Assert.Contains(b.Component!, all.BlockersIncompleteReason);
            }
            Assert.Equal(b.Hop.Component, b.Component);
            Assert.Equal(b.Hop.Direction, b.Direction);
        }
        if (all.BlockersComplete == true) Assert.Null(all.BlockersIncompleteReason);

        if (c.TryGetProperty("blockersComplete", out var complete))
            Assert.True(complete.GetBoolean() == all.BlockersComplete, $"blockersComplete; {context}");
        if (c.TryGetProperty("blockers", out var expected))
        {
            var want = expected.EnumerateArray().Select(x => $"{x.GetProperty("direction").GetString()} {x.GetProperty("step").GetString()} {x.GetProperty("component").GetString()} {x.GetProperty("reason").GetString()} {x.GetProperty("walkedPast").GetBoolean()}").ToList();
            var got = all.Blockers.Select(b => $"{b.Direction} {b.Step} {b.Component} {b.Reason} {b.WalkedPast}").ToList();
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void Multi_blocker_walk_names_each_rule_and_the_denied_ports()
    {
        var (folder, c) = Load("multi-blocker", ScenarioCaseStartingWith("multi-blocker", "HOST-A -> HOST-B tcp/443"));
        var result = new PacketWalker(ScenarioTests.ModelFor(folder)).Walk(RequestFor(c, allBlockers: true));
        Assert.Equal(4, result.Blockers.Count);
        Assert.Equal("no rule in sg-0a00000000000a801 matches", result.Blockers[0].Rule);
        Assert.Equal("sg-0a00000000000a801", result.Blockers[0].GroupId);
        Assert.Equal("rule 100 deny tcp 443 10.1.0.0/16", result.Blockers[1].Rule);
        Assert.Equal("acl-0a00000000000a801", result.Blockers[1].NetworkAclId);
        Assert.Equal("443", result.Blockers[1].BlockedPorts);
        Assert.Equal("eni-0092f8e2d29917a4c", result.Blockers[2].NetworkInterfaceId);
        // The reply is checked against the client's whole ephemeral range (R-NACL-10).
        Assert.Equal("32768-60999", result.Blockers[3].BlockedPorts);
        Assert.Equal("rule * deny all 0.0.0.0/0", result.Blockers[3].Rule);
        Assert.Equal("10.1.8.131", result.Blockers[3].SourceAddress);
        Assert.Equal("eni-084d826e4b1e0e190 ENI_SG_RULES_MISMATCH; acl-0a00000000000a801 SUBNET_ACL_RESTRICTION; eni-0092f8e2d29917a4c ENI_SG_RULES_MISMATCH; acl-0b00000000000b801 SUBNET_ACL_RESTRICTION",
            result.BlockersText);
        Assert.True(result.BlockersComplete);
    }

    [Fact]
    public void A_partial_reply_port_range_is_a_blocker_for_the_denied_ports_only()
    {
        var (folder, c) = Load("nacl-deny-reply-ephemeral", ScenarioCaseStartingWith("nacl-deny-reply-ephemeral", "Linux client -> HOST-B2 tcp/443: reply NACL allows"));
        var result = new PacketWalker(ScenarioTests.ModelFor(folder)).Walk(RequestFor(c, allBlockers: true));
        Assert.Equal(PathVerdict.Ambiguous, result.Verdict);
        var blocker = Assert.Single(result.Blockers);
        Assert.True(blocker.WalkedPast);
        Assert.Equal("40001-60999", blocker.BlockedPorts);
        Assert.Contains("32768-40000", blocker.Explanation);
    }

    internal static string ScenarioCaseStartingWith(string scenario, string prefix) =>
        ScenarioTests.Cases().Where(x => (string)x[0] == scenario).Select(x => (string)x[1]).First(n => n.StartsWith(prefix, StringComparison.Ordinal));

}
