using System.Text.Json;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// Every scenario folder under tests/scenarios (and the bundled seed sample) holds a snapshot and expected.json;
/// each case there is walked and its verdict, blocked-at id, reason and paths compared.
/// </summary>
public class ScenarioTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var folder in ScenarioFolders())
        {
            var expected = Path.Combine(folder, "expected.json");
            if (!File.Exists(expected)) continue;
            using var doc = JsonDocument.Parse(File.ReadAllText(expected));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
                yield return new object[] { Path.GetFileName(folder), c.GetProperty("name").GetString()! };
        }
    }

    internal static IEnumerable<string> ScenarioFolders()
    {
        var root = RepoRoot();
        var scenarios = Path.Combine(root, "tests", "scenarios");
        if (Directory.Exists(scenarios))
            foreach (var d in Directory.GetDirectories(scenarios).OrderBy(d => d, StringComparer.Ordinal)) yield return d;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PacketWalk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PacketWalk.sln not found above the test binaries");
    }

    private static readonly Dictionary<string, NetworkModel> Models = new();

    internal static NetworkModel ModelFor(string folder)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(folder, out var model))
            {
                // A scenario's snapshot is its snapshot/ folder, or the folder its expected.json names (the bundled sample).
                var snapshot = Path.Combine(folder, "snapshot");
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
                if (doc.RootElement.TryGetProperty("snapshot", out var named))
                    snapshot = Path.GetFullPath(Path.Combine(folder, named.GetString()!));
                Models[folder] = model = SnapshotReader.Read(snapshot);
            }
            return model;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scenario_case_walks_as_expected(string scenario, string caseName)
    {
        var folder = ScenarioFolders().First(f => Path.GetFileName(f) == scenario);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == caseName);

        var request = RequestFor(c);
        var result = new PacketWalker(ModelFor(folder)).Walk(request);
        var context = $"{scenario}/{caseName}: {result} | fwd {result.ForwardPathText} | ret {result.ReturnPathText} | {result.Explanation}";

        Assert.True(c.GetProperty("verdict").GetString() == result.Verdict.ToString(), $"verdict: expected {c.GetProperty("verdict").GetString()}; {context}");
        Assert.True(StringOrNull(c, "blockedDirection") == result.BlockedDirection?.ToString(), $"blockedDirection; {context}");
        Assert.True(StringOrNull(c, "blockedAt") == result.BlockedAt, $"blockedAt: expected {StringOrNull(c, "blockedAt")}; {context}");
        Assert.True(StringOrNull(c, "reason") == result.Reason, $"reason: expected {StringOrNull(c, "reason")}; {context}");
        if (c.TryGetProperty("forwardPath", out var fp))
            Assert.Equal(fp.EnumerateArray().Select(x => x.GetString()!).ToList(), result.ForwardPath.ToList());
        if (c.TryGetProperty("returnPath", out var rp))
            Assert.Equal(rp.EnumerateArray().Select(x => x.GetString()!).ToList(), result.ReturnPath.ToList());
        if (c.TryGetProperty("edge", out var edge))
            Assert.True(edge.GetString() == result.EdgeId, $"edge: expected {edge.GetString()}, got {result.EdgeId}; {context}");
        if (c.TryGetProperty("returnPortsAllowed", out var rpa) && rpa.ValueKind == JsonValueKind.String)
            Assert.True(rpa.GetString() == result.ReturnPortsAllowed, $"returnPortsAllowed: expected {rpa.GetString()}, got {result.ReturnPortsAllowed}; {context}");
        // Informational notes a case promises (AVAILABILITY_ZONE_CROSSED, REMAP_EPHEMERAL_PORT, appliance-mode ENI sets, …):
        // each must appear in one note (a code usually opens the note; a translation note names it mid-sentence).
        if (c.TryGetProperty("notes", out var notes))
            foreach (var n in notes.EnumerateArray().Select(x => x.GetString()!))
                Assert.True(result.Notes.Any(x => x.Contains(n, StringComparison.Ordinal)), $"note '{n}' missing; notes: {string.Join(" | ", result.Notes)}; {context}");
        if (c.TryGetProperty("hops", out var hopChecks))
            AssertHopsInOrder(hopChecks, result, context);
        // Every verdict names what decided it; a walk that ends at the estate's edge names the edge.
        if (result.Verdict == PathVerdict.ReachableToEdge)
        {
            Assert.False(string.IsNullOrEmpty(result.EdgeId), context);
            Assert.Contains("out of scope", result.Explanation ?? "", StringComparison.Ordinal);
            Assert.False(result.Reachable, context);
        }
        else if (result.Verdict != PathVerdict.Reachable)
        {
            Assert.False(string.IsNullOrEmpty(result.BlockedAt), context);
            Assert.False(string.IsNullOrEmpty(result.Reason), context);
        }
        Assert.Equal(Enumerable.Range(1, result.Hops.Count), result.Hops.Select(h => h.Sequence));
    }

    /// <summary>The walk a case of expected.json asks for.</summary>
    internal static WalkRequest RequestFor(JsonElement c) => new()
    {
        Source = c.GetProperty("source").GetString()!,
        Destination = c.GetProperty("destination").GetString()!,
        Protocol = IpProtocol.Parse(c.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "tcp"),
        Port = IntOrNull(c, "port"),
        SourcePort = IntOrNull(c, "sourcePort"),
        IcmpType = IntOrNull(c, "icmpType"),
        IcmpCode = IntOrNull(c, "icmpCode"),
        SourceIp = StringOrNull(c, "sourceIp"),
        DestinationIp = StringOrNull(c, "destinationIp"),
        SourceVpcId = StringOrNull(c, "sourceVpcId"),
        DestinationVpcId = StringOrNull(c, "destinationVpcId"),
    };

    [Fact]
    public void Scenario_folders_exist_and_each_has_cases()
    {
        var folders = ScenarioFolders().Where(f => File.Exists(Path.Combine(f, "expected.json"))).ToList();
        Assert.True(folders.Count >= 12, $"expected at least 12 scenario folders with expected.json, found {folders.Count}");
    }

    /// <summary>
    /// Each object under "hops" names some hop fields (step, direction, component, decision, reason, sourceAddress, …); the
    /// hops must contain matches for them in the order given, so a scenario can pin the header rewrite at a gateway.
    /// </summary>
    private static void AssertHopsInOrder(JsonElement checks, PacketPathResult result, string context)
    {
        int from = 0;
        foreach (var check in checks.EnumerateArray())
        {
            var fields = check.EnumerateObject().Select(p => (Name: p.Name, Value: p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ToString())).ToList();
            int found = -1;
            for (int i = from; i < result.Hops.Count && found < 0; i++)
                if (fields.All(f => HopField(result.Hops[i], f.Name) == f.Value)) found = i;
            Assert.True(found >= 0, $"no hop after #{from} matches {check}; hops:\n{string.Join("\n", result.Hops.Select(DescribeHop))}\n{context}");
            from = found + 1;
        }
    }

    private static string? HopField(PacketHop hop, string name)
    {
        var property = typeof(PacketHop).GetProperty(char.ToUpperInvariant(name[0]) + name[1..])
            ?? throw new InvalidOperationException($"PacketHop has no property {name}");
        return property.GetValue(hop)?.ToString();
    }

    private static string DescribeHop(PacketHop h) =>
        $"{h.Sequence} {h.Direction} {h.Step} {h.Component} {h.Decision} [{h.Rule}] {h.Reason} {h.SourceAddress}:{h.SourcePort} -> {h.DestinationAddress}:{h.DestinationPort}";

    private static int? IntOrNull(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static string? StringOrNull(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
