using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.PowerShell;

/// <summary>
/// Normalises the -Snapshot argument without reading anything: a <see cref="PacketWalkSnapshot"/> passes through,
/// a path (string, FileInfo, DirectoryInfo, or several of them) becomes a string[]. Reading happens in the cmdlet body,
/// so a bad snapshot surfaces as the reader's own error id rather than a parameter-binding failure.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SnapshotTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => Normalize(inputData) ?? inputData;

    internal static object? Normalize(object? input)
    {
        input = Unwrap(input);
        switch (input)
        {
            case null: return null;
            case PacketWalkSnapshot snapshot: return snapshot;
            case string s: return new[] { s };
            case FileSystemInfo fs: return new[] { fs.FullName };
            case IEnumerable items:
                var paths = new List<string>();
                foreach (var item in items)
                {
                    switch (Unwrap(item))
                    {
                        case null: break;
                        case PacketWalkSnapshot one when paths.Count == 0: return one;
                        case string s: paths.Add(s); break;
                        case FileSystemInfo fs: paths.Add(fs.FullName); break;
                        default: return input; // leave it; the cmdlet reports what it cannot use
                    }
                }
                return paths.ToArray();
            default: return input;
        }
    }

    private static object? Unwrap(object? o) => o is PSObject pso ? pso.BaseObject : o;
}

/// <summary>Reads snapshot folders or files into a <see cref="PacketWalkSnapshot"/>. Knows nothing about cmdlets.</summary>
public static class SnapshotLoader
{
    /// <summary>Reads the given full file-system paths. Throws <see cref="SnapshotException"/> on bad input.</summary>
    public static PacketWalkSnapshot Load(IReadOnlyList<string> fullPaths, List<SnapshotWarning> warnings)
    {
        var watch = Stopwatch.StartNew();
        var collected = new List<SnapshotWarning>();
        var model = SnapshotReader.Read(fullPaths, collected.Add);
        watch.Stop();
        IReadOnlyList<SnapshotWarning> all = collected.Count > 0 ? collected : model.Warnings;
        warnings.AddRange(all);
        return new PacketWalkSnapshot(fullPaths, model, all.ToList(), watch.Elapsed);
    }
}
