using System.Management.Automation;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads a saved AWS network snapshot once, for many walks.</para>
/// <para type="description">Takes one or more snapshot folders or JSON files (several are merged into one estate, e.g. one folder per account) and writes a PacketWalkSnapshot to pass to -Snapshot of the other PacketWalk cmdlets.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "PacketWalkSnapshot")]
[OutputType(typeof(PacketWalkSnapshot))]
public sealed class ImportPacketWalkSnapshotCommand : PacketWalkCmdlet
{
    /// <summary>Snapshot folders or files; wildcards are expanded. Piped paths are merged into one snapshot.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    private readonly List<string> _paths = new();

    protected override void ProcessRecord() => _paths.AddRange(ResolveFileSystemPaths(Path));

    protected override void EndProcessing()
    {
        var paths = _paths.Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count == 0) return;
        var snapshot = LoadSnapshot(paths);
        SnapshotRegistry.RememberImport(snapshot);
        WriteObject(snapshot);
    }
}
