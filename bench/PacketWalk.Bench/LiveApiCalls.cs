using System.Diagnostics;
using System.Globalization;
using PacketWalk.Aws;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;

namespace PacketWalk.Bench;

/// <summary>One live walk to measure: a snapshot the local EC2 stub serves, and the walk asked of it.</summary>
public sealed record LiveCase(string Topology, string Snapshot, string Source, string Destination, int Port)
{
    public string WalkText => $"{Source} -> {Destination} tcp/{Port}";
}

/// <summary>What the live path cost for one walk: calls counted on both sides, the verdict, and wall time.</summary>
public sealed record LiveResult(
    LiveCase Case, int ReaderCalls, IReadOnlyList<KeyValuePair<string, int>> ReaderCallsByOperation,
    int StubRequests, IReadOnlyList<KeyValuePair<string, int>> StubRequestsByAction,
    string Verdict, int VpcsRead, int VpcsInSnapshot, double FirstRunMs, Stats WarmMs);

/// <summary>A check the benchmark makes on the live path failed: the run must not report figures.</summary>
public sealed class BenchCheckException : Exception
{
    public BenchCheckException(string message) : base(message) { }
}

/// <summary>
/// The live path (issue 7: "the live path's API-call count for the seed topology against the local endpoint"): the EC2
/// stub of the live tests serves a snapshot on 127.0.0.1; the live reader of PacketWalk.Aws (what Get-PacketPath
/// -EndpointUrl runs: credentials, ReadForWalk, the model, the walk) reads what one walk needs and walks it forward and
/// back. Each run resolves a fresh session and reads afresh, as each cmdlet call does.
/// </summary>
public static class LiveApiCalls
{
    private const string Account = "111111111111";

    /// <summary>
    /// The seed walk of the Demo; a TGW inspection VPC (the walk crosses all three VPCs, through a firewall); and six VPCs
    /// on two peered TGWs with security-group references, of which the walk needs two: the read follows the walk, not the estate.
    /// </summary>
    public static IReadOnlyList<LiveCase> DefaultCases(string repoRoot) => new[]
    {
        new LiveCase("seed sample", Path.Combine(repoRoot, "src", "PacketWalk.PowerShell", "samples", "seed"), "i-0a00000000000000a", "i-0b00000000000000b", 443),
        new LiveCase("scenario tgw-inspection-vpc", Scenario(repoRoot, "tgw-inspection-vpc"), "i-0ee00000000000a01", "i-0ee00000000000b02", 443),
        new LiveCase("scenario tgw-sg-referencing", Scenario(repoRoot, "tgw-sg-referencing"), "i-0a00000000000000a", "i-0b00000000000000b", 443),
    };

    private static string Scenario(string repoRoot, string name) => Path.Combine(repoRoot, "tests", "scenarios", name, "snapshot");

    /// <summary>
    /// Runs the walk <paramref name="runs"/> times against a fresh stub (the first run of the process pays for JIT and SDK start-up). Throws
    /// <see cref="BenchCheckException"/> when the live answer differs from the offline walk of the same snapshot, when
    /// the reader's and the stub's call counts disagree, when a kind was unreadable, or when two runs made different calls.
    /// </summary>
    public static LiveResult Measure(LiveCase c, int runs)
    {
        var request = new WalkRequest { Source = c.Source, Destination = c.Destination, Protocol = IpProtocol.Tcp, Port = c.Port };
        var offlineModel = SnapshotReader.Read(c.Snapshot);
        var offline = new PacketWalker(offlineModel).Walk(request);

        using var stub = new Ec2StubServer(new StubEstate(Account).AddSnapshot(Account, c.Snapshot)).Start();
        if (!stub.Url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
            throw new BenchCheckException($"the EC2 stub listens on {stub.Url}, not on 127.0.0.1");

        LiveEstate? first = null;
        IReadOnlyList<KeyValuePair<string, int>>? firstStub = null;
        int firstStubTotal = 0, vpcsRead = 0;
        var times = new List<double>();
        for (int run = 0; run < Math.Max(2, runs); run++)
        {
            stub.ClearRequests();
            long t0 = Stopwatch.GetTimestamp();
            var session = AwsSessionFactory.Resolve(new AwsCredentialOptions
            {
                AccessKey = "testing", SecretKey = "testing", Region = "us-east-1", EndpointUrl = stub.Url,
            });
            var estate = new LiveEstateReader(new[] { session }).ReadForWalkAsync(new[] { c.Source, c.Destination }).GetAwaiter().GetResult();
            var model = estate.BuildModel("live " + session.Describe());
            var live = new PacketWalker(model).Walk(request);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);

            var where = $"{c.Topology}, {c.WalkText}, run {run + 1}";
            if (Benchmark.Signature(live) != Benchmark.Signature(offline))
                throw new BenchCheckException($"{where}: the live walk answered {Describe(live)}, the offline walk of the same snapshot {Describe(offline)}");
            if (estate.Unreadable.Count > 0)
                throw new BenchCheckException($"{where}: the stub refused {string.Join(", ", estate.Unreadable.Select(u => u.Action))}");
            var stubByAction = stub.RequestsByAction;
            int stubTotal = stub.Requests.Count;
            if (stubTotal != estate.ApiCalls || !stubByAction.SequenceEqual(estate.CallsByOperation))
                throw new BenchCheckException($"{where}: the reader counted {estate.ApiCalls} call(s) ({Breakdown(estate.CallsByOperation)}), the stub received {stubTotal} request(s) ({Breakdown(stubByAction)})");
            if (first is null)
            {
                first = estate;
                firstStub = stubByAction;
                firstStubTotal = stubTotal;
                // VPC records are read for every VPC a TGW route or attachment names; subnets (and with them route
                // tables, NACLs, security groups, interfaces) only for the VPCs the walk enters.
                vpcsRead = model.Subnets.Values.Select(sn => sn.VpcId).Distinct(StringComparer.Ordinal).Count();
            }
            else if (!estate.CallsByOperation.SequenceEqual(first.CallsByOperation))
                throw new BenchCheckException($"{where}: {Breakdown(estate.CallsByOperation)} differs from run 1's {Breakdown(first.CallsByOperation)}");
        }
        return new LiveResult(c, first!.ApiCalls, first.CallsByOperation, firstStubTotal, firstStub!, Describe(offline),
            vpcsRead, offlineModel.Vpcs.Count, times[0], Stats.Of(times.Skip(1)));
    }

    /// <summary>"DescribeInstances ×1, DescribeVpcs ×1, …".</summary>
    public static string Breakdown(IEnumerable<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} ×{kv.Value}")));

    private static string Describe(PacketPathResult r) =>
        r.Verdict == PathVerdict.Reachable ? "Reachable" : $"{r.Verdict} {r.BlockedDirection} at {r.BlockedAt} ({r.Reason})";
}
