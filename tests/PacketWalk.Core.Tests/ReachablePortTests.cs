using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// Get-ReachablePort's engine: one walk carries the whole port set; the runs it reports must agree, port for port,
/// with walking each port on its own.
/// </summary>
public class ReachablePortTests
{
    private static readonly int[] Probes = { 0, 1, 21, 22, 23, 79, 80, 81, 442, 443, 444, 1023, 1024, 8080, 8443, 32767, 32768, 40000, 40001, 60999, 61000, 65535 };

    public static IEnumerable<object[]> Cases() => ScenarioTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_port_run_agrees_with_walking_the_port_alone(string scenario, string caseName)
    {
        var (folder, c) = BlockerTests.Load(scenario, caseName);
        var request = BlockerTests.RequestFor(c);
        if (!IpProtocol.HasPorts(request.Protocol)) return;
        var walker = new PacketWalker(ScenarioTests.ModelFor(folder));
        var result = walker.ReachablePorts(request with { DestinationPorts = PortSet.All });

        // The runs cover 0-65535 exactly once, in order.
        Assert.Equal(0, result.Ranges[0].FromPort);
        Assert.Equal(65535, result.Ranges[^1].ToPort);
        for (int i = 1; i < result.Ranges.Count; i++) Assert.Equal(result.Ranges[i - 1].ToPort + 1, result.Ranges[i].FromPort);
        Assert.Equal(65536, result.Ranges.Sum(r => r.PortCount));

        foreach (var port in Probes.Append(request.Port!.Value).Distinct())
        {
            var alone = walker.Walk(request with { Port = port });
            var run = result.Ranges.Single(r => r.FromPort <= port && port <= r.ToPort);
            var context = $"{scenario}/{caseName} port {port}: alone {alone} | run {run}";
            Assert.True(alone.Verdict == run.Verdict, context);
            Assert.True(alone.BlockedAt == run.BlockedAt, context);
            Assert.True(alone.BlockedDirection == run.BlockedDirection, context);
            Assert.Equal(alone.Verdict == PathVerdict.Reachable, result.ReachablePorts.Contains(port));
        }
    }

    /// <summary>
    /// Regression: where AWS's choice (here the undocumented AZ a TGW crosses to, R-TGW-4) leads to alternatives that end
    /// differently, the Ambiguous verdict covers the ports the packet had at the choice, not only those the first
    /// alternative's security group kept; the port runs then still cover every port.
    /// </summary>
    [Fact]
    public void Ports_dropped_after_a_choice_that_ends_differently_stay_in_the_runs()
    {
        var e = new Estate()
            .Spoke("vpca", 0, "us-east-1a", new[] { "us-east-1a" }, "rtb")
            .Spoke("vpcb", 1, "us-east-1a", new[] { "us-east-1b", "us-east-1c" }, "rtb")
            .Propagate("rtb", "vpca").Propagate("rtb", "vpcb")
            // The 1c attachment subnet drops what the TGW delivers to the host; the 1b one does not.
            .Nacl(Estate.AttachmentSubnet("vpcb", "us-east-1c"), "vpcb", new NetworkAclEntry(50, true, IpProtocol.All, false, Cidr.Parse("10.1.8.0/22"), null, null, null));
        // VPC-B's host admits tcp/443 only.
        var sg = e.B.SecurityGroups.FindIndex(g => g.GroupId == "sg-vpcb");
        e.B.SecurityGroups[sg] = e.B.SecurityGroups[sg] with
        {
            IngressRules = new[] { new SecurityGroupRule("sg-vpcb", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, Cidr.AnyV4, null, null, null, null) },
        };
        var walker = new PacketWalker(e.B.Build());
        var request = new WalkRequest { Source = Estate.Host("vpca"), Destination = Estate.Host("vpcb"), Protocol = IpProtocol.Tcp };

        var result = walker.ReachablePorts(request with { DestinationPorts = PortSet.All });

        Assert.Equal(0, result.Ranges[0].FromPort);
        Assert.Equal(65535, result.Ranges[^1].ToPort);
        Assert.Equal(65536, result.Ranges.Sum(r => r.PortCount));
        foreach (var port in new[] { 22, 443 })
            Assert.Equal(walker.Walk(request with { Port = port }).Verdict, result.Ranges.Single(r => r.FromPort <= port && port <= r.ToPort).Verdict);
        Assert.Equal(PathVerdict.Ambiguous, walker.Walk(request with { Port = 443 }).Verdict);
    }

    [Fact]
    public void Seed_reverse_walk_reaches_only_ssh()
    {
        var seed = ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample"));
        var result = new PacketWalker(seed).ReachablePorts(new WalkRequest { Source = "i-0b00000000000000b", Destination = "i-0a00000000000000a", DestinationPorts = PortSet.All });
        Assert.Equal("22", result.ReachablePortsText);
        Assert.Equal(new[] { "0-21", "22", "23-65535" }, result.Ranges.Select(r => r.Ports));
        Assert.Equal(new[] { PathVerdict.Blocked, PathVerdict.Reachable, PathVerdict.Blocked }, result.Ranges.Select(r => r.Verdict));
        Assert.All(result.Ranges.Where(r => !r.Reachable), r =>
        {
            Assert.Equal("eni-084d826e4b1e0e190", r.BlockedAt);
            Assert.Equal("ENI_SG_RULES_MISMATCH", r.Reason);
            // The rule named is what stops these ports, not the rule that let port 22 through.
            Assert.Equal("no rule in sg-0a00000000000a801 matches", r.Rule);
            Assert.Equal(WalkDirection.Forward, r.BlockedDirection);
        });
    }

    [Fact]
    public void Ranges_split_by_the_first_check_that_stops_them()
    {
        var (folder, _) = BlockerTests.Load("multi-blocker", BlockerTests.ScenarioCaseStartingWith("multi-blocker", "HOST-A -> HOST-B tcp/443"));
        var result = new PacketWalker(ScenarioTests.ModelFor(folder)).ReachablePorts(
            new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", DestinationPorts = PortSet.Of(1, 1000) });
        // HOST-A's SG lets only tcp 22 out; 22 then gets through to HOST-B but its reply is dropped by HOST-B's NACL.
        Assert.Equal(new[] { "1-21", "22", "23-1000" }, result.Ranges.Select(r => r.Ports));
        Assert.Equal("eni-084d826e4b1e0e190", result.Ranges[0].BlockedAt);
        Assert.Equal((PathVerdict.Blocked, WalkDirection.Return, "acl-0b00000000000b801"), (result.Ranges[1].Verdict, result.Ranges[1].BlockedDirection!.Value, result.Ranges[1].BlockedAt!));
        Assert.True(result.ReachablePorts.IsEmpty);

        // The other way HOST-B's NACL lets only tcp 0-1023 out and HOST-A's SG only 22 in: a NACL that denies part of the
        // set names its deny rule and the ports it took.
        var back = new PacketWalker(ScenarioTests.ModelFor(folder)).ReachablePorts(
            new WalkRequest { Source = "i-0b00000000000000b", Destination = "i-0a00000000000000a", DestinationPorts = PortSet.All });
        Assert.Equal(new[] { "0-21 eni-084d826e4b1e0e190", "22 ", "23-1023 eni-084d826e4b1e0e190", "1024-65535 acl-0b00000000000b801" },
            back.Ranges.Select(r => $"{r.Ports} {r.BlockedAt}"));
        Assert.Equal("rule * deny all 0.0.0.0/0 (1024-65535)", back.Ranges[3].Rule);
        Assert.Equal("SUBNET_ACL_RESTRICTION", back.Ranges[3].Reason);
    }

    [Fact]
    public void Where_AWS_picks_between_paths_that_filter_differently_each_port_run_gets_its_own_outcome()
    {
        // Appliance mode: the flow hash picks either VPC-B attachment ENI; the 1b one's NACL denies tcp 8443 and 32768-60999
        // towards HOST-B. The whole set ends differently per ENI, yet every other port arrives either way.
        var (folder, _) = BlockerTests.Load("tgw-appliance-mode", BlockerTests.ScenarioCaseStartingWith("tgw-appliance-mode", "HOST-A (1b) -> HOST-B (1a) tcp/443"));
        var result = new PacketWalker(ScenarioTests.ModelFor(folder)).ReachablePorts(
            new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", DestinationPorts = PortSet.All });
        Assert.Equal(new[] { "0-8442 Reachable", "8443 Ambiguous", "8444-32767 Reachable", "32768-60999 Ambiguous", "61000-65535 Reachable" },
            result.Ranges.Select(r => $"{r.Ports} {r.Verdict}"));
        Assert.All(result.Ranges.Where(r => r.Verdict == PathVerdict.Ambiguous), r => Assert.Equal("tgw-attach-0c1a2b3c4d5e605bd", r.BlockedAt));
        Assert.Equal("0-8442,8444-32767,61000-65535", result.ReachablePortsText);
    }

    [Fact]
    public void Only_tcp_and_udp_take_port_ranges()
    {
        var seed = ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample"));
        var ex = Assert.Throws<WalkInputException>(() => new PacketWalker(seed).ReachablePorts(
            new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Protocol = IpProtocol.Icmp }));
        Assert.Equal(WalkErrorIds.InvalidPacket, ex.ErrorId);
    }
}
