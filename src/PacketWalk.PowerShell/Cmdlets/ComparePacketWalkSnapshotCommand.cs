using System.Management.Automation;
using PacketWalk.Core.Analysis;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Walks the same flows on two snapshots and lists the flows whose verdict changed, with the hop that changed them.</para>
/// <para type="description">The review to run before merging a security group, NACL or route change: compare an export before and after, or a snapshot and an
/// edited copy. By default every ordered pair of running instances present in both snapshots is walked for each -Port; -Source and -Destination narrow it.
/// A flow is walked on the second snapshot only when its walk on the first consulted something that differs, so hundreds of instances stay fast.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "PacketWalkSnapshot")]
[OutputType(typeof(FlowChange))]
public sealed class ComparePacketWalkSnapshotCommand : PacketWalkCmdlet
{
    public const string PortRequiredId = "PacketWalkPortRequired";

    /// <summary>The snapshot before the change (a folder, file, or Import-PacketWalkSnapshot object).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Reference { get; set; } = null!;

    /// <summary>The snapshot after the change.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Difference { get; set; } = null!;

    /// <summary>Sources to walk from (instance ids, ENI ids, IP addresses or objects carrying them); every instance when omitted.</summary>
    [Parameter]
    [ValidateNotNull]
    public object[]? Source { get; set; }

    /// <summary>Destinations to walk to; every instance when omitted.</summary>
    [Parameter]
    [ValidateNotNull]
    public object[]? Destination { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string Protocol { get; set; } = "tcp";

    /// <summary>Destination ports to walk (tcp and udp).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, 65535)]
    public int[]? Port { get; set; }

    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpType { get; set; }

    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpCode { get; set; }

    private CancellationTokenSource? _cancel;

    protected override void BeginProcessing() => _cancel = new CancellationTokenSource();
    protected override void StopProcessing() => _cancel?.Cancel();
    protected override void EndProcessing() => _cancel?.Dispose();

    protected override void ProcessRecord()
    {
        if (!IpProtocol.TryParse(Protocol, out var protocol) || protocol == IpProtocol.All)
        {
            WriteError(InputError(PacketPathCommandBase.InvalidProtocolId, ErrorCategory.InvalidArgument,
                $"-Protocol '{Protocol}' is not a packet protocol: use tcp, udp, icmp, icmpv6 or a protocol number 0-255.", Protocol));
            return;
        }
        if (IpProtocol.HasPorts(protocol) && (Port is null || Port.Length == 0))
        {
            WriteError(InputError(PortRequiredId, ErrorCategory.InvalidArgument,
                $"-Port is required for {IpProtocol.Name(protocol)}: give the destination ports to compare, for example -Port 22, 443.", Protocol));
            return;
        }
        if (!IpProtocol.HasPorts(protocol) && Port is { Length: > 0 })
        {
            WriteError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                $"-Port applies only to tcp and udp, not {IpProtocol.Name(protocol)}.", Protocol));
            return;
        }
        var reference = ResolveSnapshot(Reference);
        var difference = ResolveSnapshot(Difference);
        var sources = Source is null ? null : EndpointArgument.ToIds(Source, nameof(Source));
        var destinations = Destination is null ? null : EndpointArgument.ToIds(Destination, nameof(Destination));
        IReadOnlyList<int?> ports = IpProtocol.HasPorts(protocol) ? Port!.Select(p => (int?)p).Distinct().ToList() : new int?[] { null };
        var flows = SnapshotComparer.Flows(reference.Model, difference.Model, protocol, ports, sources, destinations, IcmpType, IcmpCode);
        WriteVerbose($"Comparing {flows.Count} flows ({IpProtocol.Name(protocol)}{(IpProtocol.HasPorts(protocol) ? " " + string.Join(",", ports) : "")}) on {reference} and {difference}");
        SnapshotComparison result;
        try
        {
            result = SnapshotComparer.Compare(reference.Model, difference.Model, flows, _cancel?.Token ?? CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex) when (!IsFatal(ex))
        {
            ThrowInternal(ex, Difference);
            return;
        }
        WriteVerbose($"{result.Scope.ChangedResources.Count} resource(s) differ{(result.Scope.ChangedResources.Count == 0 ? "" : ": " + string.Join(", ", result.Scope.ChangedResources.Take(20)) + (result.Scope.ChangedResources.Count > 20 ? ", …" : ""))}");
        WriteVerbose($"{result.FlowsCompared} flows compared, {result.FlowsWalkedTwice} walked on both snapshots{(result.Scope.Everything ? " (a change without a precise mapping: every flow)" : "")}, "
            + $"{result.Changes.Count} changed, in {result.Elapsed.TotalMilliseconds:0} ms");
        foreach (var change in result.Changes) WriteObject(change);
    }
}
