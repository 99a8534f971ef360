using System.Text.Json;
using System.Text.RegularExpressions;
using PacketWalk.Aws;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;

namespace PacketWalk.Live.Tests;

/// <summary>Paths, scenario cases and the comparison every live test makes: live walk == offline walk.</summary>
internal static partial class LiveTestSupport
{
    public const string HostA = "i-0a00000000000000a";
    public const string HostB = "i-0b00000000000000b";
    public const string DefaultAccount = "111111111111";

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PacketWalk.sln not found above the test binaries");
    }

    public static string Seed => Path.Combine(RepoRoot(), "src", "PacketWalk.PowerShell", "samples", "seed");

    /// <summary>(scenario name, snapshot folder) for every scenario with a snapshot.</summary>
    public static IEnumerable<(string Name, string Snapshot)> Scenarios()
    {
        foreach (var folder in Directory.GetDirectories(Path.Combine(RepoRoot(), "tests", "scenarios")).OrderBy(d => d, StringComparer.Ordinal))
        {
            var expected = Path.Combine(folder, "expected.json");
            if (!File.Exists(expected)) continue;
            var snapshot = Path.Combine(folder, "snapshot");
            using var doc = JsonDocument.Parse(File.ReadAllText(expected));
            if (doc.RootElement.TryGetProperty("snapshot", out var named)) snapshot = Path.GetFullPath(Path.Combine(folder, named.GetString()!));
            yield return (Path.GetFileName(folder), snapshot);
        }
    }

    public static IEnumerable<WalkRequest> Cases(string scenario)
    {
        var folder = Path.Combine(RepoRoot(), "tests", "scenarios", scenario);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            yield return new WalkRequest
            {
                Source = c.GetProperty("source").GetString()!,
                Destination = c.GetProperty("destination").GetString()!,
                Protocol = IpProtocol.Parse(c.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "tcp"),
                Port = Int(c, "port"),
                SourcePort = Int(c, "sourcePort"),
                IcmpType = Int(c, "icmpType"),
                IcmpCode = Int(c, "icmpCode"),
                SourceIp = Text(c, "sourceIp"),
                DestinationIp = Text(c, "destinationIp"),
                SourceVpcId = Text(c, "sourceVpcId"),
                DestinationVpcId = Text(c, "destinationVpcId"),
            };
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>What a live read starts from for this walk: the endpoints and any -SourceIp/-DestinationIp.</summary>
    public static string[] Endpoints(WalkRequest r) => new[] { r.Source, r.Destination, r.SourceIp, r.DestinationIp }.OfType<string>().ToArray();

    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public static Ec2StubServer StartStub(string snapshot, string account = DefaultAccount) =>
        new Ec2StubServer(new StubEstate(account).AddSnapshot(account, snapshot)).Start();

    /// <summary>A session with dummy keys against a local endpoint; no other credential source is consulted.</summary>
    public static AwsSession Session(string endpointUrl, string region = "us-east-1") =>
        AwsSessionFactory.Resolve(new AwsCredentialOptions { AccessKey = "testing", SecretKey = "testing", Region = region, EndpointUrl = endpointUrl });

    public static LiveEstate ReadForWalk(AwsSession session, params string[] endpoints) =>
        new LiveEstateReader(new[] { session }).ReadForWalkAsync(endpoints).GetAwaiter().GetResult();

    /// <summary>Everything a walk decides, as one comparable text (hops included).</summary>
    public static string Describe(PacketPathResult r) =>
        string.Join("\n", new[]
        {
            $"{r.Verdict} {r.BlockedDirection} at={r.BlockedAt} reason={r.Reason} rule={r.Rule}",
            $"fwd {r.ForwardPathText}", $"ret {r.ReturnPathText}", $"ports {r.ReturnPortsAllowed}",
        }.Concat(r.Hops.Select(h => $"{h.Direction} {h.Sequence} {h.Step} {h.Component} {h.Decision} {h.Rule} {h.Reason}")));

    public static PacketPathResult Walk(NetworkModel model, WalkRequest request) => new PacketWalker(model).Walk(request);

    public static WalkRequest Tcp(string source, string destination, int port) => new() { Source = source, Destination = destination, Port = port };

    [GeneratedRegex("^(Describe|Get|Search)[A-Za-z]+$")]
    public static partial Regex ReadOnlyAction();
}
