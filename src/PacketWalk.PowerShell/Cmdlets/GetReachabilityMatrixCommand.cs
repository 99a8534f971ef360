using System.Management.Automation;
using PacketWalk.Core.Analysis;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Walks every source to every destination on the given ports and writes one row per pair: verdict, where it is blocked, why.</para>
/// <para type="description">For audits. Sources come from the pipeline (ids, Get-EC2Instance output, CSV rows); without -Destination every source is paired with every other. A host is never paired with itself. Rows are flat for Export-Csv.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ReachabilityMatrix")]
[OutputType(typeof(ReachabilityMatrixRow))]
public sealed class GetReachabilityMatrixCommand : PacketWalkCmdlet
{
    /// <summary>Instance ids, ENI ids, IP addresses, or objects with InstanceId / NetworkInterfaceId / PrivateIpAddress (Reservations expand).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("InstanceId", "NetworkInterfaceId")]
    [ArgumentCompleter(typeof(EndpointIdCompleter))]
    [ValidateNotNull]
    public object Source { get; set; } = null!;

    /// <summary>The same kinds as -Source. Omitted: the sources themselves (a full mesh).</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(EndpointIdCompleter))]
    [ValidateNotNull]
    public object? Destination { get; set; }

    /// <summary>tcp (default), udp, icmp, icmpv6 or an IP protocol number.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string Protocol { get; set; } = "tcp";

    /// <summary>Destination ports; one row per pair and port. Required for tcp and udp.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    [ValidateNotNullOrEmpty]
    public int[]? Port { get; set; }

    [Parameter(Mandatory = true)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Snapshot { get; set; } = null!;

    /// <summary>Walk several pairs at once (up to -ThrottleLimit). Rows still come out in input order.</summary>
    [Parameter]
    public SwitchParameter Parallel { get; set; }

    /// <summary>The most walks at once with -Parallel; default: the number of processors.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    private readonly List<string> _sources = new();
    private List<MatrixPacket> _packets = new();
    private readonly CancellationTokenSource _cancel = new();

    protected override void BeginProcessing()
    {
        if (!IpProtocol.TryParse(Protocol, out var protocol) || protocol == IpProtocol.All)
            ThrowTerminatingError(InputError(PacketPathCommandBase.InvalidProtocolId, ErrorCategory.InvalidArgument,
                $"-Protocol '{Protocol}' is not a packet protocol: use tcp, udp, icmp, icmpv6 or a protocol number 0-255.", Protocol));
        if (IpProtocol.HasPorts(protocol))
        {
            if (Port is null || Port.Length == 0)
                ThrowTerminatingError(InputError(PacketPathCommandBase.PortRequiredId, ErrorCategory.InvalidArgument,
                    $"-Port is required for {IpProtocol.Name(protocol)}: give one or more destination ports, for example -Port 22, 443.", Protocol));
            _packets = Port!.Distinct().Select(p => new MatrixPacket(protocol, p)).ToList();
        }
        else
        {
            if (Port is not null)
                ThrowTerminatingError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                    $"-Port applies only to tcp and udp, not {IpProtocol.Name(protocol)}.", Port));
            _packets = new List<MatrixPacket> { new(protocol, null) };
        }
    }

    protected override void ProcessRecord()
    {
        var ids = EndpointArgument.ToIds(Source);
        if (ids.Count == 0)
            WriteError(InputError(WalkErrorIds.InvalidEndpoint, ErrorCategory.InvalidArgument, "-Source names no instance, network interface or IP address.", Source));
        _sources.AddRange(ids);
    }

    protected override void EndProcessing()
    {
        if (_sources.Count == 0) return;
        var snapshot = ResolveSnapshot(Snapshot);
        var destinations = Destination is null ? _sources : EndpointArgument.ToIds(Destination).ToList();
        if (destinations.Count == 0)
        {
            WriteError(InputError(WalkErrorIds.InvalidEndpoint, ErrorCategory.InvalidArgument, "-Destination names no instance, network interface or IP address.", Destination));
            return;
        }

        var matrix = new ReachabilityMatrix(snapshot.GetWalker());
        var total = matrix.Pairs(_sources, destinations, _packets).Count;
        var degree = Parallel ? ThrottleLimit : 1;
        WriteVerbose($"Walking {total} pairs ({_sources.Count} sources, {destinations.Count} destinations, {_packets.Count} packet{(_packets.Count == 1 ? "" : "s")}){(degree > 1 ? $", up to {degree} at once" : "")}");

        var reported = new HashSet<string>(StringComparer.Ordinal);
        var progress = new ProgressRecord(0x5057, "Get-ReachabilityMatrix", $"Walking {total} pairs");
        int done = 0;
        using var cells = matrix.Evaluate(_sources, destinations, _packets, degree, _cancel.Token).GetEnumerator();
        try
        {
            while (Next(cells))
            {
                var cell = cells.Current;
                done++;
                if (cell.Row is not null)
                {
                    SnapshotRegistry.RememberOrigin(cell.Row.GetResult(), snapshot);
                    WriteObject(cell.Row);
                }
                else if (cell.Error is { } error && reported.Add($"{error.ErrorId}|{error.Target ?? error.Message}"))
                {
                    // One error per bad id, not one per pair it appears in.
                    WriteError(WalkInputError(error, cell.Source));
                }
                if (total >= 50 && done % 25 == 0)
                {
                    progress.PercentComplete = (int)(100L * done / total);
                    progress.StatusDescription = $"{done} of {total} pairs";
                    WriteProgress(progress);
                }
            }
        }
        finally
        {
            if (total >= 50)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }

    /// <summary>Advances the walks; Ctrl+C ends the pipeline, an engine failure is a terminating internal error.</summary>
    private bool Next(IEnumerator<ReachabilityMatrixCell> cells)
    {
        try
        {
            return cells.MoveNext();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (!IsFatal(ex) && ex is not OperationCanceledException)
        {
            ThrowInternal(ex, Snapshot);
            return false;
        }
    }

    protected override void StopProcessing() => _cancel.Cancel();
}
