using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>One run of destination ports that all end the same way, forward and return.</summary>
public sealed class PortRangeVerdict
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Protocol { get; init; } = "";
    public int FromPort { get; init; }
    public int ToPort { get; init; }
    /// <summary>"443" or "0-21".</summary>
    public string Ports => FromPort == ToPort ? FromPort.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{FromPort}-{ToPort}";
    public int PortCount => ToPort - FromPort + 1;
    public PathVerdict Verdict { get; init; }
    public bool Reachable => Verdict == PathVerdict.Reachable;
    /// <summary>For a range that is not reachable: the first check that stops it.</summary>
    public WalkDirection? BlockedDirection { get; init; }
    public string? BlockedAt { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? Explanation { get; init; }

    public override string ToString() => $"{Protocol} {Ports}: {Verdict}{(BlockedAt is null ? "" : $" at {BlockedAt} ({Reason})")}";
}

/// <summary>Which destination ports get through, forward and return, split into runs by outcome.</summary>
public sealed class PortReachability
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Protocol { get; init; } = "";
    public PortSet RequestedPorts { get; init; } = PortSet.Empty;
    /// <summary>The ports for which the whole walk, forward and return, is Reachable.</summary>
    public PortSet ReachablePorts { get; init; } = PortSet.Empty;
    public string ReachablePortsText => ReachablePorts.ToString();
    /// <summary>Every requested port in exactly one run, in port order.</summary>
    public IReadOnlyList<PortRangeVerdict> Ranges { get; init; } = Array.Empty<PortRangeVerdict>();
    /// <summary>The walk that decided it, with the whole port set (its hops show where each filter narrowed the set).</summary>
    public PacketPathResult Walk { get; init; } = null!;
}

public sealed partial class PacketWalker
{
    /// <summary>
    /// Walks a set of destination ports at once: security groups and NACLs narrow the set hop by hop, each removed part
    /// keeps the hop that removed it, and what reaches the destination shares the reply's fate (the reply's NACLs check
    /// the client's ports, which do not depend on the server port). One walk answers 0-65535.
    /// </summary>
    public PortReachability ReachablePorts(WalkRequest request)
    {
        if (!IpProtocol.HasPorts(request.Protocol))
            throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Port ranges apply to tcp and udp, not {IpProtocol.Name(request.Protocol)}.");
        var requested = request.DestinationPorts ?? (request.Port is { } p ? PortSet.Of(p) : PortSet.All);
        if (requested.IsEmpty)
            throw new WalkInputException(WalkErrorIds.InvalidPacket, "The destination port set is empty.");
        var (runs, walk) = Runs(request, requested, refine: true);

        // Neighbouring runs that end the same way (split only to be walked) are one run.
        var ordered = new List<PortRun>();
        foreach (var run in runs.OrderBy(r => r.Range.From))
        {
            if (ordered.Count > 0 && ordered[^1] is var last && last.Range.To + 1 == run.Range.From && last.Verdict == run.Verdict
                && last.Direction == run.Direction && last.At == run.At && last.Reason == run.Reason && last.Rule == run.Rule)
                ordered[^1] = last with { Range = new PortRange(last.Range.From, run.Range.To) };
            else ordered.Add(run);
        }
        var reachable = PortSet.Of(ordered.Where(r => r.Verdict == PathVerdict.Reachable).Select(r => r.Range));
        return new PortReachability
        {
            Source = request.Source,
            Destination = request.Destination,
            Protocol = IpProtocol.Name(request.Protocol),
            RequestedPorts = requested,
            ReachablePorts = reachable,
            Ranges = ordered.Select(r => new PortRangeVerdict
            {
                Source = request.Source, Destination = request.Destination, Protocol = IpProtocol.Name(request.Protocol),
                FromPort = r.Range.From, ToPort = r.Range.To, Verdict = r.Verdict,
                BlockedDirection = r.Verdict == PathVerdict.Reachable ? null : r.Direction,
                BlockedAt = r.Verdict == PathVerdict.Reachable ? null : r.At,
                Reason = r.Verdict == PathVerdict.Reachable ? null : r.Reason,
                Rule = r.Verdict == PathVerdict.Reachable ? null : r.Rule,
                Explanation = r.Verdict == PathVerdict.Reachable ? null : r.Explanation,
            }).ToList(),
            Walk = walk,
        };
    }

    private readonly record struct PortRun(PortRange Range, PathVerdict Verdict, WalkDirection? Direction, string? At, string? Reason, string? Rule, string? Explanation);

    private (List<PortRun> Runs, PacketPathResult Walk) Runs(WalkRequest request, PortSet ports, bool refine)
    {
        var walk = Walk(request with { DestinationPorts = ports, Port = ports.First, AllBlockers = false });
        var runs = new List<PortRun>();
        foreach (var drop in walk.ForwardPortDrops)
            foreach (var range in drop.Ports.Ranges)
                runs.Add(new PortRun(range, PathVerdict.Blocked, WalkDirection.Forward, drop.Hop.Component, drop.Reason, drop.Rule,
                    $"{drop.Hop.Component} lets only part of the port set through ({drop.Hop.Note ?? drop.Hop.Rule}); {drop.Ports} stop there."));
        var remaining = walk.ForwardRemainingPorts;
        if (refine && walk.Verdict is PathVerdict.Ambiguous or PathVerdict.Unknown && PortAtoms(remaining).Count > 1)
        {
            // Where AWS's choice (TGW AZ, ECMP) leads through filters that narrow the set differently, the alternatives
            // disagree on the set as a whole though they may agree port by port; a rule the snapshot cannot resolve (a
            // group of an unknown account) makes only its own ports Unknown. Ports between the same rule boundaries
            // behave alike in every filter, so each such run is walked on its own and gets its exact outcome.
            foreach (var atom in PortAtoms(remaining))
                runs.AddRange(Runs(request, atom, refine: false).Runs);
            return (runs, walk);
        }
        // The ports still in the packet where the forward leg ended share the walk's outcome.
        foreach (var range in remaining.Ranges)
            runs.Add(new PortRun(range, walk.Verdict, walk.BlockedDirection, walk.BlockedAt, walk.Reason, walk.Rule, walk.Explanation));
        return (runs, walk);
    }

    /// <summary>
    /// The set cut at every port boundary of every security-group rule and NACL entry in the model: within one piece
    /// every filter treats every port alike.
    /// </summary>
    private IReadOnlyList<PortSet> PortAtoms(PortSet ports)
    {
        var cuts = new SortedSet<int>();
        foreach (var group in _model.SecurityGroups.Values)
            foreach (var rule in group.IngressRules.Concat(group.EgressRules))
                if (IpProtocol.HasPorts(rule.Protocol) && rule.FromPort is { } from and >= 0)
                {
                    cuts.Add(from);
                    cuts.Add((rule.ToPort ?? from) + 1);
                }
        foreach (var acl in _model.NetworkAcls.Values)
            foreach (var entry in acl.Entries)
                if (entry.PortRange is { } range)
                {
                    cuts.Add(range.From);
                    cuts.Add(range.To + 1);
                }
        // A policy table's destination port ranges pick route tables per port (R-TGW-24).
        foreach (var entries in _model.TransitGatewayPolicyTableEntries.Values)
            foreach (var entry in entries)
                if (entry.PolicyRule.DestinationPorts is { } range)
                {
                    cuts.Add(range.From);
                    cuts.Add(range.To + 1);
                }
        var atoms = new List<PortSet>();
        foreach (var range in ports.Ranges)
        {
            int start = range.From;
            foreach (var cut in range.From < range.To ? cuts.GetViewBetween(range.From + 1, range.To) : Enumerable.Empty<int>())
            {
                atoms.Add(PortSet.Of(start, cut - 1));
                start = cut;
            }
            atoms.Add(PortSet.Of(start, range.To));
        }
        return atoms;
    }
}
