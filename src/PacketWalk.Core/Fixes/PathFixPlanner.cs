using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Fixes;

/// <summary>
/// Proposes the smallest change per blocker and proves it in memory: the walk is repeated with every blocker listed,
/// each blocker gets a fix, the fixes are applied to a copy of the model and the flow is walked again. Blocks that only a
/// fixed path reaches (past a missing route) turn up in the next round. Nothing is ever sent to AWS.
/// </summary>
public static partial class PathFixPlanner
{
    /// <summary>Plans the fixes for a walk result (it carries its model and request).</summary>
    public static FixPlan Plan(PacketPathResult walk, FixOptions? options = null)
    {
        var model = walk.GetModel() ?? throw new ArgumentException("The walk result does not carry the model it ran on; plan from a model and a request instead.", nameof(walk));
        var request = walk.GetRequest() ?? throw new ArgumentException("The walk result does not carry its request.", nameof(walk));
        return Plan(model, request, options);
    }

    public static FixPlan Plan(NetworkModel model, WalkRequest request, FixOptions? options = null)
    {
        options ??= new FixOptions();
        var withBlockers = request with { AllBlockers = true };
        var before = new PacketWalker(model).Walk(withBlockers);
        var current = model;
        var result = before;
        var fixes = new List<PathFix>();
        var notes = new List<string>();
        var proposed = new HashSet<string>(StringComparer.Ordinal);

        for (int round = 1; round <= options.MaxRounds && !Cleared(result); round++)
        {
            if (result.Blockers.Count == 0)
            {
                notes.Add($"{result.Verdict} at {result.BlockedAt} ({result.Reason}) is not a block a configuration change clears: {result.Explanation}");
                break;
            }
            var context = new FixContext(current, result, request, options, round);
            var roundFixes = result.Blockers.SelectMany(context.Propose).ToList();
            var fresh = roundFixes.Where(f => proposed.Add(FixKey(f))).ToList();
            fixes.AddRange(fresh);
            var edits = fresh.Where(f => f.Edit is not null).Select(f => f.Edit!).ToList();
            if (edits.Count == 0)
            {
                var stuck = result.Blockers.FirstOrDefault(b => !b.WalkedPast) ?? result.Blockers[0];
                notes.Add(fresh.Count == 0
                    ? $"the changes proposed so far do not clear {stuck.Component} ({stuck.Reason})"
                    : $"the path needs a structural change at {stuck.Component} ({stuck.Reason}) before the rest of it can be checked");
                break;
            }
            try
            {
                current = current.With(edits);
            }
            catch (ModelEditException ex)
            {
                notes.Add($"a proposed change cannot be applied: {ex.Message}");
                break;
            }
            result = new PacketWalker(current).Walk(withBlockers);
        }
        if (!Cleared(result) && notes.Count == 0)
            notes.Add($"after {options.MaxRounds} rounds of fixes the walk is still {result.Verdict} at {result.BlockedAt} ({result.Reason})");
        for (int i = 0; i < fixes.Count; i++) fixes[i].Sequence = i + 1;
        return new FixPlan
        {
            Request = request,
            Before = before,
            After = result,
            Fixes = fixes,
            FixedModel = current,
            Notes = notes,
        };
    }

    /// <summary>Nothing left to fix: delivered and back, or out to an edge of the estate and back in (R-TGW-20).</summary>
    internal static bool Cleared(PacketPathResult walk) => walk.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge;

    private static string FixKey(PathFix f) => $"{f.Kind}|{f.ResourceId}|{f.Command ?? f.Change}";
}
