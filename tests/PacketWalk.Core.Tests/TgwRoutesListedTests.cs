using PacketWalk.Core.Fixes;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// A TGW route table whose routes and propagations were both listed as empty routes nothing (Blocked, TGW_RTB_CANNOT_ROUTE);
/// one whose lists are absent is unknown. Found with moto, whose default TGW route table has neither.
/// </summary>
public class TgwRoutesListedTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pw-tgw-listed-" + Guid.NewGuid().ToString("N"));

    public TgwRoutesListedTests()
    {
        var seed = Path.Combine(ScenarioTests.RepoRoot(), "src", "PacketWalk.PowerShell", "samples", "seed");
        Directory.CreateDirectory(_folder);
        foreach (var f in Directory.GetFiles(seed, "*.json")) File.Copy(f, Path.Combine(_folder, Path.GetFileName(f)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Table = "tgw-rtb-0a1b2c3d4e5f60001";

    private PacketPathResult Walk() =>
        new PacketWalker(SnapshotReader.Read(_folder)).Walk(new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Port = 443 });

    [Fact]
    public void Both_lists_read_and_empty_means_no_route()
    {
        File.WriteAllText(Path.Combine(_folder, "TransitGatewayStaticRoutes.json"), $$"""{"TransitGatewayStaticRoutes":[{"TransitGatewayRouteTableId":"{{Table}}","Routes":[]}]}""");
        File.WriteAllText(Path.Combine(_folder, "TransitGatewayPropagations.json"), $$"""{"TransitGatewayPropagations":[{"TransitGatewayRouteTableId":"{{Table}}","TransitGatewayRouteTablePropagations":[]}]}""");
        var r = Walk();
        Assert.Equal(PathVerdict.Blocked, r.Verdict);
        Assert.Equal("TGW_RTB_CANNOT_ROUTE", r.Reason);
        Assert.Equal(Table, r.BlockedAt);
    }

    [Fact]
    public void Only_the_static_list_read_leaves_the_table_unknown()
    {
        File.WriteAllText(Path.Combine(_folder, "TransitGatewayStaticRoutes.json"), $$"""{"TransitGatewayStaticRoutes":[{"TransitGatewayRouteTableId":"{{Table}}","Routes":[]}]}""");
        File.Delete(Path.Combine(_folder, "TransitGatewayPropagations.json"));
        var r = Walk();
        Assert.Equal(PathVerdict.Unknown, r.Verdict);
        Assert.Equal("TGW_RTB_ROUTES_ARE_UNKNOWN", r.Reason);
    }

    [Fact]
    public void A_model_copied_for_fixes_keeps_routes_listed_as_empty()
    {
        // Regression: NetworkModelBuilder.Copy() carried only list properties, so a model rebuilt by With(edits) (the fix
        // planner's check) forgot that the table's lists had been read and called its routes unknown.
        File.WriteAllText(Path.Combine(_folder, "TransitGatewayStaticRoutes.json"), $$"""{"TransitGatewayStaticRoutes":[{"TransitGatewayRouteTableId":"{{Table}}","Routes":[]}]}""");
        File.WriteAllText(Path.Combine(_folder, "TransitGatewayPropagations.json"), $$"""{"TransitGatewayPropagations":[{"TransitGatewayRouteTableId":"{{Table}}","TransitGatewayRouteTablePropagations":[]}]}""");
        var model = SnapshotReader.Read(_folder);
        var edited = model.With(new ModelEdit[] { new SetSourceDestCheck("eni-084d826e4b1e0e190", false) });

        Assert.Contains(Table, (IReadOnlySet<string>)edited.TransitGatewayRouteTablesWithRoutesListed);
        Assert.Contains(Table, (IReadOnlySet<string>)edited.TransitGatewayRouteTablesWithPropagationsListed);
        var r = new PacketWalker(edited).Walk(new WalkRequest { Source = "i-0a00000000000000a", Destination = "i-0b00000000000000b", Port = 443 });
        Assert.Equal(PathVerdict.Blocked, r.Verdict);
        Assert.Equal("TGW_RTB_CANNOT_ROUTE", r.Reason);
        Assert.Equal(Table, r.BlockedAt);
    }
}
