using System.Management.Automation;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// Shared plumbing for PacketWalk cmdlets: resolving -Snapshot to a loaded snapshot (cached per invocation, so a
/// pipeline of walks reads the folder once) and turning engine exceptions into error records with stable ids.
/// </summary>
public abstract class PacketWalkCmdlet : PSCmdlet
{
    public const string InternalErrorId = "PacketWalkInternalError";
    public const string InvalidSnapshotArgumentId = "PacketWalkInvalidSnapshotArgument";

    private readonly Dictionary<string, PacketWalkSnapshot> _loaded = new(StringComparer.Ordinal);

    /// <summary>Turns the (already normalised) -Snapshot value into a loaded snapshot, or throws a terminating error.</summary>
    protected PacketWalkSnapshot ResolveSnapshot(object? snapshotArgument)
    {
        var normalized = SnapshotTransformationAttribute.Normalize(snapshotArgument);
        switch (normalized)
        {
            case PacketWalkSnapshot snapshot:
                return snapshot;
            case string[] paths when paths.Length > 0:
                var full = ResolveFileSystemPaths(paths);
                var key = string.Join("\n", full);
                if (_loaded.TryGetValue(key, out var cached)) return cached;
                var loaded = LoadSnapshot(full);
                _loaded[key] = loaded;
                return loaded;
            default:
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException("-Snapshot takes a snapshot folder or file path, or an object from Import-PacketWalkSnapshot."),
                    InvalidSnapshotArgumentId, ErrorCategory.InvalidArgument, snapshotArgument));
                return null!; // unreachable
        }
    }

    /// <summary>Reads full paths, writes the reader's warnings, and maps a <see cref="SnapshotException"/> to a terminating error.</summary>
    protected PacketWalkSnapshot LoadSnapshot(IReadOnlyList<string> fullPaths)
    {
        var warnings = new List<SnapshotWarning>();
        PacketWalkSnapshot snapshot;
        try
        {
            WriteVerbose($"Reading snapshot {string.Join(", ", fullPaths)}");
            snapshot = SnapshotLoader.Load(fullPaths, warnings);
        }
        catch (SnapshotException ex)
        {
            ThrowTerminatingError(SnapshotError(ex, fullPaths));
            return null!; // unreachable
        }
        foreach (var w in warnings) WriteWarning(w.ToString());
        WriteVerbose($"Snapshot read in {snapshot.LoadTime.TotalMilliseconds:0} ms: {snapshot.Vpcs} VPCs, {snapshot.Subnets} subnets, {snapshot.NetworkInterfaces} network interfaces, {snapshot.TransitGateways} transit gateways");
        return snapshot;
    }

    /// <summary>PS paths (relative, ~, wildcards) to file-system paths. Missing literal paths pass through for the reader to report.</summary>
    protected string[] ResolveFileSystemPaths(IEnumerable<string> paths)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path)) continue;
            if (WildcardPattern.ContainsWildcardCharacters(path))
            {
                try
                {
                    var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem") ThrowNotFileSystem(path);
                    result.AddRange(resolved.OrderBy(p => p, StringComparer.Ordinal));
                }
                catch (ItemNotFoundException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, SnapshotErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                }
            }
            else
            {
                var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (provider.Name != "FileSystem") ThrowNotFileSystem(path);
                result.Add(full);
            }
        }
        return result.Distinct(StringComparer.Ordinal).ToArray();
    }

    private void ThrowNotFileSystem(string path) =>
        ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"'{path}' is not a file-system path; a snapshot is a folder or JSON file."),
            InvalidSnapshotArgumentId, ErrorCategory.InvalidArgument, path));

    /// <summary>SnapshotPathNotFound is ObjectNotFound; every other snapshot problem is InvalidData. Target: the file, as a full path where it can be found.</summary>
    protected static ErrorRecord SnapshotError(SnapshotException ex, IReadOnlyList<string> pathsRead)
    {
        var category = ex.ErrorId == SnapshotErrorIds.PathNotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData;
        var record = new ErrorRecord(ex, ex.ErrorId, category, FileTarget(ex.File, pathsRead));
        record.ErrorDetails = new ErrorDetails(ex.Message)
        {
            RecommendedAction = ex.ErrorId == SnapshotErrorIds.PathNotFound
                ? "Check the path: -Snapshot and -Path take a snapshot folder or a JSON file."
                : ex.JsonPath is null ? "Fix or remove the named file, then read the snapshot again."
                : $"Open {ex.File ?? "the file"}, fix the value at {ex.JsonPath}, then read the snapshot again.",
        };
        return record;
    }

    /// <summary>The reader names files relative to the folder it read; give the full path when it exists.</summary>
    private static string FileTarget(string? file, IReadOnlyList<string> pathsRead)
    {
        if (file is null) return pathsRead.Count == 1 ? pathsRead[0] : string.Join(", ", pathsRead);
        if (System.IO.Path.IsPathRooted(file)) return file;
        foreach (var root in pathsRead)
        {
            if (System.IO.File.Exists(root) && string.Equals(System.IO.Path.GetFileName(root), file, StringComparison.Ordinal)) return root;
            var candidate = System.IO.Path.Combine(root, file);
            if (System.IO.File.Exists(candidate)) return candidate;
            var inAwsConfigs = System.IO.Path.Combine(root, "aws_configs", file);
            if (System.IO.File.Exists(inAwsConfigs)) return inAwsConfigs;
        }
        return file;
    }

    /// <summary>Bad walk input is per input object: EndpointNotFound is ObjectNotFound, the rest InvalidArgument.</summary>
    protected static ErrorRecord WalkInputError(WalkInputException ex, object? fallbackTarget)
    {
        var category = ex.ErrorId == WalkErrorIds.EndpointNotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument;
        return new ErrorRecord(ex, ex.ErrorId, category, ex.Target ?? fallbackTarget);
    }

    protected static ErrorRecord InputError(string errorId, ErrorCategory category, string message, object? target) =>
        new(category == ErrorCategory.ObjectNotFound ? new ItemNotFoundException(message) : new PSArgumentException(message), errorId, category, target);

    /// <summary>An engine failure that is not about the input: terminating, never NotSpecified.</summary>
    protected void ThrowInternal(Exception ex, object? target) =>
        ThrowTerminatingError(new ErrorRecord(ex, InternalErrorId, ErrorCategory.InvalidOperation, target));

    /// <summary>
    /// Runs one engine call for one input: bad input becomes a non-terminating error for that input (false), an
    /// unexpected engine failure a terminating internal error.
    /// </summary>
    protected bool TryEngineCall<T>(Func<T> call, string input, object request, out T result)
    {
        try
        {
            result = call();
            return true;
        }
        catch (WalkInputException ex)
        {
            WriteError(WalkInputError(ex, input));
        }
        catch (Exception ex) when (!IsFatal(ex))
        {
            ThrowInternal(ex, request);
        }
        result = default!;
        return false;
    }

    protected static bool IsFatal(Exception ex) => ex is PipelineStoppedException or OutOfMemoryException or StackOverflowException or ThreadAbortException;
}
