using System.Text.Json;
using System.Text.Json.Nodes;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// The hostile-input corpus under tests/bad-snapshots: one folder per case with snapshot/, expected.json and README.md.
/// expected.json says either <c>"kind":"error"</c> (errorId, category, file, jsonPath, messageContains) or
/// <c>"kind":"verdict"</c> (cases walked like scenario cases; never Reachable). A <c>generate</c> section builds the
/// huge inputs at test time so they are not committed.
/// </summary>
internal static class BadSnapshotCorpus
{
    public static string Root => Path.Combine(ScenarioTests.RepoRoot(), "tests", "bad-snapshots");

    public static IEnumerable<string> Folders() =>
        Directory.Exists(Root) ? Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal) : Enumerable.Empty<string>();

    public static JsonElement Expected(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The folder to read: the committed snapshot/, or a generated copy of it under <paramref name="scratch"/>.</summary>
    public static string SnapshotPath(string folder, string scratch)
    {
        var snapshot = Path.Combine(folder, "snapshot");
        var expected = Expected(folder);
        if (!expected.TryGetProperty("generate", out var generate)) return snapshot;

        var target = Path.Combine(scratch, Path.GetFileName(folder));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(snapshot)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        if (generate.TryGetProperty("naclEntries", out var nacl))
            GenerateNaclEntries(Path.Combine(target, "NetworkAcls.json"), nacl.GetProperty("networkAclId").GetString()!,
                nacl.GetProperty("count").GetInt32(), nacl.GetProperty("numbering").GetString()!);
        return target;
    }

    /// <summary>
    /// Replaces one NACL's entries. "cycle": <paramref name="count"/> inbound allow entries numbered 1..32766, 1.. again.
    /// "max": 32,766 rules each way (1-32765 allow tcp/1 for unused /32s, inbound 32766 denies tcp/443, outbound 32766
    /// allows all) plus the two * rules, written in reverse order so file order and rule order disagree.
    /// </summary>
    private static void GenerateNaclEntries(string file, string aclId, int count, string numbering)
    {
        var root = JsonNode.Parse(File.ReadAllText(file))!;
        var acl = root["NetworkAcls"]!.AsArray().Single(a => (string?)a!["NetworkAclId"] == aclId)!;
        var entries = new JsonArray();
        static JsonObject Entry(int number, bool egress, string protocol, string action, string cidr, int? port = null)
        {
            var e = new JsonObject { ["RuleNumber"] = number, ["Protocol"] = protocol, ["RuleAction"] = action, ["Egress"] = egress, ["CidrBlock"] = cidr };
            if (port is { } p) e["PortRange"] = new JsonObject { ["From"] = p, ["To"] = p };
            return e;
        }
        static string Unused(int i, bool egress) => $"{(egress ? "192.0.2" : "198.51.100")}.{i % 256}/32";
        if (numbering == "cycle")
        {
            for (int i = 0; i < count; i++) entries.Add(Entry(i % 32766 + 1, false, "6", "allow", Unused(i, false), 1));
        }
        else if (numbering == "max")
        {
            var list = new List<JsonObject>();
            foreach (var egress in new[] { false, true })
            {
                for (int n = 1; n <= 32765; n++) list.Add(Entry(n, egress, "6", "allow", Unused(n, egress), 1));
                list.Add(egress ? Entry(32766, true, "-1", "allow", "0.0.0.0/0") : Entry(32766, false, "6", "deny", "0.0.0.0/0", 443));
                list.Add(Entry(32767, egress, "-1", "deny", "0.0.0.0/0"));
            }
            if (list.Count - 2 != count) throw new InvalidOperationException($"'max' numbering makes {list.Count - 2} numbered entries, expected.json says {count}");
            list.Reverse();
            foreach (var e in list) entries.Add(e);
        }
        else throw new InvalidOperationException($"unknown numbering '{numbering}'");
        acl["Entries"] = entries;
        File.WriteAllText(file, root.ToJsonString());
    }
}
