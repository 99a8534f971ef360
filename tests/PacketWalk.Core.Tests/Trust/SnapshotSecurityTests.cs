using System.Text.Json;
using System.Text.Json.Nodes;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// Snapshot content is data, never instructions: no path in a value is followed, no variable or expression is expanded,
/// no entity is resolved. A crafted snapshot carries such payloads in ids, names, descriptions and unknown keys; a
/// sibling folder holds what a followed path would pull in.
/// </summary>
public sealed class SnapshotSecurityTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pw-sec-" + Guid.NewGuid().ToString("N"));
    private const string SecretVariable = "PACKETWALK_SECURITY_TEST_SECRET";
    private const string Secret = "s3cr3t-value-that-must-not-appear";

    public SnapshotSecurityTests()
    {
        Directory.CreateDirectory(_root);
        Environment.SetEnvironmentVariable(SecretVariable, Secret);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SecretVariable, null);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Values a naive tool might follow, expand or evaluate.</summary>
    internal static readonly string[] Payloads =
    {
        "../outside/Subnets.json", "/etc/passwd", "file:///etc/passwd", "\\\\server\\share\\x.json",
        "$(Get-Content /etc/passwd)", "${env:" + SecretVariable + "}", "%" + SecretVariable + "%", "$" + SecretVariable, "`whoami`",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", "{{7*7}}", "#{7*7}",
    };

    /// <summary>
    /// The base corpus estate with every payload planted: as a Name tag and description on each resource, as the
    /// description of the ENIs, as "$ref"/"$include" keys, and as a whole extra top-level key.
    /// </summary>
    internal static string CraftSnapshot(string root)
    {
        var source = Path.Combine(BadSnapshotCorpus.Root, "tgw-route-to-deleted-attachment", "snapshot");
        var snapshot = Path.Combine(root, "snapshot");
        Directory.CreateDirectory(snapshot);
        int n = 0;
        foreach (var file in Directory.GetFiles(source, "*.json"))
        {
            var doc = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            foreach (var (_, list) in doc.ToList())
                if (list is JsonArray items)
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        var payload = Payloads[n++ % Payloads.Length];
                        item["Tags"] = new JsonArray(new JsonObject { ["Key"] = "Name", ["Value"] = payload }, new JsonObject { ["Key"] = payload, ["Value"] = payload });
                        if (!item.ContainsKey("Description")) item["Description"] = payload;
                        item["$ref"] = "../outside/Subnets.json";
                        item["$include"] = Payloads[n % Payloads.Length];
                    }
            doc["$ref"] = "../outside/Subnets.json";
            File.WriteAllText(Path.Combine(snapshot, Path.GetFileName(file)), doc.ToJsonString());
        }
        // What following any of those paths would read: a subnet and a VPC that must never show up.
        var outside = Path.Combine(root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "Subnets.json"),
            """{"Subnets":[{"SubnetId":"subnet-0ffffffffffff0ut","VpcId":"vpc-0ffffffffffffff0ut","CidrBlock":"10.200.0.0/24","AvailabilityZone":"us-east-1a"}]}""");
        File.WriteAllText(Path.Combine(snapshot, "Extra.json"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["$include"] = "../outside/Subnets.json", ["Imports"] = Payloads }));
        // An XML twin next to the JSON: snapshots are .json only, so it is never opened.
        File.WriteAllText(Path.Combine(snapshot, "Subnets.xml"), Payloads[9]);
        return snapshot;
    }

    [Fact]
    public void Payloads_in_a_snapshot_are_kept_verbatim_and_nothing_outside_the_folder_is_read()
    {
        var snapshot = CraftSnapshot(_root);
        var warnings = new List<SnapshotWarning>();
        var model = SnapshotReader.Read(new[] { snapshot }, warnings.Add);

        Assert.DoesNotContain("subnet-0ffffffffffff0ut", model.Subnets.Keys);
        Assert.DoesNotContain("vpc-0ffffffffffffff0ut", model.Vpcs.Keys);
        Assert.Equal(3, model.Subnets.Count);
        // Names come back exactly as written: no expansion of $(...), ${env:...}, %VAR% or entities.
        var names = model.Vpcs.Values.Select(v => v.Name).Concat(model.Subnets.Values.Select(s => s.Name)).ToList();
        Assert.Equal(5, names.Count);
        Assert.All(names, name => Assert.Contains(name, Payloads));
        Assert.Contains(model.NetworkInterfaces.Values, e => e.Description is { } d && Payloads.Contains(d));
        // The unknown keys are reported, not acted on.
        Assert.Contains(warnings, w => w.Message.Contains("$include", StringComparison.Ordinal));

        // Walks over the crafted estate give the same verdicts as over the clean one, and never echo the secret.
        var clean = SnapshotReader.Read(Path.Combine(BadSnapshotCorpus.Root, "tgw-route-to-deleted-attachment", "snapshot"));
        foreach (var (source, destination) in new[] { ("i-0a0000000000000a1", "i-0b0000000000000b1"), ("i-0a0000000000000a1", "i-0b0000000000000b2"), ("i-0b0000000000000b1", "i-0a0000000000000a1") })
        {
            var request = new WalkRequest { Source = source, Destination = destination, Port = 443 };
            var crafted = new PacketWalker(model).Walk(request);
            var expected = new PacketWalker(clean).Walk(request);
            Assert.Equal(expected.Verdict, crafted.Verdict);
            Assert.Equal(expected.BlockedAt, crafted.BlockedAt);
            var text = JsonSerializer.Serialize(crafted);
            Assert.DoesNotContain(Secret, text);
            Assert.DoesNotContain("root:", text);
        }
    }

    [Fact]
    public void An_id_carrying_a_payload_is_just_an_unknown_id()
    {
        var model = SnapshotReader.Read(Path.Combine(BadSnapshotCorpus.Root, "tgw-route-to-deleted-attachment", "snapshot"));
        foreach (var payload in Payloads)
        {
            var ex = Assert.Throws<WalkInputException>(() => new PacketWalker(model).Walk(new WalkRequest { Source = payload, Destination = "i-0b0000000000000b1", Port = 443 }));
            Assert.DoesNotContain(Secret, ex.Message);
        }
    }

    [Fact]
    public void A_snapshot_path_is_read_only_where_it_points_symlinked_folders_are_not_followed()
    {
        var snapshot = CraftSnapshot(_root);
        // A directory link inside the snapshot pointing at the outside folder: the reader skips reparse points.
        var link = Path.Combine(snapshot, "linked");
        try { Directory.CreateSymbolicLink(link, Path.Combine(_root, "outside")); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException) { return; }
        var model = SnapshotReader.Read(snapshot);
        Assert.DoesNotContain("subnet-0ffffffffffff0ut", model.Subnets.Keys);
    }
}
