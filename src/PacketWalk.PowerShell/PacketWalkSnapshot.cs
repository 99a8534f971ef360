using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell;

/// <summary>
/// A loaded snapshot: the immutable network model plus a summary that reads well in a table and exports
/// cleanly. One <see cref="PacketWalker"/> is built on first use and reused for every walk on this snapshot.
/// </summary>
public sealed class PacketWalkSnapshot
{
    private readonly Lazy<PacketWalker> _walker;

    public PacketWalkSnapshot(IReadOnlyList<string> path, NetworkModel model, IReadOnlyList<SnapshotWarning> warnings, TimeSpan loadTime)
    {
        Path = path.ToArray();
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Warnings = warnings;
        LoadTime = loadTime;
        LoadedAt = DateTime.Now;
        var counts = model.Counts;
        int Count(string key) => counts.TryGetValue(key, out var n) ? n : 0;
        Vpcs = Count("Vpcs");
        Subnets = Count("Subnets");
        Instances = Count("Instances");
        NetworkInterfaces = Count("NetworkInterfaces");
        SecurityGroups = Count("SecurityGroups");
        NetworkAcls = Count("NetworkAcls");
        RouteTables = Count("RouteTables");
        TransitGateways = Count("TransitGateways");
        TransitGatewayAttachments = Count("TransitGatewayAttachments");
        TransitGatewayRouteTables = Count("TransitGatewayRouteTables");
        VpcPeeringConnections = Count("VpcPeeringConnections");
        _walker = new Lazy<PacketWalker>(() => new PacketWalker(Model), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The snapshot folders or files, resolved to full file-system paths.</summary>
    public string[] Path { get; }
    public NetworkModel Model { get; }

    public int Vpcs { get; }
    public int Subnets { get; }
    public int Instances { get; }
    public int NetworkInterfaces { get; }
    public int SecurityGroups { get; }
    public int NetworkAcls { get; }
    public int RouteTables { get; }
    public int TransitGateways { get; }
    public int TransitGatewayAttachments { get; }
    public int TransitGatewayRouteTables { get; }
    public int VpcPeeringConnections { get; }

    /// <summary>What the reader skipped or could not model (unknown keys, unsupported resources).</summary>
    public IReadOnlyList<SnapshotWarning> Warnings { get; }
    public int WarningCount => Warnings.Count;
    /// <summary>How long reading and indexing the snapshot took.</summary>
    public TimeSpan LoadTime { get; }
    public DateTime LoadedAt { get; }

    /// <summary>The walker shared by every walk on this snapshot (the model is immutable, the walker stateless).</summary>
    public PacketWalker GetWalker() => _walker.Value;

    public override string ToString() => string.Join(", ", Path);
}
