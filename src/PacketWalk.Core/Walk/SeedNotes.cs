using System.Text;

namespace PacketWalk.Core.Walk;

/// <summary>Prints a walk as the seed's packet-walking notes: "== Packet Path ==", "Forward: …", "== Packet Headers ==".</summary>
public static class SeedNotes
{
    public static string Format(PacketPathResult result) => Format(result, includeHops: false);

    /// <param name="result">The walk.</param>
    /// <param name="includeHops">Also list every check, one line each, under "== Hops ==" (the notes the seed makes at each step).</param>
    public static string Format(PacketPathResult result, bool includeHops)
    {
        var sb = new StringBuilder();
        sb.AppendLine("== Packet Path ==");
        sb.AppendLine($"Forward: {result.ForwardPathText}{(result.BlockedDirection == WalkDirection.Forward ? $" -> X blocked at {result.BlockedAt}" : "")}");
        var returnText = result.ReturnPath.Count == 0 && result.BlockedDirection == WalkDirection.Forward ? "(not walked: the forward path is blocked)" : result.ReturnPathText;
        sb.AppendLine($"Return: {returnText}{(result.BlockedDirection == WalkDirection.Return ? $" -> X blocked at {result.BlockedAt}" : "")}");
        sb.AppendLine();
        sb.AppendLine("== Packet Headers ==");
        sb.AppendLine($"Source: {result.SourceAddress}");
        sb.AppendLine($"Source Port: {(result.SourcePort is null ? "n/a" : result.SourcePort.Contains('-') ? $"Ephemeral ({result.SourcePort})" : result.SourcePort)}");
        sb.AppendLine($"Destination: {result.DestinationAddress}");
        var port = result.Port is { } p ? $"{p}/{result.Protocol}" : result.IcmpType is { } t ? $"{result.Protocol} type {t}{(result.IcmpCode is { } c ? $" code {c}" : "")}" : result.Protocol;
        sb.AppendLine($"Destination Port: {port}");
        sb.AppendLine();
        sb.AppendLine($"== Verdict ==");
        sb.AppendLine($"{result.Verdict}{(result.BlockedAt is null ? "" : $" at {result.BlockedAt} ({result.Reason}): {result.Rule}")}");
        if (result.Explanation is not null) sb.AppendLine(result.Explanation);
        foreach (var note in result.Notes) sb.AppendLine($"Note: {note}");
        if (includeHops && result.Hops.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("== Hops ==");
            var stepWidth = result.Hops.Max(h => h.Step.ToString().Length);
            var componentWidth = result.Hops.Max(h => (h.Component ?? "").Length);
            foreach (var hop in result.Hops)
            {
                var line = $"{hop.Direction,-7} {hop.Sequence,3} {hop.Step.ToString().PadRight(stepWidth)} {(hop.Component ?? "").PadRight(componentWidth)} {hop.Decision,-9} {hop.Rule}";
                if (hop.Reason is not null) line += $" [{hop.Reason}]";
                sb.AppendLine(line.TrimEnd());
            }
        }
        return sb.ToString();
    }
}
