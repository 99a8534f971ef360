using PacketWalk.Aws;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>Live walks through the tests' own EC2 endpoint, which serves a scenario snapshot as EC2 XML.</summary>
public class StubLiveWalkTests
{
    [Fact]
    public void Seed_live_walk_equals_the_offline_walk_and_fits_the_call_budget()
    {
        using var stub = StartStub(Seed);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        var live = estate.BuildModel("live");
        var offline = SnapshotReader.Read(Seed);

        foreach (var request in new[] { Tcp(HostA, HostB, 443), Tcp(HostB, HostA, 443), Tcp(HostA, HostB, 22) })
            Assert.Equal(Describe(Walk(offline, request)), Describe(Walk(live, request)));
        Assert.Equal(PathVerdict.Reachable, Walk(live, Tcp(HostA, HostB, 443)).Verdict);
        // describe-subnets gives each subnet's AZ id; the live read keeps it, and hops carry it (R-AZ-1: zones compare by id).
        Assert.NotEmpty(live.Subnets);
        Assert.All(live.Subnets.Values, s => Assert.Equal(offline.Subnets[s.SubnetId].AvailabilityZoneId ?? "(none offline)", s.AvailabilityZoneId ?? "(none live)"));
        Assert.Contains(Walk(live, Tcp(HostA, HostB, 443)).Hops, h => h.Step == HopStep.TgwAttachmentExit && h.AvailabilityZoneId is not null);

        // Budget: the seed topology in at most 15 calls. Exactly: instances 1; VPC kinds 7; TGW kinds 3; one TGW route table's
        // routes and propagations 2; whether any customer-managed prefix list exists (so TGW prefix-list references may) 1.
        Assert.Equal(14, estate.ApiCalls);
        Assert.True(estate.ApiCalls <= 15);
        Assert.Equal(14, stub.Requests.Count);
        Assert.Empty(estate.Unreadable);
        // Per operation too, the reader's own count and what the endpoint received are the same list (the benchmark
        // reports both).
        Assert.Equal(stub.RequestsByAction, estate.CallsByOperation);
        Assert.Equal(estate.ApiCalls, estate.CallsByOperation.Sum(kv => kv.Value));
        Assert.Equal(1, estate.CallsByOperation.Single(kv => kv.Key == "DescribeInstances").Value);
    }

    [Fact]
    public void Only_read_calls_reach_the_endpoint()
    {
        using var stub = StartStub(Seed);
        var estate = ReadForWalk(Session(stub.Url), HostA, "10.1.8.131");
        Assert.NotEmpty(stub.Actions);
        Assert.All(stub.Actions, a => Assert.Matches(ReadOnlyAction(), a));
        // The client-side record of what was sent agrees with what the endpoint received.
        Assert.Equal(stub.Actions.OrderBy(a => a), estate.SentRequests.Select(r => r.Operation).OrderBy(a => a));
    }

    public static IEnumerable<object[]> ScenarioNames() => Scenarios().Select(s => new object[] { s.Name });

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Every_scenario_walks_live_as_it_walks_offline(string scenario)
    {
        var snapshot = Scenarios().First(s => s.Name == scenario).Snapshot;
        var offline = SnapshotReader.Read(snapshot);
        using var stub = StartStub(snapshot);
        foreach (var request in Cases(scenario))
        {
            // A fresh read per case: the live read fetches only what that walk needs.
            var live = ReadForWalk(Session(stub.Url), Endpoints(request)).BuildModel("live");
            var expected = Walk(offline, request);
            if (expected.Reason == "TGW_RTB_ROUTES_ARE_UNKNOWN" && expected.Rule == "routes not in the snapshot")
            {
                // A snapshot can leave a TGW route table's routes out; AWS cannot: the stub answers what AWS would for a
                // table it holds nothing for (no routes, no propagations), so the live walk decides where the offline one cannot.
                var decided = Walk(live, request);
                Assert.Equal(PathVerdict.Blocked, decided.Verdict);
                Assert.Equal("TGW_RTB_CANNOT_ROUTE", decided.Reason);
                Assert.Equal(expected.BlockedAt, decided.BlockedAt);
                continue;
            }
            Assert.Equal(Describe(expected), Describe(Walk(live, request)));
        }
        Assert.All(stub.Actions, a => Assert.Matches(ReadOnlyAction(), a));
    }

    [Fact]
    public void Multi_page_answers_are_read_to_the_end()
    {
        using var stub = StartStub(Seed);
        stub.PageSize = 1;
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        var live = estate.BuildModel("live");
        Assert.Equal(Describe(Walk(SnapshotReader.Read(Seed), Tcp(HostA, HostB, 443))), Describe(Walk(live, Tcp(HostA, HostB, 443))));
        Assert.Contains(stub.Requests, r => r.Parameter("NextToken") is { Length: > 0 });
        // Every page is one call; with one item per page there are many more than the 14 of a one-page read.
        Assert.Equal(stub.Requests.Count, estate.ApiCalls);
        Assert.True(estate.ApiCalls > 14, $"{estate.ApiCalls} calls");
        Assert.Equal(SnapshotReader.Read(Seed).NetworkAcls.Count, live.NetworkAcls.Count);
    }

    [Fact]
    public void Throttling_is_retried_by_the_sdk_and_the_walk_succeeds()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Throttle("DescribeRouteTables", 2));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Equal(PathVerdict.Reachable, Walk(estate.BuildModel("live"), Tcp(HostA, HostB, 443)).Verdict);
        Assert.Equal(3, stub.Actions.Count(a => a == "DescribeRouteTables"));
        Assert.Equal(14, estate.ApiCalls);                         // retries are not new calls
        Assert.Equal(1, estate.CallsByOperation.Single(kv => kv.Key == "DescribeRouteTables").Value);
        Assert.Equal(14, estate.CallsByOperation.Sum(kv => kv.Value));
        Assert.Equal(3, stub.RequestsByAction.Single(kv => kv.Key == "DescribeRouteTables").Value);
        Assert.Equal(16, estate.SentRequests.Count);               // but they are on the wire
        Assert.Contains(estate.SentRequests, r => r.Operation == "DescribeRouteTables" && r.Attempt == 2);
    }

    [Fact]
    public void Throttling_that_outlasts_the_retries_is_a_throttled_error()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Throttle("DescribeSubnets", 100));
        var ex = Assert.Throws<LiveReadException>(() => ReadForWalk(Session(stub.Url), HostA, HostB));
        Assert.Equal(LiveReadErrorIds.Throttled, ex.ErrorId);
        Assert.Contains("DescribeSubnets", ex.Message);
    }

    [Theory]
    [InlineData("DescribeNetworkAcls", "ec2:DescribeNetworkAcls", "UNKNOWN_RESOURCE")]
    [InlineData("DescribeSecurityGroups", "ec2:DescribeSecurityGroups", "UNKNOWN_RESOURCE")]
    [InlineData("DescribeRouteTables", "ec2:DescribeRouteTables", "UNKNOWN_RESOURCE")]
    [InlineData("DescribeTransitGatewayVpcAttachments", "ec2:DescribeTransitGatewayVpcAttachments", "UNKNOWN_RESOURCE")]
    [InlineData("DescribeTransitGatewayAttachments", "ec2:DescribeTransitGatewayAttachments", "TGW_RTB_ROUTES_ARE_UNKNOWN")]
    [InlineData("SearchTransitGatewayRoutes", "ec2:SearchTransitGatewayRoutes", "TGW_RTB_ROUTES_ARE_UNKNOWN")]
    [InlineData("GetTransitGatewayRouteTablePropagations", "ec2:GetTransitGatewayRouteTablePropagations", "TGW_RTB_ROUTES_ARE_UNKNOWN")]
    public void A_refused_call_makes_that_part_unknown_never_reachable(string action, string iamAction, string reason)
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Unauthorized(action));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        var denied = Assert.Single(estate.Unreadable.Select(u => u.Action).Distinct());
        Assert.Equal(iamAction, denied);
        Assert.Contains(estate.Warnings, w => w.Contains(iamAction));

        var result = Walk(estate.BuildModel("live"), Tcp(HostA, HostB, 443));
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal(reason, result.Reason);
        Assert.Contains(iamAction, result.Explanation);
        // The rest of the estate was still read: every other kind's calls went out.
        Assert.Contains("DescribeSubnets", stub.Actions);
    }

    [Fact]
    public void A_refused_call_does_not_hide_a_drop_decided_before_it()
    {
        // HOST-B -> HOST-A 443 is dropped by HOST-A's... no: by the source's own egress SG in the seed? It is blocked at
        // the destination's security group; with the NACLs unreadable the walk must stop Unknown at the first NACL.
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Unauthorized("DescribeNetworkAcls"));
        var model = ReadForWalk(Session(stub.Url), HostB, HostA).BuildModel("live");
        var result = Walk(model, Tcp(HostB, HostA, 443));
        Assert.NotEqual(PathVerdict.Reachable, result.Verdict);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
    }

    [Theory]
    [InlineData("DescribeSubnets")]
    [InlineData("DescribeInstances")]
    public void A_refused_call_the_walk_cannot_start_without_is_an_access_denied_error(string action)
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Unauthorized(action));
        var ex = Assert.Throws<LiveReadException>(() => ReadForWalk(Session(stub.Url), HostA, HostB));
        Assert.Equal(LiveReadErrorIds.AccessDenied, ex.ErrorId);
        Assert.Contains("ec2:" + action, ex.Message);
        Assert.DoesNotContain("testing", ex.Message);
    }

    [Fact]
    public void Cancelling_stops_in_flight_calls()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeSubnets" ? new StubResponse { Delay = TimeSpan.FromSeconds(30), Body = "" } : null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var reader = new LiveEstateReader(new[] { Session(stub.Url) });
        Assert.ThrowsAny<OperationCanceledException>(() => reader.ReadForWalkAsync(new[] { HostA, HostB }, cts.Token).GetAwaiter().GetResult());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Verbose_lines_name_each_call_and_the_total()
    {
        using var stub = StartStub(Seed);
        var observer = new RecordingObserver();
        new LiveEstateReader(new[] { Session(stub.Url) }, observer).ReadForWalkAsync(new[] { HostA, HostB }).GetAwaiter().GetResult();
        Assert.Equal(14, observer.Verbose.Count(v => v.StartsWith("EC2 ", StringComparison.Ordinal)));
        Assert.Contains(observer.Verbose, v => v.StartsWith("Read what the walk needs in 14 API call(s)", StringComparison.Ordinal));
        Assert.Contains(observer.Verbose, v => v.Contains("DescribeNetworkAcls (vpc-id=", StringComparison.Ordinal));
        Assert.True(observer.Progress.Count >= 28);
        Assert.All(observer.Verbose, v => Assert.DoesNotContain("testing", v));
    }

    internal sealed class RecordingObserver : ILiveReadObserver
    {
        public List<string> Verbose { get; } = new();
        public List<LiveReadProgress> Progress { get; } = new();
        public List<string> Warnings { get; } = new();
        void ILiveReadObserver.Verbose(string message) { lock (Verbose) Verbose.Add(message); }
        void ILiveReadObserver.Progress(LiveReadProgress progress) { lock (Progress) Progress.Add(progress); }
        void ILiveReadObserver.Warning(string message) { lock (Warnings) Warnings.Add(message); }
    }
}
