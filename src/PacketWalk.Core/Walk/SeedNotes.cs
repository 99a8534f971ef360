using System.Text;

namespace PacketWalk.Core.Walk;

/// <summary>Prints a walk as the seed's packet-walking notes: "== Packet Path ==", "Forward: …", "== Packet Headers ==".</summary>
public static class SeedNotes
{
    public static string Format(PacketPathResult result)
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
        return sb.ToString();
    }
}
