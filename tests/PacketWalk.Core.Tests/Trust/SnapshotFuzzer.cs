using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// A bounded, seeded mutation fuzzer for the snapshot reader and the walk. It takes valid snapshots (generated
/// estates, the seed sample, the corpus base), breaks one file at a time — byte flips, truncation, splices, type swaps,
/// deleted keys, duplicated elements, deep nesting, hostile values — and checks the only outcomes allowed: the reader
/// throws <see cref="SnapshotException"/>, or the model reads and every walk either returns a verdict or throws
/// <see cref="WalkInputException"/>. Anything else (or a walk that does not finish) is a crash; its input is written
/// out so it can be kept under tests/fuzz-regressions.
/// </summary>
internal static class SnapshotFuzzer
{
    public sealed record Snapshot(string Name, IReadOnlyList<(string File, byte[] Bytes)> Files);

    public sealed record Crash(string Description, Snapshot Input);

    private static readonly string[] Hostile =
    {
        "null", "true", "false", "0", "-1", "65536", "2147483648", "-2147483649", "1e308", "-0.0", "1.5", "\"\"", "\"-1\"", "\"all\"",
        "\"10.0.0.1/33\"", "\"::/129\"", "\"10.0.0.0/-1\"", "\"256.1.1.1\"", "\"0.0.0.0/0\"", "\"::/0\"", "\"fe80::1%eth0\"", "\"10.1\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"../../../etc/passwd\"", "\"$(Get-Process)\"", "\"${env:HOME}\"", "\"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>\"",
        "[]", "{}", "[null]", "[{}]", "[[]]", "{\"a\":{}}", "\"blackhole\"", "\"deny\"", "\"allow\"", "\"enable\"", "32767", "32768",
    };

    private static readonly byte[] JsonBytes = Encoding.ASCII.GetBytes("{}[],:\"0-/ .e\\");

    /// <summary>Mutates one file of <paramref name="input"/> in one of several ways.</summary>
    public static Snapshot Mutate(Snapshot input, Random random)
    {
        var files = input.Files.ToList();
        int index = random.Next(files.Count);
        var (file, bytes) = files[index];
        string how;
        byte[] mutated;
        switch (random.Next(10))
        {
            case 0:
            {
                mutated = (byte[])bytes.Clone();
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips && mutated.Length > 0; i++) mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                how = $"{flips} bit flips";
                break;
            }
            case 1:
            {
                mutated = (byte[])bytes.Clone();
                int edits = random.Next(1, 5);
                for (int i = 0; i < edits && mutated.Length > 0; i++) mutated[random.Next(mutated.Length)] = JsonBytes[random.Next(JsonBytes.Length)];
                how = $"{edits} JSON punctuation edits";
                break;
            }
            case 2:
            {
                int at = random.Next(bytes.Length + 1);
                mutated = bytes[..at];
                how = $"truncated at {at}";
                break;
            }
            case 3:
            {
                var (_, other) = files[random.Next(files.Count)];
                int from = random.Next(other.Length), length = random.Next(Math.Min(200, other.Length - from) + 1), at = random.Next(bytes.Length + 1);
                mutated = bytes[..at].Concat(other.AsSpan(from, length).ToArray()).Concat(bytes[at..]).ToArray();
                how = $"spliced {length} bytes at {at}";
                break;
            }
            default:
                (mutated, how) = MutateTree(bytes, random);
                break;
        }
        files[index] = (file, mutated);
        return new Snapshot($"{input.Name}: {file} {how}", files);
    }

    /// <summary>Structural edits on the parsed document: type swaps, deletions, duplicates, nesting, hostile values.</summary>
    private static (byte[] Bytes, string How) MutateTree(byte[] bytes, Random random)
    {
        JsonNode? root;
        // Earlier byte-level mutations may have left text JsonNode cannot hold; those files only get byte mutations.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) return (bytes, "unchanged (not UTF-8)");
        try { root = JsonNode.Parse(bytes, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 }); }
        catch (System.Text.Json.JsonException) { return (bytes, "unchanged (not JSON)"); }
        if (root is null) return (bytes, "unchanged (null)");
        var nodes = new List<(JsonNode? Parent, string? Key, int Index, JsonNode? Node)>();
        try { Collect(root, null, null, -1, nodes); }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Text.Json.JsonException) { return (bytes, "unchanged (JsonNode cannot hold it, e.g. duplicate keys)"); }
        var (parent, key, idx, node) = nodes[random.Next(nodes.Count)];
        string how;
        switch (random.Next(6))
        {
            case 0:
            case 1:
                var value = Hostile[random.Next(Hostile.Length)];
                Replace(ref root, parent, key, idx, JsonNode.Parse(value));
                how = $"{Path(parent, key, idx)} = {value}";
                break;
            case 2:
                if (parent is JsonObject po && key is not null) { po.Remove(key); how = $"removed {key}"; }
                else if (parent is JsonArray pa && idx >= 0) { pa.RemoveAt(idx); how = $"removed [{idx}]"; }
                else how = "unchanged";
                break;
            case 3:
                if (parent is JsonArray arr && node is not null) { arr.Add(node.DeepClone()); how = $"duplicated [{idx}]"; }
                else if (node is JsonArray own && own.Count > 0) { own.Add(own[random.Next(own.Count)]?.DeepClone()); how = "duplicated an element"; }
                else how = "unchanged";
                break;
            case 4:
                int depth = random.Next(2) == 0 ? random.Next(55, 70) : random.Next(200, 3000);
                var text = new string('[', depth) + (node?.ToJsonString() ?? "null") + new string(']', depth);
                var raw = root.ToJsonString();
                var nodeText = node?.ToJsonString();
                if (nodeText is not null && raw.Contains(nodeText, StringComparison.Ordinal))
                {
                    int at = raw.IndexOf(nodeText, StringComparison.Ordinal);
                    return (Encoding.UTF8.GetBytes(raw[..at] + text + raw[(at + nodeText.Length)..]), $"nested {depth} deep");
                }
                how = "unchanged";
                break;
            default:
                var s = new string((char)random.Next(33, 126), random.Next(300, 70_000));
                Replace(ref root, parent, key, idx, JsonValue.Create(s));
                how = $"{Path(parent, key, idx)} = {s.Length}-character string";
                break;
        }
        try { return (Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null"), how); }
        catch (InvalidOperationException)
        {
            // A lone surrogate ("\ud800") cannot be re-serialised by JsonNode; splice the text in by hand instead.
            var text = Encoding.UTF8.GetString(bytes);
            int at = random.Next(text.Length + 1);
            return (Encoding.UTF8.GetBytes(text[..at] + "\ud800" + text[at..]), $"lone surrogate escape at {at}");
        }
    }

    private static string Path(JsonNode? parent, string? key, int idx) => parent is null ? "$" : key ?? $"[{idx}]";

    private static void Replace(ref JsonNode? root, JsonNode? parent, string? key, int idx, JsonNode? value)
    {
        if (parent is JsonObject o && key is not null) o[key] = value;
        else if (parent is JsonArray a && idx >= 0) a[idx] = value;
        else root = value;
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int idx, List<(JsonNode?, string?, int, JsonNode?)> into)
    {
        into.Add((parent, key, idx, node));
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList()) Collect(v, o, k, -1, into);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Collect(a[i], a, null, i, into);
                break;
        }
    }

    /// <summary>Reads and walks one input; returns a crash or null.</summary>
    public static Crash? Check(Snapshot input, int walks, Random random)
    {
        NetworkModel model;
        try
        {
            var builder = new NetworkModelBuilder();
            foreach (var (file, bytes) in input.Files)
                SnapshotReader.ReadBytes(builder, bytes, file, null, null);
            model = builder.Build();
        }
        catch (SnapshotException) { return null; }
        catch (Exception ex) { return new Crash($"reading: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}", input); }

        var endpoints = model.Instances.Keys.Concat(model.NetworkInterfaces.Keys).Concat(model.NetworkInterfaces.Values.SelectMany(e => e.AllAddresses).Select(a => a.ToString()))
            .Concat(new[] { "10.1.1.99", "10.250.0.5", "::1" }).OrderBy(s => s, StringComparer.Ordinal).ToList();
        if (model.NetworkInterfaces.Count == 0) return null;
        var walker = new PacketWalker(model);
        var protocols = new[] { IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp, IpProtocol.IcmpV6, 47 };
        for (int i = 0; i < walks; i++)
        {
            int protocol = protocols[random.Next(protocols.Length)];
            var request = new WalkRequest
            {
                Source = endpoints[random.Next(endpoints.Count)],
                Destination = endpoints[random.Next(endpoints.Count)],
                Protocol = protocol,
                Port = IpProtocol.HasPorts(protocol) ? new[] { 443, 22, 0, 65535 }[random.Next(4)] : null,
            };
            try
            {
                var result = walker.Walk(request);
                if (result.Verdict == PathVerdict.Reachable && result.Hops.Any(h => !h.Passed))
                    return new Crash($"walk {request}: Reachable with a hop that did not pass", input);
                if (result.Verdict != PathVerdict.Reachable && (result.BlockedAt is null || result.Reason is null))
                    return new Crash($"walk {request}: {result.Verdict} without BlockedAt/Reason", input);
            }
            catch (WalkInputException) { }
            catch (Exception ex) { return new Crash($"walk {request}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}", input); }
        }
        return null;
    }

    /// <summary>Writes a crashing input as a snapshot folder named by its content hash; returns the folder.</summary>
    public static string Save(Crash crash, string directory)
    {
        var hash = Convert.ToHexString(SHA256.HashData(crash.Input.Files.SelectMany(f => Encoding.UTF8.GetBytes(f.File).Concat(f.Bytes)).ToArray()))[..12].ToLowerInvariant();
        var folder = System.IO.Path.Combine(directory, hash);
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "snapshot"));
        foreach (var (file, bytes) in crash.Input.Files) File.WriteAllBytes(System.IO.Path.Combine(folder, "snapshot", file), bytes);
        File.WriteAllText(System.IO.Path.Combine(folder, "README.md"), $"# fuzz regression {hash}\n\nFound by the snapshot fuzzer ({crash.Input.Name}).\n\n```\n{crash.Description}\n```\n");
        return folder;
    }

    /// <summary>Valid snapshots to start from: the seed sample, the corpus base and a few generated estates.</summary>
    public static List<Snapshot> Seeds(int generated, Random random)
    {
        var seeds = new List<Snapshot>();
        static Snapshot FromFolder(string name, string folder) =>
            new(name, Directory.GetFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal).Select(f => (System.IO.Path.GetFileName(f), File.ReadAllBytes(f))).ToList());
        var root = ScenarioTests.RepoRoot();
        seeds.Add(FromFolder("seed", System.IO.Path.Combine(root, "src", "PacketWalk.PowerShell", "samples", "seed")));
        seeds.Add(FromFolder("tgw-blackhole", System.IO.Path.Combine(root, "tests", "scenarios", "tgw-blackhole", "snapshot")));
        seeds.Add(FromFolder("corpus base", System.IO.Path.Combine(root, "tests", "bad-snapshots", "tgw-route-to-deleted-attachment", "snapshot")));
        var gen = EstateGen.Estate;
        for (int i = 0; i < generated; i++)
        {
            var spec = gen.Generate(new CsCheck.PCG(1, (ulong)random.NextInt64()), null!, out _);
            var estate = new Estate(spec);
            seeds.Add(new Snapshot($"estate {i}", estate.Files().Select(f => (f.File, Encoding.UTF8.GetBytes(f.Json))).ToList()));
        }
        return seeds;
    }
}
