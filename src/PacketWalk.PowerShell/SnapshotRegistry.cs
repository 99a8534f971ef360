using System.Runtime.CompilerServices;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell;

/// <summary>
/// Session-wide memory of snapshots, for conveniences only (tab completion, diagram labels); no cmdlet result depends on it.
/// The last snapshot Import-PacketWalkSnapshot read feeds the id completers when no -Snapshot is on the command line,
/// and every walk result remembers the snapshot it came from, so ConvertTo-PacketPathDiagram can name subnets and
/// instances without being told the snapshot again. Weak references: results and snapshots are collected as usual.
/// </summary>
public static class SnapshotRegistry
{
    private static readonly ConditionalWeakTable<PacketPathResult, PacketWalkSnapshot> Origins = new();
    private static WeakReference<PacketWalkSnapshot>? _lastImported;

    public static PacketWalkSnapshot? LastImported => _lastImported is not null && _lastImported.TryGetTarget(out var s) ? s : null;

    public static void RememberImport(PacketWalkSnapshot snapshot) => _lastImported = new WeakReference<PacketWalkSnapshot>(snapshot);

    public static void RememberOrigin(PacketPathResult result, PacketWalkSnapshot snapshot) => Origins.AddOrUpdate(result, snapshot);

    public static PacketWalkSnapshot? OriginOf(PacketPathResult result) => Origins.TryGetValue(result, out var s) ? s : null;
}
