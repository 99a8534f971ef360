using System.Text.Json.Nodes;
using PacketWalk.Aws;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>
/// Faults of a live read through the tests' EC2 endpoint on 127.0.0.1: what the SDK should retry is retried and the walk
/// comes out as offline; what keeps failing makes the kind unreadable (the walk says Unknown where it needs it, with a
/// warning) or, for what the walk cannot start without, a named error. Never a crash, a hang or Reachable.
/// </summary>
public class LiveFaultTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "pw-faults-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }

    private static readonly WalkRequest AToB = Tcp(HostA, HostB, 443);

    private static string Offline(WalkRequest request) => Describe(Walk(SnapshotReader.Read(Seed), request));

    private static Func<StubRequest, StubResponse?> FirstAttempts(string action, int times, Func<StubResponse> answer) =>
        r => r.Action == action && r.ActionAttempt < times ? answer() : null;

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "Unavailable")]
    [InlineData(503, "ServiceUnavailable")]
    public void Server_errors_that_pass_are_retried_and_the_walk_is_as_offline(int status, string code)
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(FirstAttempts("DescribeNetworkAcls", 2, () => StubResponse.Ec2Error(status, code, "try again")));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Equal(Offline(AToB), Describe(Walk(estate.BuildModel("live"), AToB)));
        Assert.Equal(3, stub.Actions.Count(a => a == "DescribeNetworkAcls"));
        Assert.Equal(estate.ApiCalls + 2, estate.SentRequests.Count);
        Assert.Empty(estate.Unreadable);
    }

    [Fact]
    public void A_server_error_that_lasts_makes_that_part_Unknown_with_a_warning()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeNetworkAcls" ? StubResponse.Ec2Error(500, "InternalError", "down") : null);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        var failed = Assert.Single(estate.Unreadable);
        Assert.True(failed.Failed);
        Assert.Equal("ec2:DescribeNetworkAcls", failed.Action);
        Assert.Contains(estate.Warnings, w => w.Contains("ec2:DescribeNetworkAcls failed (InternalError)", StringComparison.Ordinal));
        Assert.True(stub.Actions.Count(a => a == "DescribeNetworkAcls") > 1, "the SDK retried before giving up");
        var result = Walk(estate.BuildModel("live"), AToB);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal("UNKNOWN_RESOURCE", result.Reason);
        Assert.Contains("failed", result.Explanation);
    }

    [Fact]
    public void A_server_error_that_lasts_on_a_call_the_walk_needs_first_is_a_service_error()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeSubnets" ? StubResponse.Ec2Error(500, "InternalError", "down") : null);
        var ex = Assert.Throws<LiveReadException>(() => ReadForWalk(Session(stub.Url), HostA, HostB));
        Assert.Equal(LiveReadErrorIds.ServiceError, ex.ErrorId);
        Assert.Contains("DescribeSubnets", ex.Message);
    }

    [Fact]
    public void Dropped_connections_are_retried()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(FirstAttempts("DescribeSecurityGroups", 2, () => new StubResponse { Abort = true }));
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Equal(Offline(AToB), Describe(Walk(estate.BuildModel("live"), AToB)));
        Assert.Equal(3, stub.Actions.Count(a => a == "DescribeSecurityGroups"));
    }

    [Fact]
    public void A_connection_that_keeps_dropping_makes_that_part_Unknown()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeRouteTables" ? new StubResponse { Abort = true } : null);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Contains(estate.Unreadable, u => u.Failed && u.Action == "ec2:DescribeRouteTables");
        var result = Walk(estate.BuildModel("live"), AToB);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void Slow_answers_are_waited_for()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action is "DescribeVpcs" or "DescribeNetworkAcls" ? new StubResponse { UseOwnAnswer = true, Delay = TimeSpan.FromSeconds(2) } : null);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Equal(Offline(AToB), Describe(Walk(estate.BuildModel("live"), AToB)));
        Assert.Equal(estate.ApiCalls, estate.SentRequests.Count);   // slow is not failed: nothing was sent twice
    }

    [Fact]
    public void A_burst_of_throttling_on_every_call_is_ridden_out()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Service == "ec2" && r.ActionAttempt < 2 ? StubResponse.Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.") : null);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Equal(Offline(AToB), Describe(Walk(estate.BuildModel("live"), AToB)));
        Assert.Empty(estate.Unreadable);
        Assert.True(estate.SentRequests.Count > estate.ApiCalls, $"{estate.SentRequests.Count} sent for {estate.ApiCalls} calls");
    }

    /// <summary>Keys AWS may leave out of an answer (SDK v4 then gives null, not an empty list or a default value).</summary>
    private static readonly HashSet<string> Optional = new(StringComparer.Ordinal)
    {
        "Tags", "OwnerId", "IsDefault", "Ipv6CidrBlockAssociationSet", "CidrBlockAssociationSet", "PrivateIpAddresses", "AvailabilityZoneId",
        "SourceDestCheck", "RequesterManaged", "InterfaceType", "Status", "PropagatingVgws", "Options", "State", "Ipv6Addresses", "Placement",
        "Association", "Platform", "ResourceOwnerId", "DefaultAssociationRouteTable", "DefaultPropagationRouteTable", "Origin",
    };

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).Where(Optional.Contains).ToList()) o.Remove(key);
                foreach (var (_, child) in o.ToList()) Strip(child);
                break;
            case JsonArray a:
                foreach (var item in a) Strip(item);
                break;
        }
    }

    [Fact]
    public void Answers_without_optional_fields_read_and_walk_as_the_same_data_offline()
    {
        var stripped = Path.Combine(_temp, "stripped");
        Directory.CreateDirectory(stripped);
        foreach (var file in Directory.GetFiles(Seed, "*.json"))
        {
            var doc = JsonNode.Parse(File.ReadAllText(file));
            Strip(doc);
            File.WriteAllText(Path.Combine(stripped, Path.GetFileName(file)), doc!.ToJsonString());
        }
        var offline = SnapshotReader.Read(stripped);
        using var stub = StartStub(stripped);
        foreach (var request in new[] { AToB, Tcp(HostB, HostA, 443), Tcp(HostA, HostB, 22) })
        {
            var live = ReadForWalk(Session(stub.Url), request.Source, request.Destination).BuildModel("live");
            Assert.Equal(Describe(Walk(offline, request)), Describe(Walk(live, request)));
        }
    }

    [Fact]
    public void A_page_token_the_endpoint_rejects_is_not_retried_and_the_partial_list_is_not_used()
    {
        using var stub = StartStub(Seed);
        stub.PageSize = 1;
        stub.Hooks.Add(r => r.Action == "DescribeNetworkAcls" && r.Parameter("NextToken") is { Length: > 0 }
            ? StubResponse.Ec2Error(400, "InvalidNextToken", "The token is not valid.") : null);
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Contains(estate.Unreadable, u => u.Failed && u.Action == "ec2:DescribeNetworkAcls" && u.Message.Contains("InvalidNextToken"));
        Assert.Equal(2, stub.Actions.Count(a => a == "DescribeNetworkAcls"));   // first page, then the rejected token once
        var result = Walk(estate.BuildModel("live"), AToB);
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void A_page_token_that_comes_back_again_ends_the_read_instead_of_looping()
    {
        using var stub = StartStub(Seed);
        // Every page, the first included, says "more, NextToken again": the stub's first page, replayed.
        string? firstPage = null;
        stub.Hooks.Add(r => r.Action != "DescribeRouteTables" ? null
            : firstPage is { } page ? new StubResponse { Body = page }
            : new StubResponse { UseOwnAnswer = true, Transform = body => firstPage = body.Replace("</DescribeRouteTablesResponse>", "<nextToken>again</nextToken></DescribeRouteTablesResponse>") });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var estate = ReadForWalk(Session(stub.Url), HostA, HostB);
        Assert.Contains(estate.Unreadable, u => u.Failed && u.Action == "ec2:DescribeRouteTables" && u.Message.Contains("NextToken repeated"));
        Assert.Equal(2, stub.Actions.Count(a => a == "DescribeRouteTables"));
        Assert.NotEqual(PathVerdict.Reachable, Walk(estate.BuildModel("live"), AToB).Verdict);
    }

    [Fact]
    public void Cancelling_leaves_no_calls_running_behind()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeSubnets" ? new StubResponse { UseOwnAnswer = true, Delay = TimeSpan.FromSeconds(3) } : null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var reader = new LiveEstateReader(new[] { Session(stub.Url) });
        Assert.ThrowsAny<OperationCanceledException>(() => reader.ReadForWalkAsync(new[] { HostA, HostB }, cts.Token).GetAwaiter().GetResult());
        int atCancel = stub.Requests.Count;
        // Long enough for the delayed answer to arrive and for anything queued behind it to be sent.
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Assert.Equal(atCancel, stub.Requests.Count);
    }

    private const string DistinctSecret = "pwFaultSecret/K7MDENG+bPxRfiCYzzzzFAULTS";

    [Fact]
    public void Credentials_appear_in_no_message_warning_error_or_export()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(r => r.Action == "DescribeNetworkAcls" ? StubResponse.Ec2Error(500, "InternalError", "down") : null);
        var session = AwsSessionFactory.Resolve(new AwsCredentialOptions { AccessKey = "AKIAPWFAULTTEST00001", SecretKey = DistinctSecret, SessionToken = DistinctSecret + "-token", Region = "us-east-1", EndpointUrl = stub.Url });
        var observer = new StubLiveWalkTests.RecordingObserver();
        var estate = new LiveEstateReader(new[] { session }, observer).ReadForWalkAsync(new[] { HostA, HostB }).GetAwaiter().GetResult();
        var unreachable = AwsSessionFactory.Resolve(new AwsCredentialOptions { AccessKey = "AKIAPWFAULTTEST00001", SecretKey = DistinctSecret, SessionToken = DistinctSecret + "-token", Region = "us-east-1", EndpointUrl = "http://127.0.0.1:9/" });
        var failing = Assert.ThrowsAny<Exception>(() => new LiveEstateReader(new[] { unreachable }, observer).ReadForWalkAsync(new[] { HostA, HostB }).GetAwaiter().GetResult());
        Assert.IsType<LiveReadException>(failing);
        var export = Path.Combine(_temp, "export");
        SnapshotWriter.Write(export, estate, redact: false);
        var text = string.Join("\n", observer.Verbose.Concat(observer.Warnings).Concat(estate.Warnings).Append(failing.ToString())
            .Append(Describe(Walk(estate.BuildModel("live"), AToB))).Append(session.Describe()));
        Assert.DoesNotContain(DistinctSecret, text);
        foreach (var file in Directory.GetFiles(export, "*", SearchOption.AllDirectories))
        {
            var content = File.ReadAllText(file);
            Assert.DoesNotContain(DistinctSecret, content);
            Assert.DoesNotContain("AKIAPWFAULTTEST00001", content);
        }
    }
}
