using System.Runtime;

namespace PacketWalk.Core.Snapshot;

/// <summary>
/// Suspends garbage collection while a large snapshot loads. Almost everything a load allocates survives into the model,
/// so each collection during it only copies live records from one generation to the next: on the large benchmark estate
/// (300 MiB of JSON) that was about a fifth of the load's wall time, with both cores stopped. The region is asked for
/// only for loads big enough to matter, is sized from the JSON on disk, and is given up quietly when the runtime refuses
/// it (another region active, a budget it cannot reserve) or when the load outgrows it (the runtime then collects as usual).
/// </summary>
internal sealed class LoadAllocationRegion : IDisposable
{
    /// <summary>Below this much JSON a load takes well under a second and collections cost little.</summary>
    internal const long MinimumJsonBytes = 64L << 20;

    /// <summary>The reader allocates about 1.3 bytes per byte of JSON (measured on the generated estates); twice leaves room.</summary>
    private const int BudgetPerJsonByte = 2;

    private const long MinimumBudget = 16L << 20;
    private const long MaximumBudget = 1L << 30;

    private bool _active;

    private LoadAllocationRegion(bool active) => _active = active;

    /// <summary>Starts a region for reading <paramref name="paths"/> when their JSON is large enough; otherwise does nothing.</summary>
    public static LoadAllocationRegion For(IEnumerable<string> paths) => For(paths, MinimumJsonBytes);

    internal static LoadAllocationRegion For(IEnumerable<string> paths, long minimumJsonBytes)
    {
        long json = paths.Sum(JsonBytesUnder);
        if (json == 0 || json < minimumJsonBytes || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new(false);
        try
        {
            return new(GC.TryStartNoGCRegion(Math.Clamp(json * BudgetPerJsonByte, MinimumBudget, MaximumBudget)));
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            return new(false); // a budget the runtime cannot reserve, or another thread's region: load with collections
        }
    }

    public void Dispose()
    {
        if (!_active) return;
        _active = false;
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return; // the load outgrew the budget and a collection ended it
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { } // ended by a collection another thread induced
    }

    /// <summary>The size of the .json files a path names (a file, or a folder searched as the reader searches it); 0 when unreadable.</summary>
    private static long JsonBytesUnder(string path)
    {
        try
        {
            if (File.Exists(path)) return new FileInfo(path).Length;
            if (!Directory.Exists(path)) return 0;
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = true,
                IgnoreInaccessible = true,
                MaxRecursionDepth = SnapshotReader.MaxFolderDepth,
                AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint,
            };
            return new DirectoryInfo(path).EnumerateFiles("*.json", options).Sum(f => f.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return 0;
        }
    }
}
