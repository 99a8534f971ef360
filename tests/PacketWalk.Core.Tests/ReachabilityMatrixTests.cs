using PacketWalk.Core.Analysis;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

public class ReachabilityMatrixTests
{
    private const string HostA = "i-0a00000000000000a", HostB = "i-0b00000000000000b";
    private const string HostAEni = "eni-084d826e4b1e0e190", HostAIp = "10.0.9.132";

    internal static NetworkModel Seed() =>
        ScenarioTests.ModelFor(Path.Combine(ScenarioTests.RepoRoot(), "tests", "scenarios", "seed-sample"));

    private static readonly MatrixPacket Https = new(IpProtocol.Tcp, 443);

    [Fact]
    public void Seed_pairs_give_one_row_each_and_skip_a_host_paired_with_itself()
    {
        var matrix = new ReachabilityMatrix(new PacketWalker(Seed()));
        // HOST-A appears three times (instance, ENI, address): none of those may be paired with each other.
        var cells = matrix.Evaluate(new[] { HostA, HostB }, new[] { HostA, HostAEni, HostAIp, HostB }, new[] { Https }).ToList();

        Assert.Equal(new[] { (HostA, HostB), (HostB, HostA), (HostB, HostAEni), (HostB, HostAIp) },
            cells.Select(c => (c.Source, c.Destination)).ToArray());
        Assert.All(cells, c => Assert.Null(c.Error));
        var ab = cells[0].Row!;
        Assert.Equal(PathVerdict.Reachable, ab.Verdict);
        Assert.True(ab.Reachable);
        Assert.Equal("HOST-A", ab.SourceName);
        Assert.Equal("HOST-B", ab.DestinationName);
        Assert.Equal(443, ab.Port);
        Assert.Equal("tcp", ab.Protocol);
        // The seed's HOST-A security group admits nothing inbound from VPC-B on 443: the reverse walk is blocked there.
        var ba = cells[1].Row!;
        Assert.Equal(PathVerdict.Blocked, ba.Verdict);
        Assert.Equal(WalkDirection.Forward, ba.BlockedDirection);
        Assert.Equal(HostAEni, ba.BlockedAt);
        Assert.Equal("ENI_SG_RULES_MISMATCH", ba.Reason);
        Assert.Same(ba.GetResult(), cells[1].Row!.GetResult());
        Assert.NotEmpty(ba.GetResult().Hops);
    }

    [Fact]
    public void Duplicate_ids_are_walked_once()
    {
        var matrix = new ReachabilityMatrix(new PacketWalker(Seed()));
        var pairs = matrix.Pairs(new[] { HostA, HostA, " " + HostA + " " }, new[] { HostB, HostB }, new[] { Https, Https });
        Assert.Single(pairs);
    }

    [Fact]
    public void An_unknown_id_is_an_error_cell_and_the_other_pairs_still_walk()
    {
        var matrix = new ReachabilityMatrix(new PacketWalker(Seed()));
        var cells = matrix.Evaluate(new[] { HostA, "i-0000000000000dead" }, new[] { HostB }, new[] { Https }).ToList();
        Assert.Equal(2, cells.Count);
        Assert.NotNull(cells[0].Row);
        Assert.Null(cells[1].Row);
        Assert.Equal(WalkErrorIds.EndpointNotFound, cells[1].Error!.ErrorId);
    }

    [Fact]
    public void Parallel_runs_give_the_same_cells_in_the_same_order_as_a_sequential_run()
    {
        var model = Seed();
        // Every instance, ENI and private address of the seed, both ways, two ports: a few hundred pairs, several batches.
        var endpoints = model.Instances.Keys.Concat(model.NetworkInterfaces.Keys)
            .Concat(model.NetworkInterfaces.Values.SelectMany(e => e.PrivateIps).Select(ip => ip.ToString()))
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        var packets = new[] { Https, new MatrixPacket(IpProtocol.Tcp, 22), new MatrixPacket(IpProtocol.Icmp, null, 8, 0) };
        var matrix = new ReachabilityMatrix(new PacketWalker(model));

        string Key(ReachabilityMatrixCell c) =>
            $"{c.Source}>{c.Destination}/{c.Packet}:{c.Row?.Verdict}@{c.Row?.BlockedAt}({c.Row?.Reason}){c.Error?.ErrorId}";
        var sequential = matrix.Evaluate(endpoints, endpoints, packets, 1).Select(Key).ToList();
        var parallel = matrix.Evaluate(endpoints, endpoints, packets, 4).Select(Key).ToList();

        Assert.True(sequential.Count > 200, $"only {sequential.Count} cells: the test must cross batch boundaries");
        Assert.Equal(matrix.Pairs(endpoints, endpoints, packets).Count, sequential.Count);
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Cancellation_stops_the_walks()
    {
        var matrix = new ReachabilityMatrix(new PacketWalker(Seed()));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => matrix.Evaluate(new[] { HostA }, new[] { HostB }, new[] { Https }, 2, cts.Token).ToList());
    }

    [Fact]
    public void A_degree_below_one_is_refused()
    {
        var matrix = new ReachabilityMatrix(new PacketWalker(Seed()));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Evaluate(new[] { HostA }, new[] { HostB }, new[] { Https }, 0).ToList());
    }
}
