using PacketWalk.Core.Model;

namespace PacketWalk.Core.Walk;

internal enum OutcomeKind { Delivered, Blocked, Unknown, Ambiguous }

/// <summary>What a leg has recorded so far. Cloned at a branch so each alternative keeps its own record.</summary>
internal sealed class Trace
{
    public List<PacketHop> Hops { get; } = new();
    public List<string> Path { get; } = new();
    public List<string> Notes { get; } = new();
    /// <summary>(resource, step) pairs already visited in this leg, to stop routing loops.</summary>
    public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
    /// <summary>The first filter that let only part of the port set through: where the verdict points when ports narrow.</summary>
    public PacketHop? FirstNarrowing { get; set; }

    public Trace Clone()
    {
        var t = new Trace { FirstNarrowing = FirstNarrowing };
        t.Hops.AddRange(Hops);
        t.Path.AddRange(Path);
        t.Notes.AddRange(Notes);
        t.Visited.UnionWith(Visited);
        return t;
    }

    public void Note(string note)
    {
        if (!Notes.Contains(note)) Notes.Add(note);
    }

    public void AddToPath(string eniId)
    {
        if (Path.Count == 0 || Path[^1] != eniId) Path.Add(eniId);
    }
}

/// <summary>How a leg ended: delivered to an interface, or stopped with the deciding resource.</summary>
internal sealed record LegOutcome(OutcomeKind Kind, Trace Trace, Packet Packet)
{
    public NetworkInterface? DeliveredTo { get; init; }
    public string? At { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? Explanation { get; init; }

    public string Signature => $"{Kind}|{At}|{Reason}|{DeliveredTo?.NetworkInterfaceId}";
}
