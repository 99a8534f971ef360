using System.Runtime;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Tests;

/// <summary>Garbage collection is process-wide: these tests run alone so no other test's allocations end the region.</summary>
[CollectionDefinition(nameof(GcRegionCollection), DisableParallelization = true)]
public sealed class GcRegionCollection;

[Collection(nameof(GcRegionCollection))]
public class LoadAllocationRegionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("packetwalk-gcregion-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Snapshot()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "vpcs.json"), """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}""");
        return _folder.FullName;
    }

    [Fact]
    public void Small_snapshot_loads_without_a_region()
    {
        using (LoadAllocationRegion.For(new[] { Snapshot() }))
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Large_enough_snapshot_loads_inside_a_region_that_ends_with_the_load()
    {
        var path = Snapshot();
        using (LoadAllocationRegion.For(new[] { path }, minimumJsonBytes: 1))
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_region_someone_else_started_is_left_to_them()
    {
        var path = Snapshot();
        Assert.True(GC.TryStartNoGCRegion(16L << 20));
        try
        {
            using (LoadAllocationRegion.For(new[] { path }, minimumJsonBytes: 1)) { }
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode); // not ended by the load
        }
        finally
        {
            GC.EndNoGCRegion();
        }
    }

    [Fact]
    public void A_load_that_outgrows_its_region_ends_normally()
    {
        var path = Snapshot();
        using (LoadAllocationRegion.For(new[] { path }, minimumJsonBytes: 1))
        {
            GC.Collect(); // what an allocation past the budget does: the runtime collects and the region is over
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        } // Dispose must not throw
    }

    [Fact]
    public void Missing_or_unreadable_paths_count_as_no_json()
    {
        using (LoadAllocationRegion.For(new[] { Path.Combine(_folder.FullName, "absent"), "" }, minimumJsonBytes: 1))
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
