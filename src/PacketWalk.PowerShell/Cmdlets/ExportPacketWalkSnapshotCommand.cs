using System.Management.Automation;
using PacketWalk.PowerShell.Aws;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>What Export-PacketWalkSnapshot wrote. Scalar properties only.</summary>
public sealed class PacketWalkExport
{
    /// <summary>The snapshot folder (pass it to -Snapshot or Import-PacketWalkSnapshot).</summary>
    public string Path { get; init; } = "";
    public string Accounts { get; init; } = "";
    public string Regions { get; init; } = "";
    public int Files { get; init; }
    public int Vpcs { get; init; }
    public int ApiCalls { get; init; }
    public bool Redacted { get; init; }
    /// <summary>Kinds that could not be read (the IAM action that was refused); their files are missing.</summary>
    public string? Unreadable { get; init; }

    public override string ToString() => Path;
}

/// <summary>
/// <para type="synopsis">Saves live AWS network state as a PacketWalk snapshot folder, with read-only calls.</para>
/// <para type="description">Writes describe-* JSON exactly as the offline reader takes it, under Path/aws_configs/accounts/&lt;account&gt;/&lt;region&gt;/. All VPCs of each region by default, or those named by -VpcId, with their transit gateways, TGW route tables, routes and propagations. -AssumeRoleArn exports each role's account; -Region takes several regions. -Redact leaves out tags and descriptions. A walk on the export equals the live walk.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "PacketWalkSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = LiveParameterSet)]
[OutputType(typeof(PacketWalkExport))]
public sealed class ExportPacketWalkSnapshotCommand : AwsReadingCmdlet
{
    /// <summary>The folder to write the snapshot to (created if missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Export only these VPCs (and the transit gateways they use). Default: every VPC of each region.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("VpcIds")]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>One or more regions. Default: AWS.Tools' order ($StoredAWSRegion, profile, AWS_REGION, …).</summary>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    /// <summary>Leave out tags and descriptions, for a snapshot to be shared.</summary>
    [Parameter]
    public SwitchParameter Redact { get; set; }

    protected override IReadOnlyList<string> RegionNames => Region ?? Array.Empty<string>();

    protected override void EndProcessing()
    {
        var root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var regions = RegionNames.Count > 0 ? RegionNames.Select(r => (string?)r).ToList() : new List<string?> { null };
        var written = new List<string>();
        foreach (var region in regions)
        {
            // With -AssumeRoleArn the roles' accounts are exported; without it the caller's own.
            var (aws, sessions) = OpenSessions(region, rolesOnly: true);
            var read = RunLive(observer => aws.ReadScope(sessions, VpcId, observer, Cancellation), "exporting a snapshot");
            var planned = read.PlannedFiles(root);
            if (!ShouldProcess(root, $"Write {planned.Count} snapshot file(s) for {string.Join(", ", read.Accounts)} in {string.Join(", ", read.Regions)}"))
                continue;
            IReadOnlyList<string> files;
            try
            {
                files = aws.WriteSnapshot(read, root, Redact.IsPresent);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "PacketWalkExportWriteFailed", ErrorCategory.WriteError, root));
                return;
            }
            foreach (var f in files) WriteVerbose($"Wrote {f}");
            written.AddRange(files);
            WriteObject(new PacketWalkExport
            {
                Path = root,
                Accounts = string.Join(", ", read.Accounts),
                Regions = string.Join(", ", read.Regions),
                Files = files.Count,
                Vpcs = read.VpcCount,
                ApiCalls = read.ApiCalls,
                Redacted = Redact.IsPresent,
                Unreadable = read.Unreadable.Count == 0 ? null : string.Join("; ", read.Unreadable.Select(u => u.Action).Distinct()),
            });
        }
        base.EndProcessing();
    }
}
