using System.Diagnostics;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Analysis;

/// <summary>One flow to walk on both snapshots.</summary>
public sealed record FlowSpec(string Source, string Destination, int Protocol, int? Port, int? IcmpType = null, int? IcmpCode = null)
{
    public WalkRequest ToRequest() => new() { Source = Source, Destination = Destination, Protocol = Protocol, Port = Port, IcmpType = IcmpType, IcmpCode = IcmpCode };
}

public enum FlowChangeKind
{
    /// <summary>Reachable on the reference snapshot, not on the other.</summary>
    NowBlocked,
    /// <summary>Not reachable on the reference snapshot, reachable on the other.</summary>
    NowReachable,
    /// <summary>Neither is reachable, but what stops the flow changed (another resource or reason).</summary>
    BlockedElsewhere,
    /// <summary>The verdict changed between Blocked, Unknown and Ambiguous.</summary>
    VerdictChanged,
    /// <summary>The flow can be walked on one snapshot only (an endpoint is missing from the other).</summary>
    EndpointMissing,
}

/// <summary>A flow whose verdict differs between two snapshots, with the first hop where the two walks part.</summary>
public sealed class FlowChange
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Protocol { get; init; } = "";
    public int? Port { get; init; }
    public FlowChangeKind Change { get; init; }
    public PathVerdict? ReferenceVerdict { get; init; }
    public PathVerdict? DifferenceVerdict { get; init; }
    public string? ReferenceBlockedAt { get; init; }
    public string? ReferenceReason { get; init; }
    public string? DifferenceBlockedAt { get; init; }
    public string? DifferenceReason { get; init; }
    /// <summary>The first hop where the walks differ: its direction, step and deciding resource.</summary>
    public WalkDirection? ChangedDirection { get; init; }
    public HopStep? ChangedStep { get; init; }
    public string? ChangedAt { get; init; }
    /// <summary>That hop's deciding rule or route on each snapshot (null where the walk did not get that far).</summary>
    public string? ReferenceRule { get; init; }
    public string? DifferenceRule { get; init; }
    public PacketHop? ReferenceHop { get; init; }
    public PacketHop? DifferenceHop { get; init; }
    /// <summary>Why a flow could not be walked on one side (an endpoint missing from that snapshot).</summary>
    public string? ReferenceError { get; init; }
    public string? DifferenceError { get; init; }
    public PacketPathResult? Reference { get; init; }
    public PacketPathResult? Difference { get; init; }

    public override string ToString() => $"{Source} -> {Destination} {Protocol}{(Port is { } p ? "/" + p : "")}: {ReferenceVerdict} -> {DifferenceVerdict} at {ChangedAt}";
}

/// <summary>The review of a change: every flow compared, the ones that changed, and how much work it took.</summary>
public sealed class SnapshotComparison
{
    public IReadOnlyList<FlowChange> Changes { get; init; } = Array.Empty<FlowChange>();
    public int FlowsCompared { get; init; }
    /// <summary>Flows walked on both snapshots; the rest consulted nothing that changed and were walked once.</summary>
    public int FlowsWalkedTwice { get; init; }
    public ChangeScope Scope { get; init; } = null!;
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Walks the same flows on two snapshots and lists those whose verdict changed. Each flow is walked on the reference
/// snapshot; it is walked on the other only when its walk named a resource that differs (<see cref="ChangeScope"/>),
/// which keeps a review of every instance pair fast. Walks run in parallel: models and walkers are immutable.
/// </summary>
public static class SnapshotComparer
{
    /// <summary>
    /// Every ordered pair of distinct instances present (and running) in both snapshots, for each port, built by
    /// <see cref="ReachabilityMatrix.Pairs"/>. With sources or destinations given, those stand in for "every instance" on that side.
    /// </summary>
    public static IReadOnlyList<FlowSpec> Flows(NetworkModel reference, NetworkModel difference, int protocol, IReadOnlyList<int?> ports,
        IReadOnlyList<string>? sources = null, IReadOnlyList<string>? destinations = null, int? icmpType = null, int? icmpCode = null)
    {
        var common = reference.Instances.Values
            .Where(i => IsRunning(i) && difference.Instances.TryGetValue(i.InstanceId, out var other) && IsRunning(other)
                        && reference.NetworkInterfacesOfInstance(i.InstanceId).Count > 0 && difference.NetworkInterfacesOfInstance(i.InstanceId).Count > 0)
            .Select(i => i.InstanceId).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var from = sources is { Count: > 0 } ? sources : common;
        var to = destinations is { Count: > 0 } ? destinations : common;
        // The matrix's pair rules (order, duplicates dropped, no pair of a host with itself) apply to a review too.
        var packets = ports.Select(port => new MatrixPacket(protocol, port, icmpType, icmpCode));
        return new ReachabilityMatrix(new PacketWalker(reference)).Pairs(from, to, packets)
            .Select(p => new FlowSpec(p.Source, p.Destination, p.Packet.Protocol, p.Packet.Port, p.Packet.IcmpType, p.Packet.IcmpCode))
            .ToList();
    }

    private static bool IsRunning(Instance i) => i.State is null || string.Equals(i.State, "running", StringComparison.OrdinalIgnoreCase);

    public static SnapshotComparison Compare(NetworkModel reference, NetworkModel difference, IReadOnlyList<FlowSpec> flows, CancellationToken cancellation = default)
    {
        var watch = Stopwatch.StartNew();
        var scope = ChangeScope.Between(reference, difference);
        var referenceWalker = new PacketWalker(reference);
        var differenceWalker = new PacketWalker(difference);
        var changes = new FlowChange?[flows.Count];
        int walkedTwice = 0;
        Parallel.For(0, flows.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            var flow = flows[i];
            var request = flow.ToRequest();
            var (before, beforeError) = TryWalk(referenceWalker, request);
            if (before is not null && !scope.Touches(before, EndpointIds(reference, flow))) return;
            Interlocked.Increment(ref walkedTwice);
            var (after, afterError) = TryWalk(differenceWalker, request);
            changes[i] = Difference(flow, before, beforeError, after, afterError);
        });
        return new SnapshotComparison
        {
            Changes = changes.OfType<FlowChange>().ToList(),
            FlowsCompared = flows.Count,
            FlowsWalkedTwice = walkedTwice,
            Scope = scope,
            Elapsed = watch.Elapsed,
        };
    }

    /// <summary>The endpoint ids a flow consults before its first hop: the instance and all its interfaces.</summary>
    private static IEnumerable<string> EndpointIds(NetworkModel model, FlowSpec flow)
    {
        foreach (var endpoint in new[] { flow.Source, flow.Destination })
        {
            yield return endpoint;
            if (endpoint.StartsWith("i-", StringComparison.Ordinal))
                foreach (var eni in model.NetworkInterfacesOfInstance(endpoint)) yield return eni.NetworkInterfaceId;
            else if (IpAddress.TryParse(endpoint, out var address))
                foreach (var eni in model.NetworkInterfacesWithAddress(address)) { yield return eni.NetworkInterfaceId; yield return eni.VpcId; }
        }
    }

    private static (PacketPathResult? Result, string? Error) TryWalk(PacketWalker walker, WalkRequest request)
    {
        try { return (walker.Walk(request), null); }
        catch (WalkInputException ex) { return (null, ex.Message); }
    }

    private static FlowChange? Difference(FlowSpec flow, PacketPathResult? before, string? beforeError, PacketPathResult? after, string? afterError)
    {
        if (before is null && after is null) return null;
        FlowChangeKind kind;
        if (before is null || after is null) kind = FlowChangeKind.EndpointMissing;
        else if (before.Verdict == after.Verdict && before.BlockedAt == after.BlockedAt && before.Reason == after.Reason) return null;
        else if (before.Reachable) kind = FlowChangeKind.NowBlocked;
        else if (after.Reachable) kind = FlowChangeKind.NowReachable;
        else if (before.Verdict == after.Verdict) kind = FlowChangeKind.BlockedElsewhere;
        else kind = FlowChangeKind.VerdictChanged;

        var (referenceHop, differenceHop) = FirstDifferingHop(before?.Hops ?? Array.Empty<PacketHop>(), after?.Hops ?? Array.Empty<PacketHop>());
        var changedHop = differenceHop ?? referenceHop;
        return new FlowChange
        {
            Source = flow.Source,
            Destination = flow.Destination,
            Protocol = IpProtocol.Name(flow.Protocol),
            Port = flow.Port,
            Change = kind,
            ReferenceVerdict = before?.Verdict,
            DifferenceVerdict = after?.Verdict,
            ReferenceBlockedAt = before?.BlockedAt,
            ReferenceReason = before?.Reason,
            DifferenceBlockedAt = after?.BlockedAt,
            DifferenceReason = after?.Reason,
            ChangedDirection = changedHop?.Direction,
            ChangedStep = changedHop?.Step,
            ChangedAt = changedHop?.Component,
            ReferenceRule = referenceHop?.Rule,
            DifferenceRule = differenceHop?.Rule,
            ReferenceHop = referenceHop,
            DifferenceHop = differenceHop,
            ReferenceError = beforeError,
            DifferenceError = afterError,
            Reference = before,
            Difference = after,
        };
    }

    /// <summary>The first position where the two walks' hops differ in step, resource, decision or rule.</summary>
    private static (PacketHop? Reference, PacketHop? Difference) FirstDifferingHop(IReadOnlyList<PacketHop> a, IReadOnlyList<PacketHop> b)
    {
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var x = i < a.Count ? a[i] : null;
            var y = i < b.Count ? b[i] : null;
            if (x is null || y is null || x.Direction != y.Direction || x.Step != y.Step || x.Component != y.Component || x.Decision != y.Decision || x.Rule != y.Rule)
                return (x, y);
        }
        return (null, null);
    }
}
