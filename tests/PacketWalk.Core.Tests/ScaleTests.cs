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
        // Instance files are read last with the listed ENIs known (their embedded copies are skipped): same instances,
        // same ENIs in the same order.
        Assert.Equal(sequential.Instances.Values.Select(i => $"{i.InstanceId} {string.Join(",", i.NetworkInterfaceIds)} {i.Origin.Place}").Order(),
                     parallel.Instances.Values.Select(i => $"{i.InstanceId} {string.Join(",", i.NetworkInterfaceIds)} {i.Origin.Place}").Order());
        Assert.Equal(sequential.NetworkInterfaces.Values.Select(e => $"{e.NetworkInterfaceId} {e.PrimaryPrivateIp} {string.Join(",", e.GroupIds)} {e.InstanceId} {e.DeviceIndex}").Order(),
                     parallel.NetworkInterfaces.Values.Select(e => $"{e.NetworkInterfaceId} {e.PrimaryPrivateIp} {string.Join(",", e.GroupIds)} {e.InstanceId} {e.DeviceIndex}").Order());
    }

    private const string InstanceWithTwoEnis = """
        {"Reservations":[{"OwnerId":"111111111111","Instances":[{"InstanceId":"i-1","State":{"Name":"running"},"SubnetId":"subnet-1","VpcId":"vpc-1",
          "PrivateIpAddress":"10.0.1.5","Placement":{"AvailabilityZone":"us-east-1a"},
          "NetworkInterfaces":[
            {"NetworkInterfaceId":"eni-listed","Attachment":{"DeviceIndex":1},"PrivateIpAddress":"EMBEDDED_IP","Groups":[{"GroupId":"sg-1"}]},
            {"NetworkInterfaceId":"eni-embedded","Attachment":{"DeviceIndex":0},"PrivateIpAddress":"10.0.1.5","Groups":[{"GroupId":"sg-1"}]}]}]}]}
        """;

    private const string VpcSubnetAndListedEni = """
        {"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}],
         "Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"us-east-1a"}],
         "NetworkInterfaces":[{"NetworkInterfaceId":"eni-listed","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.1.9",
            "Attachment":{"InstanceId":"i-1","DeviceIndex":1},"Groups":[{"GroupId":"sg-2"}]}]}
        """;

    [Fact]
    public void Embedded_copy_of_a_listed_eni_is_not_read_and_the_instance_keeps_its_eni_order()
    {
        // The copy of eni-listed inside describe-instances is never used (the listed ENI wins), so the reader, which reads
        // instance files after the others, does not parse it: its bad address goes unnoticed, as an unused field would.
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "describe-instances.json"), InstanceWithTwoEnis.Replace("EMBEDDED_IP", "999.0.1.8"));
        File.WriteAllText(Path.Combine(_root, "describe-network-interfaces.json"), VpcSubnetAndListedEni);
        var model = SnapshotReader.Read(_root);

        Assert.Equal(new[] { "eni-embedded", "eni-listed" }, model.Instances["i-1"].NetworkInterfaceIds); // device index order
        Assert.Equal(IpAddress.Parse("10.0.1.9"), model.NetworkInterfaces["eni-listed"].PrimaryPrivateIp);  // the listed one wins
        Assert.Equal(new[] { "sg-2" }, model.NetworkInterfaces["eni-listed"].GroupIds);
        Assert.Equal(IpAddress.Parse("10.0.1.5"), model.NetworkInterfaces["eni-embedded"].PrimaryPrivateIp); // only embedded: read from the instance
        Assert.Equal("i-1", model.NetworkInterfaces["eni-embedded"].InstanceId);
        Assert.Equal("subnet-1", model.NetworkInterfaces["eni-embedded"].SubnetId);
    }

    [Fact]
    public void Embedded_eni_that_no_list_holds_is_still_checked()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "describe-instances.json"),
            InstanceWithTwoEnis.Replace("EMBEDDED_IP", "10.0.1.8").Replace("\"10.0.1.5\",\"Groups\"", "\"10.0.1.300\",\"Groups\""));
        File.WriteAllText(Path.Combine(_root, "describe-network-interfaces.json"), VpcSubnetAndListedEni);
        var ex = Assert.Throws<SnapshotException>(() => SnapshotReader.Read(_root));
        Assert.Equal("describe-instances.json", ex.File);
        Assert.Equal("$.Reservations[0].Instances[0].NetworkInterfaces[1].PrivateIpAddress", ex.JsonPath);
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
