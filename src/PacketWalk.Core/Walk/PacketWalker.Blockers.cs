using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>
/// Every blocker on the way (the idea behind AWS's blocked-path analysis): a second walker on the same model goes on
/// past each filter block as if it had been fixed and records each one; where a fix would change the path (a missing
/// route, a blackhole, no attachment in the AZ) it stops and says so rather than invent the rest.
/// </summary>
public sealed partial class PacketWalker
{
    /// <summary>True for the walker that goes on past filter blocks (security groups, NACLs).</summary>
    private readonly bool _walkOnPastBlocks;
    private PacketWalker? _blockerWalker;

    /// <summary>
    /// The walk-on twin of this walker, built once (walkers are stateless, so sharing it is safe). It shares the decision
    /// cache: a NACL or security-group decision does not depend on whether the walk goes on past blocks.
    /// </summary>
    private PacketWalker BlockerWalker => LazyInitializer.EnsureInitialized(ref _blockerWalker, () => new PacketWalker(_model, _decisions, walkOnPastBlocks: true));

    /// <summary>
    /// The ordinary walk decides the verdict (so it is exactly what a walk without AllBlockers says); the walk-on twin
    /// lists the blockers. Up to the first block both walks are the same, so the first blocker is the one that decided.
    /// </summary>
    private PacketPathResult WalkWithBlockers(WalkRequest request)
    {
        var plain = request with { AllBlockers = false };
        var result = Walk(plain);
        var onward = BlockerWalker.Walk(plain);
        var blockers = onward.LegBlockers.ToList();
        for (int i = 0; i < blockers.Count; i++) blockers[i].Sequence = i + 1;
        result.Blockers = blockers;
        // Walked to the end both ways; an edge (VPN, Direct Connect) is as far as any walk goes (R-TGW-20).
        result.BlockersComplete = onward.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge;
        result.Request = request;
        if (onward.Verdict == PathVerdict.Blocked && blockers.Count > 0 && !blockers[^1].WalkedPast)
            result.BlockersIncompleteReason = $"the walk stopped at {blockers[^1].Component} ({blockers[^1].Reason}): {blockers[^1].Note}";
        else if (result.BlockersComplete != true)
            // The walk past the blockers ended for another reason (missing data, AWS's choice): later checks are not known.
            result.BlockersIncompleteReason = $"the walk past the blockers ended {onward.Verdict} at {onward.BlockedAt} ({onward.Reason}); checks beyond it are not known";
        return result;
    }

    /// <summary>
    /// A filter (security group, NACL) denies the whole port set. In walk-on mode it is recorded and the walk goes on as
    /// if the filter allowed the packet (returns null); otherwise the leg stops here.
    /// </summary>
    private LegOutcome? BlockAtFilter(Trace trace, PacketHop hop, Packet packet, string at, string reason, string explanation)
    {
        var denied = packet.DestinationPorts;
        trace.Blockers.Add(PacketBlocker.From(trace, hop, packet, denied, walkedPast: _walkOnPastBlocks, reason, explanation, null));
        if (_walkOnPastBlocks) return null;
        return new LegOutcome(OutcomeKind.Blocked, trace, packet) { At = at, Reason = reason, Rule = hop.Rule, Explanation = explanation };
    }

    /// <summary>Keeps what the per-port and per-blocker views need from the legs on the result (not part of its printed contract).</summary>
    private void KeepLegAccounts(PacketPathResult result, WalkRequest request, Endpoint source, LegOutcome forward, LegOutcome? reply)
    {
        result.Model = _model;
        result.Request ??= request;
        result.LegBlockers = reply is null ? forward.Trace.Blockers.ToList() : forward.Trace.Blockers.Concat(reply.Trace.Blockers).ToList();
        result.ForwardPortDrops = forward.Trace.PortDrops.ToList();
        result.ForwardRemainingPorts = forward.Packet.DestinationPorts;
        result.ClientEphemeralRange = source.Instance?.IsWindows == true ? WindowsEphemeral : LinuxEphemeral;
    }
}
