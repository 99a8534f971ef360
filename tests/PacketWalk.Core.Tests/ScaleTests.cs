using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.EstateGenerator;

namespace PacketWalk.Core.Tests;

/// <summary>
/// The synthetic estate generator, the parallel snapshot reader and the indexed walk, checked for correctness on the
/// small estate (speed is measured by ./build.ps1 Bench, never here).
/// </summary>
public class ScaleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "packetwalk-scale-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Generator_is_deterministic_and_meets_the_spec()
    {
        var a = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 7, Path.Combine(_root, "a"));
        var b = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 7, Path.Combine(_root, "b"));
        var c = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 8, Path.Combine(_root, "c"));
        Assert.Equal(EstateSpec.Small.Vpcs, a.Vpcs);
        Assert.Equal(EstateSpec.Small.NetworkInterfaces, a.NetworkInterfaces);
        var filesA = Files(a.Root);
        Assert.Equal(filesA, Files(b.Root));
        foreach (var f in filesA) Assert.Equal(File.ReadAllBytes(Path.Combine(a.Root, f)), File.ReadAllBytes(Path.Combine(b.Root, f)));
        Assert.NotEqual(File.ReadAllText(Path.Combine(a.Root, filesA[^1])), File.ReadAllText(Path.Combine(c.Root, filesA[^1])));
        // The layout is the Batfish multi-account one.
        Assert.All(filesA, f => Assert.Matches(@"^aws_configs/accounts/\d{12}/us-east-1/[A-Za-z]+\.json$", f));

        var model = SnapshotReader.Read(a.Root);
        Assert.Equal(a.Vpcs, model.Vpcs.Count);
        Assert.Equal(a.NetworkInterfaces, model.NetworkInterfaces.Count);
        Assert.Equal(a.Instances, model.Instances.Count);
        Assert.Empty(model.Warnings);
        // NACLs hold 20-100 rules; the spoke TGW route table holds the spec's routes (static + propagated).
        Assert.All(model.NetworkAcls.Values.Where(x => !x.IsDefault), acl => Assert.InRange(acl.Entries.Count, 20, 100));
        var spoke = model.TransitGatewayRouteTables.Values.Single(t => t.DefaultAssociationRouteTable).TransitGatewayRouteTableId;
        Assert.Equal(EstateSpec.Small.PrimaryTgwRoutes, model.TransitGatewayRoutes[spoke].Count + model.TransitGatewayPropagations[spoke].Count);
    }

    private static List<string> Files(string root) =>
        Directory.GetFiles(Path.Combine(root, "aws_configs"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Walks_between_generated_instances_are_mostly_reachable_and_the_index_agrees_with_the_scan()
    {
        var estate = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 42, _root);
        var indexed = new PacketWalker(SnapshotReader.Read(estate.Root));
        var builder = new NetworkModelBuilder { LinearLookups = true };
        SnapshotReader.ReadInto(builder, estate.Root);
        var baseline = new PacketWalker(builder.Build());
        var instances = indexed.Model.Instances.Keys.Order(StringComparer.Ordinal).ToList();
        var verdicts = new Dictionary<PathVerdict, int>();
        foreach (var s in instances)
            foreach (var d in instances)
            {
                var request = new WalkRequest { Source = s, Destination = d, Protocol = IpProtocol.Tcp, Port = 443 };
                var x = indexed.Walk(request);
                var y = baseline.Walk(request);
                Assert.Equal(Describe(y), Describe(x));
                verdicts[x.Verdict] = verdicts.GetValueOrDefault(x.Verdict) + 1;
            }
        int total = instances.Count * instances.Count;
        Assert.True(verdicts.GetValueOrDefault(PathVerdict.Reachable) * 2 > total, $"Reachable in {verdicts.GetValueOrDefault(PathVerdict.Reachable)} of {total}");
        Assert.True(verdicts.GetValueOrDefault(PathVerdict.Blocked) > 0, "some walks are blocked");
    }

    private static string Describe(PacketPathResult r) =>
        $"{r.Verdict}|{r.BlockedDirection}|{r.BlockedAt}|{r.Reason}|{r.Rule}|{r.Explanation}|{r.ForwardPathText}|{r.ReturnPathText}|{r.ReturnPortsAllowed}|{string.Join(";", r.Notes)}|"
        + string.Join(";", r.Hops.Select(h => $"{h.Sequence}/{h.Step}/{h.Component}/{h.Decision}/{h.Rule}/{h.Reason}/{h.Note}/{h.SourcePort}/{h.DestinationPort}"));

    [Fact]
    public void Parallel_read_gives_the_estate_a_one_by_one_read_gives()
    {
        var estate = EstateGenerator.EstateGenerator.Generate(EstateSpec.Small, 3, _root);
        var parallel = SnapshotReader.Read(estate.Root);

        var builder = new NetworkModelBuilder();
        foreach (var file in Files(estate.Root))
        {
            var (account, region) = SnapshotReader.AccountAndRegionFromPath(Path.GetDirectoryName(Path.Combine(estate.Root, file))!);
            SnapshotReader.ReadJson(builder, File.ReadAllText(Path.Combine(estate.Root, file)), file, account, region);
        }
        var sequential = builder.Build();

        Assert.Equal(sequential.Counts, parallel.Counts);
        Assert.Equal(sequential.Vpcs.Keys.Order(), parallel.Vpcs.Keys.Order());
        Assert.Equal(sequential.NetworkInterfaces.Values.Select(e => $"{e.NetworkInterfaceId} {e.Origin.Place} {e.Origin.Region} {e.Origin.OwnerId}").Order(),
                     parallel.NetworkInterfaces.Values.Select(e => $"{e.NetworkInterfaceId} {e.Origin.Place} {e.Origin.Region} {e.Origin.OwnerId}").Order());
        Assert.Equal(sequential.TransitGatewayRoutes.SelectMany(kv => kv.Value.Select(r => kv.Key + r.Text)), parallel.TransitGatewayRoutes.SelectMany(kv => kv.Value.Select(r => kv.Key + r.Text)));
        Assert.Equal(sequential.PrefixLists.Values.Select(p => $"{p.PrefixListId} {string.Join(",", p.Cidrs)}").Order(), parallel.PrefixLists.Values.Select(p => $"{p.PrefixListId} {string.Join(",", p.Cidrs)}").Order());
        Assert.Equal(sequential.Warnings.Select(w => w.ToString()), parallel.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Parallel_read_reports_the_first_bad_file_in_file_order()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "a-good.json"), "{\"Vpcs\": []}");
        File.WriteAllText(Path.Combine(_root, "b-bad.json"), "{\"Vpcs\": [ {\"VpcId\": 5} ]}");
        File.WriteAllText(Path.Combine(_root, "c-bad.json"), "{\"Vpcs\": [");
        for (int i = 0; i < 20; i++) File.WriteAllText(Path.Combine(_root, $"d-{i:D2}.json"), "{\"Subnets\": []}");
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(_root));
        Assert.Equal("b-bad.json", ex.File);
        Assert.Equal(SnapshotErrorIds.InvalidValue, ex.ErrorId);
    }
}
