using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Analysis;

/// <summary>One packet shape of an audit: the protocol and the destination port (or ICMP type and code).</summary>
public sealed record MatrixPacket(int Protocol, int? Port, int? IcmpType = null, int? IcmpCode = null);

/// <summary>
/// One audited pair, flat and scalar so Export-Csv writes one clean row. The column names are the walk result's, so a
/// row pipes into Test-PacketPath / Get-PacketPath by property name to see the hops.
/// </summary>
public sealed class ReachabilityMatrixRow
{
    private readonly PacketPathResult _result;

    public ReachabilityMatrixRow(PacketPathResult result, string? sourceName, string? destinationName)
    {
        _result = result ?? throw new ArgumentNullException(nameof(result));
        SourceName = sourceName;
        DestinationName = destinationName;
    }

    public string Source => _result.Source;
    /// <summary>The Name tag of the source instance (or of the instance owning the source ENI), when the snapshot has one.</summary>
    public string? SourceName { get; }
    public string Destination => _result.Destination;
    public string? DestinationName { get; }
    public string SourceAddress => _result.SourceAddress;
    public string DestinationAddress => _result.DestinationAddress;
    public string Protocol => _result.Protocol;
    public int? Port => _result.Port;
    public int? IcmpType => _result.IcmpType;
    public PathVerdict Verdict => _result.Verdict;
    public bool Reachable => _result.Reachable;
    public WalkDirection? BlockedDirection => _result.BlockedDirection;
    public string? BlockedAt => _result.BlockedAt;
    public string? Reason => _result.Reason;
    public string? Rule => _result.Rule;

    /// <summary>The full walk behind this row (a method, not a property, so Export-Csv and ConvertTo-Json stay flat).</summary>
    public PacketPathResult GetResult() => _result;

    public override string ToString() => _result.ToString();
}

/// <summary>The outcome of one pair: a row, or the input error that kept it from being walked (unknown id, ambiguous IP).</summary>
public sealed record ReachabilityMatrixCell(string Source, string Destination, MatrixPacket Packet, ReachabilityMatrixRow? Row, WalkInputException? Error);

/// <summary>
/// Walks every source × destination × packet over one model, for audits. Pairs of the same host (an instance and its own
/// ENI or address) are skipped. Walks run in parallel up to a bounded degree; cells come back in input order whatever the
/// degree, so two runs over the same snapshot give the same rows in the same order.
/// </summary>
public sealed class ReachabilityMatrix
{
    private readonly PacketWalker _walker;
    private readonly NetworkModel _model;

    public ReachabilityMatrix(PacketWalker walker)
    {
        _walker = walker ?? throw new ArgumentNullException(nameof(walker));
        _model = walker.Model;
    }

    /// <summary>The pairs that will be walked, in order: sources outer, destinations inner, packets innermost; duplicates and same-host pairs dropped.</summary>
    public IReadOnlyList<(string Source, string Destination, MatrixPacket Packet)> Pairs(
        IEnumerable<string> sources, IEnumerable<string> destinations, IEnumerable<MatrixPacket> packets)
    {
        var src = Distinct(sources);
        var dst = Distinct(destinations);
        var pkts = packets.Distinct().ToList();
        var pairs = new List<(string, string, MatrixPacket)>(src.Count * dst.Count * pkts.Count);
        foreach (var s in src)
        {
            var sourceHost = HostKey(s);
            foreach (var d in dst)
            {
                if (string.Equals(sourceHost, HostKey(d), StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var p in pkts) pairs.Add((s, d, p));
            }
        }
        return pairs;
    }

    /// <summary>
    /// Walks the pairs and yields one cell per pair in <see cref="Pairs"/> order. Work is done in batches so rows stream
    /// out while later batches are still to come; within a batch up to <paramref name="maxDegreeOfParallelism"/> walks run
    /// at once (the walker and the model are immutable and shared).
    /// </summary>
    public IEnumerable<ReachabilityMatrixCell> Evaluate(IEnumerable<string> sources, IEnumerable<string> destinations, IEnumerable<MatrixPacket> packets,
        int maxDegreeOfParallelism = 1, CancellationToken cancellationToken = default)
    {
        if (maxDegreeOfParallelism < 1) throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), "The degree of parallelism is at least 1.");
        var pairs = Pairs(sources, destinations, packets);
        var batchSize = Math.Max(64, maxDegreeOfParallelism * 16);
        var batch = new ReachabilityMatrixCell[Math.Min(batchSize, pairs.Count)];
        for (int start = 0; start < pairs.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, pairs.Count - start);
            if (maxDegreeOfParallelism == 1 || count == 1)
            {
                for (int i = 0; i < count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    batch[i] = Walk(pairs[start + i]);
                }
            }
            else
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
                try
                {
                    Parallel.For(0, count, options, i => batch[i] = Walk(pairs[start + i]));
                }
                catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
                {
                    // Surface the engine's own exception, as the sequential path would.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
                    throw;
                }
            }
            for (int i = 0; i < count; i++) yield return batch[i];
        }
    }

    private ReachabilityMatrixCell Walk((string Source, string Destination, MatrixPacket Packet) pair)
    {
        var request = new WalkRequest
        {
            Source = pair.Source,
            Destination = pair.Destination,
            Protocol = pair.Packet.Protocol,
            Port = pair.Packet.Port,
            IcmpType = pair.Packet.IcmpType,
            IcmpCode = pair.Packet.IcmpCode,
        };
        try
        {
            var result = _walker.Walk(request);
            return new ReachabilityMatrixCell(pair.Source, pair.Destination, pair.Packet, new ReachabilityMatrixRow(result, NameOf(pair.Source), NameOf(pair.Destination)), null);
        }
        catch (WalkInputException ex)
        {
            return new ReachabilityMatrixCell(pair.Source, pair.Destination, pair.Packet, null, ex);
        }
    }

    private static List<string> Distinct(IEnumerable<string> ids)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<string>();
        foreach (var raw in ids)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var id = raw.Trim();
            if (seen.Add(id)) list.Add(id);
        }
        return list;
    }

    /// <summary>
    /// What makes two endpoints the same host: an instance id, an ENI's instance (or the ENI itself when it has none),
    /// an address's single owning interface. Anything not in the snapshot is its own key, so the walk reports it.
    /// </summary>
    private string HostKey(string id)
    {
        if (id.StartsWith("i-", StringComparison.Ordinal)) return id;
        if (id.StartsWith("eni-", StringComparison.Ordinal))
            return _model.NetworkInterfaces.TryGetValue(id, out var eni) ? eni.InstanceId ?? eni.NetworkInterfaceId : id;
        if (IpAddress.TryParse(id, out var address))
        {
            var owners = _model.NetworkInterfacesWithAddress(address);
            if (owners.Count == 1) return owners[0].InstanceId ?? owners[0].NetworkInterfaceId;
        }
        return id;
    }

    private string? NameOf(string id)
    {
        string? instanceId = null;
        if (id.StartsWith("i-", StringComparison.Ordinal)) instanceId = id;
        else if (id.StartsWith("eni-", StringComparison.Ordinal) && _model.NetworkInterfaces.TryGetValue(id, out var eni)) instanceId = eni.InstanceId;
        else if (IpAddress.TryParse(id, out var address) && _model.NetworkInterfacesWithAddress(address) is { Count: 1 } owners) instanceId = owners[0].InstanceId;
        return instanceId is not null && _model.Instances.TryGetValue(instanceId, out var instance) ? instance.Name : null;
    }
}
