using System.Text.Json;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// Every folder of tests/bad-snapshots gives exactly what its expected.json says: a named SnapshotException with the
/// file and JSON path, or walk verdicts that are never Reachable — and nothing else (no other exception, no hang).
/// </summary>
public sealed class BadSnapshotCorpusTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "pw-corpus-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static IEnumerable<object[]> Corpus() => BadSnapshotCorpus.Folders().Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void Corpus_is_present_and_every_folder_is_described()
    {
        var folders = BadSnapshotCorpus.Folders().ToList();
        Assert.True(folders.Count >= 40, $"expected the bad-input corpus (40+ folders) under {BadSnapshotCorpus.Root}, found {folders.Count}");
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            Assert.True(File.Exists(Path.Combine(folder, "README.md")), $"{name}: README.md missing");
            Assert.True(Directory.Exists(Path.Combine(folder, "snapshot")), $"{name}: snapshot/ missing");
            var expected = BadSnapshotCorpus.Expected(folder);
            var kind = expected.GetProperty("kind").GetString();
            Assert.True(kind is "error" or "verdict", $"{name}: kind must be error or verdict, not {kind}");
            if (kind == "error")
            {
                Assert.StartsWith("Snapshot", expected.GetProperty("errorId").GetString());
                Assert.True(expected.TryGetProperty("file", out _), $"{name}: an error case names its file");
            }
            else
                foreach (var c in expected.GetProperty("cases").EnumerateArray())
                    Assert.DoesNotContain(c.GetProperty("verdict").GetString(), new[] { "Reachable", "ReachableToEdge" });
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Bad_snapshot_gives_its_named_error_or_a_verdict_that_is_not_Reachable(string name)
    {
        var folder = Path.Combine(BadSnapshotCorpus.Root, name);
        var expected = BadSnapshotCorpus.Expected(folder);
        var snapshot = BadSnapshotCorpus.SnapshotPath(folder, _scratch);
        NetworkModel? model = null;
        var thrown = Record.Exception(() => model = SnapshotReader.Read(snapshot));

        if (expected.GetProperty("kind").GetString() == "error")
        {
            Assert.True(thrown is SnapshotException, $"{name}: expected a SnapshotException, got {(thrown is null ? "a model" : thrown.GetType().Name + ": " + thrown.Message)}");
            var ex = (SnapshotException)thrown!;
            var context = $"{name}: {ex.ErrorId} {ex.File} {ex.JsonPath}: {ex.Message}";
            Assert.True(expected.GetProperty("errorId").GetString() == ex.ErrorId, $"errorId; {context}");
            Assert.True(expected.GetProperty("file").GetString() == ex.File, $"file; {context}");
            if (expected.TryGetProperty("jsonPath", out var path) && path.ValueKind == JsonValueKind.String)
                Assert.True(path.GetString() == ex.JsonPath, $"jsonPath: expected {path.GetString()}; {context}");
            else
                Assert.False(string.IsNullOrEmpty(ex.JsonPath), $"every snapshot error names a JSON path; {context}");
            if (expected.TryGetProperty("messageContains", out var parts))
                foreach (var part in parts.EnumerateArray())
                    Assert.True(ex.Message.Contains(part.GetString()!, StringComparison.Ordinal), $"message lacks '{part.GetString()}'; {context}");
            Assert.True(ex.Message.Length < 2000, $"messages stay readable ({ex.Message.Length} characters); {context}");
            return;
        }

        Assert.True(thrown is null, $"{name}: expected the snapshot to read, got {thrown}");
        var walker = new PacketWalker(model!);
        foreach (var c in expected.GetProperty("cases").EnumerateArray())
        {
            var result = walker.Walk(Request(c));
            var context = $"{name}/{c.GetProperty("name").GetString()}: {result} | {result.Explanation}";
            // Neither end-to-end nor up-to-the-edge reachability may come out of bad input.
            Assert.NotEqual(PathVerdict.Reachable, result.Verdict);
            Assert.NotEqual(PathVerdict.ReachableToEdge, result.Verdict);
            Assert.True(c.GetProperty("verdict").GetString() == result.Verdict.ToString(), $"verdict; {context}");
            if (c.TryGetProperty("reasonOneOf", out var reasons))
                Assert.True(reasons.EnumerateArray().Any(r => r.GetString() == result.Reason), $"reason not among {reasons}; {context}");
            else
                Assert.True(c.GetProperty("reason").GetString() == result.Reason, $"reason; {context}");
            if (c.TryGetProperty("blockedAt", out var at))
                Assert.True(at.GetString() == result.BlockedAt, $"blockedAt: expected {at.GetString()}; {context}");
            if (c.TryGetProperty("blockedDirection", out var dir) && dir.ValueKind == JsonValueKind.String)
                Assert.True(dir.GetString() == result.BlockedDirection?.ToString(), $"blockedDirection; {context}");
            Assert.False(string.IsNullOrEmpty(result.Explanation), context);
            // Nothing after the deciding hop claims the packet got through.
            Assert.Contains(result.Hops, h => !h.Passed);
        }
    }

    internal static WalkRequest Request(JsonElement c) => new()
    {
        Source = c.GetProperty("source").GetString()!,
        Destination = c.GetProperty("destination").GetString()!,
        Protocol = IpProtocol.Parse(c.TryGetProperty("protocol", out var p) ? p.GetString()! : "tcp"),
        Port = c.TryGetProperty("port", out var port) && port.ValueKind == JsonValueKind.Number ? port.GetInt32() : null,
    };
}
